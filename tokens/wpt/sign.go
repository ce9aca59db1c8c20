package wpt

import (
	"crypto"
	"errors"
	"time"

	"github.com/wimse-wg/wimse/internal/jose"
)

// Claims are the claims of a WPT to sign.
type Claims struct {
	// Audience is aud: the target URI without query and fragment.
	Audience string
	// Expiry is exp; minutes at most (wpt-01 §3.1).
	Expiry time.Time
	// ID is jti; see NewID.
	ID string
	// WITHash is wth: wit.Hash of the WIT sent with the proof.
	WITHash string
	// AccessTokenHash is ath (wpt-01 only); "" omits it.
	AccessTokenHash string
	// TxnTokenHash is tth; "" omits it.
	TxnTokenHash string
	// OtherTokenHashes is oth; nil omits it.
	OtherTokenHashes map[string]string
	// Extra claims are added as they are; they cannot replace the ones above.
	Extra map[string]any
}

// Signer signs WPTs with a workload key: the private half of the WIT's
// cnf.jwk.
type Signer struct {
	// Key is the workload's private key.
	Key crypto.Signer
	// Alg must equal the WIT's cnf.jwk.alg; "" picks the default for the key.
	Alg string
	// Type overrides typ (tests of legacy peers); "" means wpt+jwt.
	Type string
	// Deterministic makes ECDSA signatures reproducible (RFC 6979).
	Deterministic bool
}

// Sign returns the compact WPT for c.
func (s *Signer) Sign(c Claims) (string, error) {
	if s.Key == nil {
		return "", errors.New("wpt: signer has no key")
	}
	if c.Audience == "" || c.Expiry.IsZero() || c.ID == "" || c.WITHash == "" {
		return "", errors.New("wpt: aud, exp, jti and wth are required")
	}
	m := map[string]any{}
	for k, v := range c.Extra {
		m[k] = v
	}
	m["aud"] = c.Audience
	m["exp"] = c.Expiry.Unix()
	m["jti"] = c.ID
	m["wth"] = c.WITHash
	if c.AccessTokenHash != "" {
		m["ath"] = c.AccessTokenHash
	}
	if c.TxnTokenHash != "" {
		m["tth"] = c.TxnTokenHash
	}
	if c.OtherTokenHashes != nil {
		m["oth"] = c.OtherTokenHashes
	}
	alg := s.Alg
	if alg == "" {
		alg = jose.AlgForKey(s.Key.Public())
	}
	typ := s.Type
	if typ == "" {
		typ = MediaType
	}
	return jose.Sign(map[string]any{"typ": typ}, m, alg, s.Key, s.Deterministic)
}
