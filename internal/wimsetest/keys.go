// Package wimsetest holds this module's shared test fixtures: deterministic
// keys (EC and Ed25519 keys derived from a label, one fixed RSA test key, so
// every run signs with the same keys and, with deterministic ECDSA, produces
// the same tokens), a fixed clock and the reason assertion the token tests
// share. Test keys only: never use them outside tests.
package wimsetest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	_ "embed"
	"encoding/pem"
	"errors"
	"sync"
	"testing"
)

//go:embed rsa-2048.pem
var rsaPEM []byte

// EC returns the key on curve c whose scalar is SHA-512(label), truncated
// to the curve size with a leading zero byte so it is below the order.
func EC(t testing.TB, c elliptic.Curve, label string) *ecdsa.PrivateKey {
	t.Helper()
	b := make([]byte, (c.Params().BitSize+7)/8)
	seed := sha512.Sum512([]byte(label))
	copy(b[1:], seed[:])
	k, err := ecdsa.ParseRawPrivateKey(c, b)
	if err != nil {
		t.Fatalf("wimsetest.EC(%s, %q): %v", c.Params().Name, label, err)
	}
	return k
}

// Ed returns the Ed25519 key whose seed is SHA-256(label).
func Ed(label string) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte(label))
	return ed25519.NewKeyFromSeed(seed[:])
}

var rsaKey = sync.OnceValues(func() (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(rsaPEM)
	if block == nil {
		return nil, errors.New("testkeys: rsa-2048.pem has no PEM block")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("testkeys: rsa-2048.pem is not an RSA key")
	}
	return rk, nil
})

// RSA returns the fixed 2048-bit RSA test key.
func RSA(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := rsaKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// For returns the key of label that fits alg. RS256 and PS256 share the one
// RSA test key.
func For(t testing.TB, alg, label string) crypto.Signer {
	t.Helper()
	switch alg {
	case "ES256":
		return EC(t, elliptic.P256(), label)
	case "ES384":
		return EC(t, elliptic.P384(), label)
	case "ES512":
		return EC(t, elliptic.P521(), label)
	case "EdDSA", "Ed25519":
		return Ed(label)
	case "RS256", "PS256":
		return RSA(t)
	}
	t.Fatalf("wimsetest.For: no test key for %q", alg)
	return nil
}
