package attestation

import (
	"crypto"
	"errors"
	"time"

	"github.com/wimse-wg/wimse/internal/jose"
)

// PoPClaims are the claims of a PoP to sign (§5.1).
type PoPClaims struct {
	// Audience is aud: the server's issuer identifier (or resource
	// identifier), one per PoP. Required.
	Audience string
	// ID is jti, unique per PoP (see jose.NewID). Required.
	ID string
	// IssuedAt is iat. Required.
	IssuedAt time.Time
	// Challenge is the most recent challenge the server gave, "" for none.
	Challenge string
	// Extra claims are added as they are; they cannot replace the ones
	// above.
	Extra map[string]any
}

// PoPSigner signs Client Attestation PoP JWTs with the Client Instance
// Key: the private half of the attestation's cnf.jwk.
type PoPSigner struct {
	// Key is the client instance's private key. Required.
	Key crypto.Signer
	// Alg must be cnf.jwk's alg when the attestation sets one (a WIT always
	// does); "" picks the default for the key.
	Alg string
	// Type overrides typ (tests of broken clients); "" means
	// oauth-client-attestation-pop+jwt.
	Type string
	// Deterministic makes ECDSA signatures reproducible (RFC 6979).
	Deterministic bool
}

// Sign returns the compact PoP for c. Its header has typ and alg only: the
// key is the attestation's, never named in the PoP.
func (s *PoPSigner) Sign(c PoPClaims) (string, error) {
	if s.Key == nil {
		return "", errors.New("attestation: PoP signer has no key")
	}
	if c.Audience == "" || c.ID == "" || c.IssuedAt.IsZero() {
		return "", errors.New("attestation: aud, jti and iat are required")
	}
	m := map[string]any{}
	for k, v := range c.Extra {
		m[k] = v
	}
	m["aud"] = c.Audience
	m["jti"] = c.ID
	m["iat"] = c.IssuedAt.Unix()
	if c.Challenge != "" {
		m["challenge"] = c.Challenge
	}
	alg := s.Alg
	if alg == "" {
		alg = jose.AlgForKey(s.Key.Public())
	}
	typ := s.Type
	if typ == "" {
		typ = PoPMediaType
	}
	return jose.Sign(map[string]any{"typ": typ}, m, alg, s.Key, s.Deterministic)
}

// Claims are the claims of a generic Client Attestation JWT to issue (§4).
type Claims struct {
	// Subject is sub: the client's client_id. Required.
	Subject string
	// IssuedAt is iat; zero omits it. Expiry is exp. Required.
	IssuedAt, Expiry time.Time
	// Key is the Client Instance Key (cnf.jwk) and KeyAlg its alg member
	// ("" omits it). Required.
	Key    crypto.PublicKey
	KeyAlg string
	// Extra claims are added as they are; they cannot replace the ones
	// above.
	Extra map[string]any
}

// Signer is a Client Attester's key: it issues generic Client Attestation
// JWTs (typ oauth-client-attestation+jwt). A WIT-SVID is issued by
// tokens/wit instead.
type Signer struct {
	// Key is the attester's private key. Required.
	Key crypto.Signer
	// Alg is the JWS algorithm; "" picks the default for the key.
	Alg string
	// KeyID is the header kid; "" omits it.
	KeyID string
	// Deterministic makes ECDSA signatures reproducible (RFC 6979).
	Deterministic bool
}

// Sign issues an attestation for c.
func (s *Signer) Sign(c Claims) (string, error) {
	if s.Key == nil {
		return "", errors.New("attestation: signer has no key")
	}
	if c.Subject == "" || c.Expiry.IsZero() || c.Key == nil {
		return "", errors.New("attestation: sub, exp and cnf are required")
	}
	jwk, err := jose.PublicJWKJSON(c.Key, c.KeyAlg, "")
	if err != nil {
		return "", err
	}
	m := map[string]any{}
	for k, v := range c.Extra {
		m[k] = v
	}
	m["sub"] = c.Subject
	m["exp"] = c.Expiry.Unix()
	if !c.IssuedAt.IsZero() {
		m["iat"] = c.IssuedAt.Unix()
	}
	m["cnf"] = map[string]any{"jwk": jwk}
	alg := s.Alg
	if alg == "" {
		alg = jose.AlgForKey(s.Key.Public())
	}
	h := map[string]any{"typ": MediaType}
	if s.KeyID != "" {
		h["kid"] = s.KeyID
	}
	return jose.Sign(h, m, alg, s.Key, s.Deterministic)
}
