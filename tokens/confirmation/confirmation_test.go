package confirmation_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/internal/reasontest"
	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/tokens/confirmation"
	"github.com/wimse-wg/wimse/wimse"
)

// rfc9449Key is the DPoP key of RFC 9449 §4.1's example; its thumbprint is
// the jkt of §6.1's example.
const (
	rfc9449JWK = `{"kty":"EC","x":"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs","y":"9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA","crv":"P-256"}`
	rfc9449JKT = "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"
)

func rfc9449Key(t testing.TB) *ecdsa.PublicKey {
	t.Helper()
	c, err := confirmation.Parse([]byte(`{"jwk":` + rfc9449JWK + `}`))
	if err != nil {
		t.Fatal(err)
	}
	return c.Key().(*ecdsa.PublicKey)
}

func cert(t testing.TB, label string) *x509.Certificate {
	t.Helper()
	key := wimsetest.EC(t, elliptic.P256(), label)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: label},
		NotBefore: time.Unix(1700000000, 0), NotAfter: time.Unix(1900000000, 0)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestThumbprintRFC9449(t *testing.T) {
	got, err := confirmation.Thumbprint(rfc9449Key(t))
	if err != nil || got != rfc9449JKT {
		t.Fatalf("got %q, %v; want %q", got, err, rfc9449JKT)
	}
	c, err := confirmation.JKT(rfc9449Key(t))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(c)
	if string(out) != `{"jkt":"`+rfc9449JKT+`"}` {
		t.Errorf("MarshalJSON: %s", out)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		wantMethod confirmation.Method
		wantReason wimse.Reason
	}{
		{name: "jkt", in: `{"jkt":"` + rfc9449JKT + `"}`, wantMethod: confirmation.MethodJKT},
		{name: "x5t#S256", in: `{"x5t#S256":"bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg0"}`, wantMethod: confirmation.MethodX5TS256},
		// RFC 8705 §3.1's example value ends in "2": its last character
		// carries non-zero padding bits, so it is no canonical encoding of
		// any hash and could never match a certificate.
		{name: "x5t#S256 rfc 8705 example not canonical", in: `{"x5t#S256":"bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2"}`, wantReason: wimse.ReasonCnfMalformed},
		{name: "jwk", in: `{"jwk":` + rfc9449JWK + `}`, wantMethod: confirmation.MethodJWK},
		{name: "jwk and jkt", in: `{"jwk":` + rfc9449JWK + `,"jkt":"` + rfc9449JKT + `"}`, wantReason: wimse.ReasonCnfAmbiguous},
		{name: "jkt and x5t#S256", in: `{"jkt":"` + rfc9449JKT + `","x5t#S256":"bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg0"}`, wantReason: wimse.ReasonCnfAmbiguous},
		{name: "jkt and kid", in: `{"jkt":"` + rfc9449JKT + `","kid":"k1"}`, wantReason: wimse.ReasonCnfAmbiguous},
		{name: "empty", in: `{}`, wantReason: wimse.ReasonCnfMethod},
		{name: "kid only", in: `{"kid":"k1"}`, wantReason: wimse.ReasonCnfMethod},
		{name: "jku only", in: `{"jku":"https://evil.example/jwks"}`, wantReason: wimse.ReasonCnfMethod},
		{name: "not an object", in: `"` + rfc9449JKT + `"`, wantReason: wimse.ReasonCnfMalformed},
		{name: "duplicate jkt", in: `{"jkt":"` + rfc9449JKT + `","jkt":"` + rfc9449JKT + `"}`, wantReason: wimse.ReasonCnfMalformed},
		{name: "jkt padded", in: `{"jkt":"` + rfc9449JKT + `="}`, wantReason: wimse.ReasonCnfMalformed},
		{name: "jkt short", in: `{"jkt":"0ZcOCORZNYy"}`, wantReason: wimse.ReasonCnfMalformed},
		{name: "jkt standard base64", in: `{"jkt":"` + strings.ReplaceAll(rfc9449JKT, "-", "+") + `"}`, wantReason: wimse.ReasonCnfMalformed},
		{name: "jkt a number", in: `{"jkt":1}`, wantReason: wimse.ReasonCnfMalformed},
		{name: "jwk private", in: `{"jwk":{"kty":"EC","crv":"P-256","x":"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs","y":"9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA","d":"AAAA"}}`, wantReason: wimse.ReasonCnfMalformed},
		{name: "jwk symmetric", in: `{"jwk":{"kty":"oct","k":"AAAA"}}`, wantReason: wimse.ReasonCnfMalformed},
		{name: "jwk a string", in: `{"jwk":"x"}`, wantReason: wimse.ReasonCnfMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := confirmation.Parse([]byte(tt.in))
			reasontest.CheckReason(t, err, tt.wantReason, "")
			if err != nil {
				return
			}
			if c.Method() != tt.wantMethod {
				t.Errorf("Method: got %q, want %q", c.Method(), tt.wantMethod)
			}
			out, err := json.Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			back, err := confirmation.Parse(out)
			if err != nil || back.Method() != c.Method() || back.Value() != c.Value() {
				t.Errorf("round trip: %s, %v", out, err)
			}
		})
	}
}

func TestProof(t *testing.T) {
	dpop := rfc9449Key(t)
	other := &wimsetest.EC(t, elliptic.P256(), "other").PublicKey
	leaf, otherLeaf := cert(t, "client"), cert(t, "other client")
	jkt, _ := confirmation.JKT(dpop)
	jwk, err := confirmation.JWK(dpop, "ES256")
	if err != nil {
		t.Fatal(err)
	}
	x5t := confirmation.X5TS256(leaf)
	tests := []struct {
		name       string
		claim      confirmation.Claim
		proof      confirmation.Proof
		wantReason wimse.Reason
	}{
		{name: "dpop key matches jkt", claim: jkt, proof: confirmation.Key(dpop)},
		{name: "workload key matches jwk", claim: jwk, proof: confirmation.Key(dpop)},
		{name: "certificate matches x5t#S256", claim: x5t, proof: confirmation.Certificate(leaf)},
		{name: "bearer without proof", claim: confirmation.Claim{}, proof: nil},
		{name: "other key for jkt", claim: jkt, proof: confirmation.Key(other), wantReason: wimse.ReasonCnfMismatch},
		{name: "other key for jwk", claim: jwk, proof: confirmation.Key(other), wantReason: wimse.ReasonCnfMismatch},
		{name: "other certificate", claim: x5t, proof: confirmation.Certificate(otherLeaf), wantReason: wimse.ReasonCnfMismatch},
		{name: "key for a certificate binding", claim: x5t, proof: confirmation.Key(dpop), wantReason: wimse.ReasonCnfMismatch},
		{name: "certificate for a key binding", claim: jkt, proof: confirmation.Certificate(leaf), wantReason: wimse.ReasonCnfMismatch},
		{name: "bound token without proof", claim: jkt, proof: nil, wantReason: wimse.ReasonCnfUnconfirmed},
		{name: "proof for a bearer token", claim: confirmation.Claim{}, proof: confirmation.Key(dpop), wantReason: wimse.ReasonCnfMissing},
		{name: "certificate for a bearer token", claim: confirmation.Claim{}, proof: confirmation.Certificate(leaf), wantReason: wimse.ReasonCnfMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reasontest.CheckReason(t, confirmation.Confirm(tt.claim, tt.proof), tt.wantReason, "")
		})
	}
}

// FuzzParseCnf: Parse never panics, rejects with a cnf.* reason, and what
// it accepts round-trips.
func FuzzParseCnf(f *testing.F) {
	for _, s := range []string{`{"jkt":"` + rfc9449JKT + `"}`, `{"jwk":` + rfc9449JWK + `}`, `{"x5t#S256":"bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg0"}`,
		`{"jkt":"a","jwk":{}}`, `{}`, `{"kid":"x"}`, `[]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		c, err := confirmation.Parse(in)
		if err != nil {
			if r := wimse.ReasonOf(err); !strings.HasPrefix(string(r), "cnf.") || !r.Known() {
				t.Fatalf("reason %q", r)
			}
			return
		}
		out, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		back, err := confirmation.Parse(out)
		if err != nil || back.Method() != c.Method() || back.Value() != c.Value() {
			t.Fatalf("round trip: %s, %v", out, err)
		}
	})
}
