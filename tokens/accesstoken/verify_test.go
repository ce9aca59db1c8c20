package accesstoken_test

import (
	"crypto/elliptic"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/wimse-wg/wimse/internal/reasontest"
	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/tokens/accesstoken"
	"github.com/wimse-wg/wimse/tokens/confirmation"
	"github.com/wimse-wg/wimse/tokens/delegation"
	"github.com/wimse-wg/wimse/wimse"
)

func TestVerify(t *testing.T) {
	dpop := &wimsetest.EC(t, elliptic.P256(), "dpop").PublicKey
	otherDPoP := &wimsetest.EC(t, elliptic.P256(), "other dpop").PublicKey
	jkt, err := confirmation.Thumbprint(dpop)
	if err != nil {
		t.Fatal(err)
	}
	withCnf := setClaim("cnf", map[string]any{"jkt": jkt})
	tests := []struct {
		name       string
		mutate     []mutator
		verifier   func(*accesstoken.Verifier)
		proof      confirmation.Proof
		raw        func(string) string
		wantReason wimse.Reason
	}{
		{name: "valid"},
		// typ (RFC 9068 §2.1, §4 step 1).
		{name: "typ application/at+jwt", mutate: []mutator{setHeader("typ", "application/at+jwt")}},
		{name: "typ upper case", mutate: []mutator{setHeader("typ", "AT+JWT")}},
		{name: "typ JWT", mutate: []mutator{setHeader("typ", "JWT")}, wantReason: wimse.ReasonAccessTokenTyp},
		{name: "typ missing", mutate: []mutator{setHeader("typ", nil)}, wantReason: wimse.ReasonAccessTokenTyp},
		{name: "typ wit+jwt", mutate: []mutator{setHeader("typ", "wit+jwt")}, wantReason: wimse.ReasonAccessTokenTyp},
		// Header hygiene.
		{name: "crit", mutate: []mutator{setHeader("crit", []string{"exp"})}, wantReason: wimse.ReasonAccessTokenCrit},
		{name: "jku", mutate: []mutator{setHeader("jku", "https://evil.example/jwks")}, wantReason: wimse.ReasonAccessTokenHeaderKey},
		{name: "jwk header", mutate: []mutator{setHeader("jwk", map[string]any{"kty": "EC"})}, wantReason: wimse.ReasonAccessTokenHeaderKey},
		{name: "x5c", mutate: []mutator{setHeader("x5c", []string{"AAAA"})}, wantReason: wimse.ReasonAccessTokenHeaderKey},
		// alg and key.
		{name: "alg not allowed by policy", verifier: func(v *accesstoken.Verifier) { v.Policy.Algorithms = []string{"EdDSA"} }, wantReason: wimse.ReasonAccessTokenAlg},
		{name: "alg not allowed for issuer", verifier: func(v *accesstoken.Verifier) {
			a, _ := v.Trust.Anchors(stsTD)
			a.Algorithms = []string{"RS256"}
			v.Trust.Set(stsTD, a)
		}, wantReason: wimse.ReasonAccessTokenAlg},
		{name: "alg none", raw: func(raw string) string {
			return b64(`{"alg":"none","typ":"at+jwt","kid":"k1"}`) + "." + strings.Split(raw, ".")[1] + "."
		}, wantReason: wimse.ReasonAccessTokenMalformed},
		{name: "alg HS256 over the public key", raw: func(raw string) string {
			return hmacToken(t, raw)
		}, wantReason: wimse.ReasonAccessTokenAlg},
		{name: "alg does not fit the key", mutate: []mutator{func(t testing.TB, f *fixture) { f.alg, f.key = "RS256", wimsetest.RSA(t) }}, wantReason: wimse.ReasonAccessTokenSignature},
		{name: "kid unknown", mutate: []mutator{setHeader("kid", "k2")}, wantReason: wimse.ReasonAccessTokenKeyUnknown},
		{name: "no kid, one key", mutate: []mutator{setHeader("kid", nil)}},
		{name: "signed by another key", mutate: []mutator{func(t testing.TB, f *fixture) { f.key = wimsetest.EC(t, elliptic.P256(), "rogue") }}, wantReason: wimse.ReasonAccessTokenSignature},
		{name: "signature altered", raw: func(raw string) string { return raw[:len(raw)-4] + flip(raw[len(raw)-4:]) }, wantReason: wimse.ReasonAccessTokenSignature},
		{name: "duplicate claim", raw: func(raw string) string {
			return strings.Split(raw, ".")[0] + "." + b64(`{"iss":"a","iss":"b"}`) + ".AAAA"
		}, wantReason: wimse.ReasonAccessTokenDuplicateMember},
		{name: "oversized", verifier: func(v *accesstoken.Verifier) { v.Policy.MaxTokenSize = 100 }, wantReason: wimse.ReasonAccessTokenOversized},
		{name: "two segments", raw: func(raw string) string { return raw[:strings.LastIndexByte(raw, '.')] }, wantReason: wimse.ReasonAccessTokenMalformed},
		// iss (§4 step 3).
		{name: "iss missing", mutate: []mutator{setClaim("iss", nil)}, wantReason: wimse.ReasonAccessTokenIssMissing},
		{name: "iss not a string", mutate: []mutator{setClaim("iss", 1)}, wantReason: wimse.ReasonAccessTokenClaimType},
		{name: "iss untrusted", mutate: []mutator{setClaim("iss", "https://evil.example")}, wantReason: wimse.ReasonAccessTokenIssuer},
		{name: "iss trailing slash", mutate: []mutator{setClaim("iss", issuer+"/")}, wantReason: wimse.ReasonAccessTokenIssuer},
		{name: "iss listed twice", verifier: func(v *accesstoken.Verifier) {
			v.Trust.Set(wimse.MustParseTrustDomain("other.example"), wimse.Anchors{Issuers: []string{issuer}})
		}, wantReason: wimse.ReasonAccessTokenIssuer},
		{name: "no trust store", verifier: func(v *accesstoken.Verifier) { v.Trust = nil }, wantReason: wimse.ReasonAccessTokenIssuer},
		// Required claims (§2.2).
		{name: "sub missing", mutate: []mutator{setClaim("sub", nil)}, wantReason: wimse.ReasonAccessTokenSubMissing},
		{name: "sub empty", mutate: []mutator{setClaim("sub", "")}, wantReason: wimse.ReasonAccessTokenSubMissing},
		{name: "client_id missing", mutate: []mutator{setClaim("client_id", nil)}, wantReason: wimse.ReasonAccessTokenClientIDMissing},
		{name: "client_id a number", mutate: []mutator{setClaim("client_id", 7)}, wantReason: wimse.ReasonAccessTokenClaimType},
		{name: "jti missing", mutate: []mutator{setClaim("jti", nil)}, wantReason: wimse.ReasonAccessTokenJTIMissing},
		{name: "exp missing", mutate: []mutator{setClaim("exp", nil)}, wantReason: wimse.ReasonAccessTokenExpMissing},
		{name: "exp a string", mutate: []mutator{setClaim("exp", "1767226200")}, wantReason: wimse.ReasonAccessTokenClaimType},
		{name: "iat missing", mutate: []mutator{setClaim("iat", nil)}, wantReason: wimse.ReasonAccessTokenIatMissing},
		{name: "aud missing", mutate: []mutator{setClaim("aud", nil)}, wantReason: wimse.ReasonAccessTokenAudMissing},
		{name: "aud empty array", mutate: []mutator{setClaim("aud", []string{})}, wantReason: wimse.ReasonAccessTokenAudMissing},
		{name: "aud a number", mutate: []mutator{setClaim("aud", 1)}, wantReason: wimse.ReasonAccessTokenClaimType},
		{name: "aud array with a number", mutate: []mutator{setClaim("aud", []any{audience, 1})}, wantReason: wimse.ReasonAccessTokenClaimType},
		{name: "acr a number", mutate: []mutator{setClaim("acr", 2)}, wantReason: wimse.ReasonAccessTokenClaimType},
		// aud (§4 step 4).
		{name: "aud array containing ours", mutate: []mutator{setClaim("aud", []string{"https://other.example", audience})}},
		{name: "aud someone else's", mutate: []mutator{setClaim("aud", "https://other.example")}, wantReason: wimse.ReasonAccessTokenAudMismatch},
		{name: "aud prefix of ours", mutate: []mutator{setClaim("aud", "https://api.example.co")}, wantReason: wimse.ReasonAccessTokenAudMismatch},
		{name: "no audience configured", verifier: func(v *accesstoken.Verifier) { v.Audiences = nil }, wantReason: wimse.ReasonAccessTokenAudMismatch},
		{name: "any audience", verifier: func(v *accesstoken.Verifier) { v.Audiences, v.AnyAudience = nil, true }},
		// Times (§4 step 6) with the injected clock.
		{name: "exp within skew", mutate: []mutator{setClaim("exp", now-30), setClaim("iat", now-600)}},
		{name: "expired beyond skew", mutate: []mutator{setClaim("exp", now-61), setClaim("iat", now-600)}, wantReason: wimse.ReasonAccessTokenExpired},
		{name: "expired, no skew", verifier: func(v *accesstoken.Verifier) { v.Policy.ClockSkew = -1 }, mutate: []mutator{setClaim("exp", now), setClaim("iat", now-600)}, wantReason: wimse.ReasonAccessTokenExpired},
		{name: "nbf future", mutate: []mutator{setClaim("nbf", now+61)}, wantReason: wimse.ReasonAccessTokenNotYetValid},
		{name: "nbf within skew", mutate: []mutator{setClaim("nbf", now+59)}},
		{name: "iat future", mutate: []mutator{setClaim("iat", now+120)}, wantReason: wimse.ReasonAccessTokenNotYetValid},
		{name: "auth_time future", mutate: []mutator{setClaim("auth_time", now+120)}, wantReason: wimse.ReasonAccessTokenNotYetValid},
		{name: "auth_time past", mutate: []mutator{setClaim("auth_time", now-3600), setClaim("acr", "urn:mace:incommon:iap:silver")}},
		{name: "lifetime over default", mutate: []mutator{setClaim("exp", now+25*3600)}, wantReason: wimse.ReasonAccessTokenLifetime},
		{name: "lifetime over configured", verifier: func(v *accesstoken.Verifier) { v.MaxLifetime = 5 * time.Minute }, wantReason: wimse.ReasonAccessTokenLifetime},
		{name: "lifetime check disabled", verifier: func(v *accesstoken.Verifier) { v.MaxLifetime = -1 }, mutate: []mutator{setClaim("exp", now+48*3600)}},
		{name: "exp before iat", mutate: []mutator{setClaim("iat", now), setClaim("exp", now)}, wantReason: wimse.ReasonAccessTokenLifetime},
		// act and may_act (RFC 8693 §4.1, §4.4).
		{name: "act chain", mutate: []mutator{setClaim("act", map[string]any{"sub": "wimse://td.example/gw", "act": map[string]any{"sub": "wimse://td.example/agent"}})}},
		{name: "act with exp", mutate: []mutator{setClaim("act", map[string]any{"sub": "a", "exp": now + 60})}, wantReason: wimse.ReasonActForbiddenMember},
		{name: "act with aud nested", mutate: []mutator{setClaim("act", map[string]any{"sub": "a", "act": map[string]any{"sub": "b", "aud": audience}})}, wantReason: wimse.ReasonActForbiddenMember},
		{name: "act too deep", verifier: func(v *accesstoken.Verifier) { v.MaxActDepth = 1 }, mutate: []mutator{setClaim("act", map[string]any{"sub": "a", "act": map[string]any{"sub": "b"}})}, wantReason: wimse.ReasonActTooDeep},
		{name: "act a string", mutate: []mutator{setClaim("act", "a")}, wantReason: wimse.ReasonAccessTokenClaimType},
		{name: "act without sub", mutate: []mutator{setClaim("act", map[string]any{"iss": "x"})}, wantReason: wimse.ReasonActSubMissing},
		{name: "may_act", mutate: []mutator{setClaim("may_act", map[string]any{"sub": "wimse://td.example/gw"})}},
		{name: "may_act with nbf", mutate: []mutator{setClaim("may_act", map[string]any{"sub": "a", "nbf": now})}, wantReason: wimse.ReasonMayActForbiddenMember},
		// scope (RFC 8693 §4.2, RFC 6749 §3.3).
		{name: "scope absent", mutate: []mutator{setClaim("scope", nil)}},
		{name: "scope array", mutate: []mutator{setClaim("scope", []string{"orders:read"})}, wantReason: wimse.ReasonAccessTokenClaimType},
		{name: "scope double space", mutate: []mutator{setClaim("scope", "a  b")}, wantReason: wimse.ReasonScopeMalformed},
		{name: "scope empty", mutate: []mutator{setClaim("scope", "")}, wantReason: wimse.ReasonScopeMalformed},
		{name: "scope duplicate", mutate: []mutator{setClaim("scope", "a b a")}, wantReason: wimse.ReasonScopeDuplicate},
		// cnf and its binding (RFC 9449 §7, RFC 8705 §3, RFC 7800 §3.1).
		{name: "dpop-bound with its key", mutate: []mutator{withCnf}, proof: confirmation.Key(dpop)},
		{name: "dpop-bound with another key", mutate: []mutator{withCnf}, proof: confirmation.Key(otherDPoP), wantReason: wimse.ReasonCnfMismatch},
		{name: "dpop-bound sent as bearer", mutate: []mutator{withCnf}, wantReason: wimse.ReasonCnfUnconfirmed},
		{name: "bearer with a proof", proof: confirmation.Key(dpop), wantReason: wimse.ReasonCnfMissing},
		{name: "cnf two methods", mutate: []mutator{setClaim("cnf", map[string]any{"jkt": jkt, "x5t#S256": jkt})}, proof: confirmation.Key(dpop), wantReason: wimse.ReasonCnfAmbiguous},
		{name: "cnf no method", mutate: []mutator{setClaim("cnf", map[string]any{"kid": "k"})}, wantReason: wimse.ReasonCnfMethod},
		{name: "cnf a string", mutate: []mutator{setClaim("cnf", jkt)}, wantReason: wimse.ReasonAccessTokenClaimType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := base(t)
			for _, m := range tt.mutate {
				m(t, f)
			}
			raw := f.token(t)
			if tt.raw != nil {
				raw = tt.raw(raw)
			}
			v := verifier(t)
			if tt.verifier != nil {
				tt.verifier(v)
			}
			tok, err := v.Verify(raw, tt.proof)
			reasontest.CheckReason(t, err, tt.wantReason, raw)
			if err == nil && (tok.Raw != raw || tok.Issuer != issuer || tok.TrustDomain != stsTD) {
				t.Errorf("token: %+v", tok)
			}
		})
	}
}

// TestSignVerify issues a token with every claim and reads it back.
func TestSignVerify(t *testing.T) {
	dpop := &wimsetest.EC(t, elliptic.P256(), "dpop").PublicKey
	cnf, err := confirmation.JKT(dpop)
	if err != nil {
		t.Fatal(err)
	}
	s := &accesstoken.Signer{Key: stsKey(t), KeyID: "k1", Deterministic: true}
	act := delegation.Chain{{Subject: "wimse://td.example/gateway"}}.Push(delegation.Actor{Subject: "wimse://td.example/agent", Issuer: issuer})
	c := accesstoken.Claims{
		Issuer: issuer, Subject: "user@example.com", ClientID: "wimse://td.example/agent", ID: "jti-1",
		Audience: []string{audience, "https://api2.example.com"},
		IssuedAt: time.Unix(now-10, 0).UTC(), Expiry: time.Unix(now+300, 0).UTC(), AuthTime: time.Unix(now-100, 0).UTC(),
		ACR: "phr", Scope: mustScope("orders:read orders:write"), Act: act,
		MayAct: &delegation.MayAct{Actor: delegation.Actor{Subject: "wimse://td.example/other"}}, Confirmation: cnf,
		Extra: map[string]any{"tenant": "t1", "sub": "ignored"},
	}
	raw, err := s.Sign(c)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := s.Sign(c)
	if again != raw {
		t.Error("deterministic signing differs")
	}
	tok, err := verifier(t).Verify(raw, confirmation.Key(dpop))
	if err != nil {
		t.Fatal(err)
	}
	got := accesstoken.Claims{
		Issuer: tok.Issuer, Subject: tok.Subject, ClientID: tok.ClientID, ID: tok.ID, Audience: tok.Audience,
		IssuedAt: tok.IssuedAt, Expiry: tok.Expiry, AuthTime: tok.AuthTime, ACR: tok.ACR, Scope: tok.Scope, Act: tok.Act,
		MayAct: tok.MayAct, Confirmation: tok.Confirmation, Extra: map[string]any{"tenant": "t1", "sub": "ignored"},
	}
	if diff := cmp.Diff(c, got, cmp.Comparer(func(a, b confirmation.Claim) bool { return a.Method() == b.Method() && a.Value() == b.Value() }),
		cmp.AllowUnexported(scopeSet())); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if string(tok.Claims["tenant"]) != `"t1"` || tok.Type != "at+jwt" || tok.KeyID != "k1" || tok.Algorithm != "ES256" {
		t.Errorf("header or extra claims: %+v", tok)
	}
	if cur, _ := tok.Act.Current(); cur.Subject != "wimse://td.example/agent" {
		t.Errorf("current actor %q", cur.Subject)
	}
}

func TestSignRejects(t *testing.T) {
	good := accesstoken.Claims{Issuer: issuer, Subject: "s", ClientID: "c", ID: "j", Audience: []string{audience},
		IssuedAt: time.Unix(now, 0), Expiry: time.Unix(now+60, 0)}
	for name, mutate := range map[string]func(*accesstoken.Claims){
		"no iss":          func(c *accesstoken.Claims) { c.Issuer = "" },
		"no aud":          func(c *accesstoken.Claims) { c.Audience = nil },
		"empty aud":       func(c *accesstoken.Claims) { c.Audience = []string{""} },
		"no exp":          func(c *accesstoken.Claims) { c.Expiry = time.Time{} },
		"exp = iat":       func(c *accesstoken.Claims) { c.Expiry = c.IssuedAt },
		"act without sub": func(c *accesstoken.Claims) { c.Act = delegation.Chain{{Issuer: "x"}} },
	} {
		c := good
		mutate(&c)
		if _, err := (&accesstoken.Signer{Key: stsKey(t)}).Sign(c); err == nil {
			t.Errorf("%s: signed", name)
		}
	}
	if _, err := (&accesstoken.Signer{}).Sign(good); err == nil {
		t.Error("signed without a key")
	}
	if _, err := (&accesstoken.Signer{Key: stsKey(t)}).Sign(good); err != nil {
		t.Errorf("good claims: %v", err)
	}
}
