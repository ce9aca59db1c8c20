package exchange

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/wimse-wg/wimse/internal/mutant"
	"github.com/wimse-wg/wimse/tokens/accesstoken"
	"github.com/wimse-wg/wimse/tokens/delegation"
	"github.com/wimse-wg/wimse/tokens/dpop"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/wimse"
)

// DefaultMaxLifetime is the longest lifetime of an issued token when
// Handler.MaxLifetime is zero: an hour, the lifetime of RFC 8693's own
// examples (Appendix A: expires_in 3600).
const DefaultMaxLifetime = time.Hour

// DefaultMaxBodySize is the largest request body read when
// Handler.MaxBodySize is zero: room for a subject token, an actor token and
// a client assertion at their size limits (wimse.DefaultMaxTokenSize each).
const DefaultMaxBodySize = 64 << 10

// Handler is the token endpoint of a Security Token Service: an
// http.Handler that answers RFC 8693 token exchange requests (see the
// package documentation for the processing steps and decisions). Its
// fields are read-only once it serves; it is safe for concurrent use if its
// hooks are.
type Handler struct {
	// Issuer is this authorization server's issuer identifier: iss of every
	// issued token. Required.
	Issuer string
	// Signer signs the issued tokens (RFC 9068 at+jwt). Signer or Keys
	// is required.
	Signer *accesstoken.Signer
	// Keys, when set, supplies the signer for each issuance instead of
	// Signer, so that a running handler follows a key rotation (a *KeySet
	// is a SignerSource).
	Keys SignerSource
	// Clients authenticates the client of every request. Nil refuses every
	// request with invalid_client: this endpoint serves no anonymous
	// client (RFC 8693 §5).
	Clients ClientAuthenticator
	// Validators validate subject and actor tokens by their declared type
	// URI (subject_token_type, actor_token_type; oauth.TokenType*). A type
	// with no validator is refused (invalid_request, exchange.token_type).
	Validators map[string]TokenValidator
	// Authorize is the policy. Nil denies every exchange
	// (unauthorized_client, exchange.denied).
	Authorize Authorizer
	// OnDecision, if set, is called with the record of every answer,
	// issuance or denial, before it is sent. An error on an issuance
	// withholds the token and answers server_error, so no token leaves
	// without its record; an error on a denial is ignored (the denial is
	// sent).
	OnDecision func(ctx context.Context, d Decision) error
	// MaxLifetime bounds the issued token's lifetime. Zero means
	// DefaultMaxLifetime.
	MaxLifetime time.Duration
	// MaxTargets is the most resource and audience values one request may
	// name together. Zero means 1 (RFC 8707 §3: a single resource keeps a
	// token from being replayed between its audiences).
	MaxTargets int
	// MaxBodySize bounds the request body in bytes. Zero means
	// DefaultMaxBodySize.
	MaxBodySize int64
	// Now is the clock. Nil means time.Now.
	Now func() time.Time
	// Rand is the source of jti values. Nil means crypto/rand.
	Rand io.Reader
	// DPoP, when set, verifies the DPoP proof of a request that has one
	// and binds the issued token to its key (cnf.jkt, token_type DPoP; RFC
	// 9449 §5): a bad proof is invalid_dpop_proof, a missing or stale
	// nonce use_dpop_nonce with a fresh DPoP-Nonce. Nil ignores DPoP
	// headers (RFC 9449 §5 lets a server without DPoP do so): the token
	// issued is then token_type Bearer.
	DPoP *DPoPConfig
	// BindCertificate binds the issued token to the client certificate of
	// a client that authenticated with mutual TLS (ClientIdentity.Certificate;
	// cnf x5t#S256, token_type Bearer; RFC 8705 §3), unless the request
	// carries a DPoP proof, which wins: cnf has one method only.
	BindCertificate bool

	// mutantHook carries the checks the conformance self-test disables
	// (internal/mutant, mutant.go); outside this module it is always empty.
	//lint:ignore U1000 reached through the promoted method mutant.Put and mutant.Of call
	mutantHook
}

// formType is the only media type of a token request (RFC 6749 §3.2,
// Appendix B).
const formType = "application/x-www-form-urlencoded"

// ServeHTTP answers one token request: a token response (RFC 8693
// §2.2.1) or an error response (§2.2.2), both with Cache-Control:
// no-store.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d := Decision{Time: h.now()}
	if m := mutant.Of(h); m != nil {
		w = &mutantWriter{ResponseWriter: w, m: m}
	}
	resp, err := h.serve(w, r, &d)
	if err == nil {
		d.Issued, d.Status = true, http.StatusOK
		if err = h.record(r.Context(), d); err == nil {
			resp.Write(w)
			return
		}
		err = serverError(wimse.Errorf(wimse.ReasonInternal, "exchange: the decision could not be recorded: %w", err))
		d.TokenID, d.IssuedTokenType, d.Lifetime, d.Expiry, d.Binding = "", "", 0, time.Time{}, ""
	}
	e := asWire(err)
	d.Issued, d.Error, d.Reason, d.Status = false, e.Code, reasonOf(e), e.StatusCode(r)
	_ = h.record(r.Context(), d)
	e.Write(w, r)
}

func (h *Handler) record(ctx context.Context, d Decision) error {
	if h.OnDecision == nil {
		return nil
	}
	return h.OnDecision(ctx, d)
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// serve runs the steps of the package documentation and returns the
// response to send, or the error to answer.
func (h *Handler) serve(w http.ResponseWriter, r *http.Request, d *Decision) (*Response, error) {
	if h.Issuer == "" || (h.Signer == nil && h.Keys == nil) {
		return nil, serverError(wimse.Errorf(wimse.ReasonInternal, "exchange: handler has no Issuer or Signer"))
	}
	req, err := h.readRequest(w, r)
	if err != nil {
		return nil, err
	}
	d.SubjectTokenType, d.RequestedTokenType = req.SubjectTokenType, req.RequestedTokenType
	d.RequestedResources, d.RequestedAudiences, d.RequestedScope = req.Resource, req.Audience, req.Scope
	ctx := r.Context()

	client, err := h.authenticate(ctx, r)
	if err != nil {
		return nil, err
	}
	d.Client = ClientIdentity{ID: client.ID, Method: client.Method}

	// DPoP after client authentication: proofs from unknown clients never
	// reach the replay cache.
	proof, err := h.proveDPoP(w, r)
	if m := mutant.Of(h); m != nil && (err != nil && m.Off(mutDPoPProof) || m.Off(mutDPoPBinding)) {
		proof, err = nil, nil
	}
	if err != nil {
		return nil, err
	}

	subject, err := h.validate(ctx, r, client, proof, RoleSubject, req.SubjectToken, req.SubjectTokenType)
	if err != nil {
		return nil, err
	}
	d.SubjectIssuer, d.Subject = subject.Issuer, subject.Subject
	var actor *Party
	if req.ActorToken != "" {
		if actor, err = h.validate(ctx, r, client, proof, RoleActor, req.ActorToken, req.ActorTokenType); err != nil {
			return nil, err
		}
	}

	tokenType := req.RequestedTokenType
	switch tokenType {
	case "":
		tokenType = oauth.TokenTypeAccessToken
	case oauth.TokenTypeAccessToken, oauth.TokenTypeJWT:
	default:
		return nil, invalid(oauth.ErrorInvalidRequest, wimse.ReasonExchangeRequestedTokenType, "requested_token_type %q is not issued here", truncate(tokenType))
	}
	if req.SubjectTokenType == oauth.TokenTypeMTLS {
		if err := h.x509Profile(req, tokenType); err != nil {
			return nil, err
		}
	}

	if err := h.targets(req); err != nil {
		return nil, err
	}

	chain, err := delegate(subject, actor)
	if m := mutant.Of(h); m != nil && (m.Off(mutMayAct) && wimse.ReasonOf(err) == wimse.ReasonMayActMismatch || m.Off(mutActChain)) {
		err = nil
		if m.Off(mutActChain) {
			chain = nil
		}
	}
	d.Actors = chain
	if err != nil {
		return nil, err
	}

	if h.Authorize == nil {
		return nil, invalid(oauth.ErrorUnauthorizedClient, wimse.ReasonExchangeDenied, "no policy authorizes token exchange")
	}
	p := &Proposal{Client: client, Subject: subject, Actor: actor, Resources: req.Resource, Audiences: req.Audience, Scope: req.Scope, TokenType: tokenType}
	grant, err := h.Authorize(ctx, p)
	if err != nil {
		return nil, denial(err)
	}
	switch {
	case actor != nil && !grant.Delegate:
		return nil, invalid(oauth.ErrorInvalidRequest, wimse.ReasonExchangeDelegation, "the client may not obtain a token for this actor and subject")
	case actor == nil && subject.Subject != client.ID && !grant.Impersonate:
		return nil, invalid(oauth.ErrorInvalidRequest, wimse.ReasonExchangeImpersonation, "the client may not obtain a token for this subject without an actor")
	}
	b, err := h.bind(proof, client)
	if err != nil {
		return nil, err
	}
	return h.issue(req, client, subject, actor, chain, grant, tokenType, b, d)
}

// readRequest checks the method, the media type and the form, and parses
// the token exchange parameters from the body only (RFC 6749 §3.2).
func (h *Handler) readRequest(w http.ResponseWriter, r *http.Request) (*Request, error) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		e := invalid(oauth.ErrorInvalidRequest, wimse.ReasonExchangeMethod, "the token endpoint takes POST, not %s", truncate(r.Method))
		e.Status = http.StatusMethodNotAllowed
		return nil, e
	}
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != formType {
		return nil, invalid(oauth.ErrorInvalidRequest, wimse.ReasonExchangeContentType, "the body must be %s", formType)
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return nil, invalid(oauth.ErrorInvalidRequest, wimse.ReasonExchangeContentType, "the body must be UTF-8 (RFC 6749 Appendix B)")
	}
	limit := h.MaxBodySize
	if limit <= 0 {
		limit = DefaultMaxBodySize
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseForm(); err != nil {
		return nil, invalid(oauth.ErrorInvalidRequest, wimse.ReasonExchangeRequest, "the form cannot be read")
	}
	mutateForm(r.PostForm, mutant.Of(h))
	req, err := ParseRequest(r.PostForm)
	if err != nil {
		return nil, err
	}
	return req, nil
}

// authenticate runs the ClientAuthenticator and maps its failure.
func (h *Handler) authenticate(ctx context.Context, r *http.Request) (ClientIdentity, error) {
	if h.Clients == nil {
		return ClientIdentity{}, invalid(oauth.ErrorInvalidClient, wimse.ReasonExchangeClient, "client authentication failed")
	}
	if m := mutant.Of(h); m != nil {
		mutateAuth(r, m)
	}
	c, err := h.Clients.AuthenticateClient(ctx, r)
	if err != nil && mutant.Of(h) != nil {
		if mc, ok := mutantClient(r, mutant.Of(h)); ok {
			c, err = mc, nil
		}
	}
	var e *Error
	switch {
	case err == nil && c.ID != "":
		return c, nil
	case err == nil:
		return ClientIdentity{}, serverError(wimse.Errorf(wimse.ReasonInternal, "exchange: the client authenticator returned no client_id"))
	case errors.As(err, &e):
		return ClientIdentity{}, err
	case serverFailure(err):
		return ClientIdentity{}, serverError(err)
	}
	return ClientIdentity{}, &Error{Code: oauth.ErrorInvalidClient, Description: "client authentication failed", Err: withReason(err, wimse.ReasonExchangeClient)}
}

// validate runs the validator of the token's declared type.
func (h *Handler) validate(ctx context.Context, r *http.Request, client ClientIdentity, proof *dpop.Proof, role Role, token, tokenType string) (*Party, error) {
	v := h.Validators[tokenType]
	if v == nil {
		return nil, invalid(oauth.ErrorInvalidRequest, wimse.ReasonExchangeTokenType, "%s_token_type %q is not accepted here", role, truncate(tokenType))
	}
	p, err := v.ValidateToken(ctx, Presentation{Token: token, TokenType: tokenType, Role: role, Client: client, Header: r.Header, DPoP: proof})
	if err != nil && mutant.Of(h) != nil {
		if mp, ok := mutantParty(token, tokenType, role, mutant.Of(h)); ok {
			p, err = mp, nil
		}
	}
	switch {
	case err != nil && serverFailure(err):
		return nil, serverError(err)
	case err != nil:
		// RFC 8693 §2.2.2: an invalid subject or actor token is
		// invalid_request, never invalid_grant.
		return nil, &Error{Code: oauth.ErrorInvalidRequest, Description: "the " + string(role) + " token is invalid: " + describe(err), Err: withReason(err, wimse.ReasonExchangeRequest)}
	case p == nil || p.Subject == "":
		return nil, serverError(wimse.Errorf(wimse.ReasonInternal, "exchange: the %s token validator returned no subject", role))
	}
	return p, nil
}

// x509Profile enforces the request rules of the X.509 certificate to
// access token profile (subject_token_type mtls; digest §8.3) that no
// validator sees: audience is REQUIRED (the relying party's identifier
// assigned by the AS), exchange.audience_required without one, and
// requested_token_type MUST be access_token (absent reads as access_token
// here, the Handler's default), exchange.requested_token_type otherwise.
// Both are invalid_request.
func (h *Handler) x509Profile(req *Request, tokenType string) error {
	if len(req.Audience) == 0 && !mutant.Of(h).Off(mutX509Audience) {
		return invalid(oauth.ErrorInvalidRequest, wimse.ReasonExchangeAudienceRequired, "audience is required with subject_token_type %s", oauth.TokenTypeMTLS)
	}
	if tokenType != oauth.TokenTypeAccessToken {
		return invalid(oauth.ErrorInvalidRequest, wimse.ReasonExchangeRequestedTokenType, "requested_token_type must be %s with subject_token_type %s", oauth.TokenTypeAccessToken, oauth.TokenTypeMTLS)
	}
	return nil
}

// targets checks the number of targets and, again, the resources (RFC
// 8707 §2), which ParseRequest has checked.
func (h *Handler) targets(req *Request) error {
	limit := h.MaxTargets
	if limit <= 0 {
		limit = 1
	}
	if n := len(req.Resource) + len(req.Audience); n > limit {
		return invalid(oauth.ErrorInvalidTarget, wimse.ReasonExchangeTooManyTargets, "the request names %d targets; at most %d", n, limit)
	}
	for i, res := range req.Resource {
		u, err := url.Parse(res)
		if err != nil || !u.IsAbs() || u.Fragment != "" || strings.Contains(res, "#") {
			return invalid(oauth.ErrorInvalidTarget, wimse.ReasonExchangeResourceMalformed, "resource %d is not an absolute URI without fragment", i+1)
		}
	}
	return nil
}

// delegate returns the act chain of the token to issue: the subject's own
// chain, with the actor pushed as the current actor when there is one (RFC
// 8693 §4.1), after the may_act check (§4.4). The chain is returned with
// the error too, for the record.
func delegate(subject, actor *Party) (delegation.Chain, error) {
	if actor == nil {
		return subject.Act, nil
	}
	chain := subject.Act.Push(actor.Actor())
	if len(actor.Act) > 0 {
		return chain, invalid(oauth.ErrorInvalidRequest, wimse.ReasonExchangeActorDelegated, "the actor token carries act: the actor acts for another party")
	}
	if subject.MayAct != nil {
		if err := subject.MayAct.Permits(actor.Actor()); err != nil {
			return chain, &Error{Code: oauth.ErrorInvalidRequest, Description: describe(err), Err: err}
		}
	}
	if len(chain) > delegation.MaxDepth {
		return chain, invalid(oauth.ErrorInvalidRequest, wimse.ReasonActTooDeep, "the act chain would hold %d actors; at most %d", len(chain), delegation.MaxDepth)
	}
	return chain, nil
}
