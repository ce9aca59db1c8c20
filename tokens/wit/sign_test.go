package wit_test

import (
	"crypto"
	"crypto/elliptic"
	"slices"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/internal/reasontest"

	"github.com/google/go-cmp/cmp"

	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/wimse"
)

// signerStore trusts example.com with pub under kid k1.
func signerStore(pub crypto.PublicKey) *wimse.TrustStore {
	s := wimse.NewTrustStore()
	s.Set(wimse.MustParseTrustDomain("example.com"), wimse.Anchors{Keys: []wimse.IssuerKey{{KeyID: "k1", Public: pub}}})
	return s
}

func baseClaims(t testing.TB) wit.Claims {
	t.Helper()
	return wit.Claims{
		Subject:  wimse.MustParseID("wimse://example.com/workload"),
		Issuer:   "https://issuer.example.com",
		ID:       "wit-jti-1",
		IssuedAt: time.Unix(witNow-60, 0),
		Expiry:   time.Unix(witNow+3600, 0),
		Key:      wimsetest.Ed("workload").Public(),
	}
}

// TestSignerRoundTrip: what Signer issues, Verifier accepts, for every
// issuer algorithm and every workload key type.
func TestSignerRoundTrip(t *testing.T) {
	type summary struct {
		Algorithm, KeyID, Type, Subject, Issuer, ID, CnfAlg string
		Expiry, IssuedAt                                    int64
		Claims                                              []string
	}
	for _, alg := range wimsetest.AllAlgs {
		t.Run(alg, func(t *testing.T) {
			t.Parallel()
			issuer := wimsetest.For(t, alg, "issuer")
			workload := wimsetest.For(t, alg, "workload")
			c := baseClaims(t)
			c.Key, c.KeyAlg = workload.Public(), alg
			raw, err := (&wit.Signer{Key: issuer, Alg: alg, KeyID: "k1"}).Sign(c)
			if err != nil {
				t.Fatalf("Sign: %v", err)
			}
			v := &wit.Verifier{Trust: signerStore(issuer.Public()), Policy: wimse.Policy{Now: wimsetest.Clock(witNow)}}
			tok, err := v.Verify(raw)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			got := summary{
				Algorithm: tok.Algorithm, KeyID: tok.KeyID, Type: tok.Type, Subject: tok.Subject.String(),
				Issuer: tok.Issuer, ID: tok.ID, CnfAlg: tok.Confirmation.Alg,
				Expiry: tok.Expiry.Unix(), IssuedAt: tok.IssuedAt.Unix(),
			}
			for k := range tok.Claims {
				got.Claims = append(got.Claims, k)
			}
			slices.Sort(got.Claims)
			want := summary{
				Algorithm: alg, KeyID: "k1", Type: wit.MediaType, Subject: "wimse://example.com/workload",
				Issuer: "https://issuer.example.com", ID: "wit-jti-1", CnfAlg: alg,
				Expiry: witNow + 3600, IssuedAt: witNow - 60,
				Claims: []string{"cnf", "exp", "iat", "iss", "jti", "sub"},
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("verified token (-want +got):\n%s", diff)
			}
			if !workload.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(tok.Confirmation.Key) {
				t.Errorf("cnf key is not the workload key")
			}
		})
	}
}

// TestSignerDefaults: "" algorithms default by key type, optional claims
// are omitted when empty, and Extra cannot replace registered claims.
func TestSignerDefaults(t *testing.T) {
	tests := []struct {
		name             string
		issuer, workload crypto.Signer
		wantAlg, wantCnf string
		extra            map[string]any
		wantClaims       []string
		omitIssuerAndJTI bool
	}{
		{name: "P-256 issuer, Ed25519 workload", issuer: wimsetest.EC(t, elliptic.P256(), "issuer"), workload: wimsetest.Ed("workload"), wantAlg: "ES256", wantCnf: "EdDSA",
			wantClaims: []string{"cnf", "exp", "iat", "iss", "jti", "sub"}},
		{name: "P-384 issuer, P-521 workload", issuer: wimsetest.EC(t, elliptic.P384(), "issuer"), workload: wimsetest.EC(t, elliptic.P521(), "workload"), wantAlg: "ES384", wantCnf: "ES512",
			wantClaims: []string{"cnf", "exp", "iat", "iss", "jti", "sub"}},
		{name: "Ed25519 issuer, RSA workload", issuer: wimsetest.Ed("issuer"), workload: wimsetest.RSA(t), wantAlg: "EdDSA", wantCnf: "RS256",
			wantClaims: []string{"cnf", "exp", "iat", "iss", "jti", "sub"}},
		{name: "RSA issuer, optional claims omitted", issuer: wimsetest.RSA(t), workload: wimsetest.Ed("workload"), wantAlg: "RS256", wantCnf: "EdDSA",
			omitIssuerAndJTI: true, wantClaims: []string{"cnf", "exp", "sub"}},
		{name: "Extra cannot replace registered claims", issuer: wimsetest.Ed("issuer"), workload: wimsetest.Ed("workload"), wantAlg: "EdDSA", wantCnf: "EdDSA",
			extra:      map[string]any{"sub": "wimse://example.com/admin", "exp": 1, "cnf": "x", "example.com/tier": "gold"},
			wantClaims: []string{"cnf", "example.com/tier", "exp", "iat", "iss", "jti", "sub"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := baseClaims(t)
			c.Key = tc.workload.Public()
			c.Extra = tc.extra
			if tc.omitIssuerAndJTI {
				c.Issuer, c.ID, c.IssuedAt = "", "", time.Time{}
			}
			raw, err := (&wit.Signer{Key: tc.issuer}).Sign(c)
			if err != nil {
				t.Fatalf("Sign: %v", err)
			}
			s := wimse.NewTrustStore()
			s.Set(wimse.MustParseTrustDomain("example.com"), wimse.Anchors{Keys: []wimse.IssuerKey{{Public: tc.issuer.Public()}}})
			tok, err := (&wit.Verifier{Trust: s, Policy: wimse.Policy{Now: wimsetest.Clock(witNow)}}).Verify(raw)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			var claims []string
			for k := range tok.Claims {
				claims = append(claims, k)
			}
			slices.Sort(claims)
			got := []string{tok.Algorithm, tok.Confirmation.Alg, tok.KeyID, tok.Subject.String()}
			want := []string{tc.wantAlg, tc.wantCnf, "", "wimse://example.com/workload"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("alg, cnf alg, kid, sub (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantClaims, claims); diff != "" {
				t.Errorf("claims (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSignerErrors(t *testing.T) {
	tests := []struct {
		name   string
		signer wit.Signer
		mutate func(*wit.Claims)
	}{
		{name: "no key", signer: wit.Signer{}},
		{name: "no subject", signer: wit.Signer{Key: wimsetest.Ed("issuer")}, mutate: func(c *wit.Claims) { c.Subject = wimse.ID{} }},
		{name: "no expiry", signer: wit.Signer{Key: wimsetest.Ed("issuer")}, mutate: func(c *wit.Claims) { c.Expiry = time.Time{} }},
		{name: "no confirmation key", signer: wit.Signer{Key: wimsetest.Ed("issuer")}, mutate: func(c *wit.Claims) { c.Key = nil }},
		{name: "cnf alg does not fit the key", signer: wit.Signer{Key: wimsetest.Ed("issuer")}, mutate: func(c *wit.Claims) { c.KeyAlg = "ES256" }},
		{name: "cnf alg none", signer: wit.Signer{Key: wimsetest.Ed("issuer")}, mutate: func(c *wit.Claims) { c.KeyAlg = "none" }},
		{name: "issuer alg HS256", signer: wit.Signer{Key: wimsetest.Ed("issuer"), Alg: "HS256"}},
		{name: "issuer alg does not fit the key", signer: wit.Signer{Key: wimsetest.Ed("issuer"), Alg: "ES256"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := baseClaims(t)
			if tc.mutate != nil {
				tc.mutate(&c)
			}
			if raw, err := tc.signer.Sign(c); err == nil {
				t.Errorf("Sign succeeded with %q; want an error", raw)
			}
		})
	}
}

// TestSignerType: Type overrides typ for tests of legacy peers.
func TestSignerType(t *testing.T) {
	issuer := wimsetest.Ed("issuer")
	raw, err := (&wit.Signer{Key: issuer, KeyID: "k1", Type: wit.LegacyMediaType}).Sign(baseClaims(t))
	if err != nil {
		t.Fatal(err)
	}
	v := &wit.Verifier{Trust: signerStore(issuer.Public()), Policy: wimse.Policy{Now: wimsetest.Clock(witNow)}}
	_, err = v.Verify(raw)
	reasontest.CheckReason(t, err, wimse.ReasonWITTyp, raw)
	v.Policy.Revisions = []wimse.Revision{wimse.RevisionS2S06}
	tok, err := v.Verify(raw)
	reasontest.CheckReason(t, err, "", raw)
	if tok.Type != wit.LegacyMediaType {
		t.Errorf("Type = %q, want %q", tok.Type, wit.LegacyMediaType)
	}
}

// TestSignerDeterministic: with Deterministic set, WITs are reproducible
// for every algorithm (RFC 6979 ECDSA, seeded PSS salt), as test vectors
// need.
func TestSignerDeterministic(t *testing.T) {
	for _, alg := range wimsetest.AllAlgs {
		t.Run(alg, func(t *testing.T) {
			s := &wit.Signer{Key: wimsetest.For(t, alg, "issuer"), KeyID: "k1", Deterministic: true}
			a, err := s.Sign(baseClaims(t))
			if err != nil {
				t.Fatalf("Sign: %v", err)
			}
			b, err := s.Sign(baseClaims(t))
			if err != nil {
				t.Fatalf("Sign: %v", err)
			}
			if a != b {
				t.Errorf("two deterministic signatures differ:\n%s\n%s", a, b)
			}
		})
	}
}
