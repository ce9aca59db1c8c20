package jose

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/lestrrat-go/jwx/v3/jwk"
)

// privateMembers are the JWK members that only a private or symmetric key
// has (RFC 7518 §6.2.2, §6.3.2, §6.4.1; RFC 8037 §2).
var privateMembers = []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k"}

// PublicJWK is a parsed public JWK.
type PublicJWK struct {
	Key crypto.PublicKey
	// Alg is the JWK "alg" member, "" when absent.
	Alg string
	// Kid is the JWK "kid" member, "" when absent.
	Kid string
	// Use is the "use" member, "" when absent; KeyOps the "key_ops" member,
	// nil when absent (RFC 7517 §4.2, §4.3). ParsePublicJWK only checks
	// their types; CheckVerifyUse says whether they allow verifying.
	Use    string
	KeyOps []string
	hasUse bool
	// useErr records a malformed use or key_ops for CheckVerifyUse.
	useErr *Error
}

// CheckVerifyUse reports, as a CodeKeyUse error, whether the key's use and
// key_ops members forbid verifying signatures with it (RFC 7517 §4.2,
// §4.3): a use other than "sig", a key_ops without "verify" (or with a
// repeated value, which §4.3 forbids), or either member of the wrong type.
// Absent members allow everything.
func (k *PublicJWK) CheckVerifyUse() error {
	if k.useErr != nil {
		return k.useErr
	}
	if k.hasUse && k.Use != "sig" {
		return errorf(CodeKeyUse, "jwk use %q is not sig", k.Use)
	}
	if k.KeyOps != nil {
		seen := map[string]bool{}
		for _, op := range k.KeyOps {
			if seen[op] {
				return errorf(CodeKeyUse, "jwk key_ops repeats %q", op)
			}
			seen[op] = true
		}
		if !seen["verify"] {
			return errorf(CodeKeyUse, "jwk key_ops %q does not allow verify", k.KeyOps)
		}
	}
	return nil
}

// ParsePublicJWK parses one JWK that must be a public asymmetric key: no
// private members, not kty "oct", and a supported key type. It does not
// require alg; callers that do check Alg.
func ParsePublicJWK(data []byte) (*PublicJWK, error) { return ParsePublicJWKSkip(data, nil) }

// ParsePublicJWKSkip is ParsePublicJWK with the checks named by skip passed
// over: unique member names (CodeDuplicateMember), private members
// (CodeKeyPrivate; kty "oct" then still fails as an unsupported key type,
// CodeKey), a supported, string alg (CodeKeyAlg; the alg is then kept
// as read, "" when not a string), and an Ed25519 key canonically encoded
// (CodeKeyNonCanonical) and not of small order (CodeKeySmallOrder).
func ParsePublicJWKSkip(data []byte, skip Skip) (*PublicJWK, error) {
	if err := checkObjectSkip(data, skip.has(CodeDuplicateMember)); err != nil {
		return nil, jsonError("jwk", err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, errorf(CodeKey, "jwk is not a json object")
	}
	var kty string
	if err := json.Unmarshal(m["kty"], &kty); err != nil {
		return nil, errorf(CodeKey, "jwk kty is missing or not a string")
	}
	if kty == "oct" && !skip.has(CodeKeyPrivate) {
		return nil, errorf(CodeKeyPrivate, "jwk is a symmetric key")
	}
	for _, p := range privateMembers {
		if _, ok := m[p]; ok && !skip.has(CodeKeyPrivate) {
			return nil, errorf(CodeKeyPrivate, "jwk has private member %q", p)
		}
	}
	out := &PublicJWK{}
	if v, ok := m["alg"]; ok {
		if err := json.Unmarshal(v, &out.Alg); err != nil && !skip.has(CodeKeyAlg) {
			return nil, errorf(CodeKeyAlg, "jwk alg is not a string")
		}
	}
	if _, ok := m["alg"]; ok && !IsSupported(out.Alg) && !skip.has(CodeKeyAlg) {
		// Checked before jwx sees the key: jwx rejects algorithms it does
		// not know, which would otherwise read as a bad key.
		return nil, errorf(CodeKeyAlg, "jwk alg %q is not supported", out.Alg)
	}
	if v, ok := m["kid"]; ok {
		if err := json.Unmarshal(v, &out.Kid); err != nil {
			return nil, errorf(CodeKey, "jwk kid is not a string")
		}
	}
	readUse(m, out)
	var pub crypto.PublicKey
	var err error
	switch kty {
	case "EC", "OKP":
		// The hot path of every WIT: decoded here, strictly (exact
		// coordinate lengths, point on the curve; an Ed25519 key canonical
		// and not of small order), without a jwk.Key.
		pub, err = parseCurveKey(kty, m, skip)
	default:
		pub, err = parseWithJWX(data)
	}
	if err != nil {
		return nil, err
	}
	out.Key = pub
	return out, nil
}

// PublicJWKJSON renders pub as a public JWK with alg (and kid, if non-empty),
// members in sorted order.
func PublicJWKJSON(pub crypto.PublicKey, alg, kid string) (map[string]any, error) {
	k, err := jwk.Import(pub)
	if err != nil {
		return nil, fmt.Errorf("jose: import key: %w", err)
	}
	b, err := json.Marshal(k)
	if err != nil {
		return nil, fmt.Errorf("jose: encode key: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("jose: encode key: %w", err)
	}
	if alg != "" {
		m["alg"] = alg
	}
	if kid != "" {
		m["kid"] = kid
	}
	return m, nil
}

// PrivateJWKJSON renders a private key as a JWK with alg and kid.
func PrivateJWKJSON(key crypto.Signer, alg, kid string) ([]byte, error) {
	k, err := jwk.Import(key)
	if err != nil {
		return nil, fmt.Errorf("jose: import key: %w", err)
	}
	b, err := json.Marshal(k)
	if err != nil {
		return nil, fmt.Errorf("jose: encode key: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("jose: encode key: %w", err)
	}
	if alg != "" {
		m["alg"] = alg
	}
	if kid != "" {
		m["kid"] = kid
	}
	return json.MarshalIndent(m, "", "  ")
}

// readUse records the use and key_ops members of m in out, and a type
// error for CheckVerifyUse.
func readUse(m map[string]json.RawMessage, out *PublicJWK) {
	if v, ok := m["use"]; ok {
		out.hasUse = true
		if err := json.Unmarshal(v, &out.Use); err != nil || string(v) == "null" {
			out.useErr = errorf(CodeKeyUse, "jwk use is not a string")
		}
	}
	if v, ok := m["key_ops"]; ok {
		if err := json.Unmarshal(v, &out.KeyOps); err != nil || out.KeyOps == nil {
			out.KeyOps, out.useErr = nil, errorf(CodeKeyUse, "jwk key_ops is not an array of strings")
		}
	}
}

// parseCurveKey decodes an EC (RFC 7518 §6.2.1) or OKP (RFC 8037 §2) public
// JWK: P-256, P-384, P-521 or Ed25519; an Ed25519 key must be canonically
// encoded and not of small order unless skip says otherwise.
func parseCurveKey(kty string, m map[string]json.RawMessage, skip Skip) (crypto.PublicKey, error) {
	var crv string
	if err := json.Unmarshal(m["crv"], &crv); err != nil {
		return nil, errorf(CodeKey, "jwk crv is missing or not a string")
	}
	coord := func(name string, size int) ([]byte, error) {
		var s string
		if err := json.Unmarshal(m[name], &s); err != nil {
			return nil, errorf(CodeKey, "jwk %s is missing or not a string", name)
		}
		b, err := base64.RawURLEncoding.Strict().DecodeString(s)
		if err != nil || len(b) != size {
			return nil, errorf(CodeKey, "jwk %s is not %d base64url octets", name, size)
		}
		return b, nil
	}
	if kty == "OKP" {
		if crv != "Ed25519" {
			return nil, errorf(CodeKey, "unsupported OKP curve %q", crv)
		}
		x, err := coord("x", ed25519.PublicKeySize)
		if err != nil {
			return nil, err
		}
		if err := checkEd25519(x, skip); err != nil {
			return nil, err
		}
		return ed25519.PublicKey(x), nil
	}
	curve, ok := map[string]elliptic.Curve{"P-256": elliptic.P256(), "P-384": elliptic.P384(), "P-521": elliptic.P521()}[crv]
	if !ok {
		return nil, errorf(CodeKey, "unsupported EC curve %q", crv)
	}
	size := (curve.Params().BitSize + 7) / 8
	x, err := coord("x", size)
	if err != nil {
		return nil, err
	}
	y, err := coord("y", size)
	if err != nil {
		return nil, err
	}
	point := append(append([]byte{4}, x...), y...)
	pub, err := ecdsa.ParseUncompressedPublicKey(curve, point)
	if err != nil {
		return nil, errorf(CodeKey, "jwk is not a point on %s", crv)
	}
	return pub, nil
}

// parseWithJWX decodes the other key types (RSA) with jwx.
func parseWithJWX(data []byte) (crypto.PublicKey, error) {
	k, err := jwk.ParseKey(data)
	if err != nil {
		return nil, errorf(CodeKey, "jwk does not parse: %v", err)
	}
	var raw any
	if err := jwk.Export(k, &raw); err != nil {
		return nil, errorf(CodeKey, "jwk does not export: %v", err)
	}
	pub, ok := raw.(crypto.PublicKey)
	if !ok || AlgForKey(pub) == "" {
		return nil, errorf(CodeKey, "unsupported jwk key type %T", raw)
	}
	if _, isRSA := pub.(*rsa.PublicKey); !isRSA {
		return nil, errorf(CodeKey, "unsupported jwk key type %T", raw)
	}
	return pub, nil
}
