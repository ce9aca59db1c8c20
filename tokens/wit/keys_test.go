package wit_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/wimse"
)

// Test keys are derived from fixed labels, so every run signs with the same
// keys and (with deterministic ECDSA) produces the same tokens. The RSA key
// is a fixed test key in testdata, loaded once.

// ecKey returns the P-curve key whose scalar is SHA-512(label), truncated to
// the curve size with a leading zero byte so it is always below the order.
func ecKey(t testing.TB, c elliptic.Curve, label string) *ecdsa.PrivateKey {
	t.Helper()
	b := make([]byte, (c.Params().BitSize+7)/8)
	seed := sha512.Sum512([]byte(label))
	copy(b[1:], seed[:])
	k, err := ecdsa.ParseRawPrivateKey(c, b)
	if err != nil {
		t.Fatalf("ecKey(%s, %q): %v", c.Params().Name, label, err)
	}
	return k
}

var p256, p384, p521 = elliptic.P256(), elliptic.P384(), elliptic.P521()

// edKey returns the Ed25519 key whose seed is SHA-256(label).
func edKey(label string) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte(label))
	return ed25519.NewKeyFromSeed(seed[:])
}

var rsaTestKey = sync.OnceValues(func() (*rsa.PrivateKey, error) {
	data, err := os.ReadFile("testdata/rsa-2048.pem")
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("testdata/rsa-2048.pem: no PEM block")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("testdata/rsa-2048.pem: not an RSA key")
	}
	return rk, nil
})

func rsaKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := rsaTestKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// keyFor returns the test key of role (for example "issuer" or "workload")
// that fits alg. RS256 and PS256 share the one RSA test key.
func keyFor(t testing.TB, alg, role string) crypto.Signer {
	t.Helper()
	switch alg {
	case "ES256":
		return ecKey(t, elliptic.P256(), role)
	case "ES384":
		return ecKey(t, elliptic.P384(), role)
	case "ES512":
		return ecKey(t, elliptic.P521(), role)
	case "EdDSA", "Ed25519":
		return edKey(role)
	case "RS256", "PS256":
		return rsaKey(t)
	}
	t.Fatalf("keyFor: no test key for %q", alg)
	return nil
}

// allAlgs are the algorithms the module supports.
var allAlgs = []string{"ES256", "ES384", "ES512", "EdDSA", "Ed25519", "RS256", "PS256"}

// fixedClock returns a Policy.Now that always answers unix second sec.
func fixedClock(sec int64) func() time.Time {
	return func() time.Time { return time.Unix(sec, 0) }
}

// checkReason fails t unless err carries want ("" means success). Every
// error must be a *wimse.Error with a known reason, and its text must not
// leak the raw token (wimse.Error: "Detail never contains a raw token").
func checkReason(t testing.TB, err error, want wimse.Reason, raw string) {
	t.Helper()
	if got := wimse.ReasonOf(err); got != want {
		t.Fatalf("reason: got %q, want %q (err: %v)", got, want, err)
	}
	if err == nil {
		return
	}
	var e *wimse.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *wimse.Error", err, err)
	}
	if !e.Reason.Known() {
		t.Errorf("reason %q is not a known reason", e.Reason)
	}
	if raw != "" && strings.Contains(err.Error(), raw) {
		t.Errorf("error text leaks the raw token: %v", err)
	}
}
