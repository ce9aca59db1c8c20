package wit

import (
	"crypto"
	"errors"
	"time"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/wimse"
)

// Claims are the claims of a WIT to issue (creds-02 §5.1.2).
type Claims struct {
	// Subject is the Workload Identifier (required).
	Subject wimse.ID
	// Issuer is iss (RECOMMENDED); "" omits it.
	Issuer string
	// ID is jti (OPTIONAL); "" omits it.
	ID string
	// IssuedAt is iat; zero omits it. Expiry is exp (required).
	IssuedAt, Expiry time.Time
	// Key is the workload's public key and KeyAlg the algorithm its proofs
	// use (cnf.jwk and cnf.jwk.alg, required). KeyAlg "" picks the default
	// for the key type (ES256 for P-256, EdDSA for Ed25519).
	Key    crypto.PublicKey
	KeyAlg string
	// Extra claims are added as they are; they cannot replace the ones above.
	Extra map[string]any
}

// Signer is an Identity Server's signing key.
type Signer struct {
	// Key is the issuer's private key.
	Key crypto.Signer
	// Alg is the JWS algorithm; "" picks the default for the key type.
	Alg string
	// KeyID is the header kid; "" omits it.
	KeyID string
	// Type overrides the typ header (tests of legacy peers); "" means wit+jwt.
	Type string
	// Deterministic makes ECDSA signatures reproducible (RFC 6979), for
	// test vectors and examples.
	Deterministic bool
	// Profile ProfileSVID issues SPIFFE WIT-SVIDs: Sign then fails unless
	// KeyID is set, alg and cnf.jwk.alg are RS/ES/PS, the subject is a
	// SPIFFE ID and Extra has no aud. The zero value issues WIMSE WITs.
	Profile Profile
}

// Sign issues a WIT for c.
func (s *Signer) Sign(c Claims) (string, error) {
	if s.Key == nil {
		return "", errors.New("wit: signer has no key")
	}
	if c.Subject.IsZero() {
		return "", errors.New("wit: subject is required")
	}
	if c.Expiry.IsZero() {
		return "", errors.New("wit: expiry is required")
	}
	if c.Key == nil {
		return "", errors.New("wit: confirmation key is required")
	}
	keyAlg := c.KeyAlg
	if keyAlg == "" {
		keyAlg = jose.AlgForKey(c.Key)
	}
	if err := jose.CheckKey(keyAlg, c.Key); err != nil {
		return "", err
	}
	alg := s.Alg
	if alg == "" {
		alg = jose.AlgForKey(s.Key.Public())
	}
	if err := s.checkSVIDSign(c, alg, keyAlg); err != nil {
		return "", err
	}
	jwk, err := jose.PublicJWKJSON(c.Key, keyAlg, "")
	if err != nil {
		return "", err
	}
	m := map[string]any{}
	for k, v := range c.Extra {
		m[k] = v
	}
	m["sub"] = c.Subject.String()
	m["exp"] = c.Expiry.Unix()
	m["cnf"] = map[string]any{"jwk": jwk}
	if c.Issuer != "" {
		m["iss"] = c.Issuer
	}
	if c.ID != "" {
		m["jti"] = c.ID
	}
	if !c.IssuedAt.IsZero() {
		m["iat"] = c.IssuedAt.Unix()
	}
	typ := s.Type
	if typ == "" {
		typ = MediaType
	}
	h := map[string]any{"typ": typ}
	if s.KeyID != "" {
		h["kid"] = s.KeyID
	}
	return jose.Sign(h, m, alg, s.Key, s.Deterministic)
}
