package suite

import (
	"context"
	"sync"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/wimse-wg/wimse/conformance"
)

// Describe registers one ordered Ginkgo container, "WIMSE conformance
// [Name] Draft", with one spec per vector the runner selects for the
// options; each spec, named "<vector ID>: <comment>" and labelled with
// the draft, Name, the vector's group and its labels, plays its vector
// with conformance.Runner.Play. Call it at package level (var _ =
// suite.Describe(...)) or inside a container of your own; it returns true.
//
// Every spec, and every failure, is located at the line that called
// Describe. Invalid options (an unknown Draft, an unreadable ProfileFile,
// both Handler and Target, ...; see Options.Validate) register a single
// failing spec, "setup", that says what is wrong: a typo never gives a
// green run of zero specs. The Handler is built and served in the
// container's BeforeAll, and stopped in its AfterAll.
func Describe(opts Options) bool {
	loc := types.NewCodeLocation(1)
	container := "WIMSE conformance " + opts.Draft
	if opts.Name != "" {
		container = "WIMSE conformance " + opts.Name + " " + opts.Draft
	}
	p, err := opts.plan()
	if err != nil {
		return ginkgo.Describe(container, loc, func() {
			ginkgo.It("setup", loc, func() { failAt(loc, err.Error()) })
		})
	}
	rep := newReporter(loc, container, p.cfg.Set)
	if p.cfg.Reproduce == nil {
		p.cfg.Reproduce = rep.reproduce
	}
	labels := []string{opts.Draft}
	if opts.Name != "" {
		labels = append(labels, opts.Name)
	}
	var (
		runner   *conformance.Runner
		srv      *loopback
		setupErr error
		reported sync.Once
	)
	return ginkgo.Describe(container, loc, ginkgo.Ordered, ginkgo.ContinueOnFailure, ginkgo.Label(labels...), func() {
		ginkgo.BeforeAll(func() {
			cfg := p.cfg
			cfg.Target = opts.Target
			if opts.Handler != nil {
				if srv, setupErr = serve(opts, cfg); setupErr != nil {
					return
				}
				cfg.Target = srv.base + "/path"
				if srv.client != nil {
					cfg.Client = srv.client
				}
			}
			runner, setupErr = conformance.NewRunner(cfg)
		}, loc)
		ginkgo.AfterAll(func() {
			if srv != nil {
				srv.close()
			}
		}, loc)
		for _, v := range p.selected {
			labels := append([]string{p.groups[v.ID]}, v.Labels...)
			id, comment := v.ID, v.Comment
			ginkgo.It(id+": "+comment, loc, ginkgo.Label(labels...), func(ctx context.Context) {
				if setupErr != nil {
					// Once, on the first spec that runs; the others are
					// skipped for the same reason.
					first := false
					reported.Do(func() { first = true })
					if first {
						failAt(loc, setupErr.Error())
						return
					}
					ginkgo.Skip("not played: " + setupErr.Error())
				}
				res, err := runner.Play(ctx, id)
				if err != nil {
					failAt(loc, err.Error())
					return
				}
				outcome(loc, rep, res, comment)
			})
		}
	})
}

// outcome turns a result into the spec's outcome: pass passes; warn and
// xfail pass with a report entry; unsupported and skip are skipped with the
// reason; fail, xpass, blocked and error fail at loc with rep's message.
func outcome(loc types.CodeLocation, rep *reporter, res conformance.Result, comment string) {
	switch res.Status {
	case conformance.StatusPass:
	case conformance.StatusWarn, conformance.StatusXFail:
		ginkgo.AddReportEntry(string(res.Status), rep.message(res, comment), loc)
	case conformance.StatusUnsupported:
		ginkgo.Skip("unsupported: " + res.Message)
	case conformance.StatusSkip:
		ginkgo.Skip("not selected: " + res.Message)
	default:
		failAt(loc, rep.message(res, comment))
	}
}
