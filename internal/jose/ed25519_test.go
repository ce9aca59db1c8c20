package jose

import (
	"crypto/ed25519"
	"encoding/base64"
	"testing"

	"github.com/wimse-wg/wimse/internal/eddsa"
)

func okpJWK(x []byte, extra string) []byte {
	return []byte(`{"kty":"OKP","crv":"Ed25519","alg":"EdDSA","x":"` + base64.RawURLEncoding.EncodeToString(x) + `"` + extra + `}`)
}

// nonCanonicalIdentity is the identity point with y = p + 1.
var nonCanonicalIdentity = []byte{0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}

// TestEd25519KeyEntry: every way an Ed25519 key enters (a public JWK,
// CheckKey before signing or verifying) refuses small-order and
// non-canonical encodings with their codes, and the Skip variants pass
// them over (the conformance self-test's mutants).
func TestEd25519KeyEntry(t *testing.T) {
	skipAll := Skip(func(c Code) bool { return c == CodeKeySmallOrder || c == CodeKeyNonCanonical })
	for _, tc := range []struct {
		name string
		x    []byte
		want Code
	}{
		{"ordinary", keyFor(t, "EdDSA").Public().(ed25519.PublicKey), 0},
		{"identity", eddsa.SmallOrder[0][:], CodeKeySmallOrder},
		{"order 8", eddsa.SmallOrder[7][:], CodeKeySmallOrder},
		{"identity y = p + 1", nonCanonicalIdentity, CodeKeyNonCanonical},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParsePublicJWK(okpJWK(tc.x, ""))
			if got := codeOf(err); got != tc.want {
				t.Errorf("ParsePublicJWK: code %d, want %d (%v)", got, tc.want, err)
			}
			if _, err := ParsePublicJWKSkip(okpJWK(tc.x, ""), skipAll); err != nil {
				t.Errorf("ParsePublicJWKSkip with the key checks skipped: %v", err)
			}
			for _, alg := range []string{"EdDSA", "Ed25519"} {
				if got := codeOf(CheckKey(alg, ed25519.PublicKey(tc.x))); got != tc.want {
					t.Errorf("CheckKey(%s): code %d, want %d", alg, got, tc.want)
				}
				if err := CheckKeySkip(alg, ed25519.PublicKey(tc.x), skipAll); err != nil {
					t.Errorf("CheckKeySkip(%s): %v", alg, err)
				}
			}
		})
	}
}

// TestVerifyEd25519Forgeries: Verify refuses the two Ed25519 forgeries the
// key and signature rules exist for, each with its code: R = identity,
// S = 0 under the identity key (crypto/ed25519 accepts it), and a genuine
// signature with L added to S (crypto/ed25519 refuses it already; the
// code says why). With the checks skipped, both verify, as they would for
// a receiver that lacks the checks.
func TestVerifyEd25519Forgeries(t *testing.T) {
	hb, pb := []byte(`{"alg":"EdDSA"}`), []byte(`{}`)
	input := base64.RawURLEncoding.EncodeToString(hb) + "." + base64.RawURLEncoding.EncodeToString(pb)
	identity := ed25519.PublicKey(eddsa.SmallOrder[0][:])
	forged := &Token{SigningInput: input, Signature: append(append([]byte(nil), identity...), make([]byte, 32)...)}
	if !ed25519.Verify(identity, []byte(input), forged.Signature) {
		t.Fatal("crypto/ed25519 refuses R = identity, S = 0 under the identity key: revisit this test")
	}
	if got := codeOf(Verify(forged, "EdDSA", identity)); got != CodeKeySmallOrder {
		t.Errorf("forged under the identity key: code %d, want CodeKeySmallOrder", got)
	}
	if err := VerifySkip(forged, "EdDSA", identity, func(c Code) bool { return c == CodeKeySmallOrder }); err != nil {
		t.Errorf("forged under the identity key, check skipped: %v", err)
	}

	key := keyFor(t, "EdDSA")
	raw, err := SignRaw(hb, pb, "EdDSA", key, true)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := Parse(raw, 1<<16)
	if err != nil {
		t.Fatal(err)
	}
	tok.Signature = eddsa.AddL(tok.Signature)
	for _, alg := range []string{"EdDSA", "Ed25519"} {
		if got := codeOf(Verify(tok, alg, key.Public())); got != CodeSignatureNonCanonical {
			t.Errorf("%s S + L: code %d, want CodeSignatureNonCanonical", alg, got)
		}
		if err := VerifySkip(tok, alg, key.Public(), func(c Code) bool { return c == CodeSignatureNonCanonical }); err != nil {
			t.Errorf("%s S + L, range check skipped (S reduced): %v", alg, err)
		}
	}
}

// TestCheckVerifyUse: use and key_ops of a public JWK (RFC 7517 §4.2,
// §4.3) allow verifying only when absent, "sig", or listing "verify" once.
func TestCheckVerifyUse(t *testing.T) {
	x := keyFor(t, "EdDSA").Public().(ed25519.PublicKey)
	for extra, ok := range map[string]bool{
		``:                                  true,
		`,"use":"sig"`:                      true,
		`,"key_ops":["verify"]`:             true,
		`,"key_ops":["sign","verify"]`:      true,
		`,"use":"sig","key_ops":["verify"]`: true,
		`,"use":"enc"`:                      false,
		`,"use":""`:                         false,
		`,"use":null`:                       false,
		`,"use":1`:                          false,
		`,"key_ops":[]`:                     false,
		`,"key_ops":["encrypt"]`:            false,
		`,"key_ops":"verify"`:               false,
		`,"key_ops":null`:                   false,
		`,"key_ops":[1]`:                    false,
		`,"key_ops":["verify","verify"]`:    false,
	} {
		k, err := ParsePublicJWK(okpJWK(x, extra))
		if err != nil {
			t.Fatalf("%s: ParsePublicJWK: %v", extra, err)
		}
		err = k.CheckVerifyUse()
		if (err == nil) != ok || (err != nil && codeOf(err) != CodeKeyUse) {
			t.Errorf("%s: CheckVerifyUse = %v, want ok %v", extra, err, ok)
		}
	}
}

// TestSameAlgorithm: EdDSA and Ed25519 are one algorithm; nothing else is.
func TestSameAlgorithm(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"EdDSA", "Ed25519", true}, {"Ed25519", "EdDSA", true}, {"EdDSA", "EdDSA", true},
		{"ES256", "ES256", true}, {"ES256", "ES384", false}, {"EdDSA", "ES256", false},
		{"RS256", "PS256", false}, {"Ed25519", "Ed448", false}, {"", "EdDSA", false},
	} {
		if got := SameAlgorithm(tc.a, tc.b); got != tc.want {
			t.Errorf("SameAlgorithm(%q, %q) = %v", tc.a, tc.b, got)
		}
	}
}
