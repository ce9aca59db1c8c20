package wimse_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/wimse"
)

// TestLoadPrivateJWK reads the files `wimse keys generate` writes, with and
// without alg and kid.
func TestLoadPrivateJWK(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		alg, kid, wantAlg string
	}{
		{"ES256", "issuer-1", "ES256"},
		{"ES512", "", "ES512"},
		{"EdDSA", "w", "EdDSA"},
		{"Ed25519", "w", "Ed25519"},
		{"PS256", "r", "PS256"},
		{"", "", "ES384"}, // no alg: the default for a P-384 key
	} {
		t.Run(tc.wantAlg, func(t *testing.T) {
			key := wimsetest.For(t, tc.wantAlg, "privatekey")
			data, err := jose.PrivateJWKJSON(key, tc.alg, tc.kid)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, tc.wantAlg+".jwk")
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			k, err := wimse.LoadPrivateJWK(path)
			if err != nil {
				t.Fatal(err)
			}
			same := k.Signer.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(key.Public())
			if k.Algorithm != tc.wantAlg || k.KeyID != tc.kid || !same {
				t.Errorf("got alg %q kid %q, want %q %q (same key: %v)", k.Algorithm, k.KeyID, tc.wantAlg, tc.kid, same)
			}
		})
	}
}

// TestPrivateJWKNotJWK: a PEM or DER key is refused with the hint the CLI
// prints.
func TestPrivateJWKNotJWK(t *testing.T) {
	dir := t.TempDir()
	key := wimsetest.For(t, "ES256", "privatekey").(*ecdsa.PrivateKey)
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	pemPath, derPath := filepath.Join(dir, "key.pem"), filepath.Join(dir, "key.der")
	os.WriteFile(pemPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
	os.WriteFile(derPath, der, 0o600)
	for _, tc := range []struct{ path, format, hint string }{
		{pemPath, "PEM", "convert it with `wimse keys convert --in " + pemPath + " --out " + filepath.Join(dir, "key.jwk") + "`"},
		{derPath, "DER", "convert it with `wimse keys convert --in " + derPath + " --out " + filepath.Join(dir, "key.jwk") + "`"},
	} {
		_, err := wimse.LoadPrivateJWK(tc.path)
		var nj *wimse.NotJWKError
		if !errors.As(err, &nj) {
			t.Fatalf("%s: error %v, want a *NotJWKError", tc.path, err)
		}
		if nj.Format != tc.format || nj.Path != tc.path || nj.Hint() != tc.hint {
			t.Errorf("%s: got %q %q %q, want %q and hint %q", tc.path, nj.Format, nj.Path, nj.Hint(), tc.format, tc.hint)
		}
		if !strings.Contains(err.Error(), tc.hint) {
			t.Errorf("%s: message %q lacks the hint", tc.path, err)
		}
	}
	pemData, _ := os.ReadFile(pemPath)
	if _, err := wimse.ParsePrivateJWK(pemData); !strings.Contains(fmtErr(err), "the key is PEM, where a JWK is expected") {
		t.Errorf("ParsePrivateJWK(PEM) = %v", err)
	}
}

// TestLoadPrivateJWKRefuses names the file in every refusal; the rules
// themselves are tested in internal/jose.
func TestLoadPrivateJWKRefuses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "public.jwk")
	os.WriteFile(path, []byte(`{"kty":"OKP","crv":"Ed25519","x":"1CXXvflN_LVVsIsYXsUvB03JmlGWeCHqQVuouCF92bg"}`), 0o600)
	_, err := wimse.LoadPrivateJWK(path)
	if err == nil || !strings.Contains(err.Error(), "wimse: private jwk "+path+": ") {
		t.Errorf("LoadPrivateJWK(public key) = %v", err)
	}
	if _, err := wimse.LoadPrivateJWK(filepath.Join(t.TempDir(), "missing.jwk")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LoadPrivateJWK(missing) = %v, want os.ErrNotExist", err)
	}
}

func fmtErr(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// FuzzParsePrivateJWK: ParsePrivateJWK never panics, and a key it accepts
// has an algorithm that fits it.
func FuzzParsePrivateJWK(f *testing.F) {
	f.Add([]byte(`{"kty":"OKP","crv":"Ed25519","x":"1CXXvflN_LVVsIsYXsUvB03JmlGWeCHqQVuouCF92bg","d":"sdLX8yCYKqo_XvGBLn-ZWeKT7llYeeQpgeCaXVxb5kY"}`))
	f.Add([]byte("-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----\n"))
	f.Add([]byte{0x30, 0x03, 0x02, 0x01, 0x00})
	f.Add([]byte(`{"kty":"EC","crv":"P-256","x":"AA","y":"AA","d":"AA"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 8<<10 {
			return
		}
		k, err := wimse.ParsePrivateJWK(data)
		if err != nil {
			if k != nil {
				t.Fatal("a key and an error")
			}
			return
		}
		if err := jose.CheckKey(k.Algorithm, k.Signer.Public()); err != nil {
			t.Fatalf("accepted key with alg %q that does not fit: %v", k.Algorithm, err)
		}
	})
}
