package jwtgrant_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/tokens/jwtgrant"
	"github.com/wimse-wg/wimse/wimse"
)

// TestVerifyClientAssertion plays one passing and one failing case per
// rule of a client assertion, compared by reason.
func TestVerifyClientAssertion(t *testing.T) {
	tests := []struct {
		name     string
		mutate   func(*fixture)
		clientID string
		want     wimse.Reason
	}{
		{name: "valid typed", mutate: func(*fixture) {}},
		{name: "valid untyped (rfc7523bis: not rejected)", mutate: func(f *fixture) { delete(f.header, "typ") }},
		{name: "valid typ JWT", mutate: func(f *fixture) { f.header["typ"] = "JWT" }},
		{name: "valid typ with application/ prefix", mutate: func(f *fixture) { f.header["typ"] = "application/client-authentication+jwt" }},
		{name: "typ of another token", mutate: func(f *fixture) { f.header["typ"] = "at+jwt" }, want: wimse.ReasonJWTGrantTyp},
		{name: "typ not a string", mutate: func(f *fixture) { f.header["typ"] = 1 }, want: wimse.ReasonJWTGrantTyp},
		{name: "valid aud array of one", mutate: func(f *fixture) { f.claims["aud"] = []string{asIssuer} }},
		{name: "aud array with two values", mutate: func(f *fixture) { f.claims["aud"] = []string{asIssuer, "https://evil.example"} }, want: wimse.ReasonJWTGrantAudMultiple},
		{name: "aud twice ours", mutate: func(f *fixture) { f.claims["aud"] = []string{asIssuer, asIssuer} }, want: wimse.ReasonJWTGrantAudMultiple},
		{name: "aud wrong", mutate: func(f *fixture) { f.claims["aud"] = "https://other-as.example" }, want: wimse.ReasonJWTGrantAudMismatch},
		{name: "aud token endpoint URL (rfc7523bis MUST NOT)", mutate: func(f *fixture) { f.claims["aud"] = tokenURL }, want: wimse.ReasonJWTGrantAudMismatch},
		{name: "aud trailing slash", mutate: func(f *fixture) { f.claims["aud"] = asIssuer + "/" }, want: wimse.ReasonJWTGrantAudMismatch},
		{name: "aud missing", mutate: func(f *fixture) { delete(f.claims, "aud") }, want: wimse.ReasonJWTGrantAudMissing},
		{name: "aud empty array", mutate: func(f *fixture) { f.claims["aud"] = []string{} }, want: wimse.ReasonJWTGrantAudMissing},
		{name: "aud a number", mutate: func(f *fixture) { f.claims["aud"] = 7 }, want: wimse.ReasonJWTGrantClaimType},
		{name: "exp missing", mutate: func(f *fixture) { delete(f.claims, "exp") }, want: wimse.ReasonJWTGrantExpMissing},
		{name: "exp passed", mutate: func(f *fixture) { f.claims["exp"] = t0.Add(-2 * time.Minute).Unix() }, want: wimse.ReasonJWTGrantExpired},
		{name: "valid exp passed within skew", mutate: func(f *fixture) { f.claims["exp"] = t0.Add(-30 * time.Second).Unix() }},
		{name: "exp a string", mutate: func(f *fixture) { f.claims["exp"] = "soon" }, want: wimse.ReasonJWTGrantClaimType},
		{name: "nbf future", mutate: func(f *fixture) { f.claims["nbf"] = t0.Add(2 * time.Minute).Unix() }, want: wimse.ReasonJWTGrantNotYetValid},
		{name: "valid nbf within skew", mutate: func(f *fixture) { f.claims["nbf"] = t0.Add(30 * time.Second).Unix() }},
		{name: "iat future", mutate: func(f *fixture) { f.claims["iat"] = t0.Add(2 * time.Minute).Unix() }, want: wimse.ReasonJWTGrantNotYetValid},
		{name: "lifetime: exp too far", mutate: func(f *fixture) {
			delete(f.claims, "iat")
			f.claims["exp"] = t0.Add(2 * time.Hour).Unix()
		}, want: wimse.ReasonJWTGrantLifetime},
		{name: "lifetime: exp - iat too long", mutate: func(f *fixture) {
			f.claims["iat"] = t0.Add(-90 * time.Minute).Unix()
			f.claims["exp"] = t0.Add(time.Minute).Unix()
		}, want: wimse.ReasonJWTGrantLifetime},
		{name: "valid lifetime of exactly one hour", mutate: func(f *fixture) { f.claims["exp"] = t0.Add(time.Hour).Unix() }},
		{name: "iss differs from sub", mutate: func(f *fixture) { f.claims["sub"] = "https://other-client.example" }, want: wimse.ReasonJWTGrantIssSubMismatch},
		{name: "iss missing", mutate: func(f *fixture) { delete(f.claims, "iss") }, want: wimse.ReasonJWTGrantIssMissing},
		{name: "iss unknown", mutate: func(f *fixture) {
			f.claims["iss"] = "https://stranger.example"
			f.claims["sub"] = "https://stranger.example"
		}, want: wimse.ReasonJWTGrantIssuerUnknown},
		{name: "sub missing", mutate: func(f *fixture) { delete(f.claims, "sub") }, want: wimse.ReasonJWTGrantSubMissing},
		{name: "valid client_id parameter", mutate: func(*fixture) {}, clientID: clientID},
		{name: "client_id parameter of another client", mutate: func(*fixture) {}, clientID: "https://other-client.example", want: wimse.ReasonJWTGrantClientIDMismatch},
		{name: "jti missing", mutate: func(f *fixture) { delete(f.claims, "jti") }, want: wimse.ReasonJWTGrantJTIMissing},
		{name: "jti empty", mutate: func(f *fixture) { f.claims["jti"] = "" }, want: wimse.ReasonJWTGrantJTIMissing},
		{name: "alg none", mutate: func(f *fixture) { f.header["alg"] = "none" }, want: wimse.ReasonJWTGrantAlg},
		{name: "alg HS256", mutate: func(f *fixture) { f.header["alg"] = "HS256" }, want: wimse.ReasonJWTGrantAlg},
		{name: "alg missing", mutate: func(f *fixture) { delete(f.header, "alg") }, want: wimse.ReasonJWTGrantAlg},
		{name: "alg unfit for the key", mutate: func(f *fixture) { f.header["alg"] = "ES384" }, want: wimse.ReasonJWTGrantAlg},
		{name: "kid unknown", mutate: func(f *fixture) { f.header["kid"] = "nope" }, want: wimse.ReasonJWTGrantKeyUnknown},
		{name: "valid without kid, one key", mutate: func(f *fixture) { delete(f.header, "kid") }},
		{name: "signed by another key", mutate: func(f *fixture) { f.key = otherKey }, want: wimse.ReasonJWTGrantSignature},
		{name: "crit", mutate: func(f *fixture) { f.header["crit"] = []string{"exp"} }, want: wimse.ReasonJWTGrantCrit},
		{name: "jwk in header", mutate: func(f *fixture) { f.header["jwk"] = map[string]any{"kty": "EC"} }, want: wimse.ReasonJWTGrantHeaderKey},
		{name: "jku in header", mutate: func(f *fixture) { f.header["jku"] = "https://evil.example/jwks" }, want: wimse.ReasonJWTGrantHeaderKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := clientFixture()
			tt.mutate(f)
			a, err := verifier().VerifyClientAssertion(context.Background(), f.sign(t), tt.clientID)
			if got := wimse.ReasonOf(err); got != tt.want {
				t.Fatalf("reason: got %q, want %q (%v)", got, tt.want, err)
			}
			if err == nil && (a.ClientID() != clientID || a.Issuer != clientID || len(a.Audience) != 1) {
				t.Errorf("accepted assertion: got %+v", a)
			}
		})
	}
}

// TestVerifyGrant plays the grant rules (RFC 7523 §2.1, §3.1).
func TestVerifyGrant(t *testing.T) {
	tests := []struct {
		name      string
		mutate    func(*fixture)
		grantType string
		want      wimse.Reason
	}{
		{name: "valid RFC 7523 §4 shape", mutate: func(*fixture) {}},
		{name: "valid typ JWT", mutate: func(f *fixture) { f.header["typ"] = "JWT" }},
		{name: "typ client-authentication+jwt is not a grant", mutate: func(f *fixture) { f.header["typ"] = jwtgrant.MediaType }, want: wimse.ReasonJWTGrantTyp},
		{name: "valid profile typ", mutate: func(f *fixture) { f.header["typ"] = "oauth-id-jag+jwt" }, grantType: "oauth-id-jag+jwt"},
		{name: "profile typ required", mutate: func(f *fixture) { f.header["typ"] = "JWT" }, grantType: "oauth-id-jag+jwt", want: wimse.ReasonJWTGrantTyp},
		{name: "profile typ required, untyped", mutate: func(*fixture) {}, grantType: "oauth-id-jag+jwt", want: wimse.ReasonJWTGrantTyp},
		{name: "valid aud = token endpoint URL (configured alias)", mutate: func(f *fixture) { f.claims["aud"] = tokenURL }},
		{name: "aud another AS", mutate: func(f *fixture) { f.claims["aud"] = "https://as-c.example" }, want: wimse.ReasonJWTGrantAudMismatch},
		{name: "aud issuer and token endpoint", mutate: func(f *fixture) { f.claims["aud"] = []string{asIssuer, tokenURL} }, want: wimse.ReasonJWTGrantAudMultiple},
		{name: "valid sub differs from iss", mutate: func(*fixture) {}},
		{name: "sub missing", mutate: func(f *fixture) { delete(f.claims, "sub") }, want: wimse.ReasonJWTGrantSubMissing},
		{name: "sub a number", mutate: func(f *fixture) { f.claims["sub"] = 1 }, want: wimse.ReasonJWTGrantClaimType},
		{name: "exp passed", mutate: func(f *fixture) { f.claims["exp"] = t0.Add(-time.Hour).Unix() }, want: wimse.ReasonJWTGrantExpired},
		{name: "valid without jti", mutate: func(*fixture) {}},
		{name: "no kid, issuer has two keys", mutate: func(f *fixture) { delete(f.header, "kid") }, want: wimse.ReasonJWTGrantKeyUnknown},
		{name: "key pinned to another alg", mutate: func(f *fixture) {
			f.header["kid"] = "g2"
			f.key = otherKey
		}, want: wimse.ReasonJWTGrantAlg},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := grantFixture()
			tt.mutate(f)
			v := verifier()
			v.GrantType = tt.grantType
			a, err := v.VerifyGrant(context.Background(), f.sign(t))
			if got := wimse.ReasonOf(err); got != tt.want {
				t.Fatalf("reason: got %q, want %q (%v)", got, tt.want, err)
			}
			if err == nil && (a.Issuer != idp || a.Subject != "mailto:mike@example.com") {
				t.Errorf("accepted grant: got %+v", a)
			}
		})
	}
}

// TestClientAssertionReplay: the same (iss, jti) is accepted once (RFC
// 7523 §3 item 7).
func TestClientAssertionReplay(t *testing.T) {
	v := verifier()
	raw := clientFixture().sign(t)
	if _, err := v.VerifyClientAssertion(context.Background(), raw, ""); err != nil {
		t.Fatalf("first use: %v", err)
	}
	_, err := v.VerifyClientAssertion(context.Background(), raw, "")
	if got := wimse.ReasonOf(err); got != wimse.ReasonJWTGrantReplayed {
		t.Fatalf("second use: got %q, want %q", got, wimse.ReasonJWTGrantReplayed)
	}
	// Another jti of the same client is fresh.
	f := clientFixture()
	f.claims["jti"] = "a2"
	if _, err := v.VerifyClientAssertion(context.Background(), f.sign(t), ""); err != nil {
		t.Fatalf("new jti: %v", err)
	}
}

// TestGrantReplay: a grant with a jti is single-use; without one it is not
// tracked.
func TestGrantReplay(t *testing.T) {
	v := verifier()
	f := grantFixture()
	untracked := f.sign(t)
	f.claims["jti"] = "g-1"
	tracked := f.sign(t)
	for i := 0; i < 2; i++ {
		if _, err := v.VerifyGrant(context.Background(), untracked); err != nil {
			t.Fatalf("grant without jti, use %d: %v", i+1, err)
		}
	}
	if _, err := v.VerifyGrant(context.Background(), tracked); err != nil {
		t.Fatal(err)
	}
	if _, err := v.VerifyGrant(context.Background(), tracked); wimse.ReasonOf(err) != wimse.ReasonJWTGrantReplayed {
		t.Fatalf("replayed grant: got %v, want %q", err, wimse.ReasonJWTGrantReplayed)
	}
}

// TestVerifyMalformed covers what fails before any claim is read.
func TestVerifyMalformed(t *testing.T) {
	valid := clientFixture().sign(t)
	tests := []struct {
		name, raw string
		want      wimse.Reason
	}{
		{"empty", "", wimse.ReasonJWTGrantMalformed},
		{"two segments", "a.b", wimse.ReasonJWTGrantMalformed},
		{"two JWTs joined", valid + "." + valid, wimse.ReasonJWTGrantMalformed},
		{"padding", valid + "=", wimse.ReasonJWTGrantMalformed},
		{"oversized", strings.Repeat("a", wimse.DefaultMaxTokenSize+1), wimse.ReasonJWTGrantOversized},
		{"duplicate member", dupClaims(t), wimse.ReasonJWTGrantDuplicateMember},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := verifier().VerifyClientAssertion(context.Background(), tt.raw, "")
			if got := wimse.ReasonOf(err); got != tt.want {
				t.Fatalf("got %q, want %q (%v)", got, tt.want, err)
			}
		})
	}
}

func dupClaims(t *testing.T) string {
	t.Helper()
	// A payload with "sub" twice.
	hb := `{"alg":"ES256","kid":"c1"}`
	pb := `{"iss":"` + clientID + `","sub":"` + clientID + `","sub":"x","aud":"` + asIssuer + `","exp":1}`
	out, err := signRaw(hb, pb)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestVerifierConfiguration: a verifier without an issuer or without keys.
func TestVerifierConfiguration(t *testing.T) {
	raw := clientFixture().sign(t)
	v := verifier()
	v.Issuer = ""
	if _, err := v.VerifyClientAssertion(context.Background(), raw, ""); wimse.ReasonOf(err) != wimse.ReasonInternal {
		t.Errorf("no issuer: got %v", err)
	}
	v = verifier()
	v.Keys = nil
	if _, err := v.VerifyClientAssertion(context.Background(), raw, ""); wimse.ReasonOf(err) != wimse.ReasonJWTGrantIssuerUnknown {
		t.Errorf("no keys: got %v", err)
	}
}
