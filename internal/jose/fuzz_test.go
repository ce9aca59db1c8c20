package jose

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/wimse-wg/wimse/internal/eddsa"
)

// FuzzParseCompact: Parse never panics, fails only with the parsing codes,
// and what it accepts re-encodes to the input.
func FuzzParseCompact(f *testing.F) {
	for _, raw := range []string{
		compact(okHeader, `{"sub":"x"}`, "c2ln"),
		compact(`{"alg":"EdDSA","typ":"wpt+jwt"}`, `{"aud":"https://a/b","exp":1745510016,"jti":"j","wth":"w"}`, "AA"),
		compact(`{"alg":"ES256","alg":"none"}`, `{}`, "AA"),
		compact(`{"alg":"ES256","crit":["b64"],"b64":false}`, `{}`, "AA"),
		compact(okHeader, `{"a":`+strings.Repeat("[", 40)+strings.Repeat("]", 40)+`}`, "AA"),
		compact(okHeader, "{\"a\":\"\xff\"}", "AA"),
		// The creds-02 example WIT.
		"eyJhbGciOiJFUzI1NiIsImtpZCI6Ikp1bmUgNSIsInR5cCI6IndpdCtqd3QifQ.eyJjbmYiOnsiandrIjp7ImFsZyI6IkVkRFNBIiwiY3J2IjoiRWQyNTUxOSIsImt0eSI6Ik9LUCIsIngiOiIxQ1hYdmZsTl9MVlZzSXNZWHNVdkIwM0ptbEdXZUNIcVFWdW91Q0Y5MmJnIn19LCJleHAiOjE3NDU1MTI1MTAsImlhdCI6MTc0NTUwODkxMCwianRpIjoieC1fMUNUTDJjY2EzQ1NFNGN3Yl9sIiwic3ViIjoid2ltc2U6Ly9leGFtcGxlLmNvbS9zcGVjaWZpYy13b3JrbG9hZCJ9.6KraSQUxWdl9dxFQ3Fj6dPY0Vi88OkwFwZpAIOhLeq6AbXAnLLQgOp8U9UDGcBuYF3KiNv6oKQD1ZWAzrMZOJw",
		"", ".", "..", "...", "e30.e30.", "e30.e30.AA=", "e30.e30.A", "e31.e30.AA",
	} {
		f.Add(raw)
	}
	const max = 4096
	f.Fuzz(func(t *testing.T, raw string) {
		tok, err := Parse(raw, max)
		if err != nil {
			switch codeOf(err) {
			case CodeMalformed, CodeOversized, CodeDuplicateMember, CodeAlg, CodeTyp:
			default:
				t.Fatalf("Parse(%q): unexpected error %v (code %d)", raw, err, codeOf(err))
			}
			if tok != nil {
				t.Fatalf("Parse(%q) returned a token with an error", raw)
			}
			return
		}
		parts := strings.Split(raw, ".")
		enc := base64.RawURLEncoding
		if len(raw) > max || len(parts) != 3 ||
			enc.EncodeToString(tok.Header.Raw) != parts[0] ||
			enc.EncodeToString(tok.Payload) != parts[1] ||
			enc.EncodeToString(tok.Signature) != parts[2] ||
			tok.SigningInput != parts[0]+"."+parts[1] || tok.Raw != raw {
			t.Fatalf("Parse(%q) = %+v does not re-encode to its input", raw, tok)
		}
		if !json.Valid(tok.Header.Raw) || !json.Valid(tok.Payload) {
			t.Fatalf("Parse(%q) accepted invalid JSON", raw)
		}
		if _, err := ParseClaims(tok.Payload); err != nil {
			t.Fatalf("ParseClaims after Parse(%q): %v", raw, err)
		}
	})
}

// FuzzCheckObject: whatever checkObject accepts is one valid JSON object.
func FuzzCheckObject(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1,"a":2}`, `{"a":[{"b":{}}]}`, nestObjects(maxDepth), `{"a":"\u0061"} `, "[]", "{\"\xff\":1}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if checkObject(data) != nil {
			return
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(data, &m); err != nil || m == nil {
			t.Fatalf("checkObject accepted %q, which is not one JSON object: %v", data, err)
		}
	})
}

// FuzzParsePublicJWK: ParsePublicJWK never panics, fails only with the key
// codes, never returns an Ed25519 key that is not canonical or of small
// order, and CheckVerifyUse answers for whatever it returns.
func FuzzParsePublicJWK(f *testing.F) {
	for _, s := range []string{
		`{"kty":"OKP","crv":"Ed25519","alg":"EdDSA","x":"1CXXvflN_LVVsIsYXsUvB03JmlGWeCHqQVuouCF92bg"}`,
		`{"kty":"OKP","crv":"Ed25519","x":"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}`,
		`{"kty":"OKP","crv":"Ed25519","x":"7v___________________________________________38","use":"sig","key_ops":["verify"]}`,
		`{"kty":"OKP","crv":"Ed25519","x":"1CXXvflN_LVVsIsYXsUvB03JmlGWeCHqQVuouCF92bg","use":1,"key_ops":[1,"verify"]}`,
		`{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}`,
		`{"kty":"oct","k":"AA"}`,
		`{"kty":"RSA","n":"AQAB","e":"AQAB"}`,
		`{}`, `[]`, `{"kty":1}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := ParsePublicJWK(data)
		if err != nil {
			switch codeOf(err) {
			case CodeMalformed, CodeDuplicateMember, CodeKey, CodeKeyPrivate, CodeKeyAlg, CodeKeySmallOrder, CodeKeyNonCanonical:
			default:
				t.Fatalf("ParsePublicJWK(%q): unexpected error %v (code %d)", data, err, codeOf(err))
			}
			return
		}
		if pub, ok := k.Key.(ed25519.PublicKey); ok {
			if !eddsa.Canonical(pub) || eddsa.IsSmallOrder(pub) {
				t.Fatalf("ParsePublicJWK(%q) returned the Ed25519 key %x", data, []byte(pub))
			}
		}
		if err := k.CheckVerifyUse(); err != nil && codeOf(err) != CodeKeyUse {
			t.Fatalf("CheckVerifyUse(%q): %v", data, err)
		}
	})
}
