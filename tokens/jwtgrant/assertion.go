package jwtgrant

import (
	"github.com/wimse-wg/wimse/internal/jose"

	"encoding/json"
	"io"
	"time"

	"github.com/spiffe/go-spiffe/v2/spiffeid"
)

// MediaType is the explicit typ of a JWT used for client authentication
// (draft-ietf-oauth-rfc7523bis, update to RFC 7523 §3.2; media type
// application/client-authentication+jwt).
const MediaType = "client-authentication+jwt"

// DefaultMaxLifetime bounds how far ahead exp may lie, and exp - iat, when
// Verifier.MaxLifetime (or SPIFFEVerifier.MaxLifetime) is zero. RFC 7523
// §3 lets the AS reject an unreasonably far exp (item 4) or old iat (item
// 6) without giving a number; one hour admits the examples of RFC 7523 §4
// and rfc7523bis (exp - iat = 3600 s) and default SPIRE JWT-SVIDs (5 min).
const DefaultMaxLifetime = time.Hour

// Assertion is a verified JWT: a grant, a client assertion or a JWT-SVID
// client assertion.
type Assertion struct {
	// Raw is the compact serialization as received.
	Raw string
	// Algorithm, Type and KeyID are the header's alg, typ and kid ("" when
	// absent).
	Algorithm, Type, KeyID string
	// Issuer and Subject are iss and sub. A JWT-SVID may have no iss.
	Issuer, Subject string
	// Audience is aud as one or more values; verified, it holds exactly
	// one: the authorization server's identifier.
	Audience []string
	// Expiry is exp; NotBefore and IssuedAt are nbf and iat, zero when
	// absent.
	Expiry, NotBefore, IssuedAt time.Time
	// ID is jti, "" when absent.
	ID string
	// SPIFFEID is the SPIFFE ID of a JWT-SVID's sub (SPIFFEVerifier only;
	// zero otherwise): the client_id of spiffe-client-auth-02 §3.1.
	SPIFFEID spiffeid.ID
	// Claims holds every claim as raw JSON.
	Claims map[string]json.RawMessage
}

// ClientID returns the client the assertion authenticates: the SPIFFE ID
// of a JWT-SVID, otherwise sub (RFC 7523 §3 item 2: for client
// authentication sub is the client_id).
func (a *Assertion) ClientID() string {
	if !a.SPIFFEID.IsZero() {
		return a.SPIFFEID.String()
	}
	return a.Subject
}

// NewID returns a jti of 128 random bits, base64url-encoded (RFC 7519
// §4.1.7: negligible collision probability). Nil r means crypto/rand.
func NewID(r io.Reader) (string, error) { return jose.NewID(r) }
