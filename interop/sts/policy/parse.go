package policy

import (
	"github.com/wimse-wg/wimse/internal/strictjson"

	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/tokens/scope"
	"github.com/wimse-wg/wimse/wimse"
)

// Version is the only policy file version this package reads.
const Version = 1

// MaxFileSize bounds a policy file, in bytes.
const MaxFileSize = 1 << 20

// file is the policy file.
type file struct {
	Version *int              `json:"version"`
	Rules   []json.RawMessage `json:"rules"`
}

// fileRule is one rule as the file spells it.
type fileRule struct {
	Name              string      `json:"name"`
	Client            *fileClient `json:"client"`
	AuthMethods       []string    `json:"authMethods"`
	SubjectIssuers    []string    `json:"subjectIssuers"`
	SubjectTokenTypes []string    `json:"subjectTokenTypes"`
	Delegation        bool        `json:"delegation"`
	ActorIssuers      []string    `json:"actorIssuers"`
	Impersonation     bool        `json:"impersonation"`
	Resources         []string    `json:"resources"`
	ResourcePrefixes  []string    `json:"resourcePrefixes"`
	Audiences         []string    `json:"audiences"`
	MaxTargets        *int        `json:"maxTargets"`
	Scopes            []string    `json:"scopes"`
	ScopeOverreach    string      `json:"scopeOverreach"`
	MaxLifetime       string      `json:"maxLifetime"`
}

type fileClient struct {
	ID          string `json:"id"`
	TrustDomain string `json:"trustDomain"`
	Scheme      string `json:"scheme"`
	PathPrefix  string `json:"pathPrefix"`
	ClientID    string `json:"clientId"`
}

// Load reads a policy file with Parse.
func Load(path string) (*Policy, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, wimse.Errorf(wimse.ReasonPolicyMalformed, "policy: %w", err)
	}
	p, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// Parse reads a policy file: one JSON object
//
//	{"version": 1, "rules": [ {rule}, ... ]}
//
// in which lines whose first non-blank characters are "//" are comments.
// Parsing is strict: an unknown or repeated member, a value of the wrong
// type, trailing data and an invalid value are errors, never ignored or
// repaired; the error names the rule index (from 0), its name when known,
// and the field. Every error is a *wimse.Error with policy.malformed.
//
// A rule's members are those of Rule, in lower camel case: name, client
// ({"id": ID}, {"trustDomain": TD, "scheme": "wimse"|"spiffe",
// "pathPrefix": P} or {"clientId": S}), authMethods, subjectIssuers,
// subjectTokenTypes, delegation, actorIssuers, impersonation, resources,
// resourcePrefixes, audiences, maxTargets, scopes (an array of
// scope-tokens), scopeOverreach ("reject", the default, or "narrow":
// Rule.NarrowScope) and maxLifetime (a Go duration such as "10m").
func Parse(b []byte) (*Policy, error) {
	if len(b) > MaxFileSize {
		return nil, malformed("file is %d bytes, larger than %d", len(b), MaxFileSize)
	}
	b = strictjson.WithoutComments(b)
	var f file
	if err := strictjson.Decode(b, &f); err != nil {
		if line, ok := strictjson.Line(b, err); ok {
			return nil, malformed("line %d: %s", line, jsonMessage(err))
		}
		return nil, malformed("%s", jsonMessage(err))
	}
	if err := jose.CheckObject(b); err != nil {
		return nil, malformed("%v", err)
	}
	switch {
	case f.Version == nil:
		return nil, malformed("field version: missing (want %d)", Version)
	case *f.Version != Version:
		return nil, malformed("field version: %d is not supported (want %d)", *f.Version, Version)
	case f.Rules == nil:
		return nil, malformed("field rules: missing (an empty array denies everything)")
	}
	p := &Policy{Rules: make([]Rule, 0, len(f.Rules))}
	for i, raw := range f.Rules {
		var fr fileRule
		if err := strictjson.Decode(raw, &fr); err != nil {
			return nil, malformed("rule %d: %s", i, jsonMessage(err))
		}
		r, err := fr.rule()
		if err != nil {
			return nil, malformed("rule %d%s: %v", i, quoteName(fr.Name), err)
		}
		p.Rules = append(p.Rules, r)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

func malformed(format string, args ...any) error {
	return wimse.Errorf(wimse.ReasonPolicyMalformed, "policy: "+format, args...)
}

func quoteName(name string) string {
	if name == "" {
		return ""
	}
	return fmt.Sprintf(" (%q)", name)
}

// jsonMessage rewrites encoding/json's errors to name the field.
func jsonMessage(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field != "" {
			return fmt.Sprintf("field %s: a JSON %s is not a %s", te.Field, te.Value, te.Type)
		}
		return fmt.Sprintf("a JSON %s is not a %s", te.Value, te.Type)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// fieldError names the field of a rule that is wrong.
type fieldError struct {
	field string
	msg   string
}

func (e *fieldError) Error() string { return "field " + e.field + ": " + e.msg }

func bad(field, format string, args ...any) error {
	return &fieldError{field: field, msg: fmt.Sprintf(format, args...)}
}

// rule converts and checks a rule as written.
func (fr *fileRule) rule() (Rule, error) {
	r := Rule{
		Name:              fr.Name,
		AuthMethods:       fr.AuthMethods,
		SubjectIssuers:    fr.SubjectIssuers,
		SubjectTokenTypes: fr.SubjectTokenTypes,
		Delegation:        fr.Delegation,
		ActorIssuers:      fr.ActorIssuers,
		Impersonation:     fr.Impersonation,
		Resources:         fr.Resources,
		ResourcePrefixes:  fr.ResourcePrefixes,
		Audiences:         fr.Audiences,
	}
	if fr.Client == nil {
		return Rule{}, bad("client", "missing")
	}
	c, err := fr.Client.client()
	if err != nil {
		return Rule{}, err
	}
	r.Client = c
	if fr.MaxTargets != nil {
		if *fr.MaxTargets < 1 {
			return Rule{}, bad("maxTargets", "%d is not a positive number", *fr.MaxTargets)
		}
		r.MaxTargets = *fr.MaxTargets
	}
	if fr.Scopes != nil {
		if r.Scopes, err = scope.New(fr.Scopes...); err != nil {
			return Rule{}, bad("scopes", "%v", err)
		}
	}
	switch fr.ScopeOverreach {
	case "", "reject":
	case "narrow":
		r.NarrowScope = true
	default:
		return Rule{}, bad("scopeOverreach", "%q is not reject or narrow", fr.ScopeOverreach)
	}
	if fr.MaxLifetime == "" {
		return Rule{}, bad("maxLifetime", "missing (a duration such as \"10m\")")
	}
	if r.MaxLifetime, err = time.ParseDuration(fr.MaxLifetime); err != nil {
		return Rule{}, bad("maxLifetime", "%q is not a duration such as \"10m\"", fr.MaxLifetime)
	}
	return r, r.check()
}

// client converts and checks a client matcher as written.
func (fc *fileClient) client() (Client, error) {
	var c Client
	set := 0
	for _, v := range []string{fc.ID, fc.TrustDomain, fc.ClientID} {
		if v != "" {
			set++
		}
	}
	if set != 1 {
		return Client{}, bad("client", "needs exactly one of id, trustDomain or clientId")
	}
	switch {
	case fc.ID != "":
		if fc.Scheme != "" || fc.PathPrefix != "" {
			return Client{}, bad("client", "scheme and pathPrefix go with trustDomain, not id")
		}
		id, err := wimse.ParseID(fc.ID)
		if err != nil {
			return Client{}, bad("client.id", "%v", err)
		}
		c.ID = id
	case fc.TrustDomain != "":
		td, err := wimse.ParseTrustDomain(fc.TrustDomain)
		if err != nil {
			return Client{}, bad("client.trustDomain", "%v (a trust domain is a name, never a pattern)", err)
		}
		c.TrustDomain, c.Scheme, c.PathPrefix = td, fc.Scheme, fc.PathPrefix
	default:
		if fc.Scheme != "" || fc.PathPrefix != "" {
			return Client{}, bad("client", "scheme and pathPrefix go with trustDomain, not clientId")
		}
		c.ClientID = fc.ClientID
	}
	return c, c.check()
}

// Validate checks every rule, as Parse does; the error is a *wimse.Error
// with policy.malformed naming the rule index and field.
func (p *Policy) Validate() error {
	seen := make(map[string]int, len(p.Rules))
	for i := range p.Rules {
		r := &p.Rules[i]
		if err := r.check(); err != nil {
			return malformed("rule %d%s: %v", i, quoteName(r.Name), err)
		}
		if j, dup := seen[r.Name]; dup {
			return malformed("rule %d%s: field name: rule %d has the same name", i, quoteName(r.Name), j)
		}
		seen[r.Name] = i
	}
	return nil
}

// check validates one rule.
func (r *Rule) check() error {
	if r.Name == "" {
		return bad("name", "missing")
	}
	if err := r.Client.check(); err != nil {
		return err
	}
	if err := nonEmptyUnique("authMethods", r.AuthMethods, false); err != nil {
		return err
	}
	if err := nonEmptyUnique("subjectIssuers", r.SubjectIssuers, true); err != nil {
		return err
	}
	if err := nonEmptyUnique("subjectTokenTypes", r.SubjectTokenTypes, false); err != nil {
		return err
	}
	for i, t := range r.SubjectTokenTypes {
		if u, err := url.Parse(t); err != nil || !u.IsAbs() {
			return bad(fmt.Sprintf("subjectTokenTypes[%d]", i), "%q is not a token type URI (RFC 8693 §3)", t)
		}
	}
	switch {
	case r.Delegation && len(r.ActorIssuers) == 0:
		return bad("actorIssuers", "missing: delegation needs the actor token issuers it permits")
	case !r.Delegation && len(r.ActorIssuers) > 0:
		return bad("actorIssuers", "set without delegation")
	}
	if err := nonEmptyUnique("actorIssuers", r.ActorIssuers, false); err != nil {
		return err
	}
	if err := nonEmptyUnique("resources", r.Resources, false); err != nil {
		return err
	}
	for i, res := range r.Resources {
		if err := checkResource(res); err != nil {
			return bad(fmt.Sprintf("resources[%d]", i), "%v", err)
		}
	}
	if err := nonEmptyUnique("resourcePrefixes", r.ResourcePrefixes, false); err != nil {
		return err
	}
	for i, pre := range r.ResourcePrefixes {
		if err := checkPrefix(pre); err != nil {
			return bad(fmt.Sprintf("resourcePrefixes[%d]", i), "%v", err)
		}
	}
	if err := nonEmptyUnique("audiences", r.Audiences, false); err != nil {
		return err
	}
	if len(r.Resources)+len(r.ResourcePrefixes)+len(r.Audiences) == 0 {
		return bad("resources", "the rule permits no target: list resources, resourcePrefixes or audiences")
	}
	if r.MaxTargets < 0 {
		return bad("maxTargets", "%d is negative", r.MaxTargets)
	}
	if r.MaxLifetime <= 0 {
		return bad("maxLifetime", "%v is not positive", r.MaxLifetime)
	}
	return nil
}

// nonEmptyUnique checks a string list: no empty and no repeated value,
// and, when required, at least one value.
func nonEmptyUnique(field string, list []string, required bool) error {
	if required && len(list) == 0 {
		return bad(field, "missing")
	}
	for i, v := range list {
		if v == "" {
			return bad(fmt.Sprintf("%s[%d]", field, i), "empty")
		}
		if j := slices.Index(list[:i], v); j >= 0 {
			return bad(fmt.Sprintf("%s[%d]", field, i), "%q repeats %s[%d]", v, field, j)
		}
	}
	return nil
}

// check validates a client matcher.
func (c Client) check() error {
	set := 0
	for _, ok := range []bool{!c.ID.IsZero(), !c.TrustDomain.IsZero(), c.ClientID != ""} {
		if ok {
			set++
		}
	}
	if set != 1 {
		return bad("client", "needs exactly one of id, trustDomain or clientId")
	}
	if c.TrustDomain.IsZero() {
		if c.Scheme != "" || c.PathPrefix != "" {
			return bad("client", "scheme and pathPrefix go with trustDomain")
		}
		return nil
	}
	if c.Scheme != "wimse" && c.Scheme != "spiffe" {
		return bad("client.scheme", "%q is not wimse or spiffe (required with trustDomain)", c.Scheme)
	}
	if c.PathPrefix == "" {
		return nil
	}
	// A prefix is the path of an identifier of that trust domain: the same
	// segment rules, so that only canonical identifiers can match it.
	if !strings.HasPrefix(c.PathPrefix, "/") {
		return bad("client.pathPrefix", "%q does not start with '/'", c.PathPrefix)
	}
	if _, err := wimse.ParseID(c.Scheme + "://" + c.TrustDomain.String() + c.PathPrefix); err != nil {
		return bad("client.pathPrefix", "%v", err)
	}
	return nil
}
