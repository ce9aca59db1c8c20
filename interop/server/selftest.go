package server

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/internal/mutant"
)

// MutantResult says whether the suite caught one mutant of the reference
// server.
type MutantResult struct {
	Reason      string
	Level       string
	Description string
	// DetectedBy lists (up to five) vectors that failed against the mutant,
	// as "draft/id".
	DetectedBy []string
}

// Detected reports whether at least one vector failed.
func (m MutantResult) Detected() bool { return len(m.DetectedBy) > 0 }

// SelfTest runs the suite against the reference server with each mutable
// check disabled in turn (internal/mutant.Checks) and reports which mutants
// the vectors catch. The unmutated server must pass first, or the self-test
// proves nothing. Reason codes are scored (the reference server emits
// them), so a mutant whose token a later check still rejects is caught by
// the reason it answers with. base configures selection and timeouts;
// Target, Profile, Draft and ScoreReasons are set here.
func SelfTest(ctx context.Context, base conformance.Config) ([]MutantResult, error) {
	// SHOULD-level checks count too: a mutant that only earns a warning
	// would otherwise look undetected.
	base.ScoreReasons, base.Strict = true, true
	drafts := []string{"wpt-02", "wpt-01", "http-signature-07", "http-signature-06"}
	for _, d := range drafts {
		cfg := base
		cfg.Draft = d
		rep, err := RunSuite(ctx, cfg, nil)
		if err != nil {
			return nil, err
		}
		if !rep.Conformant {
			return nil, fmt.Errorf("selftest: the unmutated reference server is not conformant under %s (%s)", d, rep.SummaryLine())
		}
	}
	checks := mutant.Checks()
	out := make([]MutantResult, len(checks))
	errs := make([]error, len(checks))
	sem := make(chan struct{}, 4) // mutants in flight; each runs its own servers
	var wg sync.WaitGroup
	for i, c := range checks {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			out[i], errs[i] = playMutant(ctx, base, c, drafts)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

func playMutant(ctx context.Context, base conformance.Config, c mutant.Check, drafts []string) (MutantResult, error) {
	res := MutantResult{Reason: c.Reason, Level: c.Level, Description: c.Description}
	for _, d := range drafts {
		cfg := base
		cfg.Draft = d
		rep, err := RunSuite(ctx, cfg, mutant.New(c.Reason))
		if err != nil {
			return res, fmt.Errorf("selftest: mutant %s: %w", c.Reason, err)
		}
		for _, r := range rep.Results {
			if (r.Status == conformance.StatusFail || r.Status == conformance.StatusXPass) && len(res.DetectedBy) < 5 {
				res.DetectedBy = append(res.DetectedBy, d+"/"+r.ID)
			}
		}
		if res.Detected() {
			break
		}
	}
	return res, nil
}
