package accesstoken

import (
	"encoding/json"
	"time"

	"github.com/wimse-wg/wimse/tokens/confirmation"
	"github.com/wimse-wg/wimse/tokens/delegation"
	"github.com/wimse-wg/wimse/tokens/scope"
	"github.com/wimse-wg/wimse/wimse"
)

// MediaType is the typ of a JWT access token (RFC 9068 §2.1); the verifier
// also accepts application/at+jwt.
const MediaType = "at+jwt"

// DefaultMaxLifetime is the longest exp - iat accepted when
// Verifier.MaxLifetime is zero. RFC 9068 sets no number; a day covers the
// 60-90 minute tokens of common authorization servers with room to spare.
const DefaultMaxLifetime = 24 * time.Hour

// Claims are the claims of an access token to issue (RFC 9068 §2.2).
type Claims struct {
	// Issuer (iss), Subject (sub), ClientID (client_id) and ID (jti) are
	// required.
	Issuer, Subject, ClientID, ID string
	// Audience (aud) is required: one value is written as a string, more
	// as an array.
	Audience []string
	// IssuedAt (iat) and Expiry (exp) are required; NotBefore (nbf) and
	// AuthTime (auth_time) are written when non-zero.
	IssuedAt, Expiry, NotBefore, AuthTime time.Time
	// ACR (acr) is written when non-empty.
	ACR string
	// Scope is written when non-empty.
	Scope scope.Set
	// Act is the delegation chain, the current actor first; written when
	// non-empty.
	Act delegation.Chain
	// MayAct, when non-nil, names the party that may act for the subject.
	MayAct *delegation.MayAct
	// Confirmation is cnf; written when non-zero.
	Confirmation confirmation.Claim
	// Extra claims are added as they are; they cannot replace the ones above.
	Extra map[string]any
}

// Token is a verified access token.
type Token struct {
	// Raw is the compact serialization as received.
	Raw string
	// Algorithm, KeyID and Type are the header's alg, kid and typ.
	Algorithm, KeyID, Type string
	// TrustDomain is the trust store entry whose issuer signed the token.
	TrustDomain wimse.TrustDomain
	// Issuer, Subject, ClientID and ID are iss, sub, client_id and jti.
	Issuer, Subject, ClientID, ID string
	// Audience is aud, always as a list.
	Audience []string
	// Expiry and IssuedAt are exp and iat; NotBefore and AuthTime are zero
	// when absent.
	Expiry, IssuedAt, NotBefore, AuthTime time.Time
	// ACR is acr, "" when absent.
	ACR string
	// Scope is the scope claim; the empty set when absent.
	Scope scope.Set
	// Act is the act claim as a chain, nil when absent.
	Act delegation.Chain
	// MayAct is the may_act claim, nil when absent.
	MayAct *delegation.MayAct
	// Confirmation is cnf; the zero Claim for a bearer token.
	Confirmation confirmation.Claim
	// Claims holds every claim as raw JSON, known or not.
	Claims map[string]json.RawMessage
}
