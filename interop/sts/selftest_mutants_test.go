package sts_test

import (
	"context"
	"slices"
	"testing"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/interop/sts"
	"github.com/wimse-wg/wimse/vectors"
)

// TestSelfTestDetectsEveryMutant: every check of the reference STS's
// token endpoint that the self-test can disable is caught by at least one
// token endpoint vector.
func TestSelfTestDetectsEveryMutant(t *testing.T) {
	results, err := sts.SelfTest(context.Background(), conformance.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) < 10 {
		t.Fatalf("%d mutants", len(results))
	}
	for _, m := range results {
		for _, q := range m.Check.Requirements {
			if !slices.ContainsFunc(vectors.Requirements, func(r vectors.Requirement) bool { return r.ID == q }) {
				t.Errorf("mutant %s cites unknown requirement %s", m.Check.Reason, q)
			}
		}
		if !m.Detected() {
			t.Errorf("mutant %s (%s) is not detected", m.Check.Reason, m.Check.Description)
			continue
		}
		t.Logf("%-28s %-6s detected by %v", m.Check.Reason, m.Check.Level, m.DetectedBy)
	}
}

// TestVariantsConformant: each declared variant of the reference STS
// comes out conformant, with nothing failed, warned, errored or blocked.
func TestVariantsConformant(t *testing.T) {
	for _, v := range sts.Variants {
		rep, err := sts.RunVariant(context.Background(), conformance.Config{}, v)
		if err != nil {
			t.Fatal(err)
		}
		c := rep.Summary.Counts
		if !rep.Conformant || c[conformance.StatusWarn] > 0 || c[conformance.StatusPass] < 30 {
			for _, r := range rep.Results {
				if r.Status != conformance.StatusPass && r.Status != conformance.StatusUnsupported {
					t.Errorf("%s: %s %s: %s", v.Name, r.Status, r.ID, r.Message)
				}
			}
		}
		t.Logf("%s: %s (%d unsupported)", v.Name, rep.SummaryLine(), c[conformance.StatusUnsupported])
	}
}
