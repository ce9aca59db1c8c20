package accesstoken_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/tokens/scope"
)

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// flip changes the last base64url characters of a signature.
func flip(s string) string {
	if strings.HasPrefix(s, "A") {
		return "B" + s[1:]
	}
	return "A" + s[1:]
}

// hmacToken re-signs raw's payload with HS256 keyed by the issuer's public
// key: the classic algorithm-confusion attack.
func hmacToken(t *testing.T, raw string) string {
	parts := strings.Split(raw, ".")
	input := b64(`{"alg":"HS256","typ":"at+jwt","kid":"k1"}`) + "." + parts[1]
	sig := wimsetest.HMACOverPublicKey(stsKey(t).Public())(t, input)
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func mustScope(s string) scope.Set { return scope.MustParse(s) }

func scopeSet() scope.Set { return scope.Set{} }
