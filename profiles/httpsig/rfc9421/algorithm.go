package rfc9421

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/asn1"
	"fmt"
	"io"
	"math/big"

	"github.com/wimse-wg/wimse/internal/eddsa"
)

// Algorithm names of the HTTP Signature Algorithms registry
// (RFC 9421 §6.2.2) implemented here. hmac-sha256 is deliberately absent.
const (
	AlgRSAPSSSHA512    = "rsa-pss-sha512"    // §3.3.1
	AlgRSAV15SHA256    = "rsa-v1_5-sha256"   // §3.3.2
	AlgECDSAP256SHA256 = "ecdsa-p256-sha256" // §3.3.4
	AlgECDSAP384SHA384 = "ecdsa-p384-sha384" // §3.3.5
	AlgEd25519         = "ed25519"           // §3.3.6
)

// MinRSABits is the smallest RSA modulus Sign and Verify accept
// (RFC 7518 §3.3 and §3.5 require 2048 bits for RS and PS algorithms).
const MinRSABits = 2048

type family int

const (
	famRSAPSS family = iota + 1
	famRSAV15
	famECDSA
	famEd25519
)

// algorithm describes one signature algorithm.
type algorithm struct {
	fam   family
	hash  crypto.Hash // zero for Ed25519
	curve elliptic.Curve
	salt  int // RSA-PSS salt length
}

// lookup resolves an RFC 9421 algorithm name or a JWS algorithm name used
// as RFC 9421 §3.3.7 allows (the JWS signature over the base bytes, no
// JOSE header, no base64).
func lookup(alg string) (algorithm, error) {
	switch alg {
	case AlgRSAPSSSHA512:
		return algorithm{fam: famRSAPSS, hash: crypto.SHA512, salt: 64}, nil
	case AlgRSAV15SHA256, "RS256":
		return algorithm{fam: famRSAV15, hash: crypto.SHA256}, nil
	case "PS256":
		return algorithm{fam: famRSAPSS, hash: crypto.SHA256, salt: 32}, nil // RFC 7518 §3.5: salt = hash size
	case AlgECDSAP256SHA256, "ES256":
		return algorithm{fam: famECDSA, hash: crypto.SHA256, curve: elliptic.P256()}, nil
	case AlgECDSAP384SHA384, "ES384":
		return algorithm{fam: famECDSA, hash: crypto.SHA384, curve: elliptic.P384()}, nil
	case "ES512":
		return algorithm{fam: famECDSA, hash: crypto.SHA512, curve: elliptic.P521()}, nil
	case AlgEd25519, "EdDSA", "Ed25519":
		return algorithm{fam: famEd25519}, nil
	}
	return algorithm{}, fmt.Errorf("%w: algorithm %q", ErrUnsupportedAlgorithm, alg)
}

func (a algorithm) digest(msg []byte) []byte {
	switch a.hash {
	case crypto.SHA256:
		d := sha256.Sum256(msg)
		return d[:]
	case crypto.SHA384:
		d := sha512.Sum384(msg)
		return d[:]
	}
	d := sha512.Sum512(msg)
	return d[:]
}

// checkKey verifies that pub fits a.
func (a algorithm) checkKey(alg string, pub crypto.PublicKey) error {
	switch a.fam {
	case famRSAPSS, famRSAV15:
		k, ok := pub.(*rsa.PublicKey)
		if !ok {
			return fmt.Errorf("%w: %s needs an RSA key, got %T", ErrUnsupportedAlgorithm, alg, pub)
		}
		if k.N == nil || k.N.BitLen() < MinRSABits {
			return fmt.Errorf("%w: %s needs an RSA key of at least %d bits", ErrUnsupportedAlgorithm, alg, MinRSABits)
		}
	case famECDSA:
		k, ok := pub.(*ecdsa.PublicKey)
		if !ok {
			return fmt.Errorf("%w: %s needs an ECDSA key, got %T", ErrUnsupportedAlgorithm, alg, pub)
		}
		if k.Curve == nil || k.Curve.Params() == nil || k.Curve.Params().Name != a.curve.Params().Name {
			return fmt.Errorf("%w: %s needs curve %s", ErrUnsupportedAlgorithm, alg, a.curve.Params().Name)
		}
	case famEd25519:
		k, ok := pub.(ed25519.PublicKey)
		if !ok {
			return fmt.Errorf("%w: %s needs an Ed25519 key, got %T", ErrUnsupportedAlgorithm, alg, pub)
		}
		if len(k) != ed25519.PublicKeySize {
			return fmt.Errorf("%w: %s: Ed25519 public key of %d bytes", ErrUnsupportedAlgorithm, alg, len(k))
		}
	}
	return nil
}

// SignOption configures Sign.
type SignOption func(*signConfig)

type signConfig struct {
	deterministic bool
}

// Deterministic makes signatures reproducible, for test vectors: ECDSA per
// RFC 6979 (it needs an *ecdsa.PrivateKey), RSA-PSS with a salt derived
// from the signature base (never do this outside tests: the salt is no
// longer random). Ed25519 and RSASSA-PKCS1-v1_5 are deterministic anyway.
func Deterministic() SignOption { return func(c *signConfig) { c.deterministic = true } }

// Sign signs the signature base with key under alg (RFC 9421 §3.1 step 6,
// §3.3): an RFC 9421 algorithm name (rsa-pss-sha512, rsa-v1_5-sha256,
// ecdsa-p256-sha256, ecdsa-p384-sha384, ed25519) or a JWS algorithm name
// (ES256, ES384, ES512, EdDSA, Ed25519, RS256, PS256) under §3.3.7. ECDSA
// signatures are r||s, each left-padded to the curve size, not ASN.1.
//
// Randomness (RSA-PSS salt, ECDSA nonce) comes from crypto/rand; Go 1.26's
// crypto/ecdsa ignores any other source anyway. For reproducible ECDSA test
// vectors pass Deterministic.
func Sign(base []byte, alg string, key crypto.Signer, opts ...SignOption) ([]byte, error) {
	var cfg signConfig
	for _, o := range opts {
		o(&cfg)
	}
	a, err := lookup(alg)
	if err != nil {
		return nil, err
	}
	if key == nil {
		return nil, fmt.Errorf("%w: nil key", ErrUnsupportedAlgorithm)
	}
	if err := a.checkKey(alg, key.Public()); err != nil {
		return nil, err
	}
	switch a.fam {
	case famEd25519:
		sig, err := key.Sign(rand.Reader, base, crypto.Hash(0))
		if err != nil {
			return nil, fmt.Errorf("rfc9421: sign: %w", err)
		}
		return sig, nil
	case famRSAV15:
		sig, err := key.Sign(rand.Reader, a.digest(base), a.hash)
		if err != nil {
			return nil, fmt.Errorf("rfc9421: sign: %w", err)
		}
		return sig, nil
	case famRSAPSS:
		var r io.Reader = rand.Reader
		if cfg.deterministic {
			// The salt is derived from the base, so equal bases give equal
			// signatures: reproducible test vectors only (crypto/rsa still
			// honours the caller's reader for PSS salts).
			d := a.digest(base)
			salt := sha512.Sum512(append([]byte("rfc9421 deterministic pss salt"), d...))
			r = bytes.NewReader(salt[:])
		}
		sig, err := key.Sign(r, a.digest(base), &rsa.PSSOptions{SaltLength: a.salt, Hash: a.hash})
		if err != nil {
			return nil, fmt.Errorf("rfc9421: sign: %w", err)
		}
		return sig, nil
	}
	// ECDSA: crypto.Signer returns ASN.1; RFC 9421 §3.3.4 wants r||s.
	var der []byte
	if cfg.deterministic {
		k, ok := key.(*ecdsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("%w: deterministic ECDSA needs an *ecdsa.PrivateKey, got %T", ErrUnsupportedAlgorithm, key)
		}
		der, err = k.Sign(nil, a.digest(base), a.hash) // nil rand: RFC 6979
	} else {
		der, err = key.Sign(rand.Reader, a.digest(base), a.hash)
	}
	if err != nil {
		return nil, fmt.Errorf("rfc9421: sign: %w", err)
	}
	var rs struct{ R, S *big.Int }
	if rest, err := asn1.Unmarshal(der, &rs); err != nil || len(rest) != 0 {
		return nil, fmt.Errorf("rfc9421: sign: signer returned a malformed ECDSA signature")
	}
	size := (a.curve.Params().BitSize + 7) / 8
	out := make([]byte, 2*size)
	rs.R.FillBytes(out[:size])
	rs.S.FillBytes(out[size:])
	return out, nil
}

// Verify verifies sig over the signature base with pub under alg
// (RFC 9421 §3.2 step 8, §3.3); alg is as for Sign. A signature that does
// not verify wraps ErrSignature (an Ed25519 one whose S is not below L
// wraps ErrNonCanonical too); an unknown algorithm or a key that does not
// fit it wraps ErrUnsupportedAlgorithm. The key is the caller's: Verify
// does not judge an Ed25519 key's encoding or order (this module's
// callers take keys from verified WITs, whose cnf.jwk internal/jose
// checks).
func Verify(base, sig []byte, alg string, pub crypto.PublicKey) error {
	a, err := lookup(alg)
	if err != nil {
		return err
	}
	if err := a.checkKey(alg, pub); err != nil {
		return err
	}
	ok := false
	switch a.fam {
	case famEd25519:
		// RFC 8032 §5.1.7: S must lie in [0, L). crypto/ed25519 refuses it
		// too; the error says why.
		if len(sig) == ed25519.SignatureSize && !eddsa.CanonicalS(sig) {
			return fmt.Errorf("%w: %s: %w", ErrSignature, alg, ErrNonCanonical)
		}
		ok = ed25519.Verify(pub.(ed25519.PublicKey), base, sig)
	case famRSAV15:
		ok = rsa.VerifyPKCS1v15(pub.(*rsa.PublicKey), a.hash, a.digest(base), sig) == nil
	case famRSAPSS:
		ok = rsa.VerifyPSS(pub.(*rsa.PublicKey), a.hash, a.digest(base), sig, &rsa.PSSOptions{SaltLength: a.salt, Hash: a.hash}) == nil
	case famECDSA:
		size := (a.curve.Params().BitSize + 7) / 8
		if len(sig) == 2*size {
			r := new(big.Int).SetBytes(sig[:size])
			s := new(big.Int).SetBytes(sig[size:])
			ok = ecdsa.Verify(pub.(*ecdsa.PublicKey), a.digest(base), r, s)
		}
	}
	if !ok {
		return fmt.Errorf("%w: %s", ErrSignature, alg)
	}
	return nil
}
