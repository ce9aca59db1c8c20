package wimse

import (
	"bytes"
	"crypto"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/wimse-wg/wimse/internal/jose"
)

// PrivateKey is a signing key read from a private JWK (RFC 7517): a
// workload's key, the private half of its WIT's cnf.jwk, or an issuer's
// WIT signing key. `wimse keys generate` writes such files.
type PrivateKey struct {
	// Signer is an *ecdsa.PrivateKey (P-256, P-384, P-521),
	// ed25519.PrivateKey or *rsa.PrivateKey.
	Signer crypto.Signer
	// Algorithm is the JWK's alg; when the JWK has none, the default for
	// the key: ES256, ES384 or ES512 by curve, EdDSA for Ed25519, RS256 for
	// RSA (give alg PS256 in the JWK for RSASSA-PSS).
	Algorithm string
	// KeyID is the JWK's kid, "" when absent.
	KeyID string
}

// ParsePrivateJWK reads one private JWK, strictly:
//
//   - exactly one JSON object (not a JWK Set), valid UTF-8, no member name
//     twice;
//   - kty EC (P-256, P-384, P-521), OKP (Ed25519) or RSA (two primes, at
//     least 2048 bits), never a symmetric "oct" key;
//   - the private part consistent with the public part: an EC d whose
//     point is (x, y), an Ed25519 seed d whose public key is x, an RSA key
//     whose n, e, d, p, q (and dp, dq, qi, all or none) agree; no private
//     member of another key type, no multi-prime "oth";
//   - key values in strict base64url, EC and Ed25519 ones of their exact
//     length;
//   - the key checks applied to every public key: alg, when present, is a
//     supported algorithm that fits the key, and an Ed25519 key is
//     canonical and not of small order;
//   - use and key_ops, when present, allow signing.
//
// Other members are ignored (RFC 7517 §4). A PEM or DER key is refused
// with a *NotJWKError that says how to convert it.
func ParsePrivateJWK(data []byte) (*PrivateKey, error) { return parsePrivateJWK(data, "") }

// LoadPrivateJWK reads the private JWK file at path; see ParsePrivateJWK.
func LoadPrivateJWK(path string) (*PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("wimse: private jwk: %w", err)
	}
	return parsePrivateJWK(data, path)
}

// parsePrivateJWK is ParsePrivateJWK; path, when not "", names the file in
// errors.
func parsePrivateJWK(data []byte, path string) (*PrivateKey, error) {
	if format := keyFormat(data); format != "" {
		return nil, &NotJWKError{Path: path, Format: format}
	}
	signer, alg, kid, err := jose.ParsePrivateJWK(data)
	if err != nil {
		if path != "" {
			return nil, fmt.Errorf("wimse: private jwk %s: %w", path, err)
		}
		return nil, fmt.Errorf("wimse: private jwk: %w", err)
	}
	if alg == "" {
		alg = jose.AlgForKey(signer.Public())
	}
	return &PrivateKey{Signer: signer, Algorithm: alg, KeyID: kid}, nil
}

// keyFormat names the format of a key file that is not JSON: "PEM" for
// one with a PEM header, "DER" for binary data that starts as an ASN.1
// SEQUENCE; "" otherwise.
func keyFormat(data []byte) string {
	trimmed := bytes.TrimSpace(data)
	switch {
	case bytes.Contains(trimmed, []byte("-----BEGIN ")):
		return "PEM"
	case len(trimmed) > 0 && trimmed[0] == 0x30:
		return "DER"
	}
	return ""
}

// NotJWKError is the error of ParsePrivateJWK and LoadPrivateJWK for a key
// in another format: a PEM or DER file, which `wimse keys convert` turns
// into a JWK.
type NotJWKError struct {
	// Path is the file read, "" for ParsePrivateJWK.
	Path string
	// Format is "PEM" or "DER".
	Format string
}

func (e *NotJWKError) Error() string {
	what := "the key"
	if e.Path != "" {
		what = e.Path
	}
	return fmt.Sprintf("wimse: %s is %s, where a JWK is expected: %s", what, e.Format, e.Hint())
}

// Hint says how to convert the file: "convert it with `wimse keys convert
// --in key.pem --out key.jwk`".
func (e *NotJWKError) Hint() string {
	in := e.Path
	if in == "" {
		in = "KEYFILE"
	}
	out := strings.TrimSuffix(in, filepath.Ext(in)) + ".jwk"
	if out == in {
		out = strings.TrimSuffix(in, ".jwk") + "-converted.jwk"
	}
	return fmt.Sprintf("convert it with `wimse keys convert --in %s --out %s`", in, out)
}
