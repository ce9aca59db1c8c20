package jose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"math/big"
	"testing"

	"github.com/wimse-wg/wimse/internal/wimsetest"
)

// Deterministic test keys (internal/wimsetest).

func ecKey(t testing.TB, c elliptic.Curve, label string) *ecdsa.PrivateKey {
	t.Helper()
	return wimsetest.EC(t, c, label)
}

func edKey(label string) ed25519.PrivateKey { return wimsetest.Ed(label) }

// rsa1024 is an RSA public key with a 1024-bit modulus (never used to
// verify: only its size matters).
func rsa1024() *rsa.PublicKey {
	n := new(big.Int).Lsh(big.NewInt(1), 1023)
	n.Or(n, big.NewInt(0xfffffff1))
	return &rsa.PublicKey{N: n, E: 65537}
}

func keyFor(t testing.TB, alg string) crypto.Signer {
	t.Helper()
	return wimsetest.For(t, alg, "jose")
}

// codeOf returns err's Code, 0 for nil and -1 for an error that is not an
// *Error.
func codeOf(err error) Code {
	if err == nil {
		return 0
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return -1
}

func checkCode(t testing.TB, err error, want Code) {
	t.Helper()
	if got := codeOf(err); got != want {
		t.Fatalf("code: got %d, want %d (err: %v)", got, want, err)
	}
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
