// Package delegation implements the delegation claims of OAuth 2.0 Token
// Exchange (RFC 8693): the actor claim act (§4.1), which records who acts
// for the token's subject, as a chain, and the authorized-actor claim
// may_act (§4.4), which names the party allowed to become that actor.
//
// A Chain is the act claim read as a list: Chain[0] is the current actor
// (the outermost act object), each later element a prior actor, the last
// the least recent (the most deeply nested). Push adds a new current actor
// when a token is exchanged again; MarshalJSON writes the nested objects
// back.
//
//	chain, err := delegation.ParseChain(claims["act"], 0) // act.* reasons
//	current, _ := chain.Current() // the only actor to authorize against
//
//	mayAct, err := delegation.ParseMayAct(claims["may_act"]) // may_act.* reasons
//	err = mayAct.Permits(actor) // may_act.mismatch
//
// It does not decide whether delegation is allowed: that is the token
// endpoint's policy (profiles/exchange), with may_act one input to it.
//
// # Decisions
//
// An actor must have a non-empty sub (RFC 8693 §4.1 says only that its
// claims identify the actor; every example has sub, and without it no
// receiver can tell actors apart); iss is optional and, with sub, makes
// the actor unique. Other identity members (email, sub_profile, ...) are
// kept as raw JSON in Extra and never used for matching.
//
// may_act is matched by sub and, when may_act has iss, by iss too: both
// compared as exact strings (RFC 7519 §2 StringOrURI comparison). A
// may_act with neither sub nor a matching iss authorizes no one.
//
// # Security considerations
//
// For access control a consumer MUST consider only the token's top-level
// claims and the current actor; prior actors are informational (RFC 8693
// §4.1) and only as trustworthy as the issuer that wrote them. Current
// returns the one actor to authorize against.
//
// exp, nbf and aud inside act or may_act are meaningless (RFC 8693 §4.1,
// §4.4: SHOULD NOT be used); a receiver that read them as the token's own
// could be fooled, so they are rejected (act.forbidden_member,
// may_act.forbidden_member). A chain deeper than the limit (MaxDepth by
// default) is rejected (act.too_deep), never truncated, and its nesting
// is read iteratively: hostile depth costs no stack. JSON objects with a
// repeated member name are rejected.
package delegation
