package wit_test

import (
	"crypto"
	"crypto/ed25519"
	"encoding/hex"
	"testing"

	"github.com/wimse-wg/wimse/internal/eddsa"
	"github.com/wimse-wg/wimse/wimse"
)

// Ed25519 public key encodings that prove no possession of anything
// (issue 9 item 2). smallOrder are the canonical encodings of the eight
// points of the 8-torsion subgroup (order 1, 2, 4, 4, 8, 8, 8, 8);
// nonCanonical are encodings whose y is not reduced mod p, or x = 0 with the
// sign bit set: all but the last decode (as crypto/ed25519 decodes them) to
// small-order points, the last to a point of large order with y = 3.
var (
	smallOrder = []string{
		"0100000000000000000000000000000000000000000000000000000000000000",
		"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"0000000000000000000000000000000000000000000000000000000000000000",
		"0000000000000000000000000000000000000000000000000000000000000080",
		"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
		"26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
		"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
		"c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
	}
	nonCanonical = []string{
		"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // identity, y = p + 1
		"0100000000000000000000000000000000000000000000000000000000000080", // identity, x = 0 with the sign bit
		"eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", // identity, y = p + 1 with the sign bit
		"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", // order 2, x = 0 with the sign bit
		"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // order 4, y = p
		"edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", // order 4, y = p with the sign bit
		"f0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // large order, y = p + 3
	}
)

func edJWK(t testing.TB, hexKey, alg string) map[string]any {
	t.Helper()
	x, err := hex.DecodeString(hexKey)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]any{"kty": "OKP", "crv": "Ed25519", "alg": alg, "x": b64(x)}
}

func setCnfJWK(jwk map[string]any) func(testing.TB, *witFixture) {
	return func(_ testing.TB, f *witFixture) { f.claims["cnf"] = map[string]any{"jwk": jwk} }
}

// TestCnfEd25519Keys: a cnf.jwk of small order, or not canonically
// encoded, is rejected with its own reason; ordinary Ed25519 keys are not.
func TestCnfEd25519Keys(t *testing.T) {
	var cases []witCase
	for i, k := range smallOrder {
		k := k
		cases = append(cases, witCase{name: "small order " + k[:8] + "/" + string(rune('0'+i)),
			mutate: func(t testing.TB, f *witFixture) { setCnfJWK(edJWK(t, k, "EdDSA"))(t, f) }, want: "wit.cnf_key_small_order"})
	}
	for i, k := range nonCanonical {
		k := k
		cases = append(cases, witCase{name: "non-canonical " + k[:8] + "/" + string(rune('0'+i)),
			mutate: func(t testing.TB, f *witFixture) { setCnfJWK(edJWK(t, k, "Ed25519"))(t, f) }, want: "wit.cnf_key_non_canonical"})
	}
	cases = append(cases,
		witCase{name: "ordinary key, EdDSA", mutate: func(t testing.TB, f *witFixture) { f.setCnf(t, "EdDSA") }},
		witCase{name: "ordinary key, Ed25519", mutate: func(t testing.TB, f *witFixture) { f.setCnf(t, "Ed25519") }},
	)
	runWITCases(t, cases)
}

// TestCnfUseAndKeyOps: cnf.jwk is a key for verifying signatures; a use or
// key_ops member that says otherwise, or is malformed, rejects the WIT
// (RFC 7517 §4.2, §4.3).
func TestCnfUseAndKeyOps(t *testing.T) {
	set := func(name string, v any) func(testing.TB, *witFixture) {
		return func(_ testing.TB, f *witFixture) { f.jwk()[name] = v }
	}
	runWITCases(t, []witCase{
		{name: "use sig", mutate: set("use", "sig")},
		{name: "key_ops verify", mutate: set("key_ops", []any{"verify"})},
		{name: "key_ops sign and verify", mutate: set("key_ops", []any{"sign", "verify"})},
		{name: "use enc", mutate: set("use", "enc"), want: "wit.cnf_key_use"},
		{name: "use empty", mutate: set("use", ""), want: "wit.cnf_key_use"},
		{name: "use not a string", mutate: set("use", 1), want: "wit.cnf_key_use"},
		{name: "key_ops without verify", mutate: set("key_ops", []any{"encrypt"}), want: "wit.cnf_key_use"},
		{name: "key_ops empty", mutate: set("key_ops", []any{}), want: "wit.cnf_key_use"},
		{name: "key_ops a string", mutate: set("key_ops", "verify"), want: "wit.cnf_key_use"},
		{name: "key_ops repeats verify", mutate: set("key_ops", []any{"verify", "verify"}), want: "wit.cnf_key_use"},
		{name: "key_ops not strings", mutate: set("key_ops", []any{1}), want: "wit.cnf_key_use"},
	})
}

// TestCnfOneConfirmationMethod: cnf represents a single proof-of-possession
// key (RFC 7800 §3.1); jwk beside another confirmation method is
// ambiguous. A cnf without jwk stays wit.cnf_missing.
func TestCnfOneConfirmationMethod(t *testing.T) {
	also := func(name string, v any) func(testing.TB, *witFixture) {
		return func(_ testing.TB, f *witFixture) { f.claims["cnf"].(map[string]any)[name] = v }
	}
	runWITCases(t, []witCase{
		{name: "jwk and jkt", mutate: also("jkt", "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"), want: "wit.cnf_ambiguous"},
		{name: "jwk and x5t#S256", mutate: also("x5t#S256", "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2"), want: "wit.cnf_ambiguous"},
		{name: "jwk and kid", mutate: also("kid", "workload-key-1"), want: "wit.cnf_ambiguous"},
		{name: "jwk and an unknown member", mutate: also("example", true), want: "wit.cnf_ambiguous"},
		{name: "jkt alone", mutate: setClaim("cnf", map[string]any{"jkt": "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"}), want: wimse.ReasonWITCnfMissing},
	})
}

// TestIssuerEd25519 covers the issuer side: an EdDSA WIT whose S is not
// reduced (S + L) is rejected with its own reason; a trust anchor of small
// order built in code (not through wimse.ParseJWKSet, which refuses it)
// verifies nothing, not even the signature R = identity, S = 0 that any
// message has under it.
func TestIssuerEd25519(t *testing.T) {
	identity, _ := hex.DecodeString(smallOrder[0])
	runWITCases(t, []witCase{
		{name: "valid EdDSA WIT", mutate: func(t testing.TB, f *witFixture) { f.setIssuer(t, "EdDSA") }},
		{name: "S + L", mutate: func(t testing.TB, f *witFixture) {
			f.setIssuer(t, "EdDSA")
			key := f.key
			f.sign = func(t testing.TB, input string) []byte {
				sig, err := key.Sign(nil, []byte(input), crypto.Hash(0))
				if err != nil {
					t.Fatal(err)
				}
				if !ed25519.Verify(key.Public().(ed25519.PublicKey), []byte(input), sig) || ed25519.Verify(key.Public().(ed25519.PublicKey), []byte(input), eddsa.AddL(sig)) {
					t.Fatal("crypto/ed25519 accepts S + L, or the base signature is wrong")
				}
				return eddsa.AddL(sig)
			}
		}, want: "wit.signature_non_canonical"},
		{name: "small-order anchor", mutate: func(t testing.TB, f *witFixture) {
			f.header["alg"] = "EdDSA"
			f.anchors["example.com"] = wimse.Anchors{Keys: []wimse.IssuerKey{{KeyID: "k1", Public: ed25519.PublicKey(identity)}}}
			f.sign = func(testing.TB, string) []byte { return append(append([]byte(nil), identity...), make([]byte, 32)...) }
		}, want: wimse.ReasonWITSignature},
	})
}

// TestEdDSAEd25519Spellings: for an Ed25519 key, EdDSA and the RFC 9864 name
// Ed25519 are one algorithm wherever the receiver compares a WIT's
// algorithm with its own configuration: the trust anchor's alg, the trust
// domain's allow-lists and the policy's (RFC 9864 §2.2). The WPT's
// alg still string-equals cnf.jwk.alg (wpt-02 §2; tokens/wpt).
func TestEdDSAEd25519Spellings(t *testing.T) {
	signedAs := func(header, anchor string) func(testing.TB, *witFixture) {
		return func(t testing.TB, f *witFixture) {
			f.setIssuer(t, "EdDSA")
			f.header["alg"] = header
			f.signAlg = header
			a := f.anchors["example.com"]
			a.Keys[0].Algorithm = anchor
			f.anchors["example.com"] = a
		}
	}
	withAnchors := func(m func(testing.TB, *witFixture), edit func(*wimse.Anchors)) func(testing.TB, *witFixture) {
		return func(t testing.TB, f *witFixture) {
			m(t, f)
			a := f.anchors["example.com"]
			edit(&a)
			f.anchors["example.com"] = a
		}
	}
	runWITCases(t, []witCase{
		{name: "header Ed25519, anchor EdDSA", mutate: signedAs("Ed25519", "EdDSA")},
		{name: "header EdDSA, anchor Ed25519", mutate: signedAs("EdDSA", "Ed25519")},
		{name: "header Ed25519, anchor Ed25519", mutate: signedAs("Ed25519", "Ed25519")},
		{name: "header EdDSA, anchor ES256", mutate: signedAs("EdDSA", "ES256"), want: wimse.ReasonWITSignature},
		{name: "trust domain allows EdDSA, header Ed25519", mutate: withAnchors(signedAs("Ed25519", ""), func(a *wimse.Anchors) { a.Algorithms = []string{"EdDSA"} })},
		{name: "trust domain allows Ed25519, header EdDSA", mutate: withAnchors(signedAs("EdDSA", ""), func(a *wimse.Anchors) { a.Algorithms = []string{"Ed25519"} })},
		{name: "trust domain proof algs Ed25519, cnf EdDSA", mutate: withAnchors(func(t testing.TB, f *witFixture) { f.setCnf(t, "EdDSA") }, func(a *wimse.Anchors) { a.ProofAlgorithms = []string{"Ed25519"} })},
		{name: "trust domain proof algs EdDSA, cnf Ed25519", mutate: withAnchors(func(t testing.TB, f *witFixture) { f.setCnf(t, "Ed25519") }, func(a *wimse.Anchors) { a.ProofAlgorithms = []string{"EdDSA"} })},
		{name: "policy allows EdDSA, header Ed25519", mutate: func(t testing.TB, f *witFixture) {
			signedAs("Ed25519", "")(t, f)
			f.policy.Algorithms = []string{"EdDSA"}
			f.setCnf(t, "EdDSA")
		}},
		{name: "policy allows ES256 only, header Ed25519", mutate: func(t testing.TB, f *witFixture) {
			signedAs("Ed25519", "")(t, f)
			f.policy.Algorithms = []string{"ES256"}
		}, want: wimse.ReasonWITAlg},
	})
}
