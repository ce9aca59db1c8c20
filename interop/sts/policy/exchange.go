package policy

import (
	"context"

	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/wimse"
)

// InputOf describes an exchange.Proposal for Evaluate: the client_id
// becomes Client when it is a workload identifier (ParseID) and ClientID
// always, so ModeOf compares the subject with the client exactly as the
// handler does. No lifetime is requested (RFC 8693 has no parameter for
// it).
func InputOf(x *exchange.Proposal) Input {
	in := Input{
		ClientID:   x.Client.ID,
		AuthMethod: x.Client.Method,
		Resources:  x.Resources,
		Audiences:  x.Audiences,
		Scope:      x.Scope,
	}
	if id, err := wimse.ParseID(x.Client.ID); err == nil {
		in.Client = id
	}
	if x.Subject != nil {
		in.Subject = Party{Issuer: x.Subject.Issuer, Subject: x.Subject.Subject, TokenType: x.Subject.TokenType}
	}
	if x.Actor != nil {
		in.Actor = &Party{Issuer: x.Actor.Issuer, Subject: x.Actor.Subject, TokenType: x.Actor.TokenType}
	}
	return in
}

// Authorizer adapts the policy to the token endpoint's hook: a permitted
// exchange becomes a Grant (the decision's audience, scope and lifetime;
// Delegate or Impersonate as its mode requires), a denial an
// exchange.Deny with the decision's OAuth code and Err (its policy.*
// reason; a description that names only the refused value). p must not
// be modified while the handler runs.
func (p *Policy) Authorizer() exchange.Authorizer {
	return func(_ context.Context, x *exchange.Proposal) (exchange.Grant, error) {
		d := p.Evaluate(InputOf(x))
		if !d.Allowed {
			return exchange.Grant{}, exchange.Deny(d.Code, d.Err())
		}
		return exchange.Grant{
			Audience:    d.Audience,
			Scope:       d.Scope,
			NarrowScope: d.NarrowScope,
			Lifetime:    d.Lifetime,
			Delegate:    d.Mode == ModeDelegation,
			Impersonate: d.Mode == ModeImpersonation,
		}, nil
	}
}
