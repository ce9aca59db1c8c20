package jose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"math/big"
	"testing"

	"github.com/wimse-wg/wimse/internal/testkeys"
)

// Deterministic test keys: EC scalars and Ed25519 seeds are derived from
// labels; the RSA key is a fixed test key in testdata.

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

func edKey(label string) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte(label))
	return ed25519.NewKeyFromSeed(seed[:])
}

func rsaKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	return testkeys.RSA(t)
}

// rsa1024 is an RSA public key with a 1024-bit modulus (never used to
// verify: only its size matters).
func rsa1024() *rsa.PublicKey {
	n := new(big.Int).Lsh(big.NewInt(1), 1023)
	n.Or(n, big.NewInt(0xfffffff1))
	return &rsa.PublicKey{N: n, E: 65537}
}

func keyFor(t testing.TB, alg string) crypto.Signer {
	t.Helper()
	return testkeys.For(t, alg, "jose")
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
