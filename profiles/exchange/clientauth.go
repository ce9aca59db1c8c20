package exchange

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/spiffe/go-spiffe/v2/spiffeid"

	"github.com/wimse-wg/wimse/tokens/attestation"
	"github.com/wimse-wg/wimse/tokens/jwtgrant"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/wimse"
)

// Server-side client authentication at the token endpoint (RFC 6749 §2.3):
// ClientAuthenticator implementations for client_secret_basic and
// client_secret_post (ClientSecrets), private_key_jwt
// (PrivateKeyJWTAuthenticator), spiffe_jwt (JWTSPIFFEAuthenticator),
// spiffe_wit (AttestationAuthenticator), spiffe_x509
// (X509SVIDAuthenticator), and Methods, which combines them. The
// client-side counterparts are ClientSecretBasic, ClientSecretPost,
// PrivateKeyJWT, JWTSPIFFE, SPIFFEWIT and SPIFFEX509.
//
// Every one of them first looks at which methods the request presents and
// refuses a request that presents more than one (RFC 6749 §2.3: "MUST NOT
// use more than one authentication method in each request") with
// invalid_request, so each is safe to use alone as Handler.Clients.
//
// Decisions:
//   - Presented methods: an Authorization field with the Basic scheme is
//     client_secret_basic (even when malformed); a client_secret parameter
//     is client_secret_post; client_assertion or client_assertion_type is an
//     assertion method named by the type (jwt-bearer: private_key_jwt,
//     jwt-spiffe: spiffe_jwt); an OAuth-Client-Attestation or
//     OAuth-Client-Attestation-PoP field, even empty, is spiffe_wit. A
//     TLS client certificate is spiffe_x509 only when the
//     request presents no other method: a certificate may be sent for other
//     reasons (RFC 8705 certificate-bound tokens with another method).
//   - Another Authorization scheme (Bearer, DPoP) is not client
//     authentication and is ignored.
//   - client_assertion without client_assertion_type (or the reverse) is
//     invalid_request (a missing parameter); an assertion type this server
//     does not know is invalid_client (RFC 7521 §4.2.1).
//   - A client_id parameter beside Basic credentials must name the same
//     client, else invalid_client.
//   - Unknown client and wrong secret answer the same invalid_client with
//     the same description, so client_ids cannot be enumerated; the
//     recorded cause (never sent) tells them apart.

// HeaderClientAttestation is the field carrying a client attestation
// (draft-ietf-oauth-attestation-based-client-auth §5.1): spiffe_wit's
// WIT-SVID.
const HeaderClientAttestation = attestation.HeaderAttestation

// failedClientAuth is the description of every secret failure.
const failedClientAuth = "client authentication failed"

// presented returns the client authentication methods the request carries
// (oauth.AuthMethod* names, or "client_assertion_type:" + the type for an
// assertion type this package does not know), in a fixed order. It fails
// with invalid_request for a repeated or half-sent assertion.
func presented(r *http.Request) ([]string, error) {
	var m []string
	if isBasic(r) {
		m = append(m, oauth.AuthMethodClientSecretBasic)
	}
	for _, p := range []string{ParamClientID, ParamClientSecret, ParamClientAssertion, ParamClientAssertionType} {
		if len(r.PostForm[p]) > 1 {
			return nil, invalid(oauth.ErrorInvalidRequest, wimse.ReasonExchangeRequest, "parameter %s is repeated", p)
		}
	}
	if r.PostForm.Get(ParamClientSecret) != "" {
		m = append(m, oauth.AuthMethodClientSecretPost)
	}
	assertion, typ := r.PostForm.Get(ParamClientAssertion), r.PostForm.Get(ParamClientAssertionType)
	switch {
	case assertion == "" && typ == "":
	case assertion == "":
		return nil, invalid(oauth.ErrorInvalidRequest, wimse.ReasonExchangeRequest, "client_assertion_type without client_assertion")
	case typ == "":
		return nil, invalid(oauth.ErrorInvalidRequest, wimse.ReasonExchangeRequest, "client_assertion without client_assertion_type")
	case typ == oauth.ClientAssertionTypeJWTBearer:
		m = append(m, oauth.AuthMethodPrivateKeyJWT)
	case typ == oauth.ClientAssertionTypeJWTSPIFFE:
		m = append(m, oauth.AuthMethodSPIFFEJWT)
	default:
		m = append(m, "client_assertion_type:"+truncate(typ))
	}
	if len(r.Header.Values(HeaderClientAttestation)) > 0 || len(r.Header.Values(attestation.HeaderPoP)) > 0 {
		m = append(m, oauth.AuthMethodSPIFFEWIT)
	}
	if len(m) == 0 && r.TLS != nil && len(r.TLS.PeerCertificates) > 0 {
		m = append(m, oauth.AuthMethodSPIFFEX509)
	}
	return m, nil
}

// isBasic reports whether r carries an Authorization field with the Basic
// scheme (case-insensitive, RFC 9110 §11.1).
func isBasic(r *http.Request) bool {
	scheme, _, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	return strings.EqualFold(scheme, "Basic")
}

// oneMethod returns the single method r presents: invalid_request for
// two or more (RFC 6749 §2.3), invalid_client for none.
func oneMethod(r *http.Request) (string, error) {
	m, err := presented(r)
	if err != nil {
		return "", err
	}
	switch len(m) {
	case 0:
		return "", invalid(oauth.ErrorInvalidClient, wimse.ReasonExchangeClient, "no client authentication")
	case 1:
		return m[0], nil
	}
	return "", invalid(oauth.ErrorInvalidRequest, wimse.ReasonExchangeRequest, "more than one client authentication method: %s", strings.Join(m, ", "))
}

// notHere is the answer to a method an authenticator does not handle.
func notHere(method string) error {
	return invalid(oauth.ErrorInvalidClient, wimse.ReasonExchangeClient, "client authentication method %s is not supported", method)
}

// rejected maps a verifier's failure to invalid_client, keeping failures
// of the server (replay cache full, key source down) for the Handler to
// answer as server_error.
func rejected(err error) error {
	if serverFailure(err) {
		return err
	}
	return &Error{Code: oauth.ErrorInvalidClient, Description: strings.TrimPrefix(describe(err), "jwtgrant: "), Err: err}
}

// SecretHash is the SHA-256 digest of a client secret, as ClientSecrets
// stores it.
type SecretHash [sha256.Size]byte

// HashSecret returns the SecretHash of secret. The digest is unsalted and
// fast: client secrets must be random with at least 128 bits of entropy
// (RFC 6749 §10.10), not passwords.
func HashSecret(secret string) SecretHash { return sha256.Sum256([]byte(secret)) }

// String never shows the digest.
func (SecretHash) String() string { return "[redacted]" }

// GoString is String.
func (h SecretHash) GoString() string { return h.String() }

// ClientSecrets authenticates classic clients with a shared secret:
// client_secret_basic and client_secret_post (RFC 6749 §2.3.1). To enable
// only one of them, register it under that method alone in Methods.
//
// The presented secret is hashed and compared with the stored digest in
// constant time (crypto/subtle), so neither its content nor its length
// shows in the timing; an unknown client_id is compared against a dummy
// digest. Secrets never appear in errors. It is safe for concurrent use if
// Secrets is not modified.
type ClientSecrets struct {
	// Secrets maps each client_id to the digest of its secret (HashSecret).
	Secrets map[string]SecretHash
}

// NewClientSecrets returns ClientSecrets for plain client_id → secret
// pairs, keeping only their digests.
func NewClientSecrets(secrets map[string]string) *ClientSecrets {
	c := &ClientSecrets{Secrets: make(map[string]SecretHash, len(secrets))}
	for id, s := range secrets {
		c.Secrets[id] = HashSecret(s)
	}
	return c
}

// dummySecret is compared with when the client is unknown, so that an
// unknown client_id costs the same as a wrong secret.
var dummySecret = HashSecret("exchange: no such client")

// AuthenticateClient checks Basic credentials, form-decoded first (RFC 6749
// §2.3.1), or client_id and client_secret in the body.
func (c *ClientSecrets) AuthenticateClient(_ context.Context, r *http.Request) (ClientIdentity, error) {
	method, err := oneMethod(r)
	if err != nil {
		return ClientIdentity{}, err
	}
	var id, secret string
	switch method {
	case oauth.AuthMethodClientSecretBasic:
		user, pass, ok := r.BasicAuth()
		if !ok {
			return ClientIdentity{}, invalid(oauth.ErrorInvalidClient, wimse.ReasonExchangeClient, "malformed Basic credentials")
		}
		// RFC 6749 §2.3.1: client_id and secret are form-urlencoded
		// (application/x-www-form-urlencoded) before Basic encoding.
		var err1, err2 error
		id, err1 = url.QueryUnescape(user)
		secret, err2 = url.QueryUnescape(pass)
		if err1 != nil || err2 != nil {
			return ClientIdentity{}, invalid(oauth.ErrorInvalidClient, wimse.ReasonExchangeClient, "malformed Basic credentials")
		}
		if formID := r.PostForm.Get(ParamClientID); formID != "" && formID != id {
			return ClientIdentity{}, invalid(oauth.ErrorInvalidClient, wimse.ReasonExchangeClient, "client_id does not match the Basic credentials")
		}
	case oauth.AuthMethodClientSecretPost:
		id, secret = r.PostForm.Get(ParamClientID), r.PostForm.Get(ParamClientSecret)
	default:
		return ClientIdentity{}, notHere(method)
	}
	if id == "" {
		return ClientIdentity{}, invalid(oauth.ErrorInvalidClient, wimse.ReasonExchangeClient, "no client_id")
	}
	want, known := c.Secrets[id]
	if !known {
		want = dummySecret
	}
	got := HashSecret(secret)
	match := subtle.ConstantTimeCompare(got[:], want[:]) == 1
	switch {
	case !known:
		return ClientIdentity{}, secretFailure("unknown client")
	case !match:
		return ClientIdentity{}, secretFailure("wrong client secret")
	}
	return ClientIdentity{ID: id, Method: method}, nil
}

// secretFailure is invalid_client with the same description for every
// cause; cause is recorded (exchange.client), never sent.
func secretFailure(cause string) error {
	return &Error{Code: oauth.ErrorInvalidClient, Description: failedClientAuth,
		Err: wimse.Errorf(wimse.ReasonExchangeClient, "exchange: %s", cause)}
}

// PrivateKeyJWTAuthenticator authenticates private_key_jwt clients: a JWT
// client assertion (client_assertion_type
// urn:ietf:params:oauth:client-assertion-type:jwt-bearer) verified by
// jwtgrant.Verifier (RFC 7523 §3 with rfc7523bis: aud is the issuer
// identifier alone, jti single-use with Verifier.Replay). A client_id
// parameter, when sent, must name the assertion's client (RFC 7521 §4.2).
// Failures are invalid_client with the verifier's jwtgrant.* reason.
type PrivateKeyJWTAuthenticator struct {
	// Verifier verifies the assertion; its Keys are the registered
	// clients' keys. Required; set Replay on a server.
	Verifier *jwtgrant.Verifier
}

// AuthenticateClient verifies the client assertion.
func (a *PrivateKeyJWTAuthenticator) AuthenticateClient(ctx context.Context, r *http.Request) (ClientIdentity, error) {
	method, err := oneMethod(r)
	if err != nil {
		return ClientIdentity{}, err
	}
	if method != oauth.AuthMethodPrivateKeyJWT {
		return ClientIdentity{}, notHere(method)
	}
	if a.Verifier == nil {
		return ClientIdentity{}, wimse.Errorf(wimse.ReasonInternal, "exchange: PrivateKeyJWTAuthenticator has no Verifier")
	}
	as, err := a.Verifier.VerifyClientAssertion(ctx, r.PostForm.Get(ParamClientAssertion), r.PostForm.Get(ParamClientID))
	if err != nil {
		return ClientIdentity{}, rejected(err)
	}
	return ClientIdentity{ID: as.ClientID(), Method: oauth.AuthMethodPrivateKeyJWT}, nil
}

// JWTSPIFFEAuthenticator authenticates spiffe_jwt clients: a JWT-SVID as
// the client assertion (client_assertion_type
// urn:ietf:params:oauth:client-assertion-type:jwt-spiffe,
// draft-ietf-oauth-spiffe-client-auth-02 §3.1) verified by
// jwtgrant.SPIFFEVerifier against the bundle of the SVID's trust domain.
// The client is the SVID's SPIFFE ID; a client_id parameter, when sent,
// must be that SPIFFE ID. Experimental: the draft may change.
type JWTSPIFFEAuthenticator struct {
	// Verifier verifies the JWT-SVID. Required.
	Verifier *jwtgrant.SPIFFEVerifier
	// Known reports whether a SPIFFE ID is a known client (-02 §3.1: sub
	// "equals, or is associated with, a known client"); false is
	// invalid_client (exchange.client). Nil accepts every workload of a
	// trusted trust domain, leaving the decision to the Authorizer.
	Known func(id spiffeid.ID) bool
}

// AuthenticateClient verifies the JWT-SVID.
func (a *JWTSPIFFEAuthenticator) AuthenticateClient(_ context.Context, r *http.Request) (ClientIdentity, error) {
	method, err := oneMethod(r)
	if err != nil {
		return ClientIdentity{}, err
	}
	if method != oauth.AuthMethodSPIFFEJWT {
		return ClientIdentity{}, notHere(method)
	}
	if a.Verifier == nil {
		return ClientIdentity{}, wimse.Errorf(wimse.ReasonInternal, "exchange: JWTSPIFFEAuthenticator has no Verifier")
	}
	as, err := a.Verifier.Verify(r.PostForm.Get(ParamClientAssertion), r.PostForm.Get(ParamClientID))
	if err != nil {
		return ClientIdentity{}, rejected(err)
	}
	if a.Known != nil && !a.Known(as.SPIFFEID) {
		return ClientIdentity{}, invalid(oauth.ErrorInvalidClient, wimse.ReasonExchangeClient, "the SPIFFE ID is not a known client")
	}
	return ClientIdentity{ID: as.SPIFFEID.String(), Method: oauth.AuthMethodSPIFFEJWT}, nil
}

// Methods combines authenticators, keyed by the method each one serves
// (oauth.AuthMethod*: the same ClientSecrets may serve client_secret_basic
// and client_secret_post). A request must present exactly one method:
// two or more is invalid_request (RFC 6749 §2.3), none is invalid_client,
// and one not enabled here is invalid_client. The chosen authenticator's
// answer is returned, with Method set to the method when it left it empty.
// Names lists the methods for token_endpoint_auth_methods_supported.
type Methods map[string]ClientAuthenticator

// AuthenticateClient dispatches to the authenticator of the request's one
// method.
func (m Methods) AuthenticateClient(ctx context.Context, r *http.Request) (ClientIdentity, error) {
	method, err := oneMethod(r)
	if err != nil {
		return ClientIdentity{}, err
	}
	a := m[method]
	if a == nil {
		return ClientIdentity{}, notHere(method)
	}
	c, err := a.AuthenticateClient(ctx, r)
	if err != nil {
		return ClientIdentity{}, err
	}
	if c.Method == "" {
		c.Method = method
	}
	return c, nil
}

// Names returns the enabled methods, sorted: the
// token_endpoint_auth_methods_supported metadata (RFC 8414 §2), which names
// exactly these.
func (m Methods) Names() []string {
	names := make([]string, 0, len(m))
	for name, a := range m {
		if a != nil {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}
