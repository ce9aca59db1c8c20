package clientrole_test

import (
	"context"
	"strings"
	"testing"

	"github.com/wimse-wg/wimse/conformance/clientrole"
)

// TestSelfTest: every client mutant of this module's transports is caught
// by at least one client-role scenario.
func TestSelfTest(t *testing.T) {
	if testing.Short() {
		t.Skip("plays every scenario once per client mutant")
	}
	ds, err := clientrole.SelfTest(context.Background(), fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if !d.Detected {
			t.Errorf("client mutant %s (%s) is not detected", d.Check.Reason, d.Check.Description)
			continue
		}
		t.Logf("%-32s %-6s %v caught by %s", d.Check.Reason, d.Check.Level, d.Check.Requirements, strings.Join(d.Failed, ", "))
	}
	t.Log(clientrole.SelfTestSummary(ds))
}
