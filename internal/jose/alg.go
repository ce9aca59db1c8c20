package jose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"slices"

	"github.com/wimse-wg/wimse/internal/eddsa"
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

// SameAlgorithm reports whether a and b name one JWS algorithm: equal
// names, or EdDSA and Ed25519. On this module's allow-list EdDSA only ever
// means Ed25519 (Ed448 keys are not supported), and RFC 9864 §2.2 names the
// same algorithm Ed25519 (http-signature-07's examples use that name).
// Receivers compare with it wherever an algorithm meets their own
// configuration (a trust anchor's alg, the allow-lists); the WPT alg still
// string-equals cnf.jwk.alg, as wpt-02 §2 says in so many words.
func SameAlgorithm(a, b string) bool {
	return a == b || (isEd25519(a) && isEd25519(b))
}

func isEd25519(alg string) bool { return alg == "EdDSA" || alg == "Ed25519" }

// CheckKey reports whether pub is a key alg may be used with: the curve for
// ES*, Ed25519 for EdDSA/Ed25519 (canonically encoded and not of small
// order: internal/eddsa), RSA of at least MinRSABits for RS/PS.
func CheckKey(alg string, pub crypto.PublicKey) error { return CheckKeySkip(alg, pub, nil) }

// CheckKeySkip is CheckKey with the checks named by skip passed over: an
// Ed25519 key not canonically encoded (CodeKeyNonCanonical) or of small
// order (CodeKeySmallOrder).
func CheckKeySkip(alg string, pub crypto.PublicKey, skip Skip) error {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		want := map[string]elliptic.Curve{"ES256": elliptic.P256(), "ES384": elliptic.P384(), "ES512": elliptic.P521()}[alg]
		if want == nil || k.Curve != want {
			return errorf(CodeKeyAlg, "algorithm %q does not fit an EC key on %s", alg, k.Curve.Params().Name)
		}
	case ed25519.PublicKey:
		if !isEd25519(alg) || len(k) != ed25519.PublicKeySize {
			return errorf(CodeKeyAlg, "algorithm %q does not fit an Ed25519 key", alg)
		}
		if err := checkEd25519(k, skip); err != nil {
			return err
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

// checkEd25519 refuses an Ed25519 public key that is not canonically
// encoded, then one of small order (internal/eddsa), unless skip names
// the check.
func checkEd25519(pub []byte, skip Skip) error {
	if !eddsa.Canonical(pub) && !skip.has(CodeKeyNonCanonical) {
		return errorf(CodeKeyNonCanonical, "Ed25519 key is not canonically encoded (y not reduced mod p, or x = 0 with the sign bit)")
	}
	if eddsa.IsSmallOrder(pub) && !skip.has(CodeKeySmallOrder) {
		return errorf(CodeKeySmallOrder, "Ed25519 key is a point of small order: anyone can sign under it")
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
