package policy

import (
	"time"

	"github.com/wimse-wg/wimse/tokens/scope"
	"github.com/wimse-wg/wimse/wimse"
)

// Policy is an ordered list of rules. The zero value has no rule and
// denies every request. Build one with Parse (or Load), or fill the fields
// and call Validate: Evaluate on a policy that Validate rejects never
// permits more than the valid rules do, but its explanations may be odd.
type Policy struct {
	// Rules are tried in order; the first that permits the whole request
	// decides (see Evaluate).
	Rules []Rule
}

// Rule permits one kind of exchange: which clients, presenting subject
// tokens of which issuers, may obtain a token for which targets and
// scopes, in which mode, for how long. Every list is an allow-list
// compared exactly (byte for byte); an empty list permits nothing unless
// its doc says otherwise.
type Rule struct {
	// Name identifies the rule in decisions, explanations and the audit
	// log. Required, unique within a policy.
	Name string
	// Client selects the clients the rule applies to. Required.
	Client Client
	// AuthMethods, when not empty, are the client authentication methods
	// (token_endpoint_auth_method names such as spiffe_wit or
	// private_key_jwt) the client must have used. Empty means any method
	// the STS accepts.
	AuthMethods []string
	// SubjectIssuers are the iss values of the subject tokens the client
	// may present. Required.
	SubjectIssuers []string
	// SubjectTokenTypes, when not empty, are the subject_token_type URIs
	// (RFC 8693 §3) the client may present. Empty means any type the STS
	// validates.
	SubjectTokenTypes []string
	// Delegation lets the client obtain a delegation token: one that names
	// an actor besides the subject (RFC 8693 §1.1, the act claim of §4.1).
	// False (the zero value) refuses every request with an actor token.
	Delegation bool
	// ActorIssuers are the iss values of the actor tokens permitted with
	// Delegation. Required when Delegation is true, empty otherwise.
	ActorIssuers []string
	// Impersonation lets the client obtain a token for a subject other
	// than itself without naming an actor (RFC 8693 §1.1 impersonation:
	// the issued token carries only the subject). False, the zero value,
	// refuses it.
	Impersonation bool
	// Resources are the RFC 8707 resource values the client may request,
	// compared exactly: absolute URIs without a fragment.
	Resources []string
	// ResourcePrefixes are base URIs: a requested resource is permitted
	// when it starts with one of them, and the rest is a clean relative
	// path (see Evaluate). Each is an absolute hierarchical URI in
	// canonical form (lower-case scheme and host, no userinfo, query,
	// fragment, percent-encoding or dot segment) whose path ends in "/",
	// so that https://api.example/app/ never covers https://api.example/apps.
	ResourcePrefixes []string
	// Audiences are the RFC 8693 audience values (logical names) the
	// client may request, compared exactly.
	Audiences []string
	// MaxTargets bounds the number of resource and audience values in one
	// request. Zero means 1: a token for one target (RFC 8707 §3 prefers a
	// single resource; multi-audience bearer tokens can be replayed by one
	// audience at another).
	MaxTargets int
	// Scopes is the scope ceiling: the requested scope must be a subset.
	// The zero value is the empty set: no scope may be requested.
	Scopes scope.Set
	// NarrowScope grants the part of a requested scope that lies within
	// Scopes instead of denying the rest (RFC 6749 §3.3; never silently:
	// the token response's scope says what was issued). A request with
	// no part within is still denied. False, the zero value, denies any
	// scope beyond the ceiling (implementation digest §14.3: both are
	// compliant).
	NarrowScope bool
	// MaxLifetime caps the lifetime of the issued token. Required,
	// positive.
	MaxLifetime time.Duration
}

// Client selects clients by their authenticated identity. Exactly one of
// ID, TrustDomain (with Scheme and optionally PathPrefix) or ClientID is
// set.
type Client struct {
	// ID matches exactly this workload identifier (compared in canonical
	// form with ==, never case-folded).
	ID wimse.ID
	// TrustDomain matches the workload identifiers of this trust domain
	// whose scheme is Scheme and whose path is PathPrefix or lies under
	// it, segment by segment.
	TrustDomain wimse.TrustDomain
	// Scheme is "wimse" or "spiffe"; required with TrustDomain. The two
	// schemes name different identities even in a trust domain of the same
	// name, so a rule names one.
	Scheme string
	// PathPrefix is "" (the whole trust domain) or a path of one or more
	// segments, such as "/ns/prod", without a trailing "/". "/a" matches
	// /a and /a/b, never /ab.
	PathPrefix string
	// ClientID matches an OAuth client_id exactly, for clients that have no
	// workload identifier (client_secret_basic, private_key_jwt).
	ClientID string
}

// String describes the matcher as an explanation shows it.
func (c Client) String() string {
	switch {
	case !c.ID.IsZero():
		return c.ID.String()
	case !c.TrustDomain.IsZero():
		return c.Scheme + "://" + c.TrustDomain.String() + c.PathPrefix + "/**"
	case c.ClientID != "":
		return "client_id " + c.ClientID
	}
	return "(no client)"
}

// matches reports whether the client of in is selected.
func (c Client) matches(in *Input) bool {
	switch {
	case !c.ID.IsZero():
		return in.Client == c.ID
	case !c.TrustDomain.IsZero():
		id := in.Client
		if id.IsZero() || id.Scheme() != c.Scheme || id.TrustDomain() != c.TrustDomain {
			return false
		}
		return under(id.Path(), c.PathPrefix)
	case c.ClientID != "":
		return in.ClientID == c.ClientID
	}
	return false
}

// under reports whether path is prefix or one of its descendants, segment
// by segment: under("/a/b", "/a") but not under("/ab", "/a").
func under(path, prefix string) bool {
	if prefix == "" {
		return true
	}
	return path == prefix || len(path) > len(prefix) && path[:len(prefix)] == prefix && path[len(prefix)] == '/'
}
