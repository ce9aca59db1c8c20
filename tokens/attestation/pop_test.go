package attestation_test

import (
	"crypto"
	"crypto/elliptic"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/tokens/attestation"
	"github.com/wimse-wg/wimse/wimse"
)

const (
	tIssuer = "https://sts.example.com"
	tSender = "spiffe://example.org/client"
	tNow    = 1767225600 // 2026-01-01T00:00:00Z
)

func tClock() time.Time { return time.Unix(tNow, 0) }

func instanceKey(t testing.TB) crypto.Signer {
	return wimsetest.EC(t, elliptic.P256(), "attestation instance")
}

// popParts is a PoP before signing: header, claims, and the key and alg
// that sign it.
type popParts struct {
	header map[string]any
	claims map[string]any
	key    crypto.Signer
	alg    string
	raw    string // when set, used as is
}

func baseline(t testing.TB) *popParts {
	return &popParts{
		header: map[string]any{"typ": attestation.PoPMediaType},
		claims: map[string]any{"aud": tIssuer, "jti": "j-1", "iat": int64(tNow)},
		key:    instanceKey(t),
		alg:    "ES256",
	}
}

func (p *popParts) sign(t testing.TB) string {
	t.Helper()
	if p.raw != "" {
		return p.raw
	}
	raw, err := jose.Sign(p.header, p.claims, p.alg, p.key, true)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// unsigned builds a token whose header the JOSE layer would refuse to sign.
func unsigned(header, claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(header)) + "." + enc([]byte(claims)) + "." + enc([]byte("sig"))
}

func TestPoPVerifier(t *testing.T) {
	ed := wimsetest.Ed("attestation ed25519")
	cases := []struct {
		name       string
		mod        func(*popParts)
		key        func(t testing.TB) attestation.Key
		verifier   func(*attestation.PoPVerifier)
		wantReason wimse.Reason
	}{
		{name: "ok"},
		{name: "ok without cnf alg", key: func(t testing.TB) attestation.Key { return attestation.Key{Public: instanceKey(t).Public()} }},
		{name: "ok Ed25519", mod: func(p *popParts) { p.key, p.alg = ed, "EdDSA" },
			key: func(testing.TB) attestation.Key { return attestation.Key{Public: ed.Public(), Alg: "EdDSA"} }},
		{name: "ok aud as a one-element array", mod: func(p *popParts) { p.claims["aud"] = []string{tIssuer} }},
		{name: "ok application/ typ", mod: func(p *popParts) { p.header["typ"] = "application/" + attestation.PoPMediaType }},
		{name: "ok iss and unknown claims ignored", mod: func(p *popParts) { p.claims["iss"] = 42; p.claims["x-other"] = []int{1} }},
		{name: "ok iat at the edge of the window", mod: func(p *popParts) { p.claims["iat"] = int64(tNow - 360) }},
		{name: "typ JWT", mod: func(p *popParts) { p.header["typ"] = "JWT" }, wantReason: wimse.ReasonAttestationPoPTyp},
		{name: "typ of the attestation", mod: func(p *popParts) { p.header["typ"] = attestation.MediaType }, wantReason: wimse.ReasonAttestationPoPTyp},
		{name: "typ missing", mod: func(p *popParts) { delete(p.header, "typ") }, wantReason: wimse.ReasonAttestationPoPTyp},
		{name: "alg none", mod: func(p *popParts) {
			p.raw = unsigned(`{"alg":"none","typ":"oauth-client-attestation-pop+jwt"}`, `{"aud":"`+tIssuer+`","jti":"j","iat":1767225600}`)
		}, wantReason: wimse.ReasonAttestationPoPAlg},
		{name: "alg HS256", mod: func(p *popParts) {
			p.raw = unsigned(`{"alg":"HS256","typ":"oauth-client-attestation-pop+jwt"}`, `{"aud":"`+tIssuer+`","jti":"j","iat":1767225600}`)
		}, wantReason: wimse.ReasonAttestationPoPAlg},
		{name: "alg not allowed by the verifier", verifier: func(v *attestation.PoPVerifier) { v.Algorithms = []string{"PS256"} }, wantReason: wimse.ReasonAttestationPoPAlg},
		{name: "alg is not cnf.jwk.alg", key: func(t testing.TB) attestation.Key {
			return attestation.Key{Public: instanceKey(t).Public(), Alg: "ES384"}
		}, wantReason: wimse.ReasonAttestationPoPAlgMismatch},
		{name: "alg unfit for the key", mod: func(p *popParts) {
			p.key, p.alg = wimsetest.EC(t, elliptic.P384(), "attestation p384"), "ES384"
		}, key: func(t testing.TB) attestation.Key { return attestation.Key{Public: instanceKey(t).Public()} }, wantReason: wimse.ReasonAttestationPoPAlgMismatch},
		{name: "signed by another key", mod: func(p *popParts) { p.key = wimsetest.EC(t, elliptic.P256(), "attestation other") },
			wantReason: wimse.ReasonAttestationPoPSignature},
		{name: "jwk in header", mod: func(p *popParts) { p.header["jwk"] = map[string]any{"kty": "EC"} }, wantReason: wimse.ReasonAttestationPoPHeader},
		{name: "crit", mod: func(p *popParts) { p.header["crit"] = []string{"x"} }, wantReason: wimse.ReasonAttestationPoPHeader},
		{name: "not a JWS", mod: func(p *popParts) { p.raw = "a.b" }, wantReason: wimse.ReasonAttestationPoPMalformed},
		{name: "oversized", verifier: func(v *attestation.PoPVerifier) { v.MaxSize = 64 }, wantReason: wimse.ReasonAttestationPoPMalformed},
		{name: "aud missing", mod: func(p *popParts) { delete(p.claims, "aud") }, wantReason: wimse.ReasonAttestationPoPAudMissing},
		{name: "aud the token endpoint", mod: func(p *popParts) { p.claims["aud"] = tIssuer + "/token" }, wantReason: wimse.ReasonAttestationPoPAudMismatch},
		{name: "aud with a trailing slash", mod: func(p *popParts) { p.claims["aud"] = tIssuer + "/" }, wantReason: wimse.ReasonAttestationPoPAudMismatch},
		{name: "aud two values", mod: func(p *popParts) { p.claims["aud"] = []string{tIssuer, "https://other.example"} }, wantReason: wimse.ReasonAttestationPoPAudMismatch},
		{name: "aud a number", mod: func(p *popParts) { p.claims["aud"] = 1 }, wantReason: wimse.ReasonAttestationPoPClaimType},
		{name: "jti missing", mod: func(p *popParts) { delete(p.claims, "jti") }, wantReason: wimse.ReasonAttestationPoPJTIMissing},
		{name: "jti empty", mod: func(p *popParts) { p.claims["jti"] = "" }, wantReason: wimse.ReasonAttestationPoPJTIMissing},
		{name: "jti a number", mod: func(p *popParts) { p.claims["jti"] = 7 }, wantReason: wimse.ReasonAttestationPoPClaimType},
		{name: "iat missing", mod: func(p *popParts) { delete(p.claims, "iat") }, wantReason: wimse.ReasonAttestationPoPIatMissing},
		{name: "iat a string", mod: func(p *popParts) { p.claims["iat"] = "now" }, wantReason: wimse.ReasonAttestationPoPClaimType},
		{name: "iat one hour old", mod: func(p *popParts) { p.claims["iat"] = int64(tNow - 3600) }, wantReason: wimse.ReasonAttestationPoPIatWindow},
		{name: "iat just past the window", mod: func(p *popParts) { p.claims["iat"] = int64(tNow - 361) }, wantReason: wimse.ReasonAttestationPoPIatWindow},
		{name: "iat in the future", mod: func(p *popParts) { p.claims["iat"] = int64(tNow + 120) }, wantReason: wimse.ReasonAttestationPoPIatWindow},
		{name: "exp passed", mod: func(p *popParts) { p.claims["exp"] = int64(tNow - 120) }, wantReason: wimse.ReasonAttestationPoPIatWindow},
		{name: "nbf in the future", mod: func(p *popParts) { p.claims["nbf"] = int64(tNow + 120) }, wantReason: wimse.ReasonAttestationPoPIatWindow},
		{name: "challenge ignored when not used", mod: func(p *popParts) { p.claims["challenge"] = "whatever" }},
		{name: "challenge a number", mod: func(p *popParts) { p.claims["challenge"] = 1 }, wantReason: wimse.ReasonAttestationPoPClaimType},
		{name: "challenge expected and missing", verifier: func(v *attestation.PoPVerifier) { v.Challenge = func(string) error { return nil } },
			wantReason: wimse.ReasonAttestationChallengeMissing},
		{name: "challenge expected and matching", mod: func(p *popParts) { p.claims["challenge"] = "c-1" },
			verifier: func(v *attestation.PoPVerifier) { v.Challenge = only("c-1") }},
		{name: "challenge not issued", mod: func(p *popParts) { p.claims["challenge"] = "c-2" },
			verifier: func(v *attestation.PoPVerifier) { v.Challenge = only("c-1") }, wantReason: wimse.ReasonAttestationChallengeInvalid},
		{name: "challenge check failing without a reason", mod: func(p *popParts) { p.claims["challenge"] = "c-1" },
			verifier: func(v *attestation.PoPVerifier) { v.Challenge = func(string) error { return errors.New("nope") } }, wantReason: wimse.ReasonAttestationChallengeInvalid},
		{name: "no audience configured", verifier: func(v *attestation.PoPVerifier) { v.Audience = "" }, wantReason: wimse.ReasonInternal},
		{name: "no key", key: func(testing.TB) attestation.Key { return attestation.Key{} }, wantReason: wimse.ReasonInternal},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := baseline(t)
			if tc.mod != nil {
				tc.mod(p)
			}
			key := attestation.Key{Public: instanceKey(t).Public(), Alg: "ES256"}
			if tc.key != nil {
				key = tc.key(t)
			}
			v := &attestation.PoPVerifier{Audience: tIssuer, Replay: wimse.NewMemoryReplayCache(0), Now: tClock}
			if tc.verifier != nil {
				tc.verifier(v)
			}
			_, err := v.Verify(p.sign(t), key, tSender)
			if got := wimse.ReasonOf(err); got != tc.wantReason {
				t.Fatalf("reason = %q, want %q (%v)", got, tc.wantReason, err)
			}
		})
	}
}

func only(issued string) func(string) error {
	return func(c string) error {
		if c != issued {
			return wimse.Errorf(wimse.ReasonAttestationChallengeInvalid, "attestation: not issued")
		}
		return nil
	}
}

// A jti is single-use per client within the window; another client may
// use the same jti; the window is checked before the cache, so an old PoP
// is refused for its age and never recorded.
func TestPoPReplay(t *testing.T) {
	now := tClock()
	v := &attestation.PoPVerifier{Audience: tIssuer, Replay: wimse.NewMemoryReplayCache(0), Now: func() time.Time { return now }}
	key := attestation.Key{Public: instanceKey(t).Public(), Alg: "ES256"}
	raw := baseline(t).sign(t)
	steps := []struct {
		sender string
		after  time.Duration
		want   wimse.Reason
	}{
		{tSender, 0, ""},
		{tSender, time.Minute, wimse.ReasonAttestationPoPReplayed},
		{"spiffe://example.org/other", time.Minute, ""},
		{tSender, 7 * time.Minute, wimse.ReasonAttestationPoPIatWindow},
	}
	for i, s := range steps {
		now = tClock().Add(s.after)
		_, err := v.Verify(raw, key, s.sender)
		if got := wimse.ReasonOf(err); got != s.want {
			t.Fatalf("step %d: reason = %q, want %q (%v)", i, got, s.want, err)
		}
	}
}

func TestPoPSigner(t *testing.T) {
	s := &attestation.PoPSigner{Key: instanceKey(t)}
	raw, err := s.Sign(attestation.PoPClaims{Audience: tIssuer, ID: "x", IssuedAt: tClock(), Challenge: "c", Extra: map[string]any{"aud": "ignored", "n": 1}})
	if err != nil {
		t.Fatal(err)
	}
	v := &attestation.PoPVerifier{Audience: tIssuer, Now: tClock, Challenge: only("c")}
	p, err := v.Verify(raw, attestation.Key{Public: instanceKey(t).Public(), Alg: "ES256"}, tSender)
	if err != nil {
		t.Fatal(err)
	}
	if p.Audience != tIssuer || p.ID != "x" || p.Challenge != "c" || p.Algorithm != "ES256" || string(p.Claims["n"]) != "1" {
		t.Fatalf("PoP = %+v", p)
	}
	hdr, _, _ := strings.Cut(raw, ".")
	if b, _ := base64.RawURLEncoding.DecodeString(hdr); string(b) != `{"alg":"ES256","typ":"oauth-client-attestation-pop+jwt"}` {
		t.Fatalf("header = %s", b)
	}
	for _, c := range []attestation.PoPClaims{{ID: "x", IssuedAt: tClock()}, {Audience: tIssuer, IssuedAt: tClock()}, {Audience: tIssuer, ID: "x"}} {
		if _, err := s.Sign(c); err == nil {
			t.Fatalf("Sign(%+v) succeeded", c)
		}
	}
	if _, err := (&attestation.PoPSigner{}).Sign(attestation.PoPClaims{Audience: tIssuer, ID: "x", IssuedAt: tClock()}); err == nil {
		t.Fatal("Sign without a key succeeded")
	}
}
