package confirmation

import (
	"crypto"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/wimse"
)

// Method is a confirmation method: the member name inside cnf.
type Method string

// The confirmation methods this package implements.
const (
	// MethodJWK carries the public key (RFC 7800 §3.2).
	MethodJWK Method = "jwk"
	// MethodJKT carries a JWK SHA-256 thumbprint (RFC 9449 §6.1).
	MethodJKT Method = "jkt"
	// MethodX5TS256 carries a certificate SHA-256 hash (RFC 8705 §3.1).
	MethodX5TS256 Method = "x5t#S256"
)

// otherMethods are cnf members RFC 7800 and others define that this
// package does not implement: with one of these alone, cnf.method.
var otherMethods = []string{"kid", "jku", "jwe", "osc"}

// Claim is a cnf claim holding exactly one confirmation method. The zero
// value is no claim (a bearer token).
type Claim struct {
	method Method
	// value is the jkt or x5t#S256 value, or the jwk's thumbprint.
	value string
	key   crypto.PublicKey
	jwk   json.RawMessage
}

// JKT returns the claim binding a token to pub by its JWK SHA-256
// thumbprint (RFC 9449 §6.1): for a DPoP key, or a workload's WIT key.
func JKT(pub crypto.PublicKey) (Claim, error) {
	tp, err := Thumbprint(pub)
	if err != nil {
		return Claim{}, err
	}
	return Claim{method: MethodJKT, value: tp}, nil
}

// X5TS256 returns the claim binding a token to a client certificate (RFC
// 8705 §3.1).
func X5TS256(cert *x509.Certificate) Claim {
	sum := sha256.Sum256(cert.Raw)
	return Claim{method: MethodX5TS256, value: base64.RawURLEncoding.EncodeToString(sum[:])}
}

// JWK returns the claim carrying pub itself (RFC 7800 §3.2); alg, if not
// "", is written as the JWK's alg member.
func JWK(pub crypto.PublicKey, alg string) (Claim, error) {
	if err := checkKey(pub, alg); err != nil {
		return Claim{}, err
	}
	m, err := jose.PublicJWKJSON(pub, alg, "")
	if err != nil {
		return Claim{}, wimse.Errorf(wimse.ReasonCnfMalformed, "cnf: %w", err)
	}
	raw, err := jose.Marshal(m)
	if err != nil {
		return Claim{}, wimse.Errorf(wimse.ReasonCnfMalformed, "cnf: %w", err)
	}
	tp, err := Thumbprint(pub)
	if err != nil {
		return Claim{}, err
	}
	return Claim{method: MethodJWK, value: tp, key: pub, jwk: raw}, nil
}

func checkKey(pub crypto.PublicKey, alg string) error {
	if alg == "" {
		alg = jose.AlgForKey(pub)
	}
	if err := jose.CheckKey(alg, pub); err != nil {
		return wimse.Errorf(wimse.ReasonCnfMalformed, "cnf: %w", err)
	}
	return nil
}

// Parse reads a cnf claim value: a JSON object with exactly one of jwk,
// jkt and x5t#S256. Failures are *wimse.Error with a cnf.* reason.
func Parse(raw []byte) (Claim, error) {
	if err := jose.CheckObject(raw); err != nil {
		return Claim{}, wimse.Errorf(wimse.ReasonCnfMalformed, "cnf: %s", err.Error())
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return Claim{}, wimse.Errorf(wimse.ReasonCnfMalformed, "cnf: not a JSON object")
	}
	var found []Method
	for _, meth := range []Method{MethodJWK, MethodJKT, MethodX5TS256} {
		if _, ok := m[string(meth)]; ok {
			found = append(found, meth)
		}
	}
	for _, other := range otherMethods {
		if _, ok := m[other]; ok && len(found) > 0 {
			return Claim{}, wimse.Errorf(wimse.ReasonCnfAmbiguous, "cnf: %s beside %s: one proof-of-possession key only", other, found[0])
		}
	}
	switch {
	case len(found) == 0:
		return Claim{}, wimse.Errorf(wimse.ReasonCnfMethod, "cnf: no jwk, jkt or x5t#S256 member")
	case len(found) > 1:
		return Claim{}, wimse.Errorf(wimse.ReasonCnfAmbiguous, "cnf: %d confirmation methods: one proof-of-possession key only", len(found))
	}
	v := m[string(found[0])]
	if found[0] == MethodJWK {
		k, err := jose.ParsePublicJWK(v)
		if err != nil {
			return Claim{}, wimse.Errorf(wimse.ReasonCnfMalformed, "cnf: jwk: %w", err)
		}
		if err := checkKey(k.Key, k.Alg); err != nil {
			return Claim{}, err
		}
		tp, err := Thumbprint(k.Key)
		if err != nil {
			return Claim{}, err
		}
		return Claim{method: MethodJWK, value: tp, key: k.Key, jwk: slices.Clone(v)}, nil
	}
	var s string
	if len(v) == 0 || v[0] != '"' || json.Unmarshal(v, &s) != nil {
		return Claim{}, wimse.Errorf(wimse.ReasonCnfMalformed, "cnf: %s is not a string", found[0])
	}
	if b, err := base64.RawURLEncoding.Strict().DecodeString(s); err != nil || len(b) != sha256.Size {
		return Claim{}, wimse.Errorf(wimse.ReasonCnfMalformed, "cnf: %s is not the unpadded base64url of a SHA-256 hash", found[0])
	}
	return Claim{method: found[0], value: s}, nil
}

// IsZero reports whether c is no claim.
func (c Claim) IsZero() bool { return c.method == "" }

// Method returns the confirmation method, "" for the zero Claim.
func (c Claim) Method() Method { return c.method }

// Value returns the jkt or x5t#S256 value; for jwk, the key's JWK SHA-256
// thumbprint.
func (c Claim) Value() string { return c.value }

// Key returns the public key of a jwk claim, nil otherwise.
func (c Claim) Key() crypto.PublicKey { return c.key }

// MarshalJSON writes the cnf object; the zero Claim is null.
func (c Claim) MarshalJSON() ([]byte, error) {
	switch c.method {
	case "":
		return []byte("null"), nil
	case MethodJWK:
		return json.Marshal(map[string]json.RawMessage{string(MethodJWK): c.jwk})
	}
	return json.Marshal(map[string]string{string(c.method): c.value})
}

// UnmarshalJSON reads a cnf claim with Parse.
func (c *Claim) UnmarshalJSON(data []byte) error {
	v, err := Parse(data)
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// Thumbprint returns the RFC 7638 JWK SHA-256 thumbprint of pub,
// base64url-encoded without padding: the required members of its JWK (EC:
// crv, kty, x, y; OKP: crv, kty, x; RSA: e, kty, n) in lexicographic order
// without whitespace.
func Thumbprint(pub crypto.PublicKey) (string, error) {
	m, err := jose.PublicJWKJSON(pub, "", "")
	if err != nil {
		return "", wimse.Errorf(wimse.ReasonCnfMalformed, "cnf: %w", err)
	}
	var required []string
	switch m["kty"] {
	case "EC":
		required = []string{"crv", "kty", "x", "y"}
	case "OKP":
		required = []string{"crv", "kty", "x"}
	case "RSA":
		required = []string{"e", "kty", "n"}
	default:
		return "", wimse.Errorf(wimse.ReasonCnfMalformed, "cnf: key type %v has no thumbprint here", m["kty"])
	}
	members := make(map[string]any, len(required))
	for _, k := range required {
		members[k] = m[k]
	}
	b, err := jose.Marshal(members)
	if err != nil {
		return "", fmt.Errorf("confirmation: thumbprint: %w", err)
	}
	sum := sha256.Sum256(b)
	return base64.RawURLEncoding.EncodeToString(sum[:]), nil
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
