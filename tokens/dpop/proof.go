package dpop

import (
	"crypto"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"time"

	"github.com/wimse-wg/wimse/tokens/confirmation"
	"github.com/wimse-wg/wimse/wimse"
)

// MediaType is the typ of every DPoP proof (RFC 9449 §4.2).
const MediaType = "dpop+jwt"

// Header is the request header field that carries a proof (RFC 9449 §4.1).
const Header = "DPoP"

// NonceHeader is the response header field that carries a server nonce (RFC
// 9449 §8).
const NonceHeader = "DPoP-Nonce"

// Proof is a verified DPoP proof JWT (RFC 9449 §4.2).
type Proof struct {
	// Raw is the compact serialization as received.
	Raw string
	// Algorithm is the header's alg.
	Algorithm string
	// Key is the header's jwk: the public key the proof was signed with.
	Key crypto.PublicKey
	// JKT is the RFC 7638 SHA-256 thumbprint of Key, the value of cnf.jkt
	// in a token bound to it (RFC 9449 §6.1).
	JKT string
	// ID is jti; Method is htm; URI is htu as sent.
	ID, Method, URI string
	// IssuedAt is iat.
	IssuedAt time.Time
	// AccessTokenHash is ath, "" when absent. Verify checks it only when an
	// access token is presented; see BindsAccessToken.
	AccessTokenHash string
	// Nonce is nonce, "" when absent.
	Nonce string
	// Claims holds every claim as raw JSON.
	Claims map[string]json.RawMessage
}

// AccessTokenHash returns the ath of token: base64url of the SHA-256 of its
// ASCII octets, without padding (RFC 9449 §4.2).
func AccessTokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// BindsAccessToken reports, as nil or a *wimse.Error, whether the proof's
// ath is the hash of token (RFC 9449 §4.3 check 12): dpop.ath_missing
// without ath, dpop.ath_mismatch when it differs (compared in constant
// time). A token endpoint uses it for a DPoP-bound token presented as a
// subject token, after verifying the proof with no access token.
func (p *Proof) BindsAccessToken(token string) error {
	if p.AccessTokenHash == "" {
		return wimse.Errorf(wimse.ReasonDPoPATHMissing, "dpop: ath is missing and an access token is presented")
	}
	if subtle.ConstantTimeCompare([]byte(p.AccessTokenHash), []byte(AccessTokenHash(token))) != 1 {
		return wimse.Errorf(wimse.ReasonDPoPATHMismatch, "dpop: ath is not the hash of the access token presented")
	}
	return nil
}

// Thumbprint returns the RFC 7638 SHA-256 JWK thumbprint of pub, the jkt of
// RFC 9449 §6.1 (tokens/confirmation.Thumbprint).
func Thumbprint(pub crypto.PublicKey) (string, error) { return confirmation.Thumbprint(pub) }
