// Package suite adapts the WIMSE conformance vectors to Ginkgo, so a Go
// implementer runs the whole suite inside their own `go test`, against an
// http.Handler or a URL, with Ginkgo's focus, label and report flags, and
// gets the same verdicts as `wimse conformance run` (both go through
// conformance.Runner).
//
// In a _test.go file of the implementer's package:
//
//	var _ = suite.Describe(suite.Options{
//		Draft:   "wpt-02",
//		Handler: myServer, // served on loopback; or set Config.Target
//		Config: func(base string) conformance.Config {
//			return conformance.Config{Audience: base}
//		},
//	})
//
//	func TestConformance(t *testing.T) {
//		gomega.RegisterFailHandler(ginkgo.Fail)
//		ginkgo.RunSpecs(t, "WIMSE conformance")
//	}
//
// Then `go test -ginkgo.label-filter='aud && !replay'` or
// `-ginkgo.focus=wpt-wth` select vectors; every vector is one spec, named
// by its ID and labelled with its draft, group and labels.
//
// Outcomes: pass passes; warn passes with a report entry; xfail passes with
// a report entry; unsupported is skipped with the reason; fail, xpass,
// error and blocked (a rejection whose valid source was not accepted:
// Runner.Play plays the source first) fail the spec.
package suite

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/vectors"
)

// Options configure the registered specs.
type Options struct {
	// Draft is the WPT revision the target implements (wpt-01 or wpt-02).
	Draft string
	// Handler, when set, is served on loopback (httptest) while the specs
	// run, and the target is its URL followed by /path.
	Handler http.Handler
	// Config returns the run configuration given the target's base URL
	// (the Handler's server URL, or "" without a Handler). Target, if empty,
	// is set to base + "/path"; Draft is set from Options.
	Config func(base string) conformance.Config
	// Set is the vector set; nil means the embedded one.
	Set *vectors.Set
	// ProfileFile, when set, is a target profile file read with
	// conformance.LoadProfile: the same file as `wimse conformance run
	// --target-config`. It declares the target's policy and capabilities;
	// it is used unless Config returns a Profile of its own.
	ProfileFile string
}

// Describe registers one ordered Ginkgo container with one spec per
// request vector of the draft. It returns true so it can initialise a
// package-level variable.
func Describe(opts Options) bool {
	set := opts.Set
	if set == nil {
		var err error
		if set, err = vectors.Load(vectors.FS); err != nil {
			panic(fmt.Sprintf("suite: load vectors: %v", err))
		}
	}
	var runner *conformance.Runner
	var srv *httptest.Server
	return ginkgo.Describe("WIMSE conformance "+opts.Draft, ginkgo.Ordered, ginkgo.ContinueOnFailure, ginkgo.Label(opts.Draft), func() {
		ginkgo.BeforeAll(func() {
			base := ""
			if opts.Handler != nil {
				srv = httptest.NewServer(opts.Handler)
				base = srv.URL
			}
			cfg := conformance.Config{}
			if opts.Config != nil {
				cfg = opts.Config(base)
			}
			if cfg.Target == "" {
				cfg.Target = base + "/path"
			}
			cfg.Draft, cfg.Set = opts.Draft, set
			if opts.ProfileFile != "" && cfg.Profile == nil {
				p, err := conformance.LoadProfile(opts.ProfileFile)
				if err != nil {
					ginkgo.Fail("suite: " + err.Error())
				}
				cfg.Profile = p
			}
			var err error
			runner, err = conformance.NewRunner(cfg)
			if err != nil {
				ginkgo.Fail("suite: " + err.Error())
			}
		})
		ginkgo.AfterAll(func() {
			if srv != nil {
				srv.Close()
			}
		})
		for _, f := range set.Files {
			for i := range f.Tests {
				v := &f.Tests[i]
				if v.Kind != vectors.KindRequest || !v.AppliesTo(opts.Draft) {
					continue
				}
				labels := append([]string{f.Group}, v.Labels...)
				ginkgo.It(v.ID+": "+v.Comment, ginkgo.Label(labels...), func(ctx context.Context) {
					res, err := runner.Play(ctx, v.ID)
					if err != nil {
						ginkgo.Skip(err.Error()) // not selected by the configuration
					}
					report(res)
				})
			}
		}
	})
}

// report turns a result into the spec's outcome.
func report(res conformance.Result) {
	switch res.Status {
	case conformance.StatusPass:
	case conformance.StatusWarn, conformance.StatusXFail:
		ginkgo.AddReportEntry(string(res.Status), res.Message)
	case conformance.StatusUnsupported, conformance.StatusSkip:
		ginkgo.Skip(res.Message)
	default:
		ginkgo.Fail(fmt.Sprintf("%s: %s\nexpected %s (status %d %s), observed status %d %s\nrequirements: %s\nreproduce: %s",
			res.Status, res.Message, res.Expected.Verdict, res.Expected.Status, res.Expected.Reason,
			res.Observed.Status, res.Observed.Reason, strings.Join(res.Requirements, ", "), res.Reproduce))
	}
}
