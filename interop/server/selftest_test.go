package server_test

import (
	"context"
	"strings"
	"testing"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/internal/mutant"
	"github.com/wimse-wg/wimse/interop/server"
)

// TestSelfTestDetectsEveryMutant: the suite catches the reference server
// with any single mutable check disabled (issue 4, item 7).
func TestSelfTestDetectsEveryMutant(t *testing.T) {
	if testing.Short() {
		t.Skip("the self-test plays the suite against every mutant")
	}
	t.Parallel()
	res, err := server.SelfTest(context.Background(), conformance.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(res), len(mutant.Checks()); got != want {
		t.Fatalf("%d mutants played, want %d", got, want)
	}
	for _, m := range res {
		if !m.Detected() {
			t.Errorf("mutant %s (%s: %s) is not detected by any vector", m.Reason, m.Level, m.Description)
		}
	}
}

// TestFalsePositiveVariants: conformant policy variants of the reference
// server, each declared by its profile, come out conformant under every
// draft they declare: no fail, blocked or error (issue 8, item 3).
func TestFalsePositiveVariants(t *testing.T) {
	if testing.Short() {
		t.Skip("plays the whole suite against every variant")
	}
	t.Parallel()
	res, err := server.FalsePositiveTest(context.Background(), conformance.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) < 8 {
		t.Fatalf("%d variants played, want at least 8", len(res))
	}
	for _, v := range res {
		want := v.Profile.Revisions
		if want == nil {
			want = conformance.AllRevisions
		}
		if len(v.Reports) != len(want) {
			t.Errorf("%s: played %d drafts, the profile declares %v", v.Name, len(v.Reports), want)
		}
		if !v.Conformant() {
			t.Errorf("FALSE ALARM %s:\n\t%s", v.Name, strings.Join(v.FalseAlarms(20), "\n\t"))
		}
		if v.Count(conformance.StatusPass) == 0 {
			t.Errorf("%s: nothing passed", v.Name)
		}
		if notes := v.ReasonMismatches(20); len(notes) > 0 {
			t.Logf("%s: right verdict, another reason code:\n\t%s", v.Name, strings.Join(notes, "\n\t"))
		}
	}
}
