package dpop

import (
	"crypto"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/wimse-wg/wimse/internal/jose"
)

// Signer makes DPoP proofs with a client's key (RFC 9449 §4.2). Its
// fields are read-only once it signs; it is safe for concurrent use if Key
// and Rand are.
type Signer struct {
	// Key is the client's private DPoP key; required. Its public half goes
	// into every proof's jwk header.
	Key crypto.Signer
	// Alg is the proof algorithm; "" picks the key's default (ES256 for a
	// P-256 key, EdDSA for Ed25519, RS256 for RSA).
	Alg string
	// Now is the clock of iat. Nil means time.Now.
	Now func() time.Time
	// Rand is the source of jti values. Nil means crypto/rand.
	Rand io.Reader
}

// JKT returns the thumbprint of the signer's public key: the cnf.jkt of
// tokens bound to it (RFC 9449 §6.1).
func (s *Signer) JKT() (string, error) {
	if s.Key == nil {
		return "", errors.New("dpop: signer has no key")
	}
	return Thumbprint(s.Key.Public())
}

// NewProof returns a proof for one request: htm method, htu targetURL
// without its query and fragment (RFC 9449 §4.2), a fresh 128-bit jti, iat
// now, ath of accessToken unless it is "", and nonce unless it is "".
func (s *Signer) NewProof(method, targetURL, accessToken, nonce string) (string, error) {
	if s.Key == nil {
		return "", errors.New("dpop: signer has no key")
	}
	if method == "" || targetURL == "" {
		return "", errors.New("dpop: method and target URL are required")
	}
	htu := targetURL
	if i := strings.IndexAny(htu, "?#"); i >= 0 {
		htu = htu[:i]
	}
	alg := s.Alg
	if alg == "" {
		alg = jose.AlgForKey(s.Key.Public())
	}
	jwk, err := jose.PublicJWKJSON(s.Key.Public(), "", "")
	if err != nil {
		return "", fmt.Errorf("dpop: %w", err)
	}
	jti, err := jose.NewID(s.Rand)
	if err != nil {
		return "", fmt.Errorf("dpop: jti: %w", err)
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	claims := map[string]any{"jti": jti, "htm": method, "htu": htu, "iat": now().Unix()}
	if accessToken != "" {
		claims["ath"] = AccessTokenHash(accessToken)
	}
	if nonce != "" {
		claims["nonce"] = nonce
	}
	tok, err := jose.Sign(map[string]any{"typ": MediaType, "jwk": jwk}, claims, alg, s.Key, false)
	if err != nil {
		return "", fmt.Errorf("dpop: sign: %w", err)
	}
	return tok, nil
}
