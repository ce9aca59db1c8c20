package exchange_test

import (
	"context"
	"crypto/elliptic"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/internal/reasontest"
	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/wimse"
)

func validateOIDC(v *exchange.OIDCValidator, raw string) (*exchange.Party, error) {
	return v.ValidateToken(context.Background(), exchange.Presentation{Token: raw, TokenType: oauth.TokenTypeIDToken, Role: exchange.RoleSubject})
}

// TestOIDCValidatorClaims derives each invalid token from a valid baseline.
func TestOIDCValidatorClaims(t *testing.T) {
	k1 := oidcKeyP256(t, "k1")
	p := newOIDCProvider(t, k1)
	v := validatorFor(p, newOIDCClock())
	iss := p.srv.URL
	other := oidcKey{kid: "k1", alg: "ES256", key: wimsetest.EC(t, elliptic.P256(), "oidc impostor")}
	p384 := oidcKey{kid: "k1", alg: "ES384", key: wimsetest.EC(t, elliptic.P384(), "oidc p384")}
	cases := []struct {
		name       string
		key        oidcKey
		hdr        map[string]any
		claims     map[string]any
		wantReason wimse.Reason
	}{
		{name: "valid"},
		{name: "typ absent", hdr: map[string]any{"typ": nil}},
		{name: "typ application/jwt", hdr: map[string]any{"typ": "application/jwt"}},
		{name: "aud array with accepted value", claims: map[string]any{"aud": []string{"https://other.example", oidcAudience}}},
		{name: "nbf in the past", claims: map[string]any{"nbf": hxNow - 60}},
		{name: "typ at+jwt", hdr: map[string]any{"typ": "at+jwt"}, wantReason: wimse.ReasonOIDCTyp},
		{name: "typ wit+jwt", hdr: map[string]any{"typ": "wit+jwt"}, wantReason: wimse.ReasonOIDCTyp},
		{name: "typ dpop+jwt", hdr: map[string]any{"typ": "dpop+jwt"}, wantReason: wimse.ReasonOIDCTyp},
		{name: "alg HS256", hdr: map[string]any{"alg": "HS256"}, wantReason: wimse.ReasonOIDCAlg},
		{name: "alg none", hdr: map[string]any{"alg": "none"}, wantReason: wimse.ReasonOIDCAlg},
		{name: "alg ES384 not accepted for issuer", key: p384, wantReason: wimse.ReasonOIDCAlg},
		{name: "header jku", hdr: map[string]any{"jku": "https://evil.example/jwks"}, wantReason: wimse.ReasonOIDCHeaderKey},
		{name: "header crit", hdr: map[string]any{"crit": []string{"exp"}}, wantReason: wimse.ReasonOIDCCrit},
		{name: "signed by another key", key: other, wantReason: wimse.ReasonOIDCSignature},
		{name: "unknown kid", hdr: map[string]any{"kid": "k9"}, wantReason: wimse.ReasonOIDCKeyUnknown},
		{name: "iss missing", claims: map[string]any{"iss": nil}, wantReason: wimse.ReasonOIDCIssuer},
		{name: "iss with trailing slash", claims: map[string]any{"iss": iss + "/"}, wantReason: wimse.ReasonOIDCIssuer},
		{name: "sub missing", claims: map[string]any{"sub": nil}, wantReason: wimse.ReasonOIDCSubMissing},
		{name: "sub empty", claims: map[string]any{"sub": ""}, wantReason: wimse.ReasonOIDCSubMissing},
		{name: "sub not a string", claims: map[string]any{"sub": 7}, wantReason: wimse.ReasonOIDCClaimType},
		{name: "exp missing", claims: map[string]any{"exp": nil}, wantReason: wimse.ReasonOIDCExpMissing},
		{name: "iat missing", claims: map[string]any{"iat": nil}, wantReason: wimse.ReasonOIDCIatMissing},
		{name: "expired", claims: map[string]any{"iat": hxNow - 3600, "exp": hxNow - 120}, wantReason: wimse.ReasonOIDCExpired},
		{name: "nbf in the future", claims: map[string]any{"nbf": hxNow + 600}, wantReason: wimse.ReasonOIDCNotYetValid},
		{name: "iat in the future", claims: map[string]any{"iat": hxNow + 300, "exp": hxNow + 900}, wantReason: wimse.ReasonOIDCNotYetValid},
		{name: "lifetime 49 hours", claims: map[string]any{"exp": hxNow - 60 + 49*3600}, wantReason: wimse.ReasonOIDCLifetime},
		{name: "wrong aud", claims: map[string]any{"aud": "https://other.example"}, wantReason: wimse.ReasonOIDCAudMismatch},
		{name: "aud missing", claims: map[string]any{"aud": nil}, wantReason: wimse.ReasonOIDCAudMismatch},
		{name: "aud a number", claims: map[string]any{"aud": 3}, wantReason: wimse.ReasonOIDCClaimType},
		{name: "act with exp inside", claims: map[string]any{"act": map[string]any{"sub": "agent", "exp": hxNow}}, wantReason: wimse.ReasonActForbiddenMember},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			key := k1
			if tc.key.key != nil {
				key = tc.key
			}
			raw := oidcToken(t, key, tc.hdr, oidcClaims(iss, tc.claims))
			party, err := validateOIDC(v, raw)
			reasontest.CheckReason(t, err, tc.wantReason, raw)
			if err == nil && (party.Issuer != iss || party.Subject != "system:serviceaccount:payments:api" || party.ID != "oidc-1" ||
				party.Scoped || !party.Expiry.Equal(time.Unix(hxNow+600, 0)) || party.TokenType != oauth.TokenTypeIDToken) {
				t.Errorf("party = %+v", party)
			}
		})
	}
}

func TestOIDCValidatorParty(t *testing.T) {
	k1 := oidcKeyP256(t, "k1")
	p := newOIDCProvider(t, k1)
	raw := oidcToken(t, k1, nil, oidcClaims(p.srv.URL, map[string]any{
		"act": map[string]any{"sub": "agent-7", "iss": "https://agents.example"}, "may_act": map[string]any{"sub": "agent-8"},
	}))
	party, err := validateOIDC(validatorFor(p, newOIDCClock()), raw)
	if err != nil {
		t.Fatal(err)
	}
	if cur, ok := party.Act.Current(); !ok || cur.Subject != "agent-7" || party.MayAct == nil || party.MayAct.Actor.Subject != "agent-8" {
		t.Errorf("act %v may_act %v", party.Act, party.MayAct)
	}
	if len(party.Audience) != 1 || party.Audience[0] != oidcAudience || !party.IssuedAt.Equal(time.Unix(hxNow-60, 0)) {
		t.Errorf("party = %+v", party)
	}
}

// TestOIDCUnknownIssuerNoFetch: a token naming an issuer that is not
// configured is refused before anything is fetched, even when its iss is
// the URL of a live provider.
func TestOIDCUnknownIssuerNoFetch(t *testing.T) {
	k1 := oidcKeyP256(t, "k1")
	trusted := newOIDCProvider(t, k1)
	attacker := newOIDCProvider(t, k1)
	v := validatorFor(trusted, newOIDCClock())
	raw := oidcToken(t, k1, nil, oidcClaims(attacker.srv.URL, nil))
	_, err := validateOIDC(v, raw)
	reasontest.CheckReason(t, err, wimse.ReasonOIDCIssuer, raw)
	if n := attacker.requests.Load() + trusted.requests.Load(); n != 0 {
		t.Errorf("the providers saw %d requests, want 0", n)
	}
}

func TestOIDCDiscovery(t *testing.T) {
	k1 := oidcKeyP256(t, "k1")
	cases := []struct {
		name       string
		change     func(p *oidcProvider)
		wantReason wimse.Reason
	}{
		{name: "valid"},
		{name: "issuer mismatch", change: func(p *oidcProvider) { p.doc["issuer"] = p.srv.URL + "/" }, wantReason: wimse.ReasonOIDCDiscoveryIssuer},
		{name: "issuer missing", change: func(p *oidcProvider) { delete(p.doc, "issuer") }, wantReason: wimse.ReasonOIDCDiscoveryIssuer},
		{name: "jwks_uri http", change: func(p *oidcProvider) {
			p.doc["jwks_uri"] = "http" + strings.TrimPrefix(p.srv.URL, "https") + "/jwks"
		}, wantReason: wimse.ReasonOIDCJWKSURI},
		{name: "jwks_uri missing", change: func(p *oidcProvider) { delete(p.doc, "jwks_uri") }, wantReason: wimse.ReasonOIDCJWKSURI},
		{name: "jwks_uri relative", change: func(p *oidcProvider) { p.doc["jwks_uri"] = "/jwks" }, wantReason: wimse.ReasonOIDCJWKSURI},
		{name: "document oversized", change: func(p *oidcProvider) {
			p.doc["padding"] = strings.Repeat("x", exchange.DefaultOIDCMaxDocument)
		}, wantReason: wimse.ReasonOIDCDocumentOversized},
		{name: "document not JSON", change: func(p *oidcProvider) { p.raw = []byte("<html>") }, wantReason: wimse.ReasonOIDCDocumentMalformed},
		{name: "document repeats issuer", change: func(p *oidcProvider) {
			p.raw = fmt.Appendf(nil, `{"issuer":"https://evil.example","issuer":%q,"jwks_uri":%q}`, p.srv.URL, p.srv.URL+"/jwks")
		}, wantReason: wimse.ReasonOIDCDocumentMalformed},
		{name: "jwks oversized", change: func(p *oidcProvider) {
			p.jwks = fmt.Appendf(nil, `{"keys":[],"padding":%q}`, strings.Repeat("x", exchange.DefaultOIDCMaxDocument))
		}, wantReason: wimse.ReasonOIDCDocumentOversized},
		{name: "jwks with a private key", change: func(p *oidcProvider) {
			p.jwks = []byte(`{"keys":[{"kty":"EC","crv":"P-256","kid":"k1","x":"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs","y":"9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA","d":"AAAA"}]}`)
		}, wantReason: wimse.ReasonOIDCDocumentMalformed},
		{name: "jwks with no usable key", change: func(p *oidcProvider) {
			p.jwks = []byte(`{"keys":[{"kty":"EC","crv":"P-256","kid":"k1","use":"enc","x":"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs","y":"9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA"}]}`)
		}, wantReason: wimse.ReasonOIDCDocumentMalformed},
		{name: "provider down", change: func(p *oidcProvider) { p.status = http.StatusInternalServerError }, wantReason: wimse.ReasonOIDCFetch},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := newOIDCProvider(t, k1)
			if tc.change != nil {
				p.set(tc.change)
			}
			raw := oidcToken(t, k1, nil, oidcClaims(p.srv.URL, nil))
			_, err := validateOIDC(validatorFor(p, newOIDCClock()), raw)
			reasontest.CheckReason(t, err, tc.wantReason, raw)
			if tc.wantReason != "" && wimse.ClassOf(tc.wantReason) != wimse.ClassUnavailable {
				t.Errorf("%s is not a failure of the server", tc.wantReason)
			}
		})
	}
}

// TestOIDCKeyRotation: a new kid is fetched once the minimum interval has
// passed, and tokens with invented kids cause no further fetches.
func TestOIDCKeyRotation(t *testing.T) {
	k1, k2 := oidcKeyP256(t, "k1"), oidcKeyP256(t, "k2")
	p := newOIDCProvider(t, k1)
	clock := newOIDCClock()
	v := validatorFor(p, clock)
	check := func(k oidcKey, want wimse.Reason, wantRequests int64) {
		t.Helper()
		raw := oidcToken(t, k, nil, oidcClaims(p.srv.URL, map[string]any{"iat": clock.Now().Unix() - 60, "exp": clock.Now().Unix() + 600}))
		_, err := validateOIDC(v, raw)
		reasontest.CheckReason(t, err, want, raw)
		if n := p.requests.Load(); n != wantRequests {
			t.Fatalf("requests = %d, want %d", n, wantRequests)
		}
	}
	check(k1, "", 2) // discovery document and JWK Set
	check(k1, "", 2) // cached
	p.set(func(p *oidcProvider) { p.keys = []oidcKey{k1, k2} })
	check(k2, wimse.ReasonOIDCKeyUnknown, 2) // within the minimum interval: no fetch
	for i := range 20 {                      // invented kids: no fetch storm
		check(oidcKey{kid: fmt.Sprintf("bogus-%d", i), alg: "ES256", key: k1.key}, wimse.ReasonOIDCKeyUnknown, 2)
	}
	clock.Advance(exchange.DefaultOIDCMinRefetch)
	check(k2, "", 4) // refetched once
	check(k1, "", 4)
	check(oidcKey{kid: "bogus", alg: "ES256", key: k1.key}, wimse.ReasonOIDCKeyUnknown, 4)
	clock.Advance(exchange.DefaultOIDCCacheTTL)
	check(k1, "", 6) // the cache expired
}

// TestOIDCFetchFailureBackoff: a provider that fails is asked again only
// after the minimum interval, and expired keys are not used meanwhile.
func TestOIDCFetchFailureBackoff(t *testing.T) {
	k1 := oidcKeyP256(t, "k1")
	p := newOIDCProvider(t, k1)
	clock := newOIDCClock()
	v := validatorFor(p, clock)
	raw := func() string {
		return oidcToken(t, k1, nil, oidcClaims(p.srv.URL, map[string]any{"iat": clock.Now().Unix() - 60, "exp": clock.Now().Unix() + 600}))
	}
	p.set(func(p *oidcProvider) { p.status = http.StatusServiceUnavailable })
	for range 5 {
		_, err := validateOIDC(v, raw())
		reasontest.CheckReason(t, err, wimse.ReasonOIDCFetch, "")
	}
	if n := p.requests.Load(); n != 1 {
		t.Fatalf("requests = %d, want 1", n)
	}
	p.set(func(p *oidcProvider) { p.status = 0 })
	clock.Advance(exchange.DefaultOIDCMinRefetch)
	if _, err := validateOIDC(v, raw()); err != nil {
		t.Fatal(err)
	}
	p.set(func(p *oidcProvider) { p.status = http.StatusServiceUnavailable })
	clock.Advance(exchange.DefaultOIDCCacheTTL)
	_, err := validateOIDC(v, raw())
	reasontest.CheckReason(t, err, wimse.ReasonOIDCFetch, "")
}

func TestOIDCStaticKeys(t *testing.T) {
	k1 := oidcKeyP256(t, "k1")
	rsa := oidcKey{kid: "r1", alg: "RS256", key: wimsetest.RSA(t)}
	const iss = "https://token.actions.githubusercontent.com"
	v := &exchange.OIDCValidator{
		Issuers: map[string]exchange.IssuerConfig{iss: {
			Keys:      []wimse.IssuerKey{{KeyID: "k1", Public: k1.key.Public()}, {KeyID: "r1", Algorithm: "RS256", Public: rsa.key.Public()}},
			Audiences: []string{oidcAudience},
		}},
		Policy: wimse.Policy{Now: hxClock},
	}
	for _, k := range []oidcKey{k1, rsa} {
		raw := oidcToken(t, k, nil, oidcClaims(iss, nil))
		if _, err := validateOIDC(v, raw); err != nil {
			t.Errorf("%s: %v", k.alg, err)
		}
	}
	raw := oidcToken(t, k1, map[string]any{"kid": nil}, oidcClaims(iss, nil))
	_, err := validateOIDC(v, raw)
	reasontest.CheckReason(t, err, wimse.ReasonOIDCKeyUnknown, raw) // no kid, two keys
}

func TestOIDCConfiguration(t *testing.T) {
	k1 := oidcKeyP256(t, "k1")
	const iss = "https://issuer.example"
	for name, cfg := range map[string]exchange.IssuerConfig{
		"keys and discovery": {Keys: []wimse.IssuerKey{{KeyID: "k1", Public: k1.key.Public()}}, Discovery: true, Audiences: []string{oidcAudience}},
		"neither":            {Audiences: []string{oidcAudience}},
		"no audiences":       {Keys: []wimse.IssuerKey{{KeyID: "k1", Public: k1.key.Public()}}},
	} {
		t.Run(name, func(t *testing.T) {
			v := &exchange.OIDCValidator{Issuers: map[string]exchange.IssuerConfig{iss: cfg}, Policy: wimse.Policy{Now: hxClock}}
			raw := oidcToken(t, k1, nil, oidcClaims(iss, nil))
			_, err := validateOIDC(v, raw)
			reasontest.CheckReason(t, err, wimse.ReasonInternal, raw)
		})
	}
	t.Run("discovery over http", func(t *testing.T) {
		const httpIss = "http://issuer.example"
		v := &exchange.OIDCValidator{Issuers: map[string]exchange.IssuerConfig{httpIss: {Discovery: true, Audiences: []string{oidcAudience}}}, Policy: wimse.Policy{Now: hxClock}}
		raw := oidcToken(t, k1, nil, oidcClaims(httpIss, nil))
		_, err := validateOIDC(v, raw)
		reasontest.CheckReason(t, err, wimse.ReasonInternal, raw)
	})
}

// TestOIDCAtTokenEndpoint exchanges a federated ID token at the Handler,
// and answers 503 when the issuer's keys cannot be fetched.
func TestOIDCAtTokenEndpoint(t *testing.T) {
	k1 := oidcKeyP256(t, "k1")
	for _, down := range []bool{false, true} {
		p := newOIDCProvider(t, k1)
		if down {
			p.set(func(p *oidcProvider) { p.status = http.StatusBadGateway })
		}
		e := newEnv(t)
		e.h.Validators[oauth.TokenTypeIDToken] = validatorFor(p, newOIDCClock())
		f := form(t)
		f.Set("subject_token", oidcToken(t, k1, nil, oidcClaims(p.srv.URL, nil)))
		f.Set("subject_token_type", oauth.TokenTypeIDToken)
		a := post(t, e.h, f.Encode())
		d := e.last(t)
		switch {
		case !down && (a.status != 200 || d.SubjectIssuer != p.srv.URL || d.Subject != "system:serviceaccount:payments:api"):
			t.Errorf("up: status %d (%s), decision %+v", a.status, a.raw, d)
		case down && (a.status != 503 || a.str("error") != "server_error" || d.Reason != wimse.ReasonOIDCFetch):
			t.Errorf("down: status %d error %q reason %q", a.status, a.str("error"), d.Reason)
		}
	}
}

// FuzzOIDCValidateToken: any token is accepted only as a Party with a
// subject and an accepted audience, or refused with a known reason.
func FuzzOIDCValidateToken(f *testing.F) {
	k1 := oidcKeyP256(f, "k1")
	const iss = "https://issuer.example"
	v := &exchange.OIDCValidator{
		Issuers: map[string]exchange.IssuerConfig{iss: {Keys: []wimse.IssuerKey{{KeyID: "k1", Public: k1.key.Public()}}, Audiences: []string{oidcAudience}}},
		Policy:  wimse.Policy{Now: hxClock},
	}
	f.Add(oidcToken(f, k1, nil, oidcClaims(iss, nil)))
	f.Add(oidcToken(f, k1, map[string]any{"typ": "at+jwt"}, oidcClaims(iss, nil)))
	f.Add(oidcToken(f, k1, nil, oidcClaims(iss, map[string]any{"act": map[string]any{"sub": "a", "act": map[string]any{"sub": "b"}}})))
	f.Add("e30.e30.AA")
	f.Fuzz(func(t *testing.T, raw string) {
		p, err := validateOIDC(v, raw)
		if err != nil {
			if r := wimse.ReasonOf(err); !r.Known() || r == wimse.ReasonInternal {
				t.Fatalf("reason %q", r)
			}
			return
		}
		if p.Subject == "" || p.Issuer != iss || len(p.Audience) == 0 {
			t.Fatalf("party %+v", p)
		}
	})
}
