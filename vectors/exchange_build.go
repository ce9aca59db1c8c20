package vectors

import (
	"maps"
	"slices"
)

// The building blocks of the exchange catalogue (exchange_vectors.go): a
// valid baseline request, and negative vectors derived from it by one
// change each, recorded in their Mutation.

// Token exchange grant and token type URIs (RFC 8693 §2.1, §3).
const (
	GrantTokenExchange  = "urn:ietf:params:oauth:grant-type:token-exchange"
	TokenTypeAccess     = "urn:ietf:params:oauth:token-type:access_token"
	TokenTypeJWT        = "urn:ietf:params:oauth:token-type:jwt"
	assertionTypeBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
)

// exchangeBase is the baseline request: a subject token of the suite's
// issuer exchanged for a token for the profile's resource.
func exchangeBase() *ExchangeCase {
	return &ExchangeCase{
		Params: [][2]string{
			{"grant_type", GrantTokenExchange},
			{"resource", "{{resource}}"},
			{"subject_token", "{{token:subject}}"},
			{"subject_token_type", "{{subject-token-type}}"},
		},
		Tokens: map[string]*ExchangeToken{"subject": {Base: TokenSubject}},
	}
}

// clone deep-copies a case so a mutation never touches its source.
func (c *ExchangeCase) clone() *ExchangeCase {
	out := *c
	out.Params = slices.Clone(c.Params)
	out.Headers = slices.Clone(c.Headers)
	out.Accept = slices.Clone(c.Accept)
	out.Deviations = slices.Clone(c.Deviations)
	out.AltStatus = slices.Clone(c.AltStatus)
	if c.Issued != nil {
		is := *c.Issued
		out.Issued = &is
	}
	out.Tokens = make(map[string]*ExchangeToken, len(c.Tokens))
	for n, t := range c.Tokens {
		tc := *t
		tc.Header = deepCopy(t.Header)
		tc.Claims = deepCopy(t.Claims)
		tc.Tamper = deepCopy(t.Tamper)
		out.Tokens[n] = &tc
	}
	return &out
}

// set replaces every value of parameter name (adding it at the end when
// absent).
func (c *ExchangeCase) set(name, value string) {
	found := false
	var out [][2]string
	for _, p := range c.Params {
		if p[0] == name {
			if !found {
				out = append(out, [2]string{name, value})
			}
			found = true
			continue
		}
		out = append(out, p)
	}
	if !found {
		out = append(out, [2]string{name, value})
	}
	c.Params = out
}

// drop removes every value of parameter name.
func (c *ExchangeCase) drop(name string) {
	c.Params = slices.DeleteFunc(c.Params, func(p [2]string) bool { return p[0] == name })
}

// add appends a parameter line.
func (c *ExchangeCase) add(name, value string) { c.Params = append(c.Params, [2]string{name, value}) }

// repeat repeats the value of parameter name right after it.
func (c *ExchangeCase) repeat(name string) {
	for i, p := range c.Params {
		if p[0] == name {
			c.Params = slices.Insert(c.Params, i+1, p)
			return
		}
	}
}

// token returns the named token spec, creating it from base when absent.
func (c *ExchangeCase) token(name, base string) *ExchangeToken {
	t, ok := c.Tokens[name]
	if !ok {
		t = &ExchangeToken{Base: base}
		c.Tokens[name] = t
	}
	return t
}

// claim sets claims of a token (nil removes one).
func (t *ExchangeToken) claim(kv map[string]any) *ExchangeToken {
	if t.Claims == nil {
		t.Claims = map[string]any{}
	}
	maps.Copy(t.Claims, kv)
	return t
}

// withActor adds an actor token of the suite's issuer.
func withActor(c *ExchangeCase) {
	c.token("actor", TokenActor)
	c.add("actor_token", "{{token:actor}}")
	c.add("actor_token_type", "{{subject-token-type}}")
}

// exOpt adjusts an exchange vector as the catalogue builds it.
type exOpt func(*Vector)

// needs records the features the vector rests on.
func needs(features ...string) exOpt {
	return func(v *Vector) { needFeatures(v, features...) }
}

// labels adds selection labels (the digest's test case IDs, lowercase).
func labels(ls ...string) exOpt {
	return func(v *Vector) { v.Labels = append(slices.Clone(v.Labels), ls...) }
}

// flags adds flags.
func flags(fs ...string) exOpt {
	return func(v *Vector) { v.Flags = append(slices.Clone(v.Flags), fs...) }
}

// accept lists other error codes that are right too.
func accept(codes ...string) exOpt {
	return func(v *Vector) { v.Exchange.Accept = append(v.Exchange.Accept, codes...) }
}

// deviation lists error codes seen in practice that the RFC text excludes
// (a warn), with the flag whose note says so.
func deviation(flag string, codes ...string) exOpt {
	return func(v *Vector) {
		v.Exchange.Deviations = append(v.Exchange.Deviations, codes...)
		v.Flags = append(slices.Clone(v.Flags), flag)
	}
}

// sendTwice sends the same request twice: the second is judged (the first
// must be accepted).
func sendTwice(v *Vector) { v.Exchange.Sends = 2 }

// altStatus lists other statuses that are right too.
func altStatus(codes ...int) exOpt {
	return func(v *Vector) { v.Exchange.AltStatus = append(v.Exchange.AltStatus, codes...) }
}

// needFeatures records that v's expectation rests on target features.
func needFeatures(v *Vector, features ...string) {
	n := Needs{}
	if v.Needs != nil {
		n = *v.Needs
	}
	for _, f := range features {
		if !slices.Contains(n.Features, f) {
			n.Features = append(slices.Clone(n.Features), f)
		}
	}
	slices.Sort(n.Features)
	v.Needs = &n
}

// exValid is a valid exchange vector: the target issues a token.
func exValid(id, comment string, c *ExchangeCase, reqs []string, opts ...exOpt) Vector {
	v := Vector{ID: id, Kind: KindExchange, Comment: comment, Result: ResultValid, Flags: []string{}, Requirements: reqs,
		Exchange: c, Expect: Expect{Verdict: "accept", Signal: map[string]Signal{SignalExchange: {Status: 200}}}}
	for _, o := range opts {
		o(&v)
	}
	return v
}

// exDerived is a negative vector derived from a valid one: the case is a
// clone of the source's, changed by mutate; the target must answer status
// with the OAuth error code (401s with a Basic challenge).
func exDerived(from Vector, id, change string, mutate func(*ExchangeCase), reqs []string, code string, status int, opts ...exOpt) Vector {
	c := from.Exchange.clone()
	c.Accept, c.Deviations, c.AltStatus, c.Issued, c.Sends = nil, nil, nil, nil, 0
	mutate(c)
	sig := Signal{Status: status}
	if status == 401 {
		sig.WWWAuthenticate = "Basic"
	}
	v := Vector{ID: id, Kind: KindExchange, Comment: change, Result: ResultInvalid, Flags: []string{}, Requirements: reqs,
		Mutation: &Mutation{From: from.ID, Change: change}, Exchange: c,
		Expect: Expect{Verdict: "reject", Reason: code, Signal: map[string]Signal{SignalExchange: sig}}}
	if from.Needs != nil {
		needFeatures(&v, from.Needs.Features...)
	}
	for _, o := range opts {
		o(&v)
	}
	return v
}

// exAcceptable is a derived vector either outcome of which is right; what
// the target must never do is in the checks every answer gets.
func exAcceptable(from Vector, id, change string, mutate func(*ExchangeCase), reqs []string, flag string, opts ...exOpt) Vector {
	v := exDerived(from, id, change, mutate, reqs, "", 200, opts...)
	v.Result, v.Expect = ResultAcceptable, Expect{Verdict: "accept", Signal: map[string]Signal{SignalExchange: {Status: 200}}}
	v.Flags = append(v.Flags, flag)
	return v
}
