package exchange

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/tokens/scope"
)

// Token request parameter names (RFC 8693 §2.1, RFC 8707 §2).
const (
	ParamGrantType          = "grant_type"
	ParamResource           = "resource"
	ParamAudience           = "audience"
	ParamScope              = "scope"
	ParamRequestedTokenType = "requested_token_type"
	ParamSubjectToken       = "subject_token"
	ParamSubjectTokenType   = "subject_token_type"
	ParamActorToken         = "actor_token"
	ParamActorTokenType     = "actor_token_type"
)

// Request is a token exchange request (RFC 8693 §2.1). Client
// authentication is not part of it: it travels beside the request (see
// ClientAuth), and a server reads it from the same form and headers.
//
// Its String method redacts the tokens.
type Request struct {
	// GrantType is grant_type; "" means oauth.GrantTypeTokenExchange when
	// sending. ParseRequest accepts only that value.
	GrantType string
	// SubjectToken and SubjectTokenType are required: the token for the
	// party on whose behalf the request is made, and its type URI (RFC 8693
	// §3).
	SubjectToken, SubjectTokenType string
	// ActorToken and ActorTokenType are optional, and come together: the
	// acting party's token and its type URI.
	ActorToken, ActorTokenType string
	// RequestedTokenType is the type URI wanted; "" lets the server choose.
	RequestedTokenType string
	// Resource lists absolute URIs without fragments where the issued token
	// will be used (RFC 8707 §2); nil omits the parameter.
	Resource []string
	// Audience lists logical names of the target services (RFC 8693 §2.1);
	// nil omits the parameter.
	Audience []string
	// Scope is the scope requested; the zero Set omits the parameter.
	Scope scope.Set
}

// multiValued lists the parameters that may repeat (RFC 8693 §2.1).
func multiValued(name string) bool { return name == ParamResource || name == ParamAudience }

// ParseRequest reads a token exchange request from the form parameters of
// a token request (a server passes r.PostForm, never r.Form: parameters in
// the query are not part of the request). Parameters it does not know,
// including client authentication, are left for the caller, but no
// parameter other than resource and audience may appear twice (RFC 6749
// §3.2). A parameter sent without a value counts as absent.
//
// Failures are *Error: invalid_request for a missing, repeated or
// inconsistent parameter, unsupported_grant_type for another grant type,
// invalid_target for a malformed resource and invalid_scope for a
// malformed scope.
func ParseRequest(form url.Values) (*Request, error) {
	for name, vs := range form {
		if len(vs) > 1 && !multiValued(name) {
			return nil, Errorf(oauth.ErrorInvalidRequest, "parameter %s appears %d times", name, len(vs))
		}
	}
	r := &Request{
		GrantType:          form.Get(ParamGrantType),
		SubjectToken:       form.Get(ParamSubjectToken),
		SubjectTokenType:   form.Get(ParamSubjectTokenType),
		ActorToken:         form.Get(ParamActorToken),
		ActorTokenType:     form.Get(ParamActorTokenType),
		RequestedTokenType: form.Get(ParamRequestedTokenType),
		Resource:           nonEmpty(form[ParamResource]),
		Audience:           nonEmpty(form[ParamAudience]),
	}
	if r.GrantType == "" {
		return nil, Errorf(oauth.ErrorInvalidRequest, "grant_type is missing")
	}
	if s := form.Get(ParamScope); s != "" {
		set, err := scope.Parse(s)
		if err != nil {
			return nil, Errorf(oauth.ErrorInvalidScope, "scope is malformed: %w", err)
		}
		r.Scope = set
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return r, nil
}

func nonEmpty(vs []string) []string {
	var out []string
	for _, v := range vs {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// Validate checks what RFC 8693 §2.1 and RFC 8707 §2 require of a request,
// with the same *Error codes as ParseRequest. A GrantType of "" is taken
// as token exchange. The Client calls it before sending.
func (r *Request) Validate() error {
	if r.GrantType != "" && r.GrantType != oauth.GrantTypeTokenExchange {
		return Errorf(oauth.ErrorUnsupportedGrantType, "grant_type %q is not token exchange", truncate(r.GrantType))
	}
	if r.SubjectToken == "" {
		return Errorf(oauth.ErrorInvalidRequest, "subject_token is missing")
	}
	if r.SubjectTokenType == "" {
		return Errorf(oauth.ErrorInvalidRequest, "subject_token_type is missing")
	}
	if r.ActorToken != "" && r.ActorTokenType == "" {
		return Errorf(oauth.ErrorInvalidRequest, "actor_token_type is missing (actor_token is present)")
	}
	if r.ActorToken == "" && r.ActorTokenType != "" {
		return Errorf(oauth.ErrorInvalidRequest, "actor_token_type is present without actor_token")
	}
	for i, res := range r.Resource {
		if err := checkResource(res); err != "" {
			return Errorf(oauth.ErrorInvalidTarget, "resource %d %s", i+1, err)
		}
	}
	for i, aud := range r.Audience {
		if aud == "" {
			return Errorf(oauth.ErrorInvalidTarget, "audience %d is empty", i+1)
		}
	}
	return nil
}

// checkResource returns why res is not an RFC 8707 §2 resource indicator,
// or "".
func checkResource(res string) string {
	if res == "" {
		return "is empty"
	}
	if strings.Contains(res, "#") {
		return "has a fragment"
	}
	u, err := url.Parse(res)
	if err != nil {
		return "is not a URI"
	}
	if !u.IsAbs() {
		return "is not an absolute URI"
	}
	return ""
}

// Form returns the request as form parameters, ready for
// application/x-www-form-urlencoded encoding; empty fields are omitted.
func (r *Request) Form() url.Values {
	f := url.Values{}
	set := func(name, v string) {
		if v != "" {
			f.Set(name, v)
		}
	}
	gt := r.GrantType
	if gt == "" {
		gt = oauth.GrantTypeTokenExchange
	}
	set(ParamGrantType, gt)
	for _, v := range r.Resource {
		f.Add(ParamResource, v)
	}
	for _, v := range r.Audience {
		f.Add(ParamAudience, v)
	}
	set(ParamScope, r.Scope.String())
	set(ParamRequestedTokenType, r.RequestedTokenType)
	set(ParamSubjectToken, r.SubjectToken)
	set(ParamSubjectTokenType, r.SubjectTokenType)
	set(ParamActorToken, r.ActorToken)
	set(ParamActorTokenType, r.ActorTokenType)
	return f
}

// String describes the request with the tokens redacted.
func (r Request) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "subject_token_type=%s", r.SubjectTokenType)
	if r.ActorTokenType != "" {
		fmt.Fprintf(&b, " actor_token_type=%s", r.ActorTokenType)
	}
	if r.RequestedTokenType != "" {
		fmt.Fprintf(&b, " requested_token_type=%s", r.RequestedTokenType)
	}
	for _, v := range r.Resource {
		fmt.Fprintf(&b, " resource=%s", v)
	}
	for _, v := range r.Audience {
		fmt.Fprintf(&b, " audience=%s", v)
	}
	if !r.Scope.IsZero() {
		fmt.Fprintf(&b, " scope=%q", r.Scope.String())
	}
	return "exchange.Request{" + b.String() + "}"
}

// truncate shortens a peer-supplied value for an error message.
func truncate(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}
