package policy

import (
	"fmt"
	"testing"

	"github.com/wimse-wg/wimse/tokens/scope"
)

// TestNarrowScope: a rule with scopeOverreach narrow grants the part of a
// requested scope within its ceiling; one with none within is still
// denied; the default rule denies any overreach; a bad value is malformed.
func TestNarrowScope(t *testing.T) {
	const file = `{"version": 1, "rules": [{"name": "r", "client": {"clientId": "c"}, "subjectIssuers": ["https://issuer.example"],
		"impersonation": true, "resources": ["https://api.example/"], "scopes": ["a", "b"], "scopeOverreach": %q, "maxLifetime": "10m"}]}`
	in := func(s string) Input {
		sc, err := scope.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return Input{ClientID: "c", Subject: Party{Issuer: "https://issuer.example", Subject: "u"}, Resources: []string{"https://api.example/"}, Scope: sc}
	}
	parse := func(mode string) *Policy {
		p, err := Parse([]byte(fmt.Sprintf(file, mode)))
		if err != nil {
			t.Fatalf("%s: %v", mode, err)
		}
		return p
	}
	narrow := parse("narrow")
	if d := narrow.Evaluate(in("a admin")); !d.Allowed || d.Scope.String() != "a" || !d.NarrowScope {
		t.Errorf("narrow, a admin: allowed %v scope %q narrow %v", d.Allowed, d.Scope.String(), d.NarrowScope)
	}
	if d := narrow.Evaluate(in("admin")); d.Allowed {
		t.Error("narrow, admin only: allowed")
	}
	for _, mode := range []string{"", "reject"} {
		if d := parse(mode).Evaluate(in("a admin")); d.Allowed {
			t.Errorf("%q, a admin: allowed", mode)
		}
	}
	if _, err := Parse([]byte(fmt.Sprintf(file, "widen"))); err == nil {
		t.Error("scopeOverreach widen parses")
	}
}
