package main

import (
	"testing"

	"github.com/wimse-wg/wimse/conformance"
)

// TestExitCode: a run with blocked vectors is not conformant, even when
// the source that blocks them is an expected failure.
func TestExitCode(t *testing.T) {
	cases := []struct {
		name     string
		statuses []conformance.Status
		want     int
	}{
		{"all pass", []conformance.Status{conformance.StatusPass, conformance.StatusWarn}, exitConformant},
		{"a failure", []conformance.Status{conformance.StatusPass, conformance.StatusFail}, exitNonConformant},
		{"an xpass", []conformance.Status{conformance.StatusXPass}, exitNonConformant},
		{"an error", []conformance.Status{conformance.StatusPass, conformance.StatusError}, exitIncomplete},
		{"blocked behind an expected failure", []conformance.Status{conformance.StatusXFail, conformance.StatusBlocked}, exitNonConformant},
		{"unsupported only beside passes", []conformance.Status{conformance.StatusPass, conformance.StatusUnsupported}, exitConformant},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep := &conformance.Report{}
			for i, s := range c.statuses {
				rep.Results = append(rep.Results, conformance.Result{ID: string(rune('a' + i)), Status: s})
			}
			rep.Finalize()
			if got := exitCode(rep); got != c.want {
				t.Errorf("exit %d, want %d", got, c.want)
			}
		})
	}
}
