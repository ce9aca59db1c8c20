package vectors

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// This file holds the building blocks the catalogues (identifier_vectors.go,
// wit_vectors.go, wpt_vectors.go) derive their vectors from. A negative
// vector is a baseline template with one change, recorded in its Mutation.

// Both is the applicability of a vector to both WPT carriages.
var Both = []string{"wpt-01", "wpt-02"}

// relPolicy is the time directive {"$rel": n, "$policy": terms}: now + n
// plus or minus the receiver's policy values ("-clockSkew",
// "+maxWptLifetime"), so that a vector at a policy boundary is right for
// any declared policy.
func relPolicy(n int, terms ...string) map[string]any {
	if len(terms) == 1 {
		return map[string]any{"$rel": n, "$policy": terms[0]}
	}
	list := make([]any, len(terms))
	for i, t := range terms {
		list[i] = t
	}
	return map[string]any{"$rel": n, "$policy": list}
}

// descPlaceholder is a placeholder of a description (Comment and
// Mutation.Change), filled in by the generator (describe): ${clockSkew},
// ${maxWptLifetime} and ${maxTokenSize} are the vector's policy values;
// ${wit.CLAIM}, ${wpt.CLAIM} and ${sig.PARAM} are how far from now, in
// seconds, the frozen vector puts a time its template sets with a
// {"$rel": N} directive (a claim of the WIT or the WPT, a parameter of the
// WIMSE signature), and ${wit.CLAIM.rel} (and so on) is |N|, the
// directive's own offset before the policy terms: the margin of a boundary
// vector. A boundary vector's description uses them instead of numbers, so
// that "(frozen: 70 s; 60 s skew)" stays right, and keeps matching the
// frozen tokens, when a default or a margin changes.
var descPlaceholder = regexp.MustCompile(`\$\{([A-Za-z]+)(?:\.([A-Za-z]+))?(\.rel)?\}`)

// describe fills in the placeholders of v's description under policy p.
func describe(v *Vector, p PolicyValues) error {
	expand := func(s string) (string, error) {
		var err error
		out := descPlaceholder.ReplaceAllStringFunc(s, func(m string) string {
			sub := descPlaceholder.FindStringSubmatch(m)
			n, e := descValue(v, p, sub[1], sub[2], sub[3] != "")
			if e != nil && err == nil {
				err = fmt.Errorf("description placeholder %s: %w", m, e)
			}
			return strconv.FormatInt(n, 10)
		})
		if err == nil && strings.Contains(out, "${") {
			err = fmt.Errorf("description %q: malformed ${...} placeholder", s)
		}
		return out, err
	}
	var err error
	if v.Comment, err = expand(v.Comment); err != nil {
		return err
	}
	if v.Mutation != nil {
		m := *v.Mutation
		if m.Change, err = expand(m.Change); err != nil {
			return err
		}
		v.Mutation = &m
	}
	return nil
}

// descValue is the value of the placeholder ${name}, ${name.field} or,
// with rel, ${name.field.rel}.
func descValue(v *Vector, p PolicyValues, name, field string, rel bool) (int64, error) {
	if field == "" && !rel {
		switch name {
		case NeedClockSkew:
			return int64(p.ClockSkew), nil
		case NeedMaxWPTLifetime:
			return int64(p.MaxWPTLifetime), nil
		case NeedMaxTokenSize:
			return int64(p.MaxTokenSize), nil
		}
		return 0, errors.New("not a policy value (clockSkew, maxWptLifetime, maxTokenSize)")
	}
	var d any
	ok := false
	if t := v.Template; t != nil {
		switch name {
		case "wit":
			if t.WIT != nil {
				d, ok = t.WIT.Claims[field]
			}
		case "wpt":
			if t.WPT != nil {
				d, ok = t.WPT.Claims[field]
			}
		case "sig":
			if len(t.Sigs) > 0 {
				for _, sp := range t.Sigs[0].Params {
					if sp.Name == field {
						d, ok = sp.Value, true
					}
				}
			}
		default:
			return 0, errors.New("not wit.CLAIM, wpt.CLAIM or sig.PARAM")
		}
	}
	if !ok {
		return 0, fmt.Errorf("the template sets no %s.%s", name, field)
	}
	m, isDirective := d.(map[string]any)
	if !isDirective {
		return 0, fmt.Errorf("%s.%s is not a {\"$rel\": N} directive", name, field)
	}
	var n int64
	switch x := m["$rel"].(type) {
	case int:
		n = int64(x)
	case int64:
		n = x
	default:
		return 0, fmt.Errorf("%s.%s is not a {\"$rel\": N} directive", name, field)
	}
	if terms, has := m["$policy"]; has && !rel {
		off, err := (&materializer{env: Env{Policy: &p}}).policyOffset(terms)
		if err != nil {
			return 0, err
		}
		n += off
	}
	if n < 0 {
		n = -n
	}
	return n, nil
}

// kidRequired is v for a receiver that requires kid when the trust domain
// has several keys.
func kidRequired(v Vector) Vector {
	p := *v.Policy
	p.KidRequired = true
	v.Policy = &p
	return needPolicy(v, NeedKidRequired)
}

// needPolicy records that v's expectation rests on the named receiver
// settings (Need* constants).
func needPolicy(v Vector, names ...string) Vector {
	if v.Needs == nil {
		v.Needs = &Needs{}
	} else {
		n := *v.Needs
		v.Needs = &n
	}
	for _, name := range names {
		if !slices.Contains(v.Needs.Policy, name) {
			v.Needs.Policy = append(slices.Clone(v.Needs.Policy), name)
		}
	}
	return v
}

// DefaultPolicy is the policy vectors assume unless they say otherwise:
// the defaults of the reference server, trusting TrustDomain. Its clock
// skew, maximum WPT lifetime and maximum token size are the generator's
// defaults: a vector that keeps them follows a changed default, its
// policy-relative times and sizes and its ${...} description placeholders
// with it.
func DefaultPolicy() *Policy {
	return &Policy{Audience: FrozenBase, TrustDomains: []string{TrustDomain}, ClockSkew: 60, MaxWPTLifetime: 300, MaxTokenSize: 8192, Revisions: []string{"wpt-01", "wpt-02"}}
}

// BaseWIT is a valid WIT template: ES256 issuer, ES256 workload key, one
// hour lifetime.
func BaseWIT() *TokenTemplate {
	return &TokenTemplate{
		Header: map[string]any{"alg": "ES256", "kid": "issuer-es256", "typ": "wit+jwt"},
		Claims: map[string]any{
			"sub": Subject,
			"iss": "https://issuer.example.org",
			"iat": map[string]any{"$rel": -60},
			"exp": map[string]any{"$rel": 3600},
			"jti": map[string]any{"$jti": true},
			"cnf": map[string]any{"jwk": map[string]any{"$jwk": "workload"}},
		},
		Key: "issuer",
	}
}

// BaseWPT is a valid WPT template for BaseWIT: one minute lifetime, aud is
// the target URI.
func BaseWPT() *TokenTemplate {
	return &TokenTemplate{
		Header: map[string]any{"alg": "ES256", "typ": "wpt+jwt"},
		Claims: map[string]any{
			"aud": "{{aud}}",
			"exp": map[string]any{"$rel": 60},
			"jti": map[string]any{"$jti": true},
			"wth": map[string]any{"$hash": "wit"},
		},
		Key: "workload",
	}
}

// BaseRequest is a POST /path carrying the WIT and the WPT in the
// carriage of the draft under test.
func BaseRequest() *RequestTemplate {
	return &RequestTemplate{
		Method: "POST",
		Path:   "/path",
		Fields: [][2]string{
			{"Content-Type", "application/json"},
			{"Workload-Identity-Token", "{{wit}}"},
			{"{{proof}}", ""},
		},
		Body: `{"do stuff":"please"}`,
	}
}

// BaseTemplate is a complete valid request template.
func BaseTemplate() *Template {
	return &Template{WIT: BaseWIT(), WPT: BaseWPT(), Request: BaseRequest()}
}

// Clone deep-copies a template so a mutation never touches the baseline.
func (t *Template) Clone() *Template {
	c := *t
	c.WIT = t.WIT.clone()
	c.WPT = t.WPT.clone()
	c.Tokens = maps.Clone(t.Tokens)
	if t.Sigs != nil {
		c.Sigs = make([]*SigTemplate, len(t.Sigs))
		for i, st := range t.Sigs {
			cp := *st
			cp.Components = append([]string(nil), st.Components...)
			cp.Params = append([]SigParam(nil), st.Params...)
			c.Sigs[i] = &cp
		}
	}
	if t.Request != nil {
		r := *t.Request
		r.Fields = append([][2]string(nil), t.Request.Fields...)
		c.Request = &r
	}
	return &c
}

func (tt *TokenTemplate) clone() *TokenTemplate {
	if tt == nil {
		return nil
	}
	c := *tt
	c.Header = deepCopy(tt.Header)
	c.Claims = deepCopy(tt.Claims)
	c.Tamper = deepCopy(tt.Tamper)
	return &c
}

func deepCopy(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		if mm, ok := v.(map[string]any); ok {
			out[k] = deepCopy(mm)
		} else {
			out[k] = v
		}
	}
	return out
}

// Accept expects the request to be accepted under each draft.
func Accept(drafts []string) Expect {
	e := Expect{Verdict: "accept", Signal: map[string]Signal{}}
	for _, d := range drafts {
		e.Signal[d] = Signal{Status: 200}
	}
	return e
}

// RejectCredential expects a credential failure: 401 with a WPT challenge
// under wpt-02, 400 under wpt-01.
func RejectCredential(reason string, drafts []string) Expect {
	e := Expect{Verdict: "reject", Reason: reason, Signal: map[string]Signal{}}
	for _, d := range drafts {
		if d == "wpt-02" {
			e.Signal[d] = Signal{Status: 401, WWWAuthenticate: "WPT"}
		} else {
			e.Signal[d] = Signal{Status: 400}
		}
	}
	return e
}

// RejectRequest expects a request-level failure: 400 under every draft.
func RejectRequest(reason string, drafts []string) Expect {
	e := Expect{Verdict: "reject", Reason: reason, Signal: map[string]Signal{}}
	for _, d := range drafts {
		e.Signal[d] = Signal{Status: 400}
	}
	return e
}

// RequestVector builds a request vector from a template.
func RequestVector(id, comment string, t *Template, drafts []string, reqs []string, flags []string, e Expect) Vector {
	res := ResultInvalid
	if e.Verdict == "accept" {
		res = ResultValid
	}
	return Vector{ID: id, Kind: KindRequest, Comment: comment, Result: res, Flags: flags, Requirements: reqs,
		Drafts: drafts, Policy: DefaultPolicy(), Template: t, Expect: e}
}

// Derived builds a negative request vector from a baseline vector: the
// template is a clone of the baseline's, changed by mutate.
func Derived(from Vector, id, change string, mutate func(*Template), reqs []string, flags []string, e Expect) Vector {
	t := from.Template.Clone()
	mutate(t)
	v := RequestVector(id, change, t, from.Drafts, reqs, flags, e)
	v.Policy = from.Policy
	v.Mutation = &Mutation{From: from.ID, Change: change}
	return v
}
