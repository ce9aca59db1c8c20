package wpt_test

import (
	"crypto"
	"crypto/ed25519"
	"encoding/base64"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/internal/eddsa"
	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/internal/reasontest"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/tokens/wpt"
	"github.com/wimse-wg/wimse/wimse"
)

// identityPoint is the encoding of the neutral element of edwards25519
// (x = 0, y = 1): a public key of order 1, whose "private key" is 0 and
// anyone's.
var identityPoint = append([]byte{1}, make([]byte, 31)...)

// forgedWPT is a WPT for testAud bound to witRaw whose signature is
// R = identity, S = 0: with an identity public key A, the verification
// equation [S]B = R + [k]A holds for every message, so no private key is
// needed.
func forgedWPT(t testing.TB, witRaw string) string {
	t.Helper()
	h := mustMarshal(t, map[string]any{"alg": "EdDSA", "typ": "wpt+jwt"})
	p := mustMarshal(t, map[string]any{"aud": testAud, "exp": wptNow + 60, "jti": "forged-1", "wth": wit.Hash(witRaw)})
	sig := append(append([]byte(nil), identityPoint...), make([]byte, 32)...)
	input := b64(h) + "." + b64(p)
	if !ed25519.Verify(ed25519.PublicKey(identityPoint), []byte(input), sig) {
		t.Fatal("crypto/ed25519 no longer accepts R = identity, S = 0 for the identity key: revisit this test")
	}
	return input + "." + b64(sig)
}

// TestSmallOrderCnfForgery is the attack of issue 9 item 2: a WIT whose
// cnf.jwk is the identity point makes the WIT a bearer token, since a WPT
// with R = identity, S = 0 verifies without any private key. The WIT must
// be rejected, with the small-order reason.
func TestSmallOrderCnfForgery(t *testing.T) {
	jwk := map[string]any{"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "x": base64.RawURLEncoding.EncodeToString(identityPoint)}
	raw, err := jose.Sign(map[string]any{"typ": "wit+jwt", "kid": "k1"}, map[string]any{
		"sub": testSub, "exp": wptNow + 3600, "cnf": map[string]any{"jwk": jwk},
	}, "EdDSA", issuerKey, false)
	if err != nil {
		t.Fatal(err)
	}
	store := wimse.NewTrustStore()
	store.Set(wimse.MustParseID(testSub).TrustDomain(), wimse.Anchors{Keys: []wimse.IssuerKey{{KeyID: "k1", Public: issuerKey.Public()}}})
	policy := wimse.Policy{Now: func() time.Time { return time.Unix(wptNow, 0) }}
	tok, err := (&wit.Verifier{Trust: store, Policy: policy}).Verify(raw)
	if err == nil {
		_, perr := (&wpt.Verifier{Policy: policy}).Verify(forgedWPT(t, raw), wpt.Expect{Revision: wimse.RevisionWPT02, Audience: testAud, WIT: tok})
		t.Fatalf("a WIT whose cnf.jwk is the identity point was accepted; a WPT forged without a private key then gives %v", perr)
	}
	reasontest.CheckReason(t, err, "wit.cnf_key_small_order", raw)
}

// TestSmallOrderConfirmationKeyAtUse: a WIT built by hand (not through
// wit.Verifier) with a small-order confirmation key still cannot carry a
// proof: the WPT verifier checks the key it verifies with.
func TestSmallOrderConfirmationKeyAtUse(t *testing.T) {
	tok := makeWIT(t, testSub, "EdDSA")
	tok.Confirmation.Key = ed25519.PublicKey(identityPoint)
	_, err := (&wpt.Verifier{Policy: wimse.Policy{Now: func() time.Time { return time.Unix(wptNow, 0) }}}).Verify(
		forgedWPT(t, tok.Raw), wpt.Expect{Revision: wimse.RevisionWPT02, Audience: testAud, WIT: tok})
	reasontest.CheckReason(t, err, "wit.cnf_key_small_order", "")
}

// TestWPTSignatureNotReduced: an EdDSA or Ed25519 WPT whose S is not
// reduced (S + L) is rejected with its own reason, although the same
// signature with S reduced verifies.
func TestWPTSignatureNotReduced(t *testing.T) {
	sPlusL := func(alg string) func(testing.TB, *wptFixture) {
		return func(t testing.TB, f *wptFixture) {
			f.bindWIT(t, alg)
			key := f.key
			f.sign = func(t testing.TB, input string) []byte {
				sig, err := key.Sign(nil, []byte(input), crypto.Hash(0))
				if err != nil {
					t.Fatal(err)
				}
				pub := key.Public().(ed25519.PublicKey)
				if !ed25519.Verify(pub, []byte(input), sig) || ed25519.Verify(pub, []byte(input), eddsa.AddL(sig)) {
					t.Fatal("crypto/ed25519 accepts S + L, or the base signature is wrong")
				}
				return eddsa.AddL(sig)
			}
		}
	}
	runWPTCases(t, []wptCase{
		{name: "EdDSA S + L", mutate: sPlusL("EdDSA"), want: "wpt.signature_non_canonical"},
		{name: "Ed25519 S + L", mutate: sPlusL("Ed25519"), want: "wpt.signature_non_canonical"},
	})
}
