package policy

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/wimse-wg/wimse/wimse"
)

// validRule is a rule Parse accepts; cases mutate a copy.
func validRule() map[string]any {
	return map[string]any{
		"name":           "r",
		"client":         map[string]any{"id": "wimse://example.org/a"},
		"subjectIssuers": []any{"https://sts.example.org"},
		"resources":      []any{"https://api.example.org/"},
		"scopes":         []any{"read"},
		"maxLifetime":    "5m",
	}
}

func policyWith(rules ...map[string]any) []byte {
	rs := make([]any, len(rules))
	for i, r := range rules {
		rs[i] = r
	}
	b, err := json.Marshal(map[string]any{"version": 1, "rules": rs})
	if err != nil {
		panic(err)
	}
	return b
}

func TestParseValid(t *testing.T) {
	if _, err := Parse(policyWith(validRule())); err != nil {
		t.Fatalf("baseline rejected: %v", err)
	}
	// Comments, in any indentation, keep error lines right.
	src := "// a policy\n{\n  // version\n  \"version\": 1,\n\t// none\n  \"rules\": []\n}\n"
	if _, err := Parse([]byte(src)); err != nil {
		t.Fatalf("comments rejected: %v", err)
	}
	b, err := os.ReadFile("testdata/policy.json")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Rules) != 3 || p.Rules[1].Client.PathPrefix != "/orders" || p.Rules[2].MaxTargets != 2 {
		t.Errorf("testdata/policy.json read as %+v", p.Rules)
	}
}

// TestParseInvalid: each case breaks one field of rule 1 (rule 0 is
// valid); the error is policy.malformed and names the rule and the field.
func TestParseInvalid(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(r map[string]any)
		want   string // the field the error names
	}{
		{"unknown field", func(r map[string]any) { r["scope"] = "read" }, `unknown field "scope"`},
		{"unknown client field", func(r map[string]any) { r["client"] = map[string]any{"id": "wimse://example.org/a", "trust": "x"} }, `unknown field "trust"`},
		{"wrong type", func(r map[string]any) { r["scopes"] = "read" }, "field scopes"},
		{"no name", func(r map[string]any) { delete(r, "name") }, "field name"},
		{"duplicate name", func(r map[string]any) { r["name"] = "r" }, "field name"},
		{"no client", func(r map[string]any) { delete(r, "client") }, "field client"},
		{"two client matchers", func(r map[string]any) {
			r["client"] = map[string]any{"id": "wimse://example.org/a", "clientId": "a"}
		}, "field client"},
		{"non-canonical id", func(r map[string]any) { r["client"] = map[string]any{"id": "wimse://Example.org/a"} }, "field client.id"},
		{"wildcard trust domain", func(r map[string]any) {
			r["client"] = map[string]any{"trustDomain": "*.example.org", "scheme": "wimse"}
		}, "field client.trustDomain"},
		{"trust domain URI", func(r map[string]any) {
			r["client"] = map[string]any{"trustDomain": "wimse://example.org", "scheme": "wimse"}
		}, "field client.trustDomain"},
		{"trust domain without scheme", func(r map[string]any) {
			r["client"] = map[string]any{"trustDomain": "example.org"}
		}, "field client.scheme"},
		{"unknown scheme", func(r map[string]any) {
			r["client"] = map[string]any{"trustDomain": "example.org", "scheme": "https"}
		}, "field client.scheme"},
		{"prefix with trailing slash", func(r map[string]any) {
			r["client"] = map[string]any{"trustDomain": "example.org", "scheme": "wimse", "pathPrefix": "/a/"}
		}, "field client.pathPrefix"},
		{"prefix without leading slash", func(r map[string]any) {
			r["client"] = map[string]any{"trustDomain": "example.org", "scheme": "wimse", "pathPrefix": "a"}
		}, "field client.pathPrefix"},
		{"prefix with wildcard", func(r map[string]any) {
			r["client"] = map[string]any{"trustDomain": "example.org", "scheme": "wimse", "pathPrefix": "/a/*"}
		}, "field client.pathPrefix"},
		{"pathPrefix with id", func(r map[string]any) {
			r["client"] = map[string]any{"id": "wimse://example.org/a", "pathPrefix": "/a"}
		}, "field client"},
		{"no subject issuers", func(r map[string]any) { delete(r, "subjectIssuers") }, "field subjectIssuers"},
		{"empty issuer", func(r map[string]any) { r["subjectIssuers"] = []any{""} }, "field subjectIssuers[0]"},
		{"repeated issuer", func(r map[string]any) { r["subjectIssuers"] = []any{"a", "a"} }, "field subjectIssuers[1]"},
		{"token type not a URI", func(r map[string]any) { r["subjectTokenTypes"] = []any{"access_token"} }, "field subjectTokenTypes[0]"},
		{"delegation without actor issuers", func(r map[string]any) { r["delegation"] = true }, "field actorIssuers"},
		{"actor issuers without delegation", func(r map[string]any) { r["actorIssuers"] = []any{"x"} }, "field actorIssuers"},
		{"relative resource", func(r map[string]any) { r["resources"] = []any{"/api"} }, "field resources[0]"},
		{"resource with fragment", func(r map[string]any) { r["resources"] = []any{"https://a.example/#f"} }, "field resources[0]"},
		{"prefix without trailing slash", func(r map[string]any) { r["resourcePrefixes"] = []any{"https://a.example/v2"} }, "field resourcePrefixes[0]"},
		{"prefix with query", func(r map[string]any) { r["resourcePrefixes"] = []any{"https://a.example/?x=1/"} }, "field resourcePrefixes[0]"},
		{"prefix upper-case host", func(r map[string]any) { r["resourcePrefixes"] = []any{"https://A.example/"} }, "field resourcePrefixes[0]"},
		{"prefix with dot segment", func(r map[string]any) { r["resourcePrefixes"] = []any{"https://a.example/x/../"} }, "field resourcePrefixes[0]"},
		{"prefix with userinfo", func(r map[string]any) { r["resourcePrefixes"] = []any{"https://u@a.example/"} }, "field resourcePrefixes[0]"},
		{"prefix not hierarchical", func(r map[string]any) { r["resourcePrefixes"] = []any{"urn:example:/"} }, "field resourcePrefixes[0]"},
		{"no target", func(r map[string]any) { delete(r, "resources") }, "field resources"},
		{"maxTargets zero", func(r map[string]any) { r["maxTargets"] = 0 }, "field maxTargets"},
		{"bad scope token", func(r map[string]any) { r["scopes"] = []any{"a b"} }, "field scopes"},
		{"repeated scope", func(r map[string]any) { r["scopes"] = []any{"a", "a"} }, "field scopes"},
		{"no lifetime", func(r map[string]any) { delete(r, "maxLifetime") }, "field maxLifetime"},
		{"lifetime not a duration", func(r map[string]any) { r["maxLifetime"] = "10" }, "field maxLifetime"},
		{"negative lifetime", func(r map[string]any) { r["maxLifetime"] = "-1m" }, "field maxLifetime"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := validRule()
			r["name"] = "second"
			tt.mutate(r)
			_, err := Parse(policyWith(validRule(), r))
			if got := wimse.ReasonOf(err); got != wimse.ReasonPolicyMalformed {
				t.Fatalf("reason: got %q (%v), want policy.malformed", got, err)
			}
			// The error names the rule and field: part of the contract
			// (a person fixes the file from it), so checked here.
			for _, s := range []string{"rule 1", tt.want} {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not name %q", err, s)
				}
			}
		})
	}
}

func TestParseInvalidFile(t *testing.T) {
	tests := map[string]string{
		"not JSON":          "{",
		"syntax error line": "{\n\"version\": 1,\n\"rules\": [,]\n}",
		"array":             "[]",
		"no version":        `{"rules": []}`,
		"version 2":         `{"version": 2, "rules": []}`,
		"no rules":          `{"version": 1}`,
		"rules not array":   `{"version": 1, "rules": {}}`,
		"unknown top field": `{"version": 1, "rules": [], "default": "allow"}`,
		"duplicate member":  `{"version": 1, "version": 1, "rules": []}`,
		"duplicate in rule": `{"version": 1, "rules": [{"name": "a", "name": "b"}]}`,
		"trailing data":     `{"version": 1, "rules": []} {}`,
		"trailing bracket":  `{"version": 1, "rules": []}]`,
		"inline comment":    `{"version": 1, "rules": []} // no`,
		"null rule":         `{"version": 1, "rules": [null]}`,
	}
	for name, src := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(src))
			if got := wimse.ReasonOf(err); got != wimse.ReasonPolicyMalformed {
				t.Errorf("reason: got %q (%v), want policy.malformed", got, err)
			}
		})
	}
	_, err := Parse([]byte("{\n\"version\": 1,\n\"rules\": [,]\n}"))
	if err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("syntax error %v does not name line 3", err)
	}
	if _, err := Load("testdata/missing.json"); wimse.ReasonOf(err) != wimse.ReasonPolicyMalformed {
		t.Errorf("Load of a missing file: %v", err)
	}
}

func TestValidate(t *testing.T) {
	r := Rule{Name: "x", Client: Client{ClientID: "c"}, SubjectIssuers: []string{"i"}, Audiences: []string{"a"}}
	err := (&Policy{Rules: []Rule{r}}).Validate()
	if wimse.ReasonOf(err) != wimse.ReasonPolicyMalformed || !strings.Contains(err.Error(), "maxLifetime") {
		t.Errorf("zero MaxLifetime: got %v", err)
	}
	r.Client.Scheme = "wimse"
	if err := (&Policy{Rules: []Rule{r}}).Validate(); err == nil {
		t.Error("scheme with clientId accepted")
	}
}

func TestUnder(t *testing.T) {
	tests := []struct {
		path, prefix string
		want         bool
	}{
		{"/a", "", true},
		{"", "", true},
		{"/a", "/a", true},
		{"/a/b", "/a", true},
		{"/ab", "/a", false},
		{"/a", "/a/b", false},
		{"/b/a", "/a", false},
	}
	for _, tt := range tests {
		if got := under(tt.path, tt.prefix); got != tt.want {
			t.Errorf("under(%q, %q): got %v, want %v", tt.path, tt.prefix, got, tt.want)
		}
	}
}
