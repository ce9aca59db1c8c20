package jose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"io"
	"strings"
)

// GenerateKey returns a new private key for the JWS algorithm alg: ES256,
// ES384, ES512, EdDSA (or Ed25519), RS256 or PS256 (RSA 2048), read from
// random (nil means crypto/rand). Any other alg is an error naming the
// accepted ones.
func GenerateKey(alg string, random io.Reader) (crypto.Signer, error) {
	if random == nil {
		random = rand.Reader
	}
	switch strings.ToUpper(alg) {
	case "ES256":
		return ecdsa.GenerateKey(elliptic.P256(), random)
	case "ES384":
		return ecdsa.GenerateKey(elliptic.P384(), random)
	case "ES512":
		return ecdsa.GenerateKey(elliptic.P521(), random)
	case "EDDSA", "ED25519":
		_, k, err := ed25519.GenerateKey(random)
		return k, err
	case "RS256", "PS256":
		return rsa.GenerateKey(random, 2048)
	}
	return nil, fmt.Errorf("jose: alg %q is not one of ES256, ES384, ES512, EdDSA, Ed25519, RS256, PS256", alg)
}
