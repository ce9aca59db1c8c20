package policy

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/tokens/scope"
	"github.com/wimse-wg/wimse/wimse"
)

// Input describes one token exchange request after client authentication
// and token validation: what the STS knows, not what the client claimed.
type Input struct {
	// Client is the authenticated client's workload identifier; zero for a
	// client that has none (client_secret_basic, private_key_jwt).
	Client wimse.ID
	// ClientID is the authenticated OAuth client_id, "" when the client is
	// known only by Client. It may equal Client.String().
	ClientID string
	// AuthMethod is the client authentication method used, as
	// token_endpoint_auth_method names it (spiffe_wit, private_key_jwt, ...).
	AuthMethod string
	// Subject is the validated subject token.
	Subject Party
	// Actor is the validated actor token, nil when the request has none.
	Actor *Party
	// Resources and Audiences are the requested targets (RFC 8707 resource,
	// RFC 8693 audience), in request order.
	Resources []string
	Audiences []string
	// Scope is the requested scope; the zero value is none requested.
	Scope scope.Set
	// Lifetime is the requested lifetime; zero or negative is none.
	Lifetime time.Duration
}

// Party is a validated subject or actor token.
type Party struct {
	// Issuer and Subject are the token's iss and sub.
	Issuer, Subject string
	// TokenType is its token type identifier (RFC 8693 §3).
	TokenType string
}

// identity is how the client names itself: its workload identifier, else
// its client_id.
func (in *Input) identity() string {
	if !in.Client.IsZero() {
		return in.Client.String()
	}
	return in.ClientID
}

// Mode is the kind of exchange a request asks for (RFC 8693 §1.1).
type Mode int

const (
	// ModeSelf: no actor, and the subject is the client itself (the subject
	// token's sub is the client's workload identifier, or its client_id).
	ModeSelf Mode = iota + 1
	// ModeDelegation: an actor token is present; the issued token names
	// the subject and, in act, the actor.
	ModeDelegation
	// ModeImpersonation: no actor, and the subject is someone other than
	// the client; the issued token names only the subject.
	ModeImpersonation
)

func (m Mode) String() string {
	switch m {
	case ModeSelf:
		return "self"
	case ModeDelegation:
		return "delegation"
	case ModeImpersonation:
		return "impersonation"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// ModeOf returns the mode of a request: delegation when it has an actor,
// self when the subject's sub is the client's identity, impersonation
// otherwise.
func ModeOf(in Input) Mode {
	switch {
	case in.Actor != nil:
		return ModeDelegation
	case in.identity() != "" && in.Subject.Subject == in.identity():
		return ModeSelf
	}
	return ModeImpersonation
}

// Decision is the outcome of Evaluate.
type Decision struct {
	// Allowed reports whether the exchange is permitted.
	Allowed bool
	// Rule is the index of the deciding rule: the rule that permitted the
	// request, or the one a denial is attributed to (see Evaluate); -1
	// when no rule applied. RuleName is its name.
	Rule     int
	RuleName string
	// Reason is the policy.* reason of a denial, "" when allowed; Code is
	// the OAuth error code a token endpoint answers with (CodeOf(Reason)),
	// and Detail says why, naming the request value refused but never what
	// the policy permits instead, so it may be sent to the client as the
	// error_description (RFC 8693 §6: reveal no more than needed).
	Reason wimse.Reason
	Code   string
	Detail string
	// Mode is the request's mode (ModeOf).
	Mode Mode
	// Audience is the granted targets: the requested resources then the
	// requested audiences, in request order (nil when denied).
	Audience []string
	// Scope is the granted scope: the requested scope (narrowed to the
	// ceiling under the rule's NarrowScope), or the rule's ceiling when
	// none was requested. The token endpoint intersects it with the
	// subject token's own scope.
	Scope scope.Set
	// NarrowScope: the rule narrows a scope beyond its ceiling
	// (Rule.NarrowScope); the token endpoint issues the part within.
	NarrowScope bool
	// Lifetime is the granted lifetime: the requested one capped at the
	// rule's MaxLifetime, which is also the default.
	Lifetime time.Duration
	// Trace is one step per rule examined, in order: every rule up to the
	// one that permitted the request, or every rule for a denial.
	Trace []Step
}

// Step records why one rule did or did not permit the request.
type Step struct {
	Rule int
	Name string
	// Reason is "" when the rule permitted the request, policy.no_rule
	// when it does not apply to the client, or the reason of its first
	// failed check. Detail says why, and lists what the rule permits
	// instead: it is for the operator, not for the client.
	Reason wimse.Reason
	Detail string
}

// CodeOf returns the OAuth error code (RFC 6749 §5.2, RFC 8693 §2.2.2,
// RFC 8707 §2) for a policy.* reason, "" for any other.
func CodeOf(r wimse.Reason) string {
	switch r {
	case wimse.ReasonPolicyNoRule:
		return oauth.ErrorUnauthorizedClient
	case wimse.ReasonPolicySubject, wimse.ReasonPolicyDelegation, wimse.ReasonPolicyImpersonation:
		return oauth.ErrorInvalidRequest
	case wimse.ReasonPolicyTarget:
		return oauth.ErrorInvalidTarget
	case wimse.ReasonPolicyScope:
		return oauth.ErrorInvalidScope
	}
	return ""
}

// Err returns nil for an allowed decision, and otherwise a *wimse.Error
// with the decision's Reason and Detail. Like Detail it names neither the
// rule nor what the policy permits (Explain does, for the operator).
func (d Decision) Err() error {
	if d.Allowed {
		return nil
	}
	return wimse.Errorf(d.Reason, "policy: %s", d.Detail)
}

func (d Decision) headline() string {
	if d.Rule < 0 {
		return d.Detail
	}
	return fmt.Sprintf("rule %d %q: %s", d.Rule, d.RuleName, d.Detail)
}

// Explain renders the decision for people: a first line with the outcome
// and the deciding rule, then one line per rule examined.
//
//	allowed by rule 1 "orders": mode self, audience https://pay.example/api, scope pay:read, lifetime 5m0s
//	  rule 0 "legacy": client wimse://example.org/orders is not client_id legacy
//	  rule 1 "orders": permits
func (d Decision) Explain() string {
	var b strings.Builder
	if d.Allowed {
		fmt.Fprintf(&b, "allowed by rule %d %q: mode %s, audience %s, scope %s, lifetime %v\n",
			d.Rule, d.RuleName, d.Mode, strings.Join(d.Audience, " "), orNone(d.Scope.String()), d.Lifetime)
	} else {
		fmt.Fprintf(&b, "denied (%s, %s): %s\n", d.Code, d.Reason, d.headline())
	}
	for _, s := range d.Trace {
		why := "permits"
		if s.Reason != "" {
			why = s.Detail
		}
		fmt.Fprintf(&b, "  rule %d %q: %s\n", s.Rule, s.Name, why)
	}
	return b.String()
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// stage orders the checks of a rule: a denial is attributed to the rule
// whose failed check came latest (it matched the request most closely).
type stage int

const (
	stageClient stage = iota
	stageSubject
	stageMode
	stageTarget
	stageScope
	stagePermit
)

// Evaluate decides a request. It is a pure function of the policy and in:
// no clock, no I/O.
//
// Rules are tried in order and the first that permits the whole request
// decides (first match wins): its ceiling and lifetime shape the grant,
// and the rules after it are not examined. A rule permits a request when
// all its checks pass, in this order: client (and authentication method),
// subject token issuer and type, mode (delegation with an actor of a
// permitted issuer, or impersonation, each only where the rule allows it;
// exchanging the client's own token always passes), targets (at least
// one, at most MaxTargets, each permitted), scope (within the ceiling).
//
// Denied by default: when no rule permits the request the decision is a
// denial. If no rule applies to the client it is policy.no_rule
// (unauthorized_client); otherwise it is attributed to the applicable rule
// whose failed check came latest in that order (the earliest such rule
// on a tie), with that check's reason. A malformed resource (not an
// absolute URI, or with a fragment) is denied with policy.target before
// any rule is tried.
//
// Scope and targets are never silently narrowed: a request beyond the
// ceiling is denied (invalid_scope), unless the rule narrows scopes
// (Rule.NarrowScope; the token response's scope then says what was
// issued), and a target the rule does not list is denied (invalid_target). A longer lifetime than the rule's
// MaxLifetime is not a denial: the grant is capped, since RFC 8693 has no
// lifetime parameter and the lifetime is the STS's to choose.
func (p *Policy) Evaluate(in Input) Decision {
	d := Decision{Rule: -1, Mode: ModeOf(in)}
	deny := func(r wimse.Reason, detail string) Decision {
		d.Reason, d.Code, d.Detail = r, CodeOf(r), detail
		return d
	}
	for _, res := range in.Resources {
		if err := checkResource(res); err != nil {
			return deny(wimse.ReasonPolicyTarget, fmt.Sprintf("resource %q is malformed: %v", res, err))
		}
	}
	best, bestStage, bestDetail := -1, stageClient, ""
	for i := range p.Rules {
		r := &p.Rules[i]
		st, reason, detail, permitted := r.evaluate(&in, d.Mode)
		if st == stagePermit {
			d.Trace = append(d.Trace, Step{Rule: i, Name: r.Name})
			d.Allowed, d.Rule, d.RuleName = true, i, r.Name
			d.Audience = append(slices.Clone(in.Resources), in.Audiences...)
			d.Scope, d.NarrowScope = in.Scope, r.NarrowScope
			if r.NarrowScope && !r.Scopes.Covers(in.Scope) {
				d.Scope = r.Scopes.Intersect(in.Scope)
			}
			if in.Scope.IsZero() {
				d.Scope = r.Scopes
			}
			d.Lifetime = r.MaxLifetime
			if in.Lifetime > 0 && in.Lifetime < r.MaxLifetime {
				d.Lifetime = in.Lifetime
			}
			return d
		}
		step := Step{Rule: i, Name: r.Name, Reason: reason, Detail: detail}
		if permitted != "" {
			step.Detail += " (the rule permits " + permitted + ")"
		}
		d.Trace = append(d.Trace, step)
		if st > bestStage {
			best, bestStage, bestDetail = i, st, detail
		}
	}
	if best < 0 {
		return deny(wimse.ReasonPolicyNoRule, fmt.Sprintf("no rule applies to client %s (denied by default)", orNone(in.identity())))
	}
	d.Rule, d.RuleName = best, p.Rules[best].Name
	return deny(d.Trace[best].Reason, bestDetail)
}

// evaluate runs a rule's checks in order and returns the stage reached:
// stagePermit, or the stage whose check failed with its reason, a detail
// naming the refused request value, and what the rule permits instead
// (for the operator's trace only; "" when there is nothing to list).
func (r *Rule) evaluate(in *Input, mode Mode) (st stage, reason wimse.Reason, detail, permitted string) {
	if !r.Client.matches(in) {
		return stageClient, wimse.ReasonPolicyNoRule, fmt.Sprintf("client %s is not %s", orNone(in.identity()), r.Client), ""
	}
	if len(r.AuthMethods) > 0 && !slices.Contains(r.AuthMethods, in.AuthMethod) {
		return stageClient, wimse.ReasonPolicyNoRule, fmt.Sprintf("authentication method %q is not permitted", in.AuthMethod), strings.Join(r.AuthMethods, ", ")
	}
	if !slices.Contains(r.SubjectIssuers, in.Subject.Issuer) {
		return stageSubject, wimse.ReasonPolicySubject, fmt.Sprintf("subject token issuer %q is not permitted", in.Subject.Issuer), strings.Join(r.SubjectIssuers, ", ")
	}
	if len(r.SubjectTokenTypes) > 0 && !slices.Contains(r.SubjectTokenTypes, in.Subject.TokenType) {
		return stageSubject, wimse.ReasonPolicySubject, fmt.Sprintf("subject token type %q is not permitted", in.Subject.TokenType), strings.Join(r.SubjectTokenTypes, ", ")
	}
	switch mode {
	case ModeDelegation:
		if !r.Delegation {
			return stageMode, wimse.ReasonPolicyDelegation, fmt.Sprintf("delegation (actor %q) is not permitted", in.Actor.Subject), ""
		}
		if !slices.Contains(r.ActorIssuers, in.Actor.Issuer) {
			return stageMode, wimse.ReasonPolicyDelegation, fmt.Sprintf("actor token issuer %q is not permitted", in.Actor.Issuer), strings.Join(r.ActorIssuers, ", ")
		}
	case ModeImpersonation:
		if !r.Impersonation {
			return stageMode, wimse.ReasonPolicyImpersonation, fmt.Sprintf("impersonation of subject %q (no actor) is not permitted", in.Subject.Subject), ""
		}
	}
	n := len(in.Resources) + len(in.Audiences)
	switch limit := max(r.MaxTargets, 1); {
	case n == 0:
		return stageTarget, wimse.ReasonPolicyTarget, "no resource or audience requested (a target is required)", ""
	case n > limit:
		return stageTarget, wimse.ReasonPolicyTarget, fmt.Sprintf("%d targets requested, at most %d permitted", n, limit), ""
	}
	for _, res := range in.Resources {
		if !r.permitsResource(res) {
			return stageTarget, wimse.ReasonPolicyTarget, fmt.Sprintf("resource %q is not permitted", res), strings.Join(append(slices.Clone(r.Resources), r.ResourcePrefixes...), ", ")
		}
	}
	for _, aud := range in.Audiences {
		if !slices.Contains(r.Audiences, aud) {
			return stageTarget, wimse.ReasonPolicyTarget, fmt.Sprintf("audience %q is not permitted", aud), strings.Join(r.Audiences, ", ")
		}
	}
	if !r.Scopes.Covers(in.Scope) && (!r.NarrowScope || r.Scopes.Intersect(in.Scope).IsZero()) {
		extra := slices.DeleteFunc(in.Scope.Tokens(), r.Scopes.Contains)
		return stageScope, wimse.ReasonPolicyScope, fmt.Sprintf("scope %q is not permitted", strings.Join(extra, " ")), orNone(r.Scopes.String())
	}
	return stagePermit, "", "", ""
}
