package exchange

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/wimse-wg/wimse/tokens/delegation"
	"github.com/wimse-wg/wimse/tokens/scope"
	"github.com/wimse-wg/wimse/wimse"
)

// ClientAuthenticator authenticates the client of a token request (RFC
// 6749 §2.3; RFC 8693 §2.1) from its header fields, TLS state and form
// parameters (r.PostForm: the form is already parsed and ParseRequest has
// already refused repeated parameters). It returns the client, or an error:
// an *Error with invalid_client (the Handler answers 401 with
// WWW-Authenticate when the client used the Authorization field, RFC 6749
// §5.2), an *Error with another code (invalid_request for two methods in
// one request, RFC 6749 §2.3), or any other error, answered as
// invalid_client; its wimse reason (jwtgrant.*, ...) is recorded, or
// exchange.client when it has none. A failure of the server itself (a
// reason of wimse.ClassUnavailable or ClassInternal) is answered with
// server_error. Implementations must be safe for concurrent use.
type ClientAuthenticator interface {
	AuthenticateClient(ctx context.Context, r *http.Request) (ClientIdentity, error)
}

// ClientAuthenticatorFunc adapts a function to a ClientAuthenticator.
type ClientAuthenticatorFunc func(ctx context.Context, r *http.Request) (ClientIdentity, error)

// AuthenticateClient calls f.
func (f ClientAuthenticatorFunc) AuthenticateClient(ctx context.Context, r *http.Request) (ClientIdentity, error) {
	return f(ctx, r)
}

// Proposal is what an Authorizer is asked to allow: the authenticated
// client, the validated subject and actor, and what the request asks for.
// It is read-only.
type Proposal struct {
	// Client is the authenticated client.
	Client ClientIdentity
	// Subject is the validated subject token.
	Subject *Party
	// Actor is the validated actor token; nil without one.
	Actor *Party
	// Resources and Audiences are the request's resource (RFC 8707 §2:
	// checked to be absolute URIs without fragment) and audience values
	// (RFC 8693 §2.1), in request order; either may be empty.
	Resources []string
	Audiences []string
	// Scope is the requested scope; the zero Set when none was requested.
	Scope scope.Set
	// TokenType is the type URI to issue: requested_token_type, or the
	// Handler's default when the request has none.
	TokenType string
}

// Grant is an Authorizer's permission for one exchange.
type Grant struct {
	// Audience is the issued token's aud: the requested targets, or what
	// they map to (RFC 8707 §2: the exact value or a more general one; RFC
	// 8693 §2.1: a default when none was named). Empty is invalid_target.
	Audience []string
	// Scope is the most the client may obtain for these targets; the
	// issued scope is the requested one when it fits within Scope (and
	// within a scoped subject token's scope), else invalid_scope; without
	// a request, all of Scope that the subject token allows.
	Scope scope.Set
	// NarrowScope issues the part of a requested scope that lies within
	// Scope (and the subject token's) instead of refusing the rest with
	// invalid_scope (RFC 6749 §3.3: the server may issue less than
	// requested; the response's scope says what was issued, RFC 8693
	// §2.2.1). A request with no part within is still invalid_scope. Both
	// are compliant (implementation digest §14.3); false refuses.
	NarrowScope bool
	// Lifetime bounds the issued token's lifetime; zero means the
	// Handler's maximum. It never extends the Handler's maximum nor the
	// subject's or actor's expiry.
	Lifetime time.Duration
	// Delegate allows a token with act naming the actor (RFC 8693 §1.1):
	// required when an actor token is sent.
	Delegate bool
	// Impersonate allows a token for a subject that is not the client with
	// no new actor (RFC 8693 §1.1, Appendix A.1): required when no actor
	// token is sent and the subject is not the client.
	Impersonate bool
}

// Authorizer is the token endpoint's policy (RFC 8693 §5: "who may
// exchange which subject token for which target"). It returns the Grant, or
// an error for a denial: Deny(code, cause) chooses the OAuth error code;
// an *Error is answered as it is; any other error is answered with the code
// its wimse reason calls for (policy.no_rule and exchange.denied:
// unauthorized_client; policy.target and exchange.target: invalid_target;
// policy.scope and scope.*: invalid_scope; server.*, policy.malformed and
// errors with no reason: server_error; any other: invalid_request, RFC 8693
// §2.2.2). It must be safe for concurrent use. A Handler with no Authorizer
// denies every exchange (exchange.denied).
type Authorizer func(ctx context.Context, p *Proposal) (Grant, error)

// Deny returns an Authorizer's denial with the OAuth error code to answer
// (oauth.Error*) and its cause, whose wimse reason is recorded (policy.*,
// exchange.*).
func Deny(code string, cause error) error {
	return &Error{Code: code, Description: describe(cause), Err: cause}
}

// describe is the error_description of a denial: the cause's detail,
// which never quotes a token.
func describe(err error) string {
	var we *wimse.Error
	if errors.As(err, &we) && we.Detail != "" {
		return we.Detail
	}
	if err == nil {
		return ""
	}
	return err.Error()
}

// Decision is the record of one answer of the token endpoint, issuance or
// denial, with what an audit record needs (interop/sts/audit). It never
// holds a token. Fields not known when the request was refused are zero.
type Decision struct {
	// Time is when the request was decided (the Handler's clock).
	Time time.Time
	// Client is the authenticated client's ID and Method; Key and
	// Certificate are left nil.
	Client ClientIdentity
	// SubjectIssuer and Subject are the subject token's iss and sub;
	// SubjectTokenType its declared type.
	SubjectIssuer, Subject, SubjectTokenType string
	// Actors is the act chain of the issued token (or of the one that was
	// refused), current actor first.
	Actors delegation.Chain
	// RequestedResources, RequestedAudiences and RequestedScope are what
	// the request asked for; RequestedTokenType is requested_token_type.
	RequestedResources, RequestedAudiences []string
	RequestedScope                         scope.Set
	RequestedTokenType                     string
	// GrantedAudience and GrantedScope are the issued token's aud and scope.
	GrantedAudience []string
	GrantedScope    scope.Set
	// TokenID is the issued token's jti; IssuedTokenType its type URI;
	// Lifetime its exp - iat; Expiry its exp.
	TokenID, IssuedTokenType string
	Lifetime                 time.Duration
	Expiry                   time.Time
	// Binding is how the issued token is sender-constrained: BindingDPoP,
	// BindingMTLS, or "" for a bearer token (and for a refusal).
	Binding string
	// Issued says a token was issued. Otherwise Error is the OAuth error
	// code answered and Reason the wimse reason.
	Issued bool
	Error  string
	Reason wimse.Reason
	// Status is the HTTP status answered.
	Status int
}
