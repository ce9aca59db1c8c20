package exchange

import (
	"github.com/wimse-wg/wimse/tokens/jwtgrant"

	"time"

	"github.com/wimse-wg/wimse/tokens/accesstoken"
	"github.com/wimse-wg/wimse/tokens/delegation"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/tokens/scope"
	"github.com/wimse-wg/wimse/wimse"
)

// jwtType is the typ of a token issued as urn:ietf:params:oauth:token-type:jwt
// (RFC 7519 §5.1): not at+jwt, so no RFC 9068 resource server takes it for
// an access token.
const jwtType = "JWT"

// issue applies the grant: audience (RFC 8707 §2), scope (only narrows),
// lifetime (never beyond the inputs nor the maximum), then signs a new
// token and builds the response.
func (h *Handler) issue(req *Request, client ClientIdentity, subject, actor *Party, chain delegation.Chain, grant Grant, tokenType string, b binding, d *Decision) (*Response, error) {
	if len(grant.Audience) == 0 {
		return nil, invalid(oauth.ErrorInvalidTarget, wimse.ReasonExchangeTarget, "no permitted audience for the requested targets")
	}
	for _, a := range grant.Audience {
		if a == "" {
			return nil, serverError(wimse.Errorf(wimse.ReasonInternal, "exchange: the policy granted an empty audience"))
		}
	}

	issued, err := h.narrow(req.Scope, subject, grant)
	if err != nil {
		return nil, err
	}

	now := time.Unix(d.Time.Unix(), 0)
	exp := h.expiry(now, grant, subject, actor)
	if !exp.After(now) {
		return nil, invalid(oauth.ErrorInvalidRequest, wimse.ReasonExchangeLifetime, "the subject or actor token expires before a token could be used")
	}

	jti, err := jwtgrant.NewID(h.Rand)
	if err != nil {
		return nil, serverError(&wimse.Error{Reason: wimse.ReasonInternal, Detail: "exchange: no randomness for jti", Err: err})
	}
	base := h.Signer
	if h.Keys != nil {
		base = h.Keys.Signer()
	}
	// A JWT that is not an access token keeps its cnf (its consumers may
	// check it) but is N_A: DPoP and Bearer are ways to use access tokens.
	signer, tokenTypeUse := *base, b.tokenType()
	if tokenType != oauth.TokenTypeAccessToken {
		signer.Type, tokenTypeUse = jwtType, oauth.AccessTokenTypeNA
	}
	raw, err := signer.Sign(accesstoken.Claims{
		Issuer: h.Issuer, Subject: subject.Subject, ClientID: client.ID, ID: jti,
		Audience: grant.Audience, IssuedAt: now, Expiry: exp,
		Scope: issued, Act: chain, Confirmation: b.cnf,
	})
	if err != nil {
		return nil, serverError(&wimse.Error{Reason: wimse.ReasonInternal, Detail: "exchange: signing failed", Err: err})
	}
	// Never hand back an input (RFC 8693 §2.2.1: a new token; no
	// passthrough). A fresh jti makes this unreachable; it stays as a
	// guard.
	if raw == req.SubjectToken || raw == req.ActorToken {
		return nil, serverError(wimse.Errorf(wimse.ReasonInternal, "exchange: the issued token equals an input token"))
	}

	d.GrantedAudience, d.GrantedScope = grant.Audience, issued
	d.TokenID, d.IssuedTokenType, d.Binding = jti, tokenType, b.method
	d.Lifetime, d.Expiry = exp.Sub(now), exp
	return &Response{
		AccessToken: raw, IssuedTokenType: tokenType, TokenType: tokenTypeUse,
		ExpiresIn: int64(exp.Sub(now) / time.Second), Scope: issued,
	}, nil
}

// narrow returns the scope to issue: the requested scope when it lies
// within the grant's scope and, for a scoped subject token, within that
// token's scope; without a request, all of both (RFC 6749 §3.3: a
// default). A request beyond them is refused (invalid_scope, scope.exceeds,
// RFC 6749 §5.2), or with Grant.NarrowScope narrowed to the part within,
// which the response's scope announces; never silently.
func (h *Handler) narrow(requested scope.Set, subject *Party, grant Grant) (scope.Set, error) {
	ceiling := grant.Scope
	if subject.Scoped {
		ceiling = ceiling.Intersect(subject.Scope)
	}
	if grant.NarrowScope && !requested.IsZero() {
		if part := ceiling.Intersect(requested); !part.IsZero() {
			requested = part
		}
	}
	issued, err := ceiling.Narrow(requested)
	if err != nil {
		return scope.Set{}, &Error{Code: oauth.ErrorInvalidScope, Description: describe(err), Err: err}
	}
	return issued, nil
}

// expiry returns the issued token's exp: now plus the smaller of the
// Handler's maximum and the grant's lifetime, and never after the
// subject's or the actor's exp, in whole seconds.
func (h *Handler) expiry(now time.Time, grant Grant, subject, actor *Party) time.Time {
	life := h.MaxLifetime
	if life <= 0 {
		life = DefaultMaxLifetime
	}
	if grant.Lifetime > 0 && grant.Lifetime < life {
		life = grant.Lifetime
	}
	exp := now.Add(life)
	for _, p := range []*Party{subject, actor} {
		if p != nil && !p.Expiry.IsZero() && p.Expiry.Before(exp) {
			exp = p.Expiry
		}
	}
	return time.Unix(exp.Unix(), 0)
}
