package jose

import (
	"crypto/ed25519"
	"crypto/elliptic"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"strings"
	"testing"

	"github.com/wimse-wg/wimse/internal/eddsa"
	"github.com/wimse-wg/wimse/internal/wimsetest"
)

// privateJWK renders the test key of alg as a private JWK member map.
func privateJWK(t testing.TB, alg string) map[string]any {
	t.Helper()
	b, err := PrivateJWKJSON(keyFor(t, alg), alg, "k1")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func b64u(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// TestParsePrivateJWKStrict derives each refused key from a valid one.
func TestParsePrivateJWKStrict(t *testing.T) {
	other := wimsetest.EC(t, elliptic.P256(), "another key")
	smallOrder := b64u(eddsa.SmallOrder[1][:])
	for _, tc := range []struct {
		name   string
		alg    string
		mutate func(m map[string]any)
		raw    string // used instead of the mutated key when set
		want   Code
	}{
		{name: "ES256 valid", alg: "ES256"},
		{name: "EdDSA valid", alg: "EdDSA"},
		{name: "RS256 valid", alg: "RS256"},
		{name: "no alg", alg: "ES256", mutate: func(m map[string]any) { delete(m, "alg") }},
		{name: "no CRT values", alg: "PS256", mutate: func(m map[string]any) { delete(m, "dp"); delete(m, "dq"); delete(m, "qi") }},
		{name: "unknown public member ignored", alg: "ES256", mutate: func(m map[string]any) { m["ext"] = true }},
		{name: "use sig", alg: "ES256", mutate: func(m map[string]any) { m["use"] = "sig"; m["key_ops"] = []string{"sign", "verify"} }},

		{name: "duplicate member", raw: `{"kty":"OKP","crv":"Ed25519","crv":"Ed25519","x":"AA","d":"AA"}`, want: CodeDuplicateMember},
		{name: "not an object", raw: `["kty"]`, want: CodeMalformed},
		{name: "a JWK Set", raw: `{"keys":[]}`, want: CodeKey},
		{name: "symmetric", raw: `{"kty":"oct","k":"c2VjcmV0"}`, want: CodeKeyPrivate},
		{name: "public key", alg: "ES256", mutate: func(m map[string]any) { delete(m, "d") }, want: CodeKey},
		{name: "kty not a string", alg: "ES256", mutate: func(m map[string]any) { m["kty"] = 1 }, want: CodeKey},
		{name: "unknown kty", alg: "ES256", mutate: func(m map[string]any) { m["kty"] = "EC2" }, want: CodeKey},
		{name: "EC d of another key", alg: "ES256", mutate: func(m map[string]any) { m["d"] = b64u(mustBytes(other.Bytes())) }, want: CodeKey},
		{name: "EC d short", alg: "ES256", mutate: func(m map[string]any) { m["d"] = m["d"].(string)[2:] }, want: CodeKey},
		{name: "EC d zero", alg: "ES256", mutate: func(m map[string]any) { m["d"] = b64u(make([]byte, 32)) }, want: CodeKey},
		{name: "EC d padded base64", alg: "ES256", mutate: func(m map[string]any) { m["d"] = m["d"].(string) + "=" }, want: CodeKey},
		{name: "EC with an RSA member", alg: "ES256", mutate: func(m map[string]any) { m["p"] = "AQAB" }, want: CodeKeyPrivate},
		{name: "EC with k", alg: "ES256", mutate: func(m map[string]any) { m["k"] = "AQAB" }, want: CodeKeyPrivate},
		{name: "Ed25519 x of another key", alg: "EdDSA", mutate: func(m map[string]any) { m["x"] = b64u([]byte(edKey("other").Public().(ed25519.PublicKey))) }, want: CodeKey},
		{name: "Ed25519 x of small order", alg: "EdDSA", mutate: func(m map[string]any) { m["x"] = smallOrder }, want: CodeKey},
		{name: "Ed25519 d of 64 octets", alg: "EdDSA", mutate: func(m map[string]any) { m["d"] = b64u([]byte(edKey("jose"))) }, want: CodeKey},
		{name: "Ed448", alg: "EdDSA", mutate: func(m map[string]any) { m["crv"] = "Ed448" }, want: CodeKey},
		{name: "RSA without primes", alg: "RS256", mutate: func(m map[string]any) {
			for _, k := range []string{"p", "q", "dp", "dq", "qi"} {
				delete(m, k)
			}
		}, want: CodeKey},
		{name: "RSA d wrong", alg: "RS256", mutate: func(m map[string]any) { m["d"] = plusOne(m["d"].(string)) }, want: CodeKey},
		{name: "RSA dp wrong", alg: "RS256", mutate: func(m map[string]any) { m["dp"] = plusOne(m["dp"].(string)) }, want: CodeKey},
		{name: "RSA dp alone", alg: "RS256", mutate: func(m map[string]any) { delete(m, "dq"); delete(m, "qi") }, want: CodeKey},
		{name: "RSA multi-prime", alg: "RS256", mutate: func(m map[string]any) { m["oth"] = []any{} }, want: CodeKey},
		{name: "RSA leading zero", alg: "RS256", mutate: func(m map[string]any) { m["e"] = "AAEAAQ" }, want: CodeKey},
		{name: "alg unsupported", alg: "ES256", mutate: func(m map[string]any) { m["alg"] = "HS256" }, want: CodeKeyAlg},
		{name: "alg none", alg: "ES256", mutate: func(m map[string]any) { m["alg"] = "none" }, want: CodeKeyAlg},
		{name: "alg of another curve", alg: "ES256", mutate: func(m map[string]any) { m["alg"] = "ES384" }, want: CodeKeyAlg},
		{name: "alg not a string", alg: "ES256", mutate: func(m map[string]any) { m["alg"] = 256 }, want: CodeKeyAlg},
		{name: "kid not a string", alg: "ES256", mutate: func(m map[string]any) { m["kid"] = 1 }, want: CodeKey},
		{name: "use enc", alg: "ES256", mutate: func(m map[string]any) { m["use"] = "enc" }, want: CodeKeyUse},
		{name: "key_ops verify only", alg: "ES256", mutate: func(m map[string]any) { m["key_ops"] = []string{"verify"} }, want: CodeKeyUse},
		{name: "key_ops repeated", alg: "ES256", mutate: func(m map[string]any) { m["key_ops"] = []string{"sign", "sign"} }, want: CodeKeyUse},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := []byte(tc.raw)
			if tc.raw == "" {
				m := privateJWK(t, tc.alg)
				if tc.mutate != nil {
					tc.mutate(m)
				}
				raw, _ = json.Marshal(m)
			}
			signer, alg, kid, err := ParsePrivateJWK(raw)
			if got := codeOf(err); got != tc.want {
				t.Fatalf("ParsePrivateJWK: code %d (%v), want %d", got, err, tc.want)
			}
			if err != nil {
				return
			}
			if kid != "k1" || (alg != tc.alg && alg != "") {
				t.Errorf("alg, kid = %q, %q", alg, kid)
			}
			if err := CheckKey(AlgForKey(signer.Public()), signer.Public()); err != nil {
				t.Errorf("accepted key fails CheckKey: %v", err)
			}
		})
	}
}

// plusOne returns the Base64urlUInt value v + 1.
func plusOne(v string) string {
	b, _ := base64.RawURLEncoding.DecodeString(v)
	return b64u(new(big.Int).Add(new(big.Int).SetBytes(b), big.NewInt(1)).Bytes())
}

func mustBytes(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// FuzzParsePrivateJWK: ParsePrivateJWK never panics, fails only with *Error
// values, and every key it accepts signs tokens its public half verifies.
func FuzzParsePrivateJWK(f *testing.F) {
	for _, alg := range []string{"ES256", "ES384", "EdDSA", "RS256"} {
		b, _ := json.Marshal(privateJWK(f, alg))
		f.Add(b)
	}
	f.Add([]byte(`{"kty":"OKP","crv":"Ed25519","x":"1CXXvflN_LVVsIsYXsUvB03JmlGWeCHqQVuouCF92bg","d":"sdLX8yCYKqo_XvGBLn-ZWeKT7llYeeQpgeCaXVxb5kY"}`))
	f.Add([]byte(`{"kty":"EC","crv":"P-256","x":"AA","y":"AA","d":"AA","d":"AB"}`))
	f.Add([]byte(`{"kty":"oct","k":"c2VjcmV0"}`))
	f.Add([]byte(`{"keys":[{}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 8<<10 {
			return
		}
		signer, alg, _, err := ParsePrivateJWK(data)
		if err != nil {
			if codeOf(err) <= 0 {
				t.Fatalf("error without a code: %v", err)
			}
			return
		}
		if alg == "" {
			alg = AlgForKey(signer.Public())
		}
		if strings.HasPrefix(alg, "RS") || alg == "PS256" {
			return // RSA signing is slow; Validate already checked the key.
		}
		tok, err := Sign(map[string]any{"typ": "wpt+jwt"}, map[string]any{}, alg, signer, false)
		if err != nil {
			t.Fatalf("accepted key does not sign: %v", err)
		}
		parsed, err := Parse(tok, 1<<20)
		if err != nil {
			t.Fatalf("own token does not parse: %v", err)
		}
		if err := Verify(parsed, alg, signer.Public()); err != nil {
			t.Fatalf("own token does not verify: %v", err)
		}
	})
}
