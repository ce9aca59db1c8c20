package jwtgrant_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/wimse-wg/wimse/tokens/jwtgrant"
	"github.com/wimse-wg/wimse/wimse"
)

// FuzzVerifyAssertion feeds arbitrary strings to every verification entry
// point: the grant, the client assertion and the JWT-SVID. None may panic;
// a rejection must be a *wimse.Error with a known jwtgrant.* (or server.*)
// reason whose message does not quote the input; an acceptance must return
// an assertion consistent with the rules.
func FuzzVerifyAssertion(f *testing.F) {
	seeds := []*fixture{clientFixture(), grantFixture(), svidFixture()}
	for _, fx := range seeds {
		raw := fx.sign(f)
		f.Add(raw)
		f.Add(raw[:len(raw)-1])
		f.Add(raw + "=")
		f.Add(raw + "." + raw)
		f.Add(strings.Replace(raw, ".", "..", 1))
		for _, mutate := range []func(*fixture){
			func(g *fixture) { g.header["alg"] = "none" },
			func(g *fixture) { g.header["typ"] = "at+jwt" },
			func(g *fixture) { g.claims["aud"] = []any{asIssuer, 1} },
			func(g *fixture) { g.claims["exp"] = 1e300 },
			func(g *fixture) { g.claims["iss"] = nil },
		} {
			g := fx.clone()
			mutate(g)
			f.Add(g.sign(f))
		}
	}
	f.Add("")
	f.Add("..")
	f.Fuzz(func(t *testing.T, raw string) {
		v := verifier()
		sv := spiffeVerifier()
		check := func(use string, a *jwtgrant.Assertion, err error) {
			if err != nil {
				var we *wimse.Error
				if !errors.As(err, &we) || !we.Reason.Known() {
					t.Fatalf("%s: not a known reason: %v", use, err)
				}
				if !strings.HasPrefix(string(we.Reason), "jwtgrant.") && !strings.HasPrefix(string(we.Reason), "server.") {
					t.Fatalf("%s: foreign reason %q", use, we.Reason)
				}
				if len(raw) > 16 && strings.Contains(err.Error(), raw) {
					t.Fatalf("%s: the error quotes the token", use)
				}
				return
			}
			if a == nil || a.Raw != raw || len(a.Audience) != 1 || a.Expiry.IsZero() {
				t.Fatalf("%s: inconsistent acceptance: %+v", use, a)
			}
		}
		a, err := v.VerifyGrant(context.Background(), raw)
		check("grant", a, err)
		a, err = v.VerifyClientAssertion(context.Background(), raw, "")
		check("client", a, err)
		if err == nil && (a.Issuer != a.Subject || a.ID == "") {
			t.Fatalf("client assertion accepted with iss %q, sub %q, jti %q", a.Issuer, a.Subject, a.ID)
		}
		a, err = sv.Verify(raw, "")
		check("jwt-spiffe", a, err)
		if err == nil && a.SPIFFEID.IsZero() {
			t.Fatal("JWT-SVID accepted without a SPIFFE ID")
		}
	})
}
