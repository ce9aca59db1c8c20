package jose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"slices"
)

// MinRSABits is the smallest RSA modulus accepted (RFC 7518 §3.3, §3.5).
const MinRSABits = 2048

// supported is the closed allow-list: the asymmetric JWS algorithms the
// WIMSE drafts use. "Ed25519" is the fully-specified name of RFC 9864.
var supported = []string{"ES256", "ES384", "ES512", "EdDSA", "Ed25519", "RS256", "PS256"}

// Supported returns a copy of the supported algorithm names.
func Supported() []string { return slices.Clone(supported) }

// IsSupported reports whether alg is on the allow-list.
func IsSupported(alg string) bool { return slices.Contains(supported, alg) }

// CheckKey reports whether pub is a key alg may be used with: the curve for
// ES*, Ed25519 for EdDSA/Ed25519, RSA of at least MinRSABits for RS/PS.
func CheckKey(alg string, pub crypto.PublicKey) error {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		want := map[string]elliptic.Curve{"ES256": elliptic.P256(), "ES384": elliptic.P384(), "ES512": elliptic.P521()}[alg]
		if want == nil || k.Curve != want {
			return errorf(CodeKeyAlg, "algorithm %q does not fit an EC key on %s", alg, k.Curve.Params().Name)
		}
	case ed25519.PublicKey:
		if (alg != "EdDSA" && alg != "Ed25519") || len(k) != ed25519.PublicKeySize {
			return errorf(CodeKeyAlg, "algorithm %q does not fit an Ed25519 key", alg)
		}
	case *rsa.PublicKey:
		if alg != "RS256" && alg != "PS256" {
			return errorf(CodeKeyAlg, "algorithm %q does not fit an RSA key", alg)
		}
		if k.N.BitLen() < MinRSABits {
			return errorf(CodeKey, "rsa key of %d bits is below %d", k.N.BitLen(), MinRSABits)
		}
	default:
		return errorf(CodeKey, "unsupported key type %T", pub)
	}
	return nil
}

// AlgForKey returns the default algorithm for a public key.
func AlgForKey(pub crypto.PublicKey) string {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256():
			return "ES256"
		case elliptic.P384():
			return "ES384"
		case elliptic.P521():
			return "ES512"
		}
	case ed25519.PublicKey:
		return "EdDSA"
	case *rsa.PublicKey:
		return "RS256"
	}
	return ""
}
