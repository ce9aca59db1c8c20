package server_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/interop/server"
	"github.com/wimse-wg/wimse/profiles/problem"
	"github.com/wimse-wg/wimse/vectors"
)

// TestRunnerAgainstEitherProblemDetail: the conformance runner reads the
// reason and the detail of problem bodies, so it is played against the
// reference server under both settings of Config.ProblemDetail (issue 9,
// item 7). Both come out conformant with reasons scored; the runner shows
// the detail when the server discloses it, and the title when it does not.
func TestRunnerAgainstEitherProblemDetail(t *testing.T) {
	set, err := vectors.Load(vectors.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []problem.Disclosure{problem.Minimal, problem.Full} {
		t.Run(d.String(), func(t *testing.T) {
			run, err := server.StartLoopback(func(base string) (server.Config, error) {
				c, err := server.SuiteConfig(vectors.DefaultSeed, base)
				c.ProblemDetail = d
				return c, err
			}, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer run.Close()
			for _, draft := range []string{"wpt-02", "wpt-01", "http-signature-07"} {
				rep, err := conformance.Run(context.Background(), conformance.Config{
					Target: run.URL + "/path", Profile: conformance.DefaultProfile(), Draft: draft,
					ScoreReasons: true, Set: set,
				})
				if err != nil {
					t.Fatalf("%s: %v", draft, err)
				}
				if !rep.Conformant {
					t.Fatalf("%s: not conformant under %s: %s", draft, d, rep.SummaryLine())
				}
				rejected, detailed := 0, 0
				for _, r := range rep.Results {
					o := r.Observed
					if o.Status < 400 || o.ContentType != "application/problem+json" {
						continue
					}
					rejected++
					if o.Reason == "" {
						t.Errorf("%s/%s: no reason read from the problem body", draft, r.ID)
					}
					if o.Detail != http.StatusText(o.Status) {
						detailed++
					}
				}
				switch {
				case rejected == 0:
					t.Errorf("%s: no problem body seen", draft)
				case d == problem.Minimal && detailed != 0:
					t.Errorf("%s: %d of %d minimal answers showed a detail", draft, detailed, rejected)
				case d == problem.Full && detailed != rejected:
					t.Errorf("%s: %d of %d full answers showed a detail", draft, detailed, rejected)
				}
			}
		})
	}
}
