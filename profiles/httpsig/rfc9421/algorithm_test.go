package rfc9421_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/asn1"
	"errors"
	"math/big"
	"testing"

	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/profiles/httpsig/rfc9421"
)

var testBase = []byte("\"@method\": GET\n\"@signature-params\": (\"@method\");created=1")

// TestSignVerifyRoundTrip signs and verifies under every algorithm name,
// checks the signature size (ECDSA r||s, RFC 9421 §3.3.4, §3.3.7) and that
// RFC 9421 and JWS names of the same algorithm interoperate.
func TestSignVerifyRoundTrip(t *testing.T) {
	tests := []struct {
		alg, twin string
		key       crypto.Signer
		size      int
	}{
		{"rsa-pss-sha512", "", wimsetest.RSA(t), 256},
		{"rsa-v1_5-sha256", "RS256", wimsetest.RSA(t), 256},
		{"RS256", "rsa-v1_5-sha256", wimsetest.RSA(t), 256},
		{"PS256", "", wimsetest.RSA(t), 256},
		{"ecdsa-p256-sha256", "ES256", wimsetest.EC(t, elliptic.P256(), "rt"), 64},
		{"ES256", "ecdsa-p256-sha256", wimsetest.EC(t, elliptic.P256(), "rt"), 64},
		{"ecdsa-p384-sha384", "ES384", wimsetest.EC(t, elliptic.P384(), "rt"), 96},
		{"ES384", "ecdsa-p384-sha384", wimsetest.EC(t, elliptic.P384(), "rt"), 96},
		{"ES512", "", wimsetest.EC(t, elliptic.P521(), "rt"), 132},
		{"ed25519", "EdDSA", wimsetest.Ed("rt"), 64},
		{"EdDSA", "Ed25519", wimsetest.Ed("rt"), 64},
		{"Ed25519", "ed25519", wimsetest.Ed("rt"), 64},
	}
	for _, tt := range tests {
		t.Run(tt.alg, func(t *testing.T) {
			sig, err := rfc9421.Sign(testBase, tt.alg, tt.key)
			if err != nil {
				t.Fatal(err)
			}
			if len(sig) != tt.size {
				t.Errorf("signature is %d bytes, want %d", len(sig), tt.size)
			}
			if err := rfc9421.Verify(testBase, sig, tt.alg, tt.key.Public()); err != nil {
				t.Errorf("Verify: %v", err)
			}
			if tt.twin != "" {
				if err := rfc9421.Verify(testBase, sig, tt.twin, tt.key.Public()); err != nil {
					t.Errorf("Verify as %s: %v", tt.twin, err)
				}
			}
			bad := bytes.Clone(sig)
			bad[len(bad)/2] ^= 0x40
			if err := rfc9421.Verify(testBase, bad, tt.alg, tt.key.Public()); !errors.Is(err, rfc9421.ErrSignature) {
				t.Errorf("altered signature: err = %v, want ErrSignature", err)
			}
			if err := rfc9421.Verify(testBase, sig[:len(sig)-1], tt.alg, tt.key.Public()); !errors.Is(err, rfc9421.ErrSignature) {
				t.Errorf("short signature: err = %v, want ErrSignature", err)
			}
		})
	}
}

// TestECDSAIsRawRS checks the ES256 wire format against an independent
// ASN.1 verification: r||s, not DER (RFC 9421 §3.3.4).
func TestECDSAIsRawRS(t *testing.T) {
	k := wimsetest.EC(t, elliptic.P256(), "raw")
	sig, err := rfc9421.Sign(testBase, "ES256", k)
	if err != nil {
		t.Fatal(err)
	}
	der, err := asn1.Marshal(struct{ R, S *big.Int }{new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(testBase)
	if !ecdsa.VerifyASN1(&k.PublicKey, sum[:], der) {
		t.Error("r||s does not verify as ECDSA P-256 SHA-256")
	}
}

// TestDeterministicECDSA checks the RFC 6979 option: same input, same
// signature; without it, signatures differ.
func TestDeterministicECDSA(t *testing.T) {
	for _, alg := range []string{"ES256", "ecdsa-p384-sha384", "ES512"} {
		var k *ecdsa.PrivateKey
		switch alg {
		case "ES256":
			k = wimsetest.EC(t, elliptic.P256(), "det")
		case "ecdsa-p384-sha384":
			k = wimsetest.EC(t, elliptic.P384(), "det")
		default:
			k = wimsetest.EC(t, elliptic.P521(), "det")
		}
		a, err := rfc9421.Sign(testBase, alg, k, rfc9421.Deterministic())
		if err != nil {
			t.Fatal(err)
		}
		b, _ := rfc9421.Sign(testBase, alg, k, rfc9421.Deterministic())
		if !bytes.Equal(a, b) {
			t.Errorf("%s: deterministic signatures differ", alg)
		}
		if err := rfc9421.Verify(testBase, a, alg, k.Public()); err != nil {
			t.Errorf("%s: %v", alg, err)
		}
		c, _ := rfc9421.Sign(testBase, alg, k)
		d, _ := rfc9421.Sign(testBase, alg, k)
		if bytes.Equal(c, d) {
			t.Errorf("%s: randomised signatures are equal", alg)
		}
	}
	// Ed25519 is deterministic anyway; RSA-PSS gets a salt derived from the
	// base: equal bases give equal signatures that verify, other bases differ.
	if _, err := rfc9421.Sign(testBase, "ed25519", wimsetest.Ed("det"), rfc9421.Deterministic()); err != nil {
		t.Errorf("ed25519 with Deterministic: %v", err)
	}
	for _, alg := range []string{"rsa-pss-sha512", "PS256"} {
		p1, err1 := rfc9421.Sign(testBase, alg, wimsetest.RSA(t), rfc9421.Deterministic())
		p2, err2 := rfc9421.Sign(testBase, alg, wimsetest.RSA(t), rfc9421.Deterministic())
		p3, err3 := rfc9421.Sign(append(bytes.Clone(testBase), 'x'), alg, wimsetest.RSA(t), rfc9421.Deterministic())
		if err1 != nil || err2 != nil || err3 != nil || !bytes.Equal(p1, p2) || bytes.Equal(p1, p3) {
			t.Errorf("%s with Deterministic: errors %v %v %v, equal bases equal %v, other base equal %v", alg, err1, err2, err3, bytes.Equal(p1, p2), bytes.Equal(p1, p3))
		}
		if err := rfc9421.Verify(testBase, p1, alg, wimsetest.RSA(t).Public()); err != nil {
			t.Errorf("%s deterministic signature does not verify: %v", alg, err)
		}
	}
	if _, err := rfc9421.Sign(testBase, "ES256", opaqueSigner{wimsetest.EC(t, elliptic.P256(), "det")}, rfc9421.Deterministic()); !errors.Is(err, rfc9421.ErrUnsupportedAlgorithm) {
		t.Errorf("opaque signer with Deterministic: err = %v, want ErrUnsupportedAlgorithm", err)
	}
}

// opaqueSigner hides the key type, as an HSM-backed crypto.Signer would.
type opaqueSigner struct{ crypto.Signer }

// TestOpaqueSigner checks that any crypto.Signer works, not only the
// standard library's key types.
func TestOpaqueSigner(t *testing.T) {
	for _, tt := range []struct {
		alg string
		key crypto.Signer
	}{
		{"ES256", wimsetest.EC(t, elliptic.P256(), "opaque")},
		{"ed25519", wimsetest.Ed("opaque")},
		{"rsa-pss-sha512", wimsetest.RSA(t)},
	} {
		sig, err := rfc9421.Sign(testBase, tt.alg, opaqueSigner{tt.key})
		if err != nil {
			t.Fatalf("%s: %v", tt.alg, err)
		}
		if err := rfc9421.Verify(testBase, sig, tt.alg, tt.key.Public()); err != nil {
			t.Errorf("%s: %v", tt.alg, err)
		}
	}
}

// TestUnsupportedAlgorithmOrKey covers algorithm names and keys that do not
// fit.
func TestUnsupportedAlgorithmOrKey(t *testing.T) {
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	p256 := wimsetest.EC(t, elliptic.P256(), "unsupported")
	tests := []struct {
		name string
		alg  string
		key  crypto.Signer
	}{
		{"hmac", "hmac-sha256", wimsetest.Ed("x")},
		{"none", "none", wimsetest.Ed("x")},
		{"empty", "", wimsetest.Ed("x")},
		{"case matters", "ES256K", p256},
		{"lower-case JWS", "es256", p256},
		{"ed25519 with EC key", "ed25519", p256},
		{"ES256 with P-384 key", "ES256", wimsetest.EC(t, elliptic.P384(), "x")},
		{"ES384 with P-256 key", "ecdsa-p384-sha384", p256},
		{"RSA with EC key", "rsa-pss-sha512", p256},
		{"EC with RSA key", "ES256", wimsetest.RSA(t)},
		{"RSA below 2048 bits", "rsa-v1_5-sha256", small},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := rfc9421.Sign(testBase, tt.alg, tt.key); !errors.Is(err, rfc9421.ErrUnsupportedAlgorithm) {
				t.Errorf("Sign: err = %v, want ErrUnsupportedAlgorithm", err)
			}
			if err := rfc9421.Verify(testBase, make([]byte, 64), tt.alg, tt.key.Public()); !errors.Is(err, rfc9421.ErrUnsupportedAlgorithm) {
				t.Errorf("Verify: err = %v, want ErrUnsupportedAlgorithm", err)
			}
		})
	}
	if _, err := rfc9421.Sign(testBase, "ed25519", nil); !errors.Is(err, rfc9421.ErrUnsupportedAlgorithm) {
		t.Errorf("nil key: err = %v", err)
	}
	if err := rfc9421.Verify(testBase, nil, "ed25519", nil); !errors.Is(err, rfc9421.ErrUnsupportedAlgorithm) {
		t.Errorf("nil public key: err = %v", err)
	}
	if err := rfc9421.Verify(testBase, nil, "ES256", &ecdsa.PublicKey{}); !errors.Is(err, rfc9421.ErrUnsupportedAlgorithm) {
		t.Errorf("zero ECDSA key: err = %v", err)
	}
	if err := rfc9421.Verify(testBase, nil, "RS256", &rsa.PublicKey{}); !errors.Is(err, rfc9421.ErrUnsupportedAlgorithm) {
		t.Errorf("zero RSA key: err = %v", err)
	}
}
