// Package policy implements the exchange policy of the reference token
// exchange service (STS): which authenticated client may exchange which
// subject token for a token toward which target, with which scope, in
// which mode and for how long (RFC 8693 §2.1 and §5 leave this decision
// to the deployment; RFC 8707 §2 and §3 for targets).
//
// No draft or RFC defines this policy; it is the reference STS's
// configuration, kept out of profiles/exchange so that the token endpoint
// handler stays policy-agnostic: the core is a pure function,
// Policy.Evaluate, from a description of the request (Input) to a
// Decision; Policy.Authorizer adapts it to the handler's hook
// (exchange.Authorizer), and InputOf builds the Input from an
// exchange.Proposal.
// It does not validate tokens, authenticate clients or check may_act:
// Input holds what the handler has already verified.
//
// A policy file is JSON, read strictly by Parse; lines that start with
// "//" are comments:
//
//	// Orders may obtain tokens for the payments API, as itself or for a user.
//	{"version": 1, "rules": [{
//	  "name": "orders-to-payments",
//	  "client": {"trustDomain": "example.org", "scheme": "wimse", "pathPrefix": "/orders"},
//	  "subjectIssuers": ["https://sts.example.org"],
//	  "delegation": true, "actorIssuers": ["wimse://example.org"],
//	  "resources": ["https://payments.example.org/api"],
//	  "resourcePrefixes": ["https://payments.example.org/v2/"],
//	  "scopes": ["payments:read", "payments:charge"],
//	  "maxLifetime": "10m"
//	}]}
//
// Then
//
//	pol, err := policy.Load("policy.json")
//	d := pol.Evaluate(policy.Input{Client: id, AuthMethod: "spiffe_wit", Subject: ..., Resources: ...})
//	if !d.Allowed { /* answer d.Code; log d.Explain() */ }
//
// Rules are tried in order and the first that permits the whole request
// wins (see Evaluate for how a denial is attributed). Requests beyond a
// rule's scope ceiling or targets are denied (invalid_scope,
// invalid_target), never silently narrowed; a longer lifetime is capped.
//
// # Security considerations
//
// Default deny. An empty policy denies everything; a rule permits only
// what it lists: no subject issuer, target or scope is implied, delegation
// and impersonation are both off unless the rule turns them on, a request
// must name at least one target and, unless the rule raises MaxTargets,
// exactly one (RFC 8707 §3: a multi-audience bearer token can be replayed
// by one audience at another).
//
// Canonical comparison. Client identifiers are wimse.ID values, parsed
// strictly (non-canonical spellings are refused, never repaired) and
// compared with ==; nothing is lower-cased or decoded. Issuers, token
// types, audiences and resources are compared byte for byte (RFC 3986
// §6.2.1 simple string comparison), so a request in another spelling is
// denied, not matched. A path prefix matches whole segments: /a covers /a
// and /a/b, never /ab. A resource prefix ends in "/" and covers only a
// clean rest: no dot segment, empty segment, percent-encoding, backslash,
// query or fragment, any of which a server might resolve outside the
// prefix.
//
// No wildcards. A trust domain is a name, never a pattern: "*.example.org"
// is not a trust domain and is rejected, and a rule names its scheme
// (wimse or spiffe), since the two name different identities. There is no
// pattern syntax for scopes, issuers or audiences.
//
// Two audiences, two texts. Decision.Detail and Decision.Err name the
// refused request value only, never a rule's name nor what it permits,
// so they may become the client's error_description (RFC 8693 §6).
// Decision.Explain lists every rule examined and what each permits: it is
// for the operator (logs, wimse sts policy check). Neither ever holds a
// token: Input has no field for one.
package policy
