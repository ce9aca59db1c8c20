package delegation

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/wimse"
)

// MaxDepth is the default limit on the number of actors in a chain. RFC
// 8693 sets none; each actor is one exchange hop, and eight hops cover
// every deployment the drafts describe while bounding what a token can
// make a receiver read.
const MaxDepth = 8

// forbidden are the members that are meaningless inside an identity object
// (RFC 8693 §4.1, §4.4).
var forbidden = [...]string{"exp", "nbf", "aud"}

// Actor identifies one party: an entry of an act chain (RFC 8693 §4.1) or
// the party a may_act claim names (§4.4).
type Actor struct {
	// Subject is sub: required, non-empty.
	Subject string
	// Issuer is iss, "" when absent.
	Issuer string
	// Extra holds the other identity members (email, sub_profile, ...) as
	// raw JSON. It never holds sub, iss, act, exp, nbf or aud.
	Extra map[string]json.RawMessage
}

// Chain is an act claim as a list: Chain[0] is the current actor (the
// outermost act object), the last element the least recent actor (RFC 8693
// §4.1). A nil Chain is no act claim.
type Chain []Actor

// Current returns the current actor: the only one a consumer may use for
// access control (RFC 8693 §4.1). ok is false for an empty chain.
func (c Chain) Current() (a Actor, ok bool) {
	if len(c) == 0 {
		return Actor{}, false
	}
	return c[0], true
}

// Prior returns the prior actors, most recent first: informational only
// (RFC 8693 §4.1).
func (c Chain) Prior() Chain {
	if len(c) < 2 {
		return nil
	}
	return c[1:]
}

// Push returns a new chain whose current actor is a and whose prior actors
// are c: the act claim of a token issued when a acts for a subject whose
// token already carried c. c is not modified.
func (c Chain) Push(a Actor) Chain {
	out := make(Chain, 0, len(c)+1)
	return append(append(out, a), c...)
}

// reasons are the codes of one claim: act or may_act (which has no depth).
type reasons struct {
	prefix                                    string
	malformed, subMissing, forbidden, tooDeep wimse.Reason
}

var (
	actReasons    = reasons{"act", wimse.ReasonActMalformed, wimse.ReasonActSubMissing, wimse.ReasonActForbiddenMember, wimse.ReasonActTooDeep}
	mayActReasons = reasons{"may_act", wimse.ReasonMayActMalformed, wimse.ReasonMayActSubMissing, wimse.ReasonMayActForbiddenMember, ""}
)

// ParseChain reads the value of an act claim (RFC 8693 §4.1): a JSON
// object whose members identify the current actor, with the prior actors
// nested in its own act member. maxDepth bounds the number of actors; zero
// means MaxDepth. Failures are *wimse.Error with an act.* reason.
func ParseChain(raw []byte, maxDepth int) (Chain, error) {
	if maxDepth <= 0 {
		maxDepth = MaxDepth
	}
	if err := jose.CheckObject(raw); err != nil {
		return nil, wimse.Errorf(wimse.ReasonActMalformed, "act: %s", err.Error())
	}
	var chain Chain
	for level := 0; raw != nil; level++ {
		if level == maxDepth {
			return nil, wimse.Errorf(wimse.ReasonActTooDeep, "act: more than %d actors", maxDepth)
		}
		a, next, err := parseActor(raw, actReasons, level)
		if err != nil {
			return nil, err
		}
		chain = append(chain, a)
		raw = next
	}
	return chain, nil
}

// parseActor reads one identity object; next is its nested act, nil when
// absent.
func parseActor(raw []byte, r reasons, level int) (a Actor, next []byte, err error) {
	var m map[string]json.RawMessage
	if t := bytes.TrimLeft(raw, " \t\r\n"); len(t) == 0 || t[0] != '{' || json.Unmarshal(raw, &m) != nil {
		return Actor{}, nil, wimse.Errorf(r.malformed, "%s: actor %d is not a JSON object", r.prefix, level+1)
	}
	for _, name := range forbidden {
		if _, ok := m[name]; ok {
			return Actor{}, nil, wimse.Errorf(r.forbidden, "%s: actor %d carries %s, which has no meaning in an identity", r.prefix, level+1, name)
		}
	}
	if v, ok := m["act"]; ok {
		if r.tooDeep == "" {
			return Actor{}, nil, wimse.Errorf(r.forbidden, "%s: carries act: it names one party, not a chain", r.prefix)
		}
		next = v
		delete(m, "act")
	}
	str := func(name string, dst *string) error {
		v, ok := m[name]
		if !ok {
			return nil
		}
		delete(m, name)
		if len(v) == 0 || v[0] != '"' || json.Unmarshal(v, dst) != nil {
			return wimse.Errorf(r.malformed, "%s: actor %d: %s is not a string", r.prefix, level+1, name)
		}
		return nil
	}
	if err := str("sub", &a.Subject); err != nil {
		return Actor{}, nil, err
	}
	if err := str("iss", &a.Issuer); err != nil {
		return Actor{}, nil, err
	}
	if a.Subject == "" {
		return Actor{}, nil, wimse.Errorf(r.subMissing, "%s: actor %d has no sub", r.prefix, level+1)
	}
	if len(m) > 0 {
		a.Extra = m
	}
	return a, next, nil
}

// object renders an actor's members, without act.
func (a Actor) object() (map[string]any, error) {
	if a.Subject == "" {
		return nil, wimse.Errorf(wimse.ReasonActSubMissing, "act: actor has no sub")
	}
	m := make(map[string]any, len(a.Extra)+3)
	for _, k := range slices.Sorted(maps.Keys(a.Extra)) {
		switch k {
		case "sub", "iss", "act", "exp", "nbf", "aud":
			return nil, wimse.Errorf(wimse.ReasonActForbiddenMember, "act: Extra may not hold %s", k)
		}
		m[k] = a.Extra[k]
	}
	m["sub"] = a.Subject
	if a.Issuer != "" {
		m["iss"] = a.Issuer
	}
	return m, nil
}

// MarshalJSON writes the chain as nested act objects, the current actor
// outermost. An empty chain is null. Every actor needs a sub, and Extra
// may not hold sub, iss, act, exp, nbf or aud.
func (c Chain) MarshalJSON() ([]byte, error) {
	if len(c) == 0 {
		return []byte("null"), nil
	}
	var inner map[string]any
	for i := len(c) - 1; i >= 0; i-- {
		m, err := c[i].object()
		if err != nil {
			return nil, err
		}
		if inner != nil {
			m["act"] = inner
		}
		inner = m
	}
	return json.Marshal(inner)
}

// UnmarshalJSON reads an act claim with ParseChain and MaxDepth.
func (c *Chain) UnmarshalJSON(data []byte) error {
	chain, err := ParseChain(data, 0)
	if err != nil {
		return err
	}
	*c = chain
	return nil
}
