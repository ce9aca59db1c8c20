package exchange

import (
	"context"
	"crypto"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"time"

	"github.com/wimse-wg/wimse/tokens/delegation"
	"github.com/wimse-wg/wimse/tokens/dpop"
	"github.com/wimse-wg/wimse/tokens/scope"
)

// Role says which request parameter a token came in.
type Role string

const (
	// RoleSubject is subject_token: the party on whose behalf the request
	// is made (RFC 8693 §2.1).
	RoleSubject Role = "subject"
	// RoleActor is actor_token: the acting party (RFC 8693 §2.1).
	RoleActor Role = "actor"
)

// Presentation is a subject or actor token as the token endpoint received
// it, with what a TokenValidator may need to check it: the declared type,
// the authenticated client (for proof of possession) and the request's
// header fields (a Workload-Proof-Token, a DPoP proof). It is read-only.
type Presentation struct {
	// Token is the token as sent; TokenType its declared type URI
	// (subject_token_type or actor_token_type).
	Token, TokenType string
	// Role is the parameter the token came in.
	Role Role
	// Client is the authenticated client of the request.
	Client ClientIdentity
	// Header is the request's header fields.
	Header http.Header
	// DPoP is the request's DPoP proof, verified by the Handler for the
	// token endpoint (htm POST, htu DPoPConfig.TokenURL, no access token);
	// nil without one. For a DPoP-bound token its key must match cnf.jkt
	// and its ath the token (Proof.BindsAccessToken).
	DPoP *dpop.Proof
}

// Party is a validated subject or actor token: the party it identifies and
// the limits it puts on what may be issued from it. Validators fill it
// from verified claims only.
type Party struct {
	// TokenType is the type URI the token was validated as.
	TokenType string
	// Issuer and Subject are iss and sub (Subject required; Issuer "" when
	// the token has none, as a WIT may).
	Issuer, Subject string
	// Audience is aud as a list (nil when the token has none).
	Audience []string
	// ClientID is client_id of an access token, "" otherwise.
	ClientID string
	// ID is jti, "" when absent.
	ID string
	// Expiry is exp: the issued token never outlives it. IssuedAt is iat,
	// zero when absent.
	Expiry, IssuedAt time.Time
	// Scoped says the token's scope bounds what may be issued from it (an
	// access token: its scope claim, empty when absent); Scope is that
	// scope. Identity tokens (WITs, JWT-SVIDs) are not scoped: the policy
	// alone bounds the scope.
	Scoped bool
	Scope  scope.Set
	// Act is the token's act chain, current actor first; nil when absent.
	Act delegation.Chain
	// MayAct is the token's may_act claim, nil when absent.
	MayAct *delegation.MayAct
	// Claims holds every claim as raw JSON, for policies that need more.
	Claims map[string]json.RawMessage
}

// Actor returns the party as an act entry: its sub and iss (RFC 8693
// §4.1), never exp, nbf or aud.
func (p *Party) Actor() delegation.Actor {
	return delegation.Actor{Subject: p.Subject, Issuer: p.Issuer}
}

// TokenValidator validates the tokens of one type (RFC 8693 §3) presented
// as subject or actor token: signature from configured keys, expiry,
// audience where the type requires one, typ consistent with the declared
// type, and proof of possession where the type is not a bearer token.
// A failure is an error (a *wimse.Error with its reason); the handler
// answers it with invalid_request (RFC 8693 §2.2.2), or server_error for
// a failure of the server (wimse.ClassUnavailable, ClassInternal).
// Implementations must be safe for concurrent use.
type TokenValidator interface {
	ValidateToken(ctx context.Context, p Presentation) (*Party, error)
}

// TokenValidatorFunc adapts a function to a TokenValidator.
type TokenValidatorFunc func(ctx context.Context, p Presentation) (*Party, error)

// ValidateToken calls f.
func (f TokenValidatorFunc) ValidateToken(ctx context.Context, p Presentation) (*Party, error) {
	return f(ctx, p)
}

// ClientIdentity is the client a ClientAuthenticator authenticated.
type ClientIdentity struct {
	// ID is the client_id (a SPIFFE ID or Workload Identifier for workload
	// clients); it becomes the issued token's client_id (RFC 8693 §4.3).
	// Required.
	ID string
	// Method is the authentication method, as in the
	// token_endpoint_auth_methods_supported metadata (oauth.AuthMethod*).
	Method string
	// Key is the public key the client proved possession of in this
	// request (spiffe_wit's attestation PoP, a WPT), nil when none: a
	// validator may accept it as the proof for a token bound to that key.
	Key crypto.PublicKey
	// Certificate is the client certificate of a mutual TLS authentication
	// (spiffe_x509, RFC 8705), nil when none.
	Certificate *x509.Certificate
}
