package dpop_test

import (
	"crypto"
	"crypto/ed25519"
	"crypto/elliptic"
	"strings"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/internal/eddsa"
	"github.com/wimse-wg/wimse/internal/reasontest"
	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/tokens/dpop"
	"github.com/wimse-wg/wimse/wimse"
)

// TestVerify derives every invalid proof from a valid baseline through a
// mutator and compares reasons.
func TestVerify(t *testing.T) {
	ec := ecKey(t)
	smallOrder := make([]byte, ed25519.PublicKeySize)
	smallOrder[0] = 1 // the identity point: of order 1
	if !eddsa.IsSmallOrder(smallOrder) {
		t.Fatal("fixture: not a small-order point")
	}
	tests := []struct {
		name        string
		key         crypto.Signer // nil: the EC key
		alg         string        // "" : ES256
		mutate      func(p *proof)
		method      string // "": POST
		target      string // "": tokenURL
		accessToken string
		wantReason  wimse.Reason
	}{
		{name: "valid ES256"},
		{name: "valid EdDSA", key: wimsetest.Ed("dpop"), alg: "EdDSA"},
		{name: "valid Ed25519 name", key: wimsetest.Ed("dpop"), alg: "Ed25519"},
		{name: "valid RS256", key: wimsetest.RSA(t), alg: "RS256"},
		{name: "valid PS256", key: wimsetest.RSA(t), alg: "PS256"},
		{name: "ES384 not on the default list", key: wimsetest.For(t, "ES384", "dpop"), alg: "ES384", wantReason: wimse.ReasonDPoPAlg},
		{name: "typ JWT", mutate: func(p *proof) { p.header["typ"] = "JWT" }, wantReason: wimse.ReasonDPoPTyp},
		{name: "typ with application prefix", mutate: func(p *proof) { p.header["typ"] = "application/dpop+jwt" }, wantReason: wimse.ReasonDPoPTyp},
		{name: "typ upper case", mutate: func(p *proof) { p.header["typ"] = "DPOP+JWT" }, wantReason: wimse.ReasonDPoPTyp},
		{name: "typ missing", mutate: func(p *proof) { delete(p.header, "typ") }, wantReason: wimse.ReasonDPoPTyp},
		{name: "alg none", mutate: func(p *proof) { p.header["alg"] = "none"; p.alg = "none" }, wantReason: wimse.ReasonDPoPAlg},
		{name: "alg HS256", mutate: func(p *proof) { p.header["alg"] = "HS256"; p.alg = "HS256" }, wantReason: wimse.ReasonDPoPAlg},
		{name: "alg missing", mutate: func(p *proof) { delete(p.header, "alg") }, wantReason: wimse.ReasonDPoPAlg},
		{name: "alg EdDSA with an EC jwk", mutate: func(p *proof) { p.header["alg"] = "EdDSA" }, wantReason: wimse.ReasonDPoPAlgMismatch},
		{name: "jwk alg differs", mutate: func(p *proof) { p.header["jwk"].(map[string]any)["alg"] = "RS256" }, wantReason: wimse.ReasonDPoPAlgMismatch},
		{name: "jwk alg same", mutate: func(p *proof) { p.header["jwk"].(map[string]any)["alg"] = "ES256" }},
		{name: "crit", mutate: func(p *proof) { p.header["crit"] = []string{"exp"} }, wantReason: wimse.ReasonDPoPCrit},
		{name: "jwk private", mutate: func(p *proof) { p.header["jwk"].(map[string]any)["d"] = "AAAA" }, wantReason: wimse.ReasonDPoPJWKPrivate},
		{name: "jwk symmetric", mutate: func(p *proof) { p.header["jwk"] = map[string]any{"kty": "oct", "k": "AAAA"} }, wantReason: wimse.ReasonDPoPJWKPrivate},
		{name: "jwk missing", mutate: func(p *proof) { delete(p.header, "jwk") }, wantReason: wimse.ReasonDPoPJWK},
		{name: "kid instead of jwk", mutate: func(p *proof) { delete(p.header, "jwk"); p.header["kid"] = "k1" }, wantReason: wimse.ReasonDPoPJWK},
		{name: "kid beside jwk", mutate: func(p *proof) { p.header["kid"] = "k1" }},
		{name: "jwk a string", mutate: func(p *proof) { p.header["jwk"] = "k1" }, wantReason: wimse.ReasonDPoPJWK},
		{name: "jwk for encryption", mutate: func(p *proof) { p.header["jwk"].(map[string]any)["use"] = "enc" }, wantReason: wimse.ReasonDPoPJWK},
		{name: "jwk small order", key: wimsetest.Ed("dpop"), alg: "EdDSA", mutate: func(p *proof) {
			p.header["jwk"] = map[string]any{"kty": "OKP", "crv": "Ed25519", "x": b64(smallOrder)}
		}, wantReason: wimse.ReasonDPoPJWK},
		{name: "jku", mutate: func(p *proof) { p.header["jku"] = "https://evil.example/jwks" }, wantReason: wimse.ReasonDPoPHeaderKey},
		{name: "x5c", mutate: func(p *proof) { p.header["x5c"] = []string{"AAAA"} }, wantReason: wimse.ReasonDPoPHeaderKey},
		{name: "x5u", mutate: func(p *proof) { p.header["x5u"] = "https://evil.example/cert" }, wantReason: wimse.ReasonDPoPHeaderKey},
		{name: "signed by another key", mutate: func(p *proof) { p.key = wimsetest.EC(t, elliptic.P256(), "x") }, wantReason: wimse.ReasonDPoPSignature},
		{name: "jti missing", mutate: func(p *proof) { delete(p.claims, "jti") }, wantReason: wimse.ReasonDPoPClaimMissing},
		{name: "jti empty", mutate: func(p *proof) { p.claims["jti"] = "" }, wantReason: wimse.ReasonDPoPClaimMissing},
		{name: "htm missing", mutate: func(p *proof) { delete(p.claims, "htm") }, wantReason: wimse.ReasonDPoPClaimMissing},
		{name: "htu missing", mutate: func(p *proof) { delete(p.claims, "htu") }, wantReason: wimse.ReasonDPoPClaimMissing},
		{name: "iat missing", mutate: func(p *proof) { delete(p.claims, "iat") }, wantReason: wimse.ReasonDPoPClaimMissing},
		{name: "jti a number", mutate: func(p *proof) { p.claims["jti"] = 7 }, wantReason: wimse.ReasonDPoPClaimType},
		{name: "iat a string", mutate: func(p *proof) { p.claims["iat"] = "1562262616" }, wantReason: wimse.ReasonDPoPClaimType},
		{name: "nonce a number", mutate: func(p *proof) { p.claims["nonce"] = 1 }, wantReason: wimse.ReasonDPoPClaimType},
		{name: "htm GET on a POST", mutate: func(p *proof) { p.claims["htm"] = "GET" }, wantReason: wimse.ReasonDPoPHTMMismatch},
		{name: "htm lower case", mutate: func(p *proof) { p.claims["htm"] = "post" }, wantReason: wimse.ReasonDPoPHTMMismatch},
		{name: "htu other path", mutate: func(p *proof) { p.claims["htu"] = "https://server.example.com/other" }, wantReason: wimse.ReasonDPoPHTUMismatch},
		{name: "htu other host", mutate: func(p *proof) { p.claims["htu"] = "https://evil.example.com/token" }, wantReason: wimse.ReasonDPoPHTUMismatch},
		{name: "htu http", mutate: func(p *proof) { p.claims["htu"] = "http://server.example.com/token" }, wantReason: wimse.ReasonDPoPHTUMismatch},
		{name: "htu relative", mutate: func(p *proof) { p.claims["htu"] = "/token" }, wantReason: wimse.ReasonDPoPHTUMismatch},
		{name: "htu with query and fragment", mutate: func(p *proof) { p.claims["htu"] = tokenURL + "?a=b#c" }},
		{name: "htu normalized", mutate: func(p *proof) { p.claims["htu"] = "HTTPS://Server.Example.COM:443/./x/../%74oken" }},
		{name: "target with query", target: tokenURL + "?x=1"},
		{name: "iat an hour old", mutate: func(p *proof) { p.claims["iat"] = now - 3600 }, wantReason: wimse.ReasonDPoPIatStale},
		{name: "iat a second within the window", mutate: func(p *proof) { p.claims["iat"] = now - 119 }},
		{name: "iat at the window's end", mutate: func(p *proof) { p.claims["iat"] = now - 120 }, wantReason: wimse.ReasonDPoPIatStale},
		{name: "iat within the skew ahead", mutate: func(p *proof) { p.claims["iat"] = now + 60 }},
		{name: "iat beyond the skew ahead", mutate: func(p *proof) { p.claims["iat"] = now + 61 }, wantReason: wimse.ReasonDPoPIatFuture},
		{name: "ath matches", accessToken: "at", mutate: func(p *proof) { p.claims["ath"] = dpop.AccessTokenHash("at") }},
		{name: "ath missing", accessToken: "at", wantReason: wimse.ReasonDPoPATHMissing},
		{name: "ath of another token", accessToken: "at", mutate: func(p *proof) { p.claims["ath"] = dpop.AccessTokenHash("other") }, wantReason: wimse.ReasonDPoPATHMismatch},
		{name: "ath unchecked without access token", mutate: func(p *proof) { p.claims["ath"] = dpop.AccessTokenHash("other") }},
		{name: "method GET", method: "GET", wantReason: wimse.ReasonDPoPHTMMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, alg := tt.key, tt.alg
			if key == nil {
				key = ec
			}
			if alg == "" {
				alg = "ES256"
			}
			p := baseline(t, key, alg)
			if tt.mutate != nil {
				tt.mutate(p)
			}
			raw := p.sign(t)
			method, target := tt.method, tt.target
			if method == "" {
				method = "POST"
			}
			if target == "" {
				target = tokenURL
			}
			v := &dpop.Verifier{Now: clock(now), Replay: &wimse.MemoryReplayCache{}}
			got, err := v.Verify(raw, method, target, tt.accessToken)
			reasontest.CheckReason(t, err, tt.wantReason, raw)
			if err == nil && (got.Raw != raw || got.JKT == "" || got.Method != "POST") {
				t.Errorf("proof: %+v", got)
			}
		})
	}
}

func TestVerifyStructure(t *testing.T) {
	ec := ecKey(t)
	good := baseline(t, ec, "ES256").sign(t)
	tests := []struct {
		name       string
		raw        string
		maxSize    int
		wantReason wimse.Reason
	}{
		{name: "valid", raw: good},
		{name: "two segments", raw: "a.b", wantReason: wimse.ReasonDPoPMalformed},
		{name: "oversized", raw: good, maxSize: 100, wantReason: wimse.ReasonDPoPOversized},
		{name: "signature tampered", raw: good[:len(good)-4] + "AAAA", wantReason: wimse.ReasonDPoPSignature},
		{name: "duplicate claim", raw: signRaw(t, mustHeader(t, ec), []byte(`{"jti":"a","jti":"b","htm":"POST","htu":"`+tokenURL+`","iat":1562262616}`), "ES256", ec), wantReason: wimse.ReasonDPoPDuplicateMember},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := &dpop.Verifier{Now: clock(now), MaxSize: tt.maxSize}
			_, err := v.Verify(tt.raw, "POST", tokenURL, "")
			reasontest.CheckReason(t, err, tt.wantReason, "")
		})
	}
}

func mustHeader(t testing.TB, key crypto.Signer) []byte {
	t.Helper()
	p := baseline(t, key, "ES256")
	out, err := jsonMarshal(p.header)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestVerifyAlgorithms(t *testing.T) {
	ec384 := wimsetest.For(t, "ES384", "dpop")
	raw := baseline(t, ec384, "ES384").sign(t)
	v := &dpop.Verifier{Now: clock(now), Algorithms: []string{"ES384", "HS256", "none"}}
	if _, err := v.Verify(raw, "POST", tokenURL, ""); err != nil {
		t.Fatalf("ES384 allowed: %v", err)
	}
	if got := strings.Join(v.SupportedAlgorithms(), " "); got != "ES384" {
		t.Errorf("SupportedAlgorithms: got %q, want ES384 (HS256 and none never)", got)
	}
	es := baseline(t, ecKey(t), "ES256").sign(t)
	_, err := v.Verify(es, "POST", tokenURL, "")
	reasontest.CheckReason(t, err, wimse.ReasonDPoPAlg, "")
	if got := strings.Join((&dpop.Verifier{}).SupportedAlgorithms(), " "); got != "ES256 EdDSA RS256 PS256" {
		t.Errorf("default algorithms: %q", got)
	}
}

// TestVerifyReplay: a proof is accepted once per key; another key may
// reuse the jti; the entry lives until iat + MaxAge + skew.
func TestVerifyReplay(t *testing.T) {
	cache := &wimse.MemoryReplayCache{}
	sec := int64(now)
	v := &dpop.Verifier{Now: func() time.Time { return time.Unix(sec, 0) }, Replay: cache}
	raw := baseline(t, ecKey(t), "ES256").sign(t)
	if _, err := v.Verify(raw, "POST", tokenURL, ""); err != nil {
		t.Fatal(err)
	}
	_, err := v.Verify(raw, "POST", tokenURL, "")
	reasontest.CheckReason(t, err, wimse.ReasonDPoPReplayed, "")
	other := baseline(t, wimsetest.Ed("other"), "EdDSA").sign(t) // same jti
	if _, err := v.Verify(other, "POST", tokenURL, ""); err != nil {
		t.Fatalf("same jti, other key: %v", err)
	}
	sec = now + 119 // the last second the proof is accepted: still recorded
	_, err = v.Verify(raw, "POST", tokenURL, "")
	reasontest.CheckReason(t, err, wimse.ReasonDPoPReplayed, "")
	sec = now + 120 // out of the window: stale, whatever the cache says
	_, err = v.Verify(raw, "POST", tokenURL, "")
	reasontest.CheckReason(t, err, wimse.ReasonDPoPIatStale, "")
}

func TestVerifyNonce(t *testing.T) {
	src := &dpop.NonceSource{Key: []byte(strings.Repeat("k", 32)), Period: time.Minute}
	at := func(sec int64) string {
		n, err := src.NewNonce(time.Unix(sec, 0))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	tests := []struct {
		name       string
		nonce      any // nil: no claim
		wantReason wimse.Reason
	}{
		{name: "current", nonce: at(now)},
		{name: "previous period", nonce: at(now - 60)},
		{name: "two periods old", nonce: at(now - 120), wantReason: wimse.ReasonDPoPNonceInvalid},
		{name: "next period", nonce: at(now + 60), wantReason: wimse.ReasonDPoPNonceInvalid},
		{name: "forged", nonce: "eyJ7S_zG.eyJH0-Z.HX4w-7v", wantReason: wimse.ReasonDPoPNonceInvalid},
		{name: "other key", nonce: func() string {
			n, _ := (&dpop.NonceSource{Key: []byte(strings.Repeat("o", 32)), Period: time.Minute}).NewNonce(time.Unix(now, 0))
			return n
		}(), wantReason: wimse.ReasonDPoPNonceInvalid},
		{name: "missing", wantReason: wimse.ReasonDPoPNonceMissing},
		{name: "empty", nonce: "", wantReason: wimse.ReasonDPoPNonceMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := baseline(t, ecKey(t), "ES256")
			if tt.nonce != nil {
				p.claims["nonce"] = tt.nonce
			}
			v := &dpop.Verifier{Now: clock(now), Nonces: src}
			_, err := v.Verify(p.sign(t), "POST", tokenURL, "")
			reasontest.CheckReason(t, err, tt.wantReason, "")
		})
	}
	if _, err := (&dpop.NonceSource{Key: []byte("short")}).NewNonce(time.Unix(now, 0)); err == nil {
		t.Error("a short key issues nonces")
	}
	if err := (&dpop.NonceSource{Key: []byte("short")}).CheckNonce("x", time.Unix(now, 0)); err == nil {
		t.Error("a short key accepts nonces")
	}
}

func TestVerifyBadTarget(t *testing.T) {
	raw := baseline(t, ecKey(t), "ES256").sign(t)
	for _, target := range []string{"/token", "ftp://server.example.com/token", ""} {
		_, err := (&dpop.Verifier{Now: clock(now)}).Verify(raw, "POST", target, "")
		reasontest.CheckReason(t, err, wimse.ReasonInternal, "")
	}
	_, err := (&dpop.Verifier{Now: clock(now)}).Verify(raw, "", tokenURL, "")
	reasontest.CheckReason(t, err, wimse.ReasonInternal, "")
}
