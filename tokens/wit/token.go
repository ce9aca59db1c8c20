package wit

import (
	"crypto"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"time"

	"github.com/wimse-wg/wimse/wimse"
)

// MediaType is the WIT typ value (creds-02 §5.1.1, RFC 8725 §3.11).
const MediaType = "wit+jwt"

// LegacyMediaType is the typ of s2s-protocol-06 and earlier.
const LegacyMediaType = "wimse-id+jwt"

// Confirmation is the proof-of-possession key of a WIT (cnf.jwk, RFC 7800 §3.2).
type Confirmation struct {
	// Key is the workload's public key.
	Key crypto.PublicKey
	// Alg is cnf.jwk.alg: the algorithm every proof must use.
	Alg string
	// JWK is the cnf.jwk object as it appeared in the token.
	JWK json.RawMessage
}

// Token is a verified WIT.
type Token struct {
	// Raw is the compact serialization as received.
	Raw string
	// Hash is base64url(SHA-256(Raw)): the value a WPT's wth must carry
	// (wpt-01 §3.1).
	Hash string
	// Algorithm, KeyID and Type are the header's alg, kid and typ.
	Algorithm, KeyID, Type string
	// Subject is the authenticated Workload Identifier.
	Subject wimse.ID
	// Issuer is iss, "" when absent.
	Issuer string
	// ID is jti, "" when absent.
	ID string
	// Expiry is exp; IssuedAt and NotBefore are zero when absent.
	Expiry, IssuedAt, NotBefore time.Time
	// Confirmation is the workload's key.
	Confirmation Confirmation
	// Claims holds every claim as raw JSON, known or not.
	Claims map[string]json.RawMessage

	// issuerKey is the trust anchor that verified the token; the cache
	// checks it is still trusted.
	issuerKey wimse.IssuerKey
}

// TrustDomain returns the subject's trust domain.
func (t *Token) TrustDomain() wimse.TrustDomain { return t.Subject.TrustDomain() }

// Hash returns base64url(SHA-256(raw)) without padding: the wth of a WIT
// (wpt-01 §3.1; wpt-02 §2), or the tth/oth of another token.
func Hash(raw string) string {
	sum := sha256.Sum256([]byte(raw))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
