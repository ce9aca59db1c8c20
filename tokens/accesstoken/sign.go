package accesstoken

import (
	"crypto"
	"errors"

	"github.com/wimse-wg/wimse/internal/jose"
)

// reserved are the claims Claims sets; Extra cannot replace them.
var reserved = [...]string{"iss", "sub", "client_id", "jti", "aud", "iat", "exp", "nbf", "auth_time", "acr", "scope", "act", "may_act", "cnf"}

// Signer is an authorization server's signing key.
type Signer struct {
	// Key is the private key.
	Key crypto.Signer
	// Alg is the JWS algorithm; "" picks the default for the key type.
	Alg string
	// KeyID is the header kid; "" omits it.
	KeyID string
	// Type overrides the typ header (tests of other peers); "" means at+jwt.
	Type string
	// Deterministic makes ECDSA signatures reproducible (RFC 6979), for
	// test vectors and examples.
	Deterministic bool
}

// Sign issues an access token for c (RFC 9068 §2). Every claim §2.2
// requires must be set; the delegation, scope and cnf claims are written
// through their packages' strict encoders.
func (s *Signer) Sign(c Claims) (string, error) {
	switch {
	case s.Key == nil:
		return "", errors.New("accesstoken: signer has no key")
	case c.Issuer == "" || c.Subject == "" || c.ClientID == "" || c.ID == "":
		return "", errors.New("accesstoken: iss, sub, client_id and jti are required")
	case len(c.Audience) == 0:
		return "", errors.New("accesstoken: aud is required")
	case c.IssuedAt.IsZero() || c.Expiry.IsZero():
		return "", errors.New("accesstoken: iat and exp are required")
	case !c.Expiry.After(c.IssuedAt):
		return "", errors.New("accesstoken: exp must be after iat")
	}
	for _, a := range c.Audience {
		if a == "" {
			return "", errors.New("accesstoken: empty audience")
		}
	}
	m := map[string]any{}
	for k, v := range c.Extra {
		m[k] = v
	}
	for _, k := range reserved {
		delete(m, k)
	}
	m["iss"], m["sub"], m["client_id"], m["jti"] = c.Issuer, c.Subject, c.ClientID, c.ID
	if len(c.Audience) == 1 {
		m["aud"] = c.Audience[0]
	} else {
		m["aud"] = c.Audience
	}
	m["iat"], m["exp"] = c.IssuedAt.Unix(), c.Expiry.Unix()
	if !c.NotBefore.IsZero() {
		m["nbf"] = c.NotBefore.Unix()
	}
	if !c.AuthTime.IsZero() {
		m["auth_time"] = c.AuthTime.Unix()
	}
	if c.ACR != "" {
		m["acr"] = c.ACR
	}
	if !c.Scope.IsZero() {
		m["scope"] = c.Scope.String()
	}
	if len(c.Act) > 0 {
		m["act"] = c.Act
	}
	if c.MayAct != nil {
		m["may_act"] = c.MayAct
	}
	if !c.Confirmation.IsZero() {
		m["cnf"] = c.Confirmation
	}
	alg := s.Alg
	if alg == "" {
		alg = jose.AlgForKey(s.Key.Public())
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
