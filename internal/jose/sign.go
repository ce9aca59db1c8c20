package jose

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"

	"github.com/lestrrat-go/jwx/v3/jws/jwsbb"

	"github.com/wimse-wg/wimse/internal/eddsa"
)

// Marshal encodes v as compact JSON without HTML escaping; maps come out
// with sorted keys, so equal inputs give byte-identical output.
func Marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// SignRaw signs already-serialized header and payload JSON. It does not
// check them: the conformance generator uses it to build malformed tokens on
// purpose. ECDSA signatures are deterministic (RFC 6979) when deterministic
// is true, randomised otherwise; PS256 likewise gets a salt derived from the
// input; Ed25519 and RS256 are deterministic anyway.
func SignRaw(header, payload []byte, alg string, key crypto.Signer, deterministic bool) (string, error) {
	input := base64.RawURLEncoding.EncodeToString(header) + "." + base64.RawURLEncoding.EncodeToString(payload)
	sig, err := signInput(input, alg, key, deterministic)
	if err != nil {
		return "", err
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// Sign serializes header and claims with Marshal and signs them with alg,
// after checking that alg is supported and fits the key.
func Sign(header map[string]any, claims any, alg string, key crypto.Signer, deterministic bool) (string, error) {
	if !IsSupported(alg) {
		return "", errorf(CodeAlg, "alg %q is not supported", alg)
	}
	if err := CheckKey(alg, key.Public()); err != nil {
		return "", err
	}
	h := map[string]any{"alg": alg}
	for k, v := range header {
		if k != "alg" {
			h[k] = v
		}
	}
	hb, err := Marshal(h)
	if err != nil {
		return "", fmt.Errorf("jose: encode header: %w", err)
	}
	pb, ok := claims.([]byte)
	if !ok {
		if pb, err = Marshal(claims); err != nil {
			return "", fmt.Errorf("jose: encode claims: %w", err)
		}
	}
	return SignRaw(hb, pb, alg, key, deterministic)
}

func signInput(input, alg string, key crypto.Signer, deterministic bool) ([]byte, error) {
	if ek, ok := key.(*ecdsa.PrivateKey); ok {
		return signECDSA([]byte(input), alg, ek, deterministic)
	}
	if rk, ok := key.(*rsa.PrivateKey); ok && alg == "PS256" && deterministic {
		// The PSS salt comes from a reader seeded by the input, so equal
		// inputs give equal signatures (test vectors only).
		digest := sha256.Sum256([]byte(input))
		salt := sha256.Sum256(append([]byte("wimse pss salt"), digest[:]...))
		sig, err := rsa.SignPSS(bytes.NewReader(salt[:]), rk, crypto.SHA256, digest[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
		if err != nil {
			return nil, fmt.Errorf("jose: sign: %w", err)
		}
		return sig, nil
	}
	sig, err := jwsbb.Sign(key, alg, []byte(input), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("jose: sign: %w", err)
	}
	return sig, nil
}

func signECDSA(input []byte, alg string, key *ecdsa.PrivateKey, deterministic bool) ([]byte, error) {
	var digest []byte
	var hash crypto.Hash
	switch alg {
	case "ES256":
		d := sha256.Sum256(input)
		digest, hash = d[:], crypto.SHA256
	case "ES384":
		d := sha512.Sum384(input)
		digest, hash = d[:], crypto.SHA384
	case "ES512":
		d := sha512.Sum512(input)
		digest, hash = d[:], crypto.SHA512
	default:
		return nil, errorf(CodeKeyAlg, "algorithm %q does not fit an EC key", alg)
	}
	var der []byte
	var err error
	if deterministic {
		// crypto/ecdsa signs per RFC 6979 when the random source is nil.
		der, err = key.Sign(nil, digest, hash)
	} else {
		der, err = ecdsa.SignASN1(rand.Reader, key, digest)
	}
	if err != nil {
		return nil, fmt.Errorf("jose: sign: %w", err)
	}
	var rs struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(der, &rs); err != nil {
		return nil, fmt.Errorf("jose: sign: %w", err)
	}
	size := (key.Curve.Params().BitSize + 7) / 8
	out := make([]byte, 2*size)
	rs.R.FillBytes(out[:size])
	rs.S.FillBytes(out[size:])
	return out, nil
}

// Verify checks t's signature with alg and pub. The caller has already
// decided that alg is the right algorithm; Verify only checks that it fits
// the key (CheckKey: an Ed25519 key must be canonical and not of small
// order), and refuses an Ed25519 signature whose S is not below L
// (CodeSignatureNonCanonical, RFC 8032 §5.1.7) before verifying it.
func Verify(t *Token, alg string, pub crypto.PublicKey) error { return VerifySkip(t, alg, pub, nil) }

// VerifySkip is Verify with the checks named by skip passed over: the
// Ed25519 key checks of CheckKeySkip, and the range of S
// (CodeSignatureNonCanonical: S is then reduced mod L before verifying, as
// a verifier that never checks it computes).
func VerifySkip(t *Token, alg string, pub crypto.PublicKey, skip Skip) error {
	if err := CheckKeySkip(alg, pub, skip); err != nil {
		return err
	}
	sig := t.Signature
	if isEd25519(alg) && len(sig) == ed25519.SignatureSize && !eddsa.CanonicalS(sig) {
		if !skip.has(CodeSignatureNonCanonical) {
			return errorf(CodeSignatureNonCanonical, "Ed25519 signature's S is not below L")
		}
		sig = eddsa.ReduceS(sig)
	}
	if err := jwsbb.Verify(pub, alg, []byte(t.SigningInput), sig); err != nil {
		return errorf(CodeSignature, "signature does not verify")
	}
	return nil
}
