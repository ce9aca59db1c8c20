package exchange

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/wimse-wg/wimse/tokens/jwtgrant"
	"github.com/wimse-wg/wimse/tokens/oauth"
)

// ClientAuth authenticates the client at the token endpoint (RFC 6749
// §2.3): Authenticate adds the client's credentials to the outgoing
// request, in its headers or in the form that becomes its body (the Client
// encodes form after Authenticate returns). One request carries one method
// (RFC 6749 §2.3).
//
// Implementations must be safe for concurrent use, and must keep secrets
// out of their error strings and of fmt output.
type ClientAuth interface {
	Authenticate(ctx context.Context, r *http.Request, form url.Values) error
}

// Client assertion parameter names (RFC 7521 §4.2) and client_id, client_secret (RFC 6749 §2.3.1).
const (
	ParamClientID            = "client_id"
	ParamClientSecret        = "client_secret"
	ParamClientAssertion     = "client_assertion"
	ParamClientAssertionType = "client_assertion_type"
)

// DefaultAssertionLifetime is the lifetime of a client assertion when
// PrivateKeyJWT.Lifetime is 0.
const DefaultAssertionLifetime = time.Minute

// PrivateKeyJWT is private_key_jwt: a JWT client assertion signed with the
// client's key (RFC 7523 §2.2 with rfc7523bis), fresh for every request
// (new jti, iat now, exp now + Lifetime).
type PrivateKeyJWT struct {
	// ClientID is iss, sub and the client_id parameter; required.
	ClientID string
	// Audience is aud: the authorization server's issuer identifier
	// (rfc7523bis: its sole value); required.
	Audience string
	// Signer signs the assertion; required.
	Signer *jwtgrant.Signer
	// Lifetime is exp - iat; 0 means DefaultAssertionLifetime.
	Lifetime time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Rand is the source of jti; nil means crypto/rand.
	Rand io.Reader
}

// Authenticate adds client_id, client_assertion_type and a new
// client_assertion to form.
func (a *PrivateKeyJWT) Authenticate(_ context.Context, _ *http.Request, form url.Values) error {
	if a.ClientID == "" || a.Audience == "" || a.Signer == nil {
		return errors.New("exchange: private_key_jwt needs ClientID, Audience and Signer")
	}
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	life := a.Lifetime
	if life <= 0 {
		life = DefaultAssertionLifetime
	}
	jti, err := jwtgrant.NewID(a.Rand)
	if err != nil {
		return fmt.Errorf("exchange: private_key_jwt: jti: %w", err)
	}
	t := now()
	jwt, err := a.Signer.SignClientAssertion(jwtgrant.Claims{
		Issuer: a.ClientID, Audience: a.Audience, ID: jti, IssuedAt: t, Expiry: t.Add(life),
	})
	if err != nil {
		return fmt.Errorf("exchange: private_key_jwt: %w", err)
	}
	form.Set(ParamClientID, a.ClientID)
	form.Set(ParamClientAssertionType, oauth.ClientAssertionTypeJWTBearer)
	form.Set(ParamClientAssertion, jwt)
	return nil
}

// JWTSPIFFE is spiffe_jwt: a JWT-SVID as the client assertion
// (draft-ietf-oauth-spiffe-client-auth-02 §3.1). Experimental: the draft
// may change.
type JWTSPIFFE struct {
	// ClientID is sent as client_id when not "" (-02 makes it optional;
	// the editor's copy makes it required: the SPIFFE ID or a metadata
	// document URL).
	ClientID string
	// Audience is the audience to ask the SVID for: the authorization
	// server's issuer identifier.
	Audience string
	// SVID returns a current JWT-SVID for the audience, for example from
	// the SPIFFE Workload API (workloadapi.JWTSource.FetchJWTSVID); required.
	SVID func(ctx context.Context, audience string) (string, error)
}

// Authenticate adds client_assertion_type jwt-spiffe and the JWT-SVID (and
// client_id when set) to form.
func (a *JWTSPIFFE) Authenticate(ctx context.Context, _ *http.Request, form url.Values) error {
	if a.SVID == nil {
		return errors.New("exchange: spiffe_jwt needs an SVID source")
	}
	svid, err := a.SVID(ctx, a.Audience)
	if err != nil {
		return fmt.Errorf("exchange: spiffe_jwt: fetch JWT-SVID: %w", err)
	}
	if svid == "" {
		return errors.New("exchange: spiffe_jwt: empty JWT-SVID")
	}
	if a.ClientID != "" {
		form.Set(ParamClientID, a.ClientID)
	}
	form.Set(ParamClientAssertionType, oauth.ClientAssertionTypeJWTSPIFFE)
	form.Set(ParamClientAssertion, svid)
	return nil
}

// ClientSecretBasic is client_secret_basic: HTTP Basic authentication
// with the client_id and secret, each form-urlencoded first (RFC 6749
// §2.3.1). Its String and GoString redact the secret.
type ClientSecretBasic struct {
	ClientID string
	Secret   string `json:"-"`
}

// Authenticate sets the Authorization header.
func (a *ClientSecretBasic) Authenticate(_ context.Context, r *http.Request, _ url.Values) error {
	if a.ClientID == "" {
		return errors.New("exchange: client_secret_basic needs a ClientID")
	}
	r.SetBasicAuth(url.QueryEscape(a.ClientID), url.QueryEscape(a.Secret))
	return nil
}

// String returns the method and client_id, never the secret.
func (a ClientSecretBasic) String() string {
	return fmt.Sprintf("client_secret_basic(client_id=%s, secret=[redacted])", a.ClientID)
}

// GoString is String, so that %#v does not print the secret.
func (a ClientSecretBasic) GoString() string { return a.String() }

// ClientSecretPost is client_secret_post: client_id and client_secret in
// the request body (RFC 6749 §2.3.1; NOT RECOMMENDED there, for clients
// that cannot use Basic). Its String and GoString redact the secret.
type ClientSecretPost struct {
	ClientID string
	Secret   string `json:"-"`
}

// Authenticate adds client_id and client_secret to form.
func (a *ClientSecretPost) Authenticate(_ context.Context, _ *http.Request, form url.Values) error {
	if a.ClientID == "" {
		return errors.New("exchange: client_secret_post needs a ClientID")
	}
	form.Set(ParamClientID, a.ClientID)
	form.Set(ParamClientSecret, a.Secret)
	return nil
}

// String returns the method and client_id, never the secret.
func (a ClientSecretPost) String() string {
	return fmt.Sprintf("client_secret_post(client_id=%s, secret=[redacted])", a.ClientID)
}

// GoString is String, so that %#v does not print the secret.
func (a ClientSecretPost) GoString() string { return a.String() }
