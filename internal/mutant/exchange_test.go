package mutant

import (
	"strings"
	"testing"
)

// TestExchangeChecks: the token endpoint checks are sorted, unique,
// leveled and described, and apart from the verifier's checks.
func TestExchangeChecks(t *testing.T) {
	cs := ExchangeChecks()
	if len(cs) == 0 {
		t.Fatal("no checks")
	}
	for i, c := range cs {
		if i > 0 && cs[i-1].Reason >= c.Reason {
			t.Errorf("checks not sorted and unique at %s", c.Reason)
		}
		if c.Level != MUST && c.Level != SHOULD {
			t.Errorf("%s: level %q", c.Reason, c.Level)
		}
		if c.Description == "" || strings.Contains(c.Description, "\n") || len(c.Requirements) == 0 {
			t.Errorf("%s: description or requirements missing", c.Reason)
		}
		if Known(c.Reason) {
			t.Errorf("%s is a verifier check too", c.Reason)
		}
	}
}
