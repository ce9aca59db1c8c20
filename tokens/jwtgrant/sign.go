package jwtgrant

import (
	"crypto"
	"errors"
	"time"

	"github.com/wimse-wg/wimse/internal/jose"
)

// Claims are the claims of an assertion to sign.
type Claims struct {
	// Issuer is iss; for a client assertion, the client_id (RFC 7521 §5.2).
	Issuer string
	// Subject is sub; for a client assertion, the client_id too ("" means
	// Issuer).
	Subject string
	// Audience is aud, signed as a single string: the authorization
	// server's issuer identifier (rfc7523bis).
	Audience string
	// Expiry is exp; IssuedAt and NotBefore are iat and nbf, omitted when
	// zero.
	Expiry, IssuedAt, NotBefore time.Time
	// ID is jti (see NewID); required for a client assertion.
	ID string
	// Extra claims are added as they are; they cannot replace the ones above.
	Extra map[string]any
}

// Signer signs assertions with the issuer's (or client's) private key.
type Signer struct {
	// Key is the private key.
	Key crypto.Signer
	// Alg is the JWS algorithm; "" picks the default for the key.
	Alg string
	// KeyID is the kid header parameter; "" omits it.
	KeyID string
	// Type overrides typ: "" means client-authentication+jwt for a client
	// assertion and no typ for a grant.
	Type string
	// Deterministic makes ECDSA signatures reproducible (RFC 6979).
	Deterministic bool
}

// SignGrant returns a compact JWT authorization grant (RFC 7523 §2.1, §3).
func (s *Signer) SignGrant(c Claims) (string, error) {
	if c.Subject == "" {
		return "", errors.New("jwtgrant: sub is required")
	}
	return s.sign(c, "")
}

// SignClientAssertion returns a compact JWT client assertion (RFC 7523
// §2.2, §3): iss and sub are the client_id, and typ is
// client-authentication+jwt (rfc7523bis: clients type them explicitly).
func (s *Signer) SignClientAssertion(c Claims) (string, error) {
	if c.Subject == "" {
		c.Subject = c.Issuer
	}
	if c.Subject != c.Issuer {
		return "", errors.New("jwtgrant: a client assertion's iss and sub are both the client_id")
	}
	if c.ID == "" {
		return "", errors.New("jwtgrant: jti is required")
	}
	return s.sign(c, MediaType)
}

func (s *Signer) sign(c Claims, typ string) (string, error) {
	if s.Key == nil {
		return "", errors.New("jwtgrant: signer has no key")
	}
	if c.Issuer == "" || c.Audience == "" || c.Expiry.IsZero() {
		return "", errors.New("jwtgrant: iss, aud and exp are required")
	}
	m := map[string]any{}
	for k, v := range c.Extra {
		m[k] = v
	}
	m["iss"] = c.Issuer
	m["sub"] = c.Subject
	m["aud"] = c.Audience
	m["exp"] = c.Expiry.Unix()
	if !c.IssuedAt.IsZero() {
		m["iat"] = c.IssuedAt.Unix()
	}
	if !c.NotBefore.IsZero() {
		m["nbf"] = c.NotBefore.Unix()
	}
	if c.ID != "" {
		m["jti"] = c.ID
	}
	alg := s.Alg
	if alg == "" {
		alg = jose.AlgForKey(s.Key.Public())
	}
	h := map[string]any{}
	if s.Type != "" {
		typ = s.Type
	}
	if typ != "" {
		h["typ"] = typ
	}
	if s.KeyID != "" {
		h["kid"] = s.KeyID
	}
	return jose.Sign(h, m, alg, s.Key, s.Deterministic)
}
