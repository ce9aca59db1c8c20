package exchange

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"time"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/tokens/accesstoken"
	"github.com/wimse-wg/wimse/tokens/confirmation"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/wimse"
)

// IntrospectionPolicy decides whether an authenticated client may learn
// about a valid access token at the introspection endpoint (RFC 7662 §4:
// the server determines who may introspect which token, to keep the
// endpoint from being a token scanner). It returns nil to allow, or an
// error whose wimse reason is recorded; the client is then told only
// {"active":false}. It must be safe for concurrent use.
type IntrospectionPolicy func(client ClientIdentity, t *accesstoken.Token) error

// IntrospectIssuedOrAudience is the default IntrospectionPolicy: the client
// the token was issued to (client_id) and the clients whose ID is in the
// token's aud (the resource servers it was issued for) may introspect it;
// any other client is refused with introspection.not_allowed.
func IntrospectIssuedOrAudience(client ClientIdentity, t *accesstoken.Token) error {
	if client.ID != "" && (t.ClientID == client.ID || slices.Contains(t.Audience, client.ID)) {
		return nil
	}
	return wimse.Errorf(wimse.ReasonIntrospectionNotAllowed, "exchange: the client is neither the token's client nor in its audience")
}

// IntrospectionHandler is the token introspection endpoint of the STS (RFC
// 7662): an http.Handler that tells authenticated clients whether an access
// token this STS issued is active, and its claims. Its fields are
// read-only once it serves; it is safe for concurrent use if its hooks are.
//
// Each request is answered in these steps:
//
//  1. The request rules of the RevocationHandler (POST form, body only, no
//     repeated parameter) and its client authentication: RFC 7662 §2.1
//     requires some authorization; here it is client authentication,
//     invalid_client as at the token endpoint.
//  2. token is required (invalid_request, introspection.token_missing);
//     token_type_hint is ignored (RFC 7662 §2.1).
//  3. The token is verified by Verifier (this STS only, AnyAudience, any
//     cnf binding accepted); then checked against Revocations; then Allow
//     decides whether this client may see it. A token that fails any of
//     these (expired, not yet valid, foreign, garbage, revoked, not this
//     client's to see) is answered {"active":false} and nothing else (RFC
//     7662 §2.2), so the answer does not tell these cases apart; the
//     record does (Reason).
//  4. An active token is answered with active, scope, client_id, sub, aud,
//     iss, exp, iat, nbf, jti, token_type, and cnf, act and may_act when the
//     token has them, copied from its verified claims (RFC 7662 §2.2, RFC
//     8693 §4, RFC 8705 §3.2, RFC 9449 §6.2). token_type is DPoP for a
//     token bound by cnf.jkt, else Bearer.
//  5. A failure of Revocations is 503 server_error, never active:false
//     (which would mask the outage) nor active:true (which would accept a
//     revoked token).
//
// Every answer has Cache-Control: no-store.
type IntrospectionHandler struct {
	// Clients authenticates the client of every request. Nil refuses every
	// request with invalid_client.
	Clients ClientAuthenticator
	// Verifier verifies the tokens: as RevocationHandler.Verifier.
	// Required.
	Verifier *accesstoken.Verifier
	// Revocations, if set, makes revoked tokens inactive.
	Revocations Revocations
	// Allow decides who may introspect what. Nil means
	// IntrospectIssuedOrAudience.
	Allow IntrospectionPolicy
	// OnIntrospect, if set, is called with the record of every answer
	// before it is sent; it cannot change the answer.
	OnIntrospect func(ctx context.Context, d IntrospectionDecision)
	// MaxBodySize bounds the request body in bytes. Zero means
	// DefaultMaxBodySize.
	MaxBodySize int64
	// Now is the clock of the records. Nil means time.Now.
	Now func() time.Time
}

// IntrospectionDecision is the record of one answer of the introspection
// endpoint. It never holds a token.
type IntrospectionDecision struct {
	// Time is when the request was decided.
	Time time.Time
	// Client is the authenticated client's ID and Method.
	Client ClientIdentity
	// TokenID and TokenClientID are the jti and client_id of the token
	// when it verified.
	TokenID, TokenClientID string
	// Active is the answer's active member.
	Active bool
	// Error is the OAuth error code answered, "" for 200.
	Error string
	// Reason is why the token is inactive or the request refused.
	Reason wimse.Reason
	// Status is the HTTP status answered.
	Status int
}

// Introspection is an introspection response (RFC 7662 §2.2). Only Active
// is set for an inactive token. The JSON names are those of RFC 7662 and
// RFC 7519; Audience is written as a string when it has one value, as in
// the token.
type Introspection struct {
	Active    bool            `json:"active"`
	Scope     string          `json:"scope,omitempty"`
	ClientID  string          `json:"client_id,omitempty"`
	Subject   string          `json:"sub,omitempty"`
	Audience  []string        `json:"-"`
	Issuer    string          `json:"iss,omitempty"`
	Expiry    int64           `json:"exp,omitempty"`
	IssuedAt  int64           `json:"iat,omitempty"`
	NotBefore int64           `json:"nbf,omitempty"`
	ID        string          `json:"jti,omitempty"`
	TokenType string          `json:"token_type,omitempty"`
	Cnf       json.RawMessage `json:"cnf,omitempty"`
	Act       json.RawMessage `json:"act,omitempty"`
	MayAct    json.RawMessage `json:"may_act,omitempty"`
}

// MarshalJSON writes the response with aud as a string or an array.
func (i Introspection) MarshalJSON() ([]byte, error) {
	type plain Introspection
	out := struct {
		plain
		Aud any `json:"aud,omitempty"`
	}{plain: plain(i)}
	switch len(i.Audience) {
	case 0:
	case 1:
		out.Aud = i.Audience[0]
	default:
		out.Aud = i.Audience
	}
	return json.Marshal(out)
}

// ServeHTTP answers one introspection request (see IntrospectionHandler).
func (h *IntrospectionHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d := IntrospectionDecision{Time: h.now()}
	resp, err := h.serve(w, r, &d)
	if err != nil {
		e := asWire(err)
		d.Error, d.Reason, d.Status = e.Code, reasonOf(e), e.StatusCode(r)
		h.record(r.Context(), d)
		e.Write(w, r)
		return
	}
	body, err := json.Marshal(resp)
	if err != nil {
		e := serverError(&wimse.Error{Reason: wimse.ReasonInternal, Detail: "exchange: introspection response", Err: err})
		d.Error, d.Reason, d.Status = e.Code, reasonOf(e), e.StatusCode(r)
		h.record(r.Context(), d)
		e.Write(w, r)
		return
	}
	d.Active, d.Status = resp.Active, http.StatusOK
	h.record(r.Context(), d)
	writeJSON(w, http.StatusOK, body)
}

func (h *IntrospectionHandler) serve(w http.ResponseWriter, r *http.Request, d *IntrospectionDecision) (*Introspection, error) {
	if h.Verifier == nil {
		return nil, serverError(wimse.Errorf(wimse.ReasonInternal, "exchange: introspection handler has no Verifier"))
	}
	req, err := readTokenRequest(w, r, h.MaxBodySize, "introspection", wimse.ReasonIntrospectionTokenMissing)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	client, err := authenticateClient(ctx, h.Clients, r)
	if err != nil {
		return nil, err
	}
	d.Client = ClientIdentity{ID: client.ID, Method: client.Method}

	inactive := &Introspection{}
	t, err := ownToken(h.Verifier, req.token)
	switch {
	case err != nil && serverFailure(err):
		return nil, serverError(err)
	case err != nil:
		d.Reason = wimse.ReasonOf(err)
		return inactive, nil
	}
	d.TokenID, d.TokenClientID = t.ID, t.ClientID
	if h.Revocations != nil {
		revoked, err := h.Revocations.Revoked(ctx, t.ID)
		switch {
		case err != nil:
			return nil, serverError(wimse.Errorf(wimse.ReasonRevocationUnavailable, "exchange: revocation list: %w", err))
		case revoked:
			d.Reason = wimse.ReasonRevocationRevoked
			return inactive, nil
		}
	}
	allow := h.Allow
	if allow == nil {
		allow = IntrospectIssuedOrAudience
	}
	if err := allow(client, t); err != nil {
		d.Reason = withReasonOf(err, wimse.ReasonIntrospectionNotAllowed)
		return inactive, nil
	}
	return introspection(t), nil
}

// introspection is the answer for an active token, from its verified
// claims.
func introspection(t *accesstoken.Token) *Introspection {
	out := &Introspection{
		Active: true, Scope: scopeClaim(t), ClientID: t.ClientID, Subject: t.Subject,
		Audience: t.Audience, Issuer: t.Issuer, Expiry: t.Expiry.Unix(), IssuedAt: t.IssuedAt.Unix(),
		ID: t.ID, TokenType: oauth.AccessTokenTypeBearer,
		Cnf: t.Claims["cnf"], Act: t.Claims["act"], MayAct: t.Claims["may_act"],
	}
	if !t.NotBefore.IsZero() {
		out.NotBefore = t.NotBefore.Unix()
	}
	if t.Confirmation.Method() == confirmation.MethodJKT {
		out.TokenType = oauth.AccessTokenTypeDPoP
	}
	return out
}

// scopeClaim is the token's scope claim as issued (the verifier has
// checked it is a well-formed scope string).
func scopeClaim(t *accesstoken.Token) string {
	s, _, _ := jose.Claims(t.Claims).String("scope")
	return s
}

// withReasonOf returns err's wimse reason, or r when it has none.
func withReasonOf(err error, r wimse.Reason) wimse.Reason {
	if reason := wimse.ReasonOf(err); reason != wimse.ReasonInternal {
		return reason
	}
	return r
}

func (h *IntrospectionHandler) record(ctx context.Context, d IntrospectionDecision) {
	if h.OnIntrospect != nil {
		h.OnIntrospect(ctx, d)
	}
}

func (h *IntrospectionHandler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}
