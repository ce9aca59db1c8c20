package wimse_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"math/big"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spiffe/go-spiffe/v2/bundle/spiffebundle"
	"github.com/spiffe/go-spiffe/v2/spiffeid"

	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/wimse"
)

// testCA is a self-signed CA certificate of trust domain td.
func testCA(t testing.TB, td string) *x509.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse("spiffe://" + td)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: td + " root"},
		NotBefore: time.Unix(0, 0), NotAfter: time.Unix(4102444800, 0),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		URIs: []*url.URL{u},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// bundleDoc marshals a SPIFFE bundle of td with go-spiffe.
func bundleDoc(t testing.TB, td string, jwt, wit map[string]crypto.PublicKey, roots ...*x509.Certificate) []byte {
	t.Helper()
	b := spiffebundle.New(spiffeid.RequireTrustDomainFromString(td))
	for kid, k := range jwt {
		if err := b.AddJWTAuthority(kid, k); err != nil {
			t.Fatal(err)
		}
	}
	for kid, k := range wit {
		if err := b.AddWITAuthority(kid, k); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range roots {
		b.AddX509Authority(c)
	}
	b.SetSequenceNumber(7)
	b.SetRefreshHint(5 * time.Minute)
	doc, err := b.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func kids(a wimse.Anchors) []string {
	var out []string
	for _, k := range a.Keys {
		out = append(out, k.KeyID)
	}
	return out
}

// TestParseSPIFFEBundle: a SPIFFE bundle gives its trust domain the
// wit-svid authorities as WIT issuer keys (the jwt-svid ones only when
// there is no wit-svid key) and the x509-svid authorities as X.509 roots;
// a bundle that trusts nothing, or holds a key no verifier may use, is an
// error.
func TestParseSPIFFEBundle(t *testing.T) {
	td := wimse.MustParseTrustDomain("a.example")
	jwtKey := wimsetest.For(t, "ES256", "spiffe-jwt").Public()
	witKey := wimsetest.For(t, "ES384", "spiffe-wit").Public()
	ca := testCA(t, "a.example")
	weakRSA := &rsa.PublicKey{N: new(big.Int).Lsh(big.NewInt(1), 1023), E: 65537}
	weakRSA.N.Add(weakRSA.N, big.NewInt(1))
	for _, tc := range []struct {
		name      string
		doc       []byte
		wantKids  []string
		wantRoots int
		wantErr   string
	}{
		{name: "wit-svid, jwt-svid and x509-svid", doc: bundleDoc(t, "a.example", map[string]crypto.PublicKey{"j1": jwtKey}, map[string]crypto.PublicKey{"w1": witKey}, ca),
			wantKids: []string{"w1"}, wantRoots: 1},
		{name: "jwt-svid only", doc: bundleDoc(t, "a.example", map[string]crypto.PublicKey{"j1": jwtKey, "j0": witKey}, nil),
			wantKids: []string{"j0", "j1"}},
		{name: "x509-svid only", doc: bundleDoc(t, "a.example", nil, nil, ca), wantRoots: 1},
		{name: "no authority", doc: []byte(`{"keys":[],"spiffe_sequence":1}`), wantErr: "has no wit-svid, jwt-svid or x509-svid authority"},
		{name: "only keys of unknown use", doc: []byte(`{"keys":[{"use":"enc","kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}`),
			wantErr: "has no wit-svid"},
		{name: "keys missing", doc: []byte(`{"spiffe_sequence":1}`), wantErr: "no authorities found"},
		{name: "not JSON", doc: []byte(`keys`), wantErr: "unable to parse JWKS"},
		{name: "private key", doc: []byte(`{"keys":[{"use":"jwt-svid","kid":"p","kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}]}`),
			wantErr: "unsupported key type *ecdsa.PrivateKey"},
		{name: "RSA key below 2048 bits", doc: bundleDoc(t, "a.example", map[string]crypto.PublicKey{"r": weakRSA}, nil), wantErr: `jwt-svid key "r"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := wimse.ParseSPIFFEBundle(td, tc.doc)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := kids(a); !slices.Equal(got, tc.wantKids) {
				t.Errorf("issuer keys %v, want %v", got, tc.wantKids)
			}
			if len(a.X509Roots) != tc.wantRoots {
				t.Errorf("%d roots, want %d", len(a.X509Roots), tc.wantRoots)
			}
			for _, k := range a.Keys {
				if k.Algorithm != "" || k.Public == nil {
					t.Errorf("key %q: algorithm %q, public %v", k.KeyID, k.Algorithm, k.Public)
				}
			}
		})
	}
	if _, err := wimse.ParseSPIFFEBundle(wimse.TrustDomain{}, bundleDoc(t, "a.example", nil, nil, ca)); err == nil {
		t.Error("a bundle for the zero trust domain was accepted")
	}
}

// TestParseSPIFFEBundleSet: a set maps each trust domain (SPIFFE ID or bare
// name) to its own bundle; the anchors of one never reach another.
func TestParseSPIFFEBundleSet(t *testing.T) {
	aKey := wimsetest.For(t, "ES256", "a-issuer").Public()
	bKey := wimsetest.For(t, "ES256", "b-issuer").Public()
	aDoc := string(bundleDoc(t, "a.example", nil, map[string]crypto.PublicKey{"a1": aKey}))
	bDoc := string(bundleDoc(t, "b.example", map[string]crypto.PublicKey{"b1": bKey}, nil, testCA(t, "b.example")))

	set, err := wimse.ParseSPIFFEBundleSet([]byte(`{"spiffe://a.example":` + aDoc + `,"b.example":` + bDoc + `}`))
	if err != nil {
		t.Fatal(err)
	}
	a, b := set[wimse.MustParseTrustDomain("a.example")], set[wimse.MustParseTrustDomain("b.example")]
	if len(set) != 2 || !slices.Equal(kids(a), []string{"a1"}) || !slices.Equal(kids(b), []string{"b1"}) || len(a.X509Roots) != 0 || len(b.X509Roots) != 1 {
		t.Fatalf("set = %+v", set)
	}

	for name, doc := range map[string]string{
		"not an object":           `[]`,
		"empty":                   `{}`,
		"trust domain twice":      `{"spiffe://a.example":` + aDoc + `,"a.example":` + aDoc + `}`,
		"workload ID as member":   `{"spiffe://a.example/workload":` + aDoc + `}`,
		"upper-case trust domain": `{"spiffe://A.example":` + aDoc + `}`,
		"wimse scheme":            `{"wimse://a.example":` + aDoc + `}`,
		"member not a bundle":     `{"a.example":"keys"}`,
		"bad member bundle":       `{"a.example":{"keys":[]}}`,
		"a single bundle":         aDoc,
		"trailing data":           `{"a.example":` + aDoc + `} {}`,
		"truncated":               `{"a.example":` + aDoc,
	} {
		t.Run(name, func(t *testing.T) {
			if got, err := wimse.ParseSPIFFEBundleSet([]byte(doc)); err == nil {
				t.Errorf("accepted: %+v", got)
			}
		})
	}
}

// FuzzParseSPIFFEBundleSet: any input is refused with an error or gives a
// non-empty set in which every trust domain has anchors and every issuer
// key has a kid and a public key; nothing panics.
func FuzzParseSPIFFEBundleSet(f *testing.F) {
	aDoc := bundleDoc(f, "a.example", map[string]crypto.PublicKey{"j": wimsetest.For(f, "ES256", "a-issuer").Public()},
		map[string]crypto.PublicKey{"w": wimsetest.Ed("a-wit").Public()}, testCA(f, "a.example"))
	seed, _ := json.Marshal(map[string]json.RawMessage{"spiffe://a.example": aDoc, "b.example": []byte(`{"keys":[{"use":"jwt-svid","kid":"k","kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}`)})
	f.Add(seed)
	f.Add([]byte(`{"spiffe://a.example":{"keys":[]}}`))
	f.Add([]byte(`{"a.example":{"keys":[{"use":"x509-svid","x5c":["AA=="]}]}}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		set, err := wimse.ParseSPIFFEBundleSet(data)
		if err != nil {
			return
		}
		if len(set) == 0 {
			t.Fatal("accepted an empty set")
		}
		for td, a := range set {
			if td.IsZero() {
				t.Fatal("zero trust domain")
			}
			if len(a.Keys) == 0 && len(a.X509Roots) == 0 {
				t.Fatalf("%s: no anchors", td)
			}
			for _, k := range a.Keys {
				if k.KeyID == "" || k.Public == nil {
					t.Fatalf("%s: key %+v", td, k)
				}
			}
		}
	})
}
