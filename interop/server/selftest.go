package server

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/internal/mutant"
	"github.com/wimse-wg/wimse/profiles/mtls"
	"github.com/wimse-wg/wimse/vectors"
	"github.com/wimse-wg/wimse/wimse"
)

// MutantResult says whether the suite caught one mutant of the reference
// server.
type MutantResult struct {
	Reason      string
	Level       string
	Description string
	// DetectedBy lists (up to five) vectors that failed against the mutant,
	// as "draft/id": the draft is "mtls" for client-role mtls vectors
	// played over TLS, "mtls-offline" for server-role ones played through
	// profiles/mtls.
	DetectedBy []string
}

// Detected reports whether at least one vector failed.
func (m MutantResult) Detected() bool { return len(m.DetectedBy) > 0 }

// mtlsDraft and mtlsOfflineDraft name where an mtls mutant was detected.
const (
	mtlsDraft        = vectors.SignalMTLS
	mtlsOfflineDraft = "mtls-offline"
)

// selfTestDrafts are the request drafts the self-tests play.
var selfTestDrafts = []string{"wpt-02", "wpt-01", "http-signature-07", "http-signature-06"}

// SelfTest runs the suite against the reference server with each mutable
// check disabled in turn (internal/mutant.Checks) and reports which mutants
// the vectors catch. The unmutated server must pass first, or the self-test
// proves nothing. Reason codes are scored (the reference server emits
// them), so a mutant whose token a later check still rejects is caught by
// the reason it answers with. base configures selection and timeouts;
// Target, Profile, Draft, Kinds, ScoreReasons and FailFast are set here.
//
// A mutant is detected at its first failing vector: each of its runs is
// played with FailFast and ends there. The vectors that expect the
// mutant's reason are played first (with their valid sources, each draft
// in turn, most such vectors first); only if none of them fails is the
// whole suite played, draft by draft. Either way a detection is a vector
// of the suite failing against the mutant, as it would in a full run
// (vectors do not depend on each other beyond their sources).
//
// The request drafts play the wit.*, wpt.*, httpsig.* and request.*
// mutants. An mtls.* mutant is played with the client-role mtls vectors
// over TLS against the reference server with the mtls profile (see
// RunMTLSSuite), whose handshake verdict carries no reason: the mutant must
// change a verdict. A check the reference server never makes, because it
// only judges clients and no client-role vector expects its reason
// (mtls.dns_id and mtls.peer_identity: a TLS client's checks of the
// server), is played instead with the server-role mtls vectors offline,
// through profiles/mtls.VerifyPeer with the mutant, as the runner's own
// client would judge them.
func SelfTest(ctx context.Context, base conformance.Config) ([]MutantResult, error) {
	// SHOULD-level checks count too: a mutant that only earns a warning
	// would otherwise look undetected.
	base.ScoreReasons, base.Strict, base.FailFast = true, true, false
	if base.Set == nil {
		var err error
		if base.Set, err = vectors.Load(vectors.FS); err != nil {
			return nil, err
		}
	}
	for _, d := range selfTestDrafts {
		cfg := base
		cfg.Draft = d
		rep, err := RunSuite(ctx, cfg, nil)
		if err != nil {
			return nil, err
		}
		if !rep.Conformant {
			return nil, fmt.Errorf("selftest: the unmutated reference server is not conformant under %s (%s)%s", d, rep.SummaryLine(), firstProblems(rep, 3))
		}
	}
	rep, err := RunMTLSSuite(ctx, base, nil)
	if err != nil {
		return nil, err
	}
	if !rep.Conformant {
		return nil, fmt.Errorf("selftest: the unmutated reference server is not conformant under mtls (%s)%s", rep.SummaryLine(), firstProblems(rep, 3))
	}
	off, err := newOfflineMTLS(base)
	if err != nil {
		return nil, err
	}
	if found := off.play(nil, 1); len(found) > 0 {
		return nil, fmt.Errorf("selftest: profiles/mtls without a mutant fails server-role vector %s", found[0])
	}
	base.FailFast = true
	expecting := expectingReason(base.Set)
	checks := mutant.Checks()
	// Four mutants in flight; each runs its own servers.
	return inParallel(len(checks), 4, func(i int) (MutantResult, error) {
		return playMutant(ctx, base, checks[i], expecting[checks[i].Reason], off)
	})
}

// expectingReason maps a reason code to the request vectors that expect
// it, per draft.
func expectingReason(set *vectors.Set) map[string]map[string][]string {
	out := map[string]map[string][]string{}
	for _, v := range set.Vectors() {
		if v.Kind != vectors.KindRequest || v.Expect.Reason == "" {
			continue
		}
		if out[v.Expect.Reason] == nil {
			out[v.Expect.Reason] = map[string][]string{}
		}
		for _, d := range v.Drafts {
			out[v.Expect.Reason][d] = append(out[v.Expect.Reason][d], v.ID)
		}
	}
	return out
}

// playMutant plays the suite against the reference server with check c
// disabled until a vector fails: first the vectors expecting c's reason
// (expecting, per draft), then the whole suite, under the drafts with the
// most such vectors first. base has FailFast set.
func playMutant(ctx context.Context, base conformance.Config, c mutant.Check, expecting map[string][]string, off *offlineMTLS) (MutantResult, error) {
	res := MutantResult{Reason: c.Reason, Level: c.Level, Description: c.Description}
	m := mutant.New(c.Reason)
	if strings.HasPrefix(c.Reason, "mtls.") {
		if !off.clientReasons[c.Reason] {
			res.DetectedBy = off.play(m, 5)
			return res, nil
		}
		rep, err := RunMTLSSuite(ctx, base, m)
		if err != nil {
			return res, fmt.Errorf("selftest: mutant %s: %w", c.Reason, err)
		}
		res.DetectedBy = failed(rep, mtlsDraft, nil)
		return res, nil
	}
	drafts := slices.Clone(selfTestDrafts)
	slices.SortStableFunc(drafts, func(a, b string) int { return len(expecting[b]) - len(expecting[a]) })
	play := func(d string, ids []string) (bool, error) {
		cfg := base
		cfg.Draft = d
		if ids != nil {
			if len(base.IDs) > 0 {
				ids = slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return !slices.Contains(base.IDs, id) })
			}
			if len(ids) == 0 {
				return false, nil
			}
			cfg.IDs = ids
		}
		rep, err := RunSuite(ctx, cfg, m)
		if errors.Is(err, conformance.ErrNoVectors) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("selftest: mutant %s under %s: %w", c.Reason, d, err)
		}
		res.DetectedBy = failed(rep, d, res.DetectedBy)
		return res.Detected(), nil
	}
	for _, d := range drafts {
		if ids := expecting[d]; len(ids) > 0 {
			if done, err := play(d, ids); done || err != nil {
				return res, err
			}
		}
	}
	for _, d := range drafts {
		if done, err := play(d, nil); done || err != nil {
			return res, err
		}
	}
	return res, nil
}

// firstProblems lists (up to n) results of rep that keep it from being
// conformant, as "; draft/id status: message".
func firstProblems(rep *conformance.Report, n int) string {
	var b strings.Builder
	for _, r := range rep.Results {
		if n == 0 {
			break
		}
		if r.Status == conformance.StatusUnsupported || passed(r.Status) {
			continue
		}
		fmt.Fprintf(&b, "; %s/%s %s: %s", r.Draft, r.ID, r.Status, r.Message)
		n--
	}
	return b.String()
}

// failed appends to out (up to five) the vectors of rep that failed, as
// "draft/id".
func failed(rep *conformance.Report, draft string, out []string) []string {
	for _, r := range rep.Results {
		if (r.Status == conformance.StatusFail || r.Status == conformance.StatusXPass) && len(out) < 5 {
			out = append(out, draft+"/"+r.ID)
		}
	}
	return out
}

// offlineMTLS plays the server-role mtls vectors, which the runner cannot
// play against a target, through profiles/mtls.VerifyPeer in the client's
// place: the vector's expected identifier and DNS name, the suite's X.509
// roots (requirements.json).
type offlineMTLS struct {
	vectors []*vectors.Vector
	trust   *wimse.TrustStore
	now     func() time.Time
	// clientReasons are the reasons client-role vectors expect: the checks
	// the reference server makes.
	clientReasons map[string]bool
}

func newOfflineMTLS(cfg conformance.Config) (*offlineMTLS, error) {
	set := cfg.Set
	if set == nil {
		var err error
		if set, err = vectors.Load(vectors.FS); err != nil {
			return nil, err
		}
	}
	o := &offlineMTLS{trust: wimse.NewTrustStore(), now: cfg.Now, clientReasons: map[string]bool{}}
	if o.now == nil {
		o.now = time.Now
	}
	if err := vectors.AddX509Roots(o.trust, set.Requirements.X509Roots); err != nil {
		return nil, err
	}
	for _, v := range set.Vectors() {
		if v.Kind != vectors.KindMTLS || v.Input == nil || v.Input.Certificates == nil {
			continue
		}
		switch v.Input.Certificates.Role {
		case vectors.RoleClient:
			if v.Expect.Reason != "" {
				o.clientReasons[v.Expect.Reason] = true
			}
		case vectors.RoleServer:
			o.vectors = append(o.vectors, v)
		}
	}
	return o, nil
}

// play returns (up to max) the server-role vectors whose verdict or reason
// under mutant m differs from the expectation, as "mtls-offline/id".
func (o *offlineMTLS) play(m *mutant.Set, max int) []string {
	var out []string
	for _, v := range o.vectors {
		if len(out) < max && !o.passes(v, m) {
			out = append(out, mtlsOfflineDraft+"/"+v.ID)
		}
	}
	return out
}

// passes reports whether profiles/mtls with mutant m judges v as expected.
// A vector whose certificates or expected identifier do not parse fails.
func (o *offlineMTLS) passes(v *vectors.Vector, m *mutant.Set) bool {
	in := v.Input.Certificates
	chain, err := in.ParseChain()
	if err != nil {
		return false
	}
	opts := []mtls.Option{mtls.WithMutant(m)}
	if in.ExpectedID != "" {
		id, err := wimse.ParseID(in.ExpectedID)
		if err != nil {
			return false
		}
		opts = append(opts, mtls.WithExpectedID(id))
	}
	if in.DNSName != "" {
		opts = append(opts, mtls.WithDNSName(in.DNSName))
	}
	_, err = mtls.VerifyPeer(chain, o.trust, mtls.Server, o.now(), opts...)
	verdict := "accept"
	if err != nil {
		verdict = "reject"
	}
	return verdict == v.Expect.Verdict && string(wimse.ReasonOf(err)) == v.Expect.Reason
}

// inParallel runs f(0) ... f(n-1) with at most limit in flight and returns
// their results in order, or the errors joined.
func inParallel[T any](n, limit int, f func(i int) (T, error)) ([]T, error) {
	out := make([]T, n)
	errs := make([]error, n)
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			out[i], errs[i] = f(i)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}
