package main

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWeakEd25519KeysRefused: an Ed25519 public key of small order (every
// message has a signature under the identity point: R = identity, S = 0)
// or not canonically encoded is refused wherever the CLI takes a key: the
// workload key of token issue (which would otherwise mint a WIT that is a
// bearer token), the trust bundle of token verify and the input of keys
// convert. Each is a usage error (exit 2).
func TestWeakEd25519KeysRefused(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	write := func(name, data string) {
		if err := os.WriteFile(p(name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	mustRun(t, "keys", "generate", "--alg", "EdDSA", "--kid", "k1", "--out", p("issuer.jwk"))
	for name, hexKey := range map[string]string{
		"identity":              "0100000000000000000000000000000000000000000000000000000000000000",
		"order 8":               "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
		"identity y = p + 1":    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		"large order y = p + 3": "f0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
	} {
		t.Run(name, func(t *testing.T) {
			raw, _ := hex.DecodeString(hexKey)
			x := base64.RawURLEncoding.EncodeToString(raw)
			jwk := `{"kty":"OKP","crv":"Ed25519","alg":"EdDSA","kid":"k1","x":"` + x + `"}`
			write("weak.jwk", jwk)
			write("weak.jwks", `{"keys":[`+jwk+`]}`)
			der, err := x509.MarshalPKIXPublicKey(ed25519.PublicKey(raw))
			if err != nil {
				t.Fatal(err)
			}
			write("weak.pem", string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})))
			for what, args := range map[string][]string{
				"token issue":  {"token", "issue", "--issuer-key", p("issuer.jwk"), "--subject", "wimse://example.org/a", "--workload-key", p("weak.jwk")},
				"token verify": {"token", "verify", "--request", "-", "--trust-bundle", p("weak.jwks"), "--trust-domain", "example.org", "--audience", "https://a.example"},
				"keys convert": {"keys", "convert", "--in", p("weak.pem"), "--out", p("out.jwk")},
			} {
				code, out, errOut := cli(t, "", args...)
				if code != exitUsage || !strings.HasPrefix(errOut, "wimse: error: ") {
					t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 2", what, code, out, errOut)
				}
			}
		})
	}
}
