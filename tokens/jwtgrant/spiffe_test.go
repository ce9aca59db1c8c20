package jwtgrant_test

import (
	"crypto"
	"testing"
	"time"

	"github.com/spiffe/go-spiffe/v2/bundle/jwtbundle"
	"github.com/spiffe/go-spiffe/v2/spiffeid"
	"github.com/spiffe/go-spiffe/v2/svid/jwtsvid"

	"github.com/wimse-wg/wimse/wimse"
)

// TestSPIFFEVerify plays the jwt-spiffe rules (spiffe-client-auth-02
// §3.1) with JWT-SVIDs checked against go-spiffe JWT bundles.
func TestSPIFFEVerify(t *testing.T) {
	tests := []struct {
		name     string
		mutate   func(*fixture)
		clientID string
		want     wimse.Reason
	}{
		{name: "valid (T-J1)", mutate: func(*fixture) {}},
		{name: "valid aud string", mutate: func(f *fixture) { f.claims["aud"] = asIssuer }},
		{name: "valid untyped", mutate: func(f *fixture) { delete(f.header, "typ") }},
		{name: "valid typ JOSE", mutate: func(f *fixture) { f.header["typ"] = "JOSE" }},
		{name: "typ client-authentication+jwt (T-J14)", mutate: func(f *fixture) { f.header["typ"] = "client-authentication+jwt" }, want: wimse.ReasonJWTGrantTyp},
		{name: "typ lower-case jwt (go-spiffe compares exactly)", mutate: func(f *fixture) { f.header["typ"] = "jwt" }, want: wimse.ReasonJWTGrantTyp},
		{name: "valid client_id = SPIFFE ID", mutate: func(*fixture) {}, clientID: svidID},
		{name: "client_id another SPIFFE ID", mutate: func(*fixture) {}, clientID: "spiffe://example.org/other", want: wimse.ReasonJWTGrantClientIDMismatch},
		{name: "exp missing (T-J4)", mutate: func(f *fixture) { delete(f.claims, "exp") }, want: wimse.ReasonJWTGrantExpMissing},
		{name: "exp passed (T-J5)", mutate: func(f *fixture) { f.claims["exp"] = t0.Add(-10 * time.Minute).Unix() }, want: wimse.ReasonJWTGrantExpired},
		{name: "aud two values (T-J6)", mutate: func(f *fixture) { f.claims["aud"] = []string{asIssuer, "https://other"} }, want: wimse.ReasonJWTGrantAudMultiple},
		{name: "aud token endpoint (T-J7)", mutate: func(f *fixture) { f.claims["aud"] = []string{tokenURL} }, want: wimse.ReasonJWTGrantAudMismatch},
		{name: "aud trailing slash (T-J8)", mutate: func(f *fixture) { f.claims["aud"] = []string{asIssuer + "/"} }, want: wimse.ReasonJWTGrantAudMismatch},
		{name: "aud missing", mutate: func(f *fixture) { delete(f.claims, "aud") }, want: wimse.ReasonJWTGrantAudMissing},
		{name: "sub not a SPIFFE ID (T-J9)", mutate: func(f *fixture) { f.claims["sub"] = "https://example.org/x" }, want: wimse.ReasonJWTGrantSubInvalid},
		{name: "sub the trust domain (T-J9)", mutate: func(f *fixture) { f.claims["sub"] = "spiffe://example.org" }, want: wimse.ReasonJWTGrantSubInvalid},
		{name: "sub missing", mutate: func(f *fixture) { delete(f.claims, "sub") }, want: wimse.ReasonJWTGrantSubMissing},
		{name: "kid unknown (T-J10)", mutate: func(f *fixture) { f.header["kid"] = "nope" }, want: wimse.ReasonJWTGrantKeyUnknown},
		{name: "kid missing", mutate: func(f *fixture) { delete(f.header, "kid") }, want: wimse.ReasonJWTGrantKeyUnknown},
		{name: "signed by another key", mutate: func(f *fixture) { f.key = otherKey }, want: wimse.ReasonJWTGrantSignature},
		{name: "wrong trust domain: sub in other.org, signed by example.org's key (T-J11)", mutate: func(f *fixture) {
			f.claims["sub"] = "spiffe://other.org/my-oauth-client"
		}, want: wimse.ReasonJWTGrantKeyUnknown},
		{name: "wrong trust domain: other.org's kid, example.org's signature (T-J11)", mutate: func(f *fixture) {
			f.claims["sub"] = "spiffe://other.org/my-oauth-client"
			f.header["kid"] = "o1"
		}, want: wimse.ReasonJWTGrantSignature},
		{name: "untrusted trust domain", mutate: func(f *fixture) { f.claims["sub"] = "spiffe://evil.org/x" }, want: wimse.ReasonJWTGrantTrustDomain},
		{name: "alg none (T-J14)", mutate: func(f *fixture) { f.header["alg"] = "none" }, want: wimse.ReasonJWTGrantAlg},
		{name: "alg HS256 (T-J14)", mutate: func(f *fixture) { f.header["alg"] = "HS256" }, want: wimse.ReasonJWTGrantAlg},
		{name: "alg EdDSA is not a JWT-SVID algorithm", mutate: func(f *fixture) {
			f.header["alg"] = "EdDSA"
			f.header["kid"] = "ed"
			f.key = edKey
		}, want: wimse.ReasonJWTGrantAlg},
		{name: "valid without iss and jti", mutate: func(*fixture) {}},
		{name: "lifetime too long", mutate: func(f *fixture) { f.claims["exp"] = t0.Add(3 * time.Hour).Unix() }, want: wimse.ReasonJWTGrantLifetime},
		{name: "jwk header", mutate: func(f *fixture) { f.header["jwk"] = map[string]any{"kty": "EC"} }, want: wimse.ReasonJWTGrantHeaderKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := svidFixture()
			tt.mutate(f)
			a, err := spiffeVerifier().Verify(f.sign(t), tt.clientID)
			if got := wimse.ReasonOf(err); got != tt.want {
				t.Fatalf("reason: got %q, want %q (%v)", got, tt.want, err)
			}
			if err == nil && a.ClientID() != svidID {
				t.Errorf("client: got %q, want %q", a.ClientID(), svidID)
			}
		})
	}
}

// TestSPIFFEReplay: without a cache a JWT-SVID is reusable (agents cache
// them, T-J17); with one, a JWT-SVID with a jti is single-use.
func TestSPIFFEReplay(t *testing.T) {
	f := svidFixture()
	f.claims["jti"] = "j1"
	raw := f.sign(t)
	v := spiffeVerifier()
	for i := 0; i < 2; i++ {
		if _, err := v.Verify(raw, ""); err != nil {
			t.Fatalf("use %d without a cache: %v", i+1, err)
		}
	}
	v.Replay = &wimse.MemoryReplayCache{}
	if _, err := v.Verify(raw, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(raw, ""); wimse.ReasonOf(err) != wimse.ReasonJWTGrantReplayed {
		t.Fatalf("replay with a cache: got %v", err)
	}
}

// TestSPIFFEAgreesWithGoSPIFFE: a JWT-SVID this package accepts is one
// go-spiffe's jwtsvid.ParseAndValidate accepts too, with the same SPIFFE
// ID. jwtsvid reads the wall clock, so this one test mints a JWT-SVID
// valid around time.Now and sets the verifier's clock to the same instant.
func TestSPIFFEAgreesWithGoSPIFFE(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	f := svidFixture()
	f.claims["iat"] = now.Unix()
	f.claims["exp"] = now.Add(5 * time.Minute).Unix()
	raw := f.sign(t)

	v := spiffeVerifier()
	v.Policy.Now = func() time.Time { return now }
	ours, err := v.Verify(raw, "")
	if err != nil {
		t.Fatalf("jwtgrant: %v", err)
	}
	theirs, err := jwtsvid.ParseAndValidate(raw, bundles(), []string{asIssuer})
	if err != nil {
		t.Fatalf("go-spiffe: %v", err)
	}
	if theirs.ID != ours.SPIFFEID || !theirs.Expiry.Equal(ours.Expiry) {
		t.Errorf("go-spiffe read %s until %s; jwtgrant %s until %s", theirs.ID, theirs.Expiry, ours.SPIFFEID, ours.Expiry)
	}

	// Where go-spiffe is looser, this package is stricter: a second
	// audience (rfc7523bis sole audience).
	f.claims["aud"] = []string{asIssuer, "https://other"}
	raw = f.sign(t)
	if _, err := jwtsvid.ParseAndValidate(raw, bundles(), []string{asIssuer}); err != nil {
		t.Fatalf("go-spiffe accepts any one audience: %v", err)
	}
	if _, err := v.Verify(raw, ""); wimse.ReasonOf(err) != wimse.ReasonJWTGrantAudMultiple {
		t.Errorf("two audiences: got %v, want %q", err, wimse.ReasonJWTGrantAudMultiple)
	}
}

// TestSPIFFEBundleSource: a bundle source that fails is an untrusted trust
// domain, and a nil source trusts nothing.
func TestSPIFFEBundleSource(t *testing.T) {
	raw := svidFixture().sign(t)
	v := spiffeVerifier()
	v.Bundles = jwtbundle.NewSet(jwtbundle.FromJWTAuthorities(spiffeid.RequireTrustDomainFromString("other.org"), map[string]crypto.PublicKey{}))
	if _, err := v.Verify(raw, ""); wimse.ReasonOf(err) != wimse.ReasonJWTGrantTrustDomain {
		t.Errorf("missing bundle: got %v", err)
	}
	v.Bundles = nil
	if _, err := v.Verify(raw, ""); wimse.ReasonOf(err) != wimse.ReasonJWTGrantTrustDomain {
		t.Errorf("nil source: got %v", err)
	}
	v = spiffeVerifier()
	v.Issuer = ""
	if _, err := v.Verify(raw, ""); wimse.ReasonOf(err) != wimse.ReasonInternal {
		t.Errorf("no issuer: got %v", err)
	}
}
