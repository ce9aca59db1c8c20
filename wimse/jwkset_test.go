package wimse_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"testing"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/wimse"
)

// TestParseJWKSetEd25519Keys: a trust bundle key that is an Ed25519 point
// of small order (any message has a signature under it: R = identity,
// S = 0 for the identity key), or that is not canonically encoded, makes
// the whole bundle unusable: ParseJWKSet refuses it rather than trust a key
// anyone can sign with. An ordinary Ed25519 key, under either algorithm
// name, is accepted.
func TestParseJWKSetEd25519Keys(t *testing.T) {
	set := func(x []byte, alg string) []byte {
		return []byte(`{"keys":[{"kty":"OKP","crv":"Ed25519","kid":"k","alg":"` + alg + `","x":"` + base64.RawURLEncoding.EncodeToString(x) + `"}]}`)
	}
	hexKey := func(s string) []byte {
		b, err := hex.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, tc := range []struct {
		name string
		x    []byte
		want jose.Code // 0: accepted
	}{
		{"ordinary", []byte(wimsetest.Ed("issuer").Public().(ed25519.PublicKey)), 0},
		{"identity", hexKey("0100000000000000000000000000000000000000000000000000000000000000"), jose.CodeKeySmallOrder},
		{"order 2", hexKey("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"), jose.CodeKeySmallOrder},
		{"order 8", hexKey("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"), jose.CodeKeySmallOrder},
		{"identity, y = p + 1", hexKey("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"), jose.CodeKeyNonCanonical},
		{"large order, y = p + 3", hexKey("f0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"), jose.CodeKeyNonCanonical},
	} {
		for _, alg := range []string{"EdDSA", "Ed25519"} {
			keys, err := wimse.ParseJWKSet(set(tc.x, alg))
			var je *jose.Error
			switch {
			case tc.want == 0 && err != nil:
				t.Errorf("%s (%s): ParseJWKSet: %v", tc.name, alg, err)
			case tc.want != 0 && (!errors.As(err, &je) || je.Code != tc.want):
				t.Errorf("%s (%s): ParseJWKSet = %v, %v; want code %d", tc.name, alg, keys, err, tc.want)
			}
		}
	}
}
