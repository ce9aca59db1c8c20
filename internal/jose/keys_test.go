package jose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"sync"
	"testing"
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

// rsa1024 is an RSA public key with a 1024-bit modulus (never used to
// verify: only its size matters).
func rsa1024() *rsa.PublicKey {
	n := new(big.Int).Lsh(big.NewInt(1), 1023)
	n.Or(n, big.NewInt(0xfffffff1))
	return &rsa.PublicKey{N: n, E: 65537}
}

func keyFor(t testing.TB, alg string) crypto.Signer {
	t.Helper()
	switch alg {
	case "ES256":
		return ecKey(t, elliptic.P256(), "jose")
	case "ES384":
		return ecKey(t, elliptic.P384(), "jose")
	case "ES512":
		return ecKey(t, elliptic.P521(), "jose")
	case "EdDSA", "Ed25519":
		return edKey("jose")
	case "RS256", "PS256":
		return rsaKey(t)
	}
	t.Fatalf("keyFor: no test key for %q", alg)
	return nil
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
