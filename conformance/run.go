package conformance

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/wimse-wg/wimse/profiles/httpsig"
	"github.com/wimse-wg/wimse/profiles/httpsig/rfc9421"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/wimse"

	"github.com/wimse-wg/wimse/vectors"
)

// ReportSchema names the JSON report format.
const ReportSchema = "wimse_conformance_report_v1"

// ErrNoVectors is returned when the selection matches nothing (exit 5).
var ErrNoVectors = errors.New("conformance: no vector matched the selection")

// ErrUnreachable is returned, with the partial report, when the first
// UnreachableAfter results of a run are all transport errors and
// Config.KeepGoing is not set (exit 3): the target is down, or speaks
// another scheme (TLS to a plain-HTTP server, or the reverse).
var ErrUnreachable = errors.New("conformance: the target is unreachable")

// UnreachableAfter is the number of transport errors in a row, at the
// start of a run, after which Run gives up (see ErrUnreachable).
const UnreachableAfter = 5

// Runner plays vectors against one target. It is safe for concurrent use.
type Runner struct {
	cfg      Config
	labels   func([]string) bool
	keys     *vectors.KeySet
	target   *url.URL
	base     string
	reqs     map[string]vectors.Requirement
	client   *http.Client
	replace  []string
	prof     *Profile
	selected []selectedVector
	mtls     *mtlsState // set when mtls vectors are played
}

// NewRunner validates cfg, loads the vectors and selects those that apply.
func NewRunner(cfg Config) (*Runner, error) {
	labels, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	r := &Runner{cfg: cfg, labels: labels}
	if r.cfg.Set == nil {
		if r.cfg.Set, err = vectors.Load(vectors.FS); err != nil {
			return nil, err
		}
	}
	seed := cfg.Seed
	if seed == "" {
		seed = vectors.DefaultSeed
	}
	if r.keys, err = vectors.DeriveKeys(seed); err != nil {
		return nil, err
	}
	if r.target, err = url.Parse(cfg.Target); err != nil || (r.target.Scheme != "http" && r.target.Scheme != "https") || r.target.Host == "" {
		return nil, fmt.Errorf("conformance: target %q is not an absolute http(s) URL", cfg.Target)
	}
	r.prof = cfg.Profile
	if r.prof == nil {
		r.prof = &Profile{}
	}
	if r.prof.Path != "" {
		r.target.Path, r.target.RawPath = r.prof.Path, ""
	}
	r.base = strings.TrimSuffix(firstNonEmpty(r.prof.Audience, cfg.Audience, r.target.Scheme+"://"+r.target.Host), "/")
	r.replace = replacements(r.prof)
	r.reqs = map[string]vectors.Requirement{}
	for _, q := range r.cfg.Set.Requirements.Requirements {
		r.reqs[q.ID] = q
	}
	r.client = cfg.Client
	if r.client == nil {
		r.client = &http.Client{}
	}
	// Each request is bounded by the timeout; redirects are answers, not
	// something to follow.
	c := *r.client
	c.Timeout = orDefault(cfg.Timeout, DefaultTimeout)
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	r.client = &c
	if err := r.initMTLS(); err != nil {
		return nil, err
	}
	for _, f := range r.cfg.Set.Files {
		for i := range f.Tests {
			v := &f.Tests[i]
			if !r.plays(v) || !r.selects(v) {
				continue
			}
			r.selected = append(r.selected, selectedVector{group: f.Group, v: v})
		}
	}
	return r, nil
}

// Selected returns the selected vectors, in file order.
func (r *Runner) Selected() []*vectors.Vector {
	out := make([]*vectors.Vector, len(r.selected))
	for i, s := range r.selected {
		out[i] = s.v
	}
	return out
}

// Play plays one selected vector and scores it. A vector derived from a
// valid source (vectors.Mutation) is played after its source, as in Run: a
// rejection is blocked unless the source was accepted, and a vector whose
// source is unsupported is unsupported.
func (r *Runner) Play(ctx context.Context, id string) (Result, error) {
	for _, s := range r.selected {
		if s.v.ID != id {
			continue
		}
		var src *Result
		if from := sourceOf(s.v); from != "" {
			if sv := r.lookup(from); sv != nil {
				res := r.play(ctx, sv.group, sv.v, r.prof)
				src = &res
			}
		}
		return r.judge(r.play(ctx, s.group, s.v, r.prof), s.v, src), nil
	}
	return Result{}, fmt.Errorf("conformance: vector %q is not selected", id)
}

// Run plays the selected vectors against cfg.Target and returns the
// report, finalized. It returns ErrNoVectors when nothing is selected, and
// an error for an invalid configuration; target failures are results with
// status error, not errors.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	r, err := NewRunner(cfg)
	if err != nil {
		return nil, err
	}
	return r.Run(ctx)
}

// Run plays every selected vector, in parallel, and returns the report.
//
// Sources first: the valid vectors that the selected negative vectors were
// derived from are played first (added to the run when the selection left
// them out), then the derived ones, each judged behind its source (judge).
// With Config.FailFast the run stops at the first failure; without
// Config.KeepGoing it stops with ErrUnreachable when its first
// UnreachableAfter results are transport errors. A stopped run reports
// only what it played.
func (r *Runner) Run(ctx context.Context) (*Report, error) {
	cfg := r.cfg
	rep := &Report{
		ReportSchema: ReportSchema,
		Tool:         Tool{Name: "wimse conformance", Version: toolVersion()},
		Vectors:      VectorSet{Schema: vectors.SchemaID, Digest: r.cfg.Set.Digest, Count: len(r.selected)},
		Target:       Target{URL: cfg.Target, Draft: cfg.Draft, Audience: r.base, Strict: cfg.Strict},
		StartedAt:    r.now().UTC(),
	}
	if len(r.selected) == 0 {
		return rep, ErrNoVectors
	}
	plan := r.plan()
	rep.Vectors.Count = len(plan)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	st := &runState{total: len(plan), cancel: cancel, failFast: cfg.FailFast, keepGoing: cfg.KeepGoing}
	results := make([]Result, len(plan))
	played := make([]bool, len(plan))
	byID := map[string]int{}
	for i, s := range plan {
		byID[s.v.ID] = i
	}
	start := time.Now()
	for phase := 0; phase < 2 && !st.stopped(); phase++ {
		sem := make(chan struct{}, orDefault(cfg.Parallel, DefaultParallel))
		var wg sync.WaitGroup
		for i, s := range plan {
			if (sourceOf(s.v) != "") != (phase == 1) {
				continue
			}
			if st.stopped() {
				break
			}
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				if st.stopped() {
					return
				}
				var src *Result
				if k, ok := byID[sourceOf(s.v)]; ok && phase == 1 {
					src = &results[k]
				}
				res := r.judge(r.play(ctx, s.group, s.v, r.prof), s.v, src)
				if st.stopped() && res.Status == StatusError {
					return // cut short by the stop, not by the target
				}
				results[i], played[i] = res, true
				if n := st.record(res); cfg.Progress != nil {
					cfg.Progress(n, st.total, res)
				}
			}()
		}
		wg.Wait()
	}
	for i := range plan {
		if played[i] {
			rep.Results = append(rep.Results, results[i])
		}
	}
	if !st.stopped() {
		rep.Results = append(rep.Results, r.checkServerIdentity(ctx)...)
	}
	rep.Duration = time.Since(start)
	r.client.CloseIdleConnections() // leave no unused connection open on the target
	if !st.stopped() {
		for id := range cfg.ExpectedFailures {
			if !slices.ContainsFunc(rep.Results, func(res Result) bool { return res.ID == id }) {
				rep.Results = append(rep.Results, Result{ID: id, Draft: cfg.Draft, Status: StatusXPass,
					Message: "the expected-failures file lists a vector that was not played (retired, renamed or not selected): remove the entry"})
			}
		}
	}
	rep.Requirements = requirementsFor(r.reqs, rep.Results)
	rep.Finalize()
	if st.unreachable() {
		return rep, ErrUnreachable
	}
	return rep, nil
}

// plan is the selection in file order, with the source of every selected
// derived vector added (in its file position) when the selection left it
// out.
func (r *Runner) plan() []selectedVector {
	need := map[string]bool{}
	have := map[string]bool{}
	for _, s := range r.selected {
		have[s.v.ID] = true
		if from := sourceOf(s.v); from != "" && s.v.Kind == vectors.KindRequest && unsupported(s.v, r.prof, r.cfg.Draft) == "" && !refusesDraft(s.v, r.cfg.Draft) {
			need[from] = true
		} else if from != "" && (s.v.Kind == vectors.KindMTLS || s.v.Kind == vectors.KindExchange) {
			need[from] = true
		}
	}
	var out []selectedVector
	for _, f := range r.cfg.Set.Files {
		for i := range f.Tests {
			v := &f.Tests[i]
			if have[v.ID] || (need[v.ID] && r.plays(v)) {
				out = append(out, selectedVector{group: f.Group, v: v})
			}
		}
	}
	return out
}

// lookup finds a playable vector of the set by ID.
func (r *Runner) lookup(id string) *selectedVector {
	for _, f := range r.cfg.Set.Files {
		for i := range f.Tests {
			if v := &f.Tests[i]; v.ID == id && r.plays(v) {
				return &selectedVector{group: f.Group, v: v}
			}
		}
	}
	return nil
}

// refusesDraft reports whether v tests the refusal of the draft played
// (its policy does not accept that revision). Such a vector is judged on
// its own: its source, the same request in that carriage, is one the
// target refuses by design. The target profile must declare the refusal
// (Profile.Revisions), or the vector is unsupported.
func refusesDraft(v *vectors.Vector, draft string) bool {
	return v.Policy != nil && len(v.Policy.Revisions) > 0 && !slices.Contains(v.Policy.Revisions, draft)
}

// sourceOf is the ID of the valid vector v was derived from, or "".
func sourceOf(v *vectors.Vector) string {
	if v.Mutation == nil {
		return ""
	}
	return v.Mutation.From
}

// judge applies the source rules to a derived vector's result (src is its
// source's result in the same run, nil when the source could not be
// played): a vector whose source is unsupported is unsupported; a
// rejection that would pass (pass, warn, or the xpass of an expected
// failure) counts only behind an accepted source, otherwise it is blocked.
// An acceptance is judged on its own: accepting an invalid request fails
// whatever the source did.
func (r *Runner) judge(res Result, v *vectors.Vector, src *Result) Result {
	from := sourceOf(v)
	if from == "" {
		return res
	}
	res.Source = from
	if refusesDraft(v, r.cfg.Draft) {
		// The vector tests the refusal of the carriage played: its source
		// is the same request, which such a target refuses by design.
		return res
	}
	if src != nil && src.Status == StatusUnsupported && res.Status != StatusUnsupported {
		res.Status, res.Message = StatusUnsupported, fmt.Sprintf("its source %s is unsupported: %s", from, src.Message)
		return res
	}
	passing := res.Status == StatusPass || res.Status == StatusWarn || (res.Status == StatusXPass && res.ExpectedFailure != "")
	if !passing || accepted(res.Observed.Status) {
		return res
	}
	if src != nil && accepted(src.Observed.Status) && src.Status != StatusError {
		return res
	}
	why := "could not be played"
	if src != nil {
		why = fmt.Sprintf("was not accepted (%s", src.Status)
		if src.Observed.Status != 0 {
			why += fmt.Sprintf(", status %d", src.Observed.Status)
		}
		why += ")"
	}
	res.Status = StatusBlocked
	res.Message = fmt.Sprintf("the target rejected it, but its valid source %s %s: a rejection proves nothing until the source is accepted", from, why)
	return res
}

// blockersOf lists the sources that blocked results name, with the number
// each blocks, most blocking first (then by ID).
func blockersOf(results []Result) []Blocker {
	count := map[string]int{}
	for _, res := range results {
		if res.Status == StatusBlocked && res.Source != "" {
			count[res.Source]++
		}
	}
	var out []Blocker
	for _, res := range results {
		if n, ok := count[res.ID]; ok {
			out = append(out, Blocker{ID: res.ID, Draft: res.Draft, Status: res.Status, Blocks: n})
			delete(count, res.ID)
		}
	}
	for id, n := range count { // a source that was not played
		out = append(out, Blocker{ID: id, Status: StatusError, Blocks: n})
	}
	slices.SortStableFunc(out, func(a, b Blocker) int {
		if a.Blocks != b.Blocks {
			return b.Blocks - a.Blocks
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// runState counts a run's results as they arrive and decides when to stop.
type runState struct {
	mu        sync.Mutex
	total     int
	done      int
	stop      bool
	noAnswer  bool // stopped as unreachable
	answered  bool // some result was not a transport error
	errsAtGo  int  // transport errors before the first answer
	cancel    func()
	failFast  bool
	keepGoing bool
}

// record counts res and returns how many results are in.
func (st *runState) record(res Result) int {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.done++
	switch {
	case res.Status == StatusError && res.Observed.Error != "":
		if !st.answered {
			st.errsAtGo++
			if st.errsAtGo >= UnreachableAfter && !st.keepGoing {
				st.stop, st.noAnswer = true, true
				st.cancel()
			}
		}
	case res.Status != StatusUnsupported:
		st.answered = true
	}
	if st.failFast && (res.Status == StatusFail || res.Status == StatusXPass) {
		st.stop = true
	}
	return st.done
}

func (st *runState) stopped() bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.stop
}

func (st *runState) unreachable() bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.noAnswer
}

type selectedVector struct {
	group string
	v     *vectors.Vector
}

func (r *Runner) now() time.Time {
	if r.cfg.Now != nil {
		return r.cfg.Now()
	}
	return time.Now()
}

func (r *Runner) selects(v *vectors.Vector) bool {
	if len(r.cfg.IDs) > 0 && !slices.Contains(r.cfg.IDs, v.ID) {
		return false
	}
	text := v.ID + " " + v.Comment
	if r.cfg.Focus != nil && !r.cfg.Focus.MatchString(text) {
		return false
	}
	if r.cfg.Skip != nil && r.cfg.Skip.MatchString(text) {
		return false
	}
	return r.labels == nil || r.labels(v.Labels)
}

// replacements maps the vectors' trust domain, subject and issuer onto
// the profile's, longest first.
func replacements(p *Profile) []string {
	var out []string
	if p.Subject != "" {
		out = append(out, vectors.Subject, p.Subject)
	}
	if strings.HasPrefix(p.Subject, "spiffe://") {
		// The WIT-SVID vectors' subject.
		out = append(out, vectors.SVIDSubject, p.Subject)
	}
	if p.TrustDomain != "" {
		out = append(out, "://"+vectors.TrustDomain, "://"+p.TrustDomain)
	}
	if p.SecondTrustDomain != "" {
		out = append(out, "wimse://"+vectors.OtherTrustDomain+"/", "wimse://"+p.SecondTrustDomain+"/")
	}
	if p.Issuer != "" {
		out = append(out, "https://issuer.example.org", p.Issuer)
	}
	return out
}

// AllRevisions are the revisions a target accepts unless its profile says
// otherwise.
var AllRevisions = []string{"wpt-01", "wpt-02", "http-signature-06", "http-signature-07"}

// family returns the revisions of the played draft's family (WPT
// carriages or HTTP signature revisions): a vector may span both families
// (the WIT vectors do), but only the family played decides.
func family(draft string) []string {
	if strings.HasPrefix(draft, "http-signature-") {
		return []string{"http-signature-06", "http-signature-07"}
	}
	return []string{"wpt-01", "wpt-02"}
}

// unsupported says why a vector is outside the target's declared profile.
func unsupported(v *vectors.Vector, p *Profile, draft string) string {
	for _, l := range v.Labels {
		if slices.Contains(p.Unsupported, l) {
			return fmt.Sprintf("the target profile declares label %q unsupported", l)
		}
	}
	if why := unmetNeeds(v, p); why != "" {
		return why
	}
	if v.Policy == nil {
		return ""
	}
	for _, f := range v.Policy.ContextTokenFields {
		if !slices.ContainsFunc(p.ContextTokenFields, func(x string) bool { return strings.EqualFold(x, f) }) {
			return fmt.Sprintf("the vector needs the target to bind context-token field %s with oth (profile contextTokenFields)", f)
		}
	}
	if len(v.Policy.ProofAlgorithms) > 0 && !slices.Equal(v.Policy.ProofAlgorithms, p.ProofAlgorithms) {
		return "the vector needs the target to accept only the proof algorithms " + strings.Join(v.Policy.ProofAlgorithms, ", ") + " (profile proofAlgorithms)"
	}
	accepts := p.Revisions
	if accepts == nil {
		accepts = AllRevisions
	}
	// A draft the target does not implement: only the vectors that test
	// its refusal can be played.
	if !slices.Contains(accepts, draft) && slices.Contains(AllRevisions, draft) && slices.Contains(v.Policy.Revisions, draft) {
		return "the target profile does not declare " + draft + " (profile revisions): only the vectors that test its refusal are played"
	}
	// Within the family of the vector's drafts (WPT carriages or HTTP
	// signature revisions), a revision the vector's policy refuses but the
	// target accepts makes the vector test a refusal the target cannot give.
	for _, d := range family(draft) {
		if !slices.Contains(v.Policy.Revisions, d) && slices.Contains(accepts, d) {
			return "the vector needs a target that does not accept " + d + " (profile revisions)"
		}
	}
	if slices.Contains(v.Policy.Revisions, "s2s-06") && !p.LegacyTyp {
		return "the vector needs the target to accept the legacy s2s-06 typ values (profile legacyTyp)"
	}
	return ""
}

// play materialises, sends and scores one vector.
func (r *Runner) play(ctx context.Context, group string, v *vectors.Vector, prof *Profile) (res Result) {
	switch v.Kind {
	case vectors.KindMTLS:
		return r.playMTLS(ctx, group, v, prof)
	case vectors.KindExchange:
		return r.playExchange(ctx, group, v, prof)
	}
	res = Result{ID: v.ID, Group: group, Comment: v.Comment, Result: v.Result, Requirements: v.Requirements,
		Flags: v.Flags, Labels: v.Labels, Draft: r.cfg.Draft, Reproduce: r.reproduce(v.ID)}
	for _, q := range v.Requirements {
		res.Levels = append(res.Levels, r.reqs[q].Level)
	}
	sig := v.Expect.Signal[r.cfg.Draft]
	res.Expected = Expected{Verdict: v.Expect.Verdict, Reason: v.Expect.Reason, Status: sig.Status, WWWAuthenticate: sig.WWWAuthenticate}
	start := time.Now()
	defer func() { res.Duration = time.Since(start) }()
	if why := unsupported(v, prof, r.cfg.Draft); why != "" {
		res.Status, res.Message = StatusUnsupported, why
		return res
	}
	m, err := vectors.Materialize(v.Template, vectors.Env{
		Now: r.now(), Base: r.base, Draft: r.cfg.Draft, Keys: r.keys, JTI: randomJTI,
		Path: r.mapPath, Replace: r.replace, Policy: prof.policyValues(),
	})
	if err != nil {
		res.Status, res.Message = StatusError, "materialising the vector failed: "+err.Error()
		return res
	}
	sends := max(v.Template.Sends, 1)
	var obs Observed
	var answer *exchange
	for i := 0; i < sends; i++ {
		var sent *SentRequest
		obs, sent, answer = r.send(ctx, m.Request, prof)
		res.Request = sent
		if obs.Closed && i == sends-1 {
			res.Observed = obs
			res.Status, res.Message = r.scoreClosed(v)
			return r.expectedFailure(res)
		}
		if obs.Error != "" {
			res.Status, res.Observed, res.Message = StatusError, obs, obs.Error
			return res
		}
		if i < sends-1 && !accepted(obs.Status) {
			res.Status, res.Observed = StatusFail, obs
			res.Message = fmt.Sprintf("send %d of %d was rejected with %d, but it is a valid request; the stateful check could not run", i+1, sends, obs.Status)
			return r.expectedFailure(res)
		}
	}
	res.Observed = obs
	res.Status, res.Message = r.score(v, res.Expected, obs)
	if res.Status == StatusPass && v.Expect.SignedResponse {
		if err := r.checkSignedResponse(answer, m); err != nil {
			res.Status = StatusFail
			res.Message = "the request sent wimse-sign-response but the response is not validly signed: " + err.Error()
			res.Observed.Reason = string(wimse.ReasonOf(err))
		}
	}
	return r.expectedFailure(res)
}

func accepted(status int) bool { return status >= 200 && status < 300 }

// scoreClosed scores an answer that never came because the target closed
// or reset the connection after receiving the request: for a valid vector
// that is a failure (a crash or a refusal without an answer); for a
// negative one a rejection without the draft's signalling (warn).
func (r *Runner) scoreClosed(v *vectors.Vector) (Status, string) {
	switch {
	case v.Result == vectors.ResultAcceptable:
		return StatusPass, "acceptable either way: the target closed the connection instead of answering (a rejection)"
	case v.Expect.Verdict == "accept":
		return StatusFail, "the target closed the connection on a valid request instead of answering it"
	default:
		return StatusWarn, "right verdict, but the target closed the connection instead of answering with the draft's rejection"
	}
}

// score applies the scoring rules of the package doc.
func (r *Runner) score(v *vectors.Vector, e Expected, o Observed) (Status, string) {
	got := "reject"
	if accepted(o.Status) {
		got = "accept"
	}
	if got != e.Verdict {
		if v.Result == vectors.ResultAcceptable {
			return StatusPass, fmt.Sprintf("acceptable either way (%s): the target chose to %s", strings.Join(v.Flags, ", "), got)
		}
		msg := fmt.Sprintf("expected the target to %s (%s), but it answered %d", e.Verdict, describe(e), o.Status)
		if slices.Contains(v.Flags, "ShouldLevel") && !r.cfg.Strict {
			return StatusWarn, msg + " (a SHOULD: a failure with --strict)"
		}
		return StatusFail, msg
	}
	if r.cfg.ScoreReasons && got == "reject" && e.Reason != "" && o.Reason != "" && o.Reason != e.Reason && v.Result != vectors.ResultAcceptable {
		return StatusFail, fmt.Sprintf("rejected for reason %s, but the vector expects %s", o.Reason, e.Reason)
	}
	if e.Status != 0 && o.Status != e.Status {
		return StatusWarn, fmt.Sprintf("right verdict, but status %d instead of %d", o.Status, e.Status)
	}
	if wantChallenge := e.WWWAuthenticate; !hasScheme(o.WWWAuthenticate, wantChallenge) {
		if wantChallenge == "" {
			return StatusWarn, fmt.Sprintf("right verdict, but an unexpected WWW-Authenticate %q", o.WWWAuthenticate)
		}
		return StatusWarn, fmt.Sprintf("right verdict, but no WWW-Authenticate challenge for %s", wantChallenge)
	}
	return StatusPass, ""
}

func describe(e Expected) string {
	if e.Verdict == "accept" {
		return fmt.Sprintf("status %d", e.Status)
	}
	s := fmt.Sprintf("status %d", e.Status)
	if e.Reason != "" {
		s += ", reason " + e.Reason
	}
	return s
}

// hasScheme reports whether a WWW-Authenticate value offers scheme (or,
// for scheme "", whether it is empty).
func hasScheme(value, scheme string) bool {
	if scheme == "" {
		return value == ""
	}
	for _, c := range strings.Split(value, ",") {
		name, _, _ := strings.Cut(strings.TrimSpace(c), " ")
		if strings.EqualFold(name, scheme) {
			return true
		}
	}
	return false
}

func (r *Runner) expectedFailure(res Result) Result {
	why, ok := r.cfg.ExpectedFailures[res.ID]
	if !ok {
		return res
	}
	res.ExpectedFailure = why
	switch res.Status {
	case StatusFail:
		res.Status = StatusXFail
	case StatusPass, StatusWarn:
		res.Status = StatusXPass
		res.Message = "listed as an expected failure (" + why + ") but it passes: remove it from the expected-failures file"
	}
	return res
}

// mapPath maps the vectors' protected endpoint /path onto the target's
// path; other paths go to the target's origin.
func (r *Runner) mapPath(p string) string {
	rest, ok := strings.CutPrefix(p, "/path")
	if !ok || (rest != "" && rest[0] != '?' && rest[0] != '/') {
		return p
	}
	tp := r.target.EscapedPath()
	if tp == "" {
		tp = "/"
	}
	if rest != "" && rest[0] == '/' {
		tp = strings.TrimSuffix(tp, "/")
	}
	return tp + rest
}

func (r *Runner) reproduce(id string) string {
	if r.cfg.Reproduce != nil {
		return r.cfg.Reproduce(id)
	}
	return fmt.Sprintf("wimse conformance run --target %s --draft %s --id %s", redactURL(r.cfg.Target), r.cfg.Draft, id)
}

// send sends one materialised request and observes the answer.
func (r *Runner) send(ctx context.Context, vr *vectors.Request, prof *Profile) (Observed, *SentRequest, *exchange) {
	u := *r.target
	path, query, _ := strings.Cut(vr.Target, "?")
	u.RawPath = ""
	u.Path = ""
	u.Opaque = ""
	ref, err := url.Parse(path)
	if err == nil {
		u.Path, u.RawPath = ref.Path, ref.RawPath
	}
	u.RawQuery = query
	method := vr.Method
	if prof.Method != "" {
		method = prof.Method
	}
	sent := &SentRequest{Method: method, URL: redactURL(u.String()), Body: vr.Body}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), strings.NewReader(vr.Body))
	if err != nil {
		return Observed{Error: "building the request: " + err.Error()}, sent, nil
	}
	for _, f := range vr.Fields {
		if strings.EqualFold(f[0], "Host") {
			req.Host = f[1]
		} else {
			req.Header[f[0]] = append(req.Header[f[0]], f[1])
		}
		sent.Fields = append(sent.Fields, f)
	}
	for _, h := range r.cfg.Headers {
		req.Header.Add(h[0], h[1])
		sent.Fields = append(sent.Fields, [2]string{h[0], "[redacted]"})
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return Observed{Error: transportError(err), Closed: closedByPeer(err)}, sent, nil
	}
	defer resp.Body.Close()
	obs := Observed{Status: resp.StatusCode, WWWAuthenticate: strings.Join(resp.Header.Values("WWW-Authenticate"), ", "),
		ContentType: resp.Header.Get("Content-Type")}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if mt, _, _ := mime.ParseMediaType(obs.ContentType); strings.HasSuffix(mt, "json") {
		var p struct {
			Type   string `json:"type"`
			Reason string `json:"reason"`
			Detail string `json:"detail"`
			Title  string `json:"title"`
		}
		if json.Unmarshal(body, &p) == nil {
			obs.Reason, obs.ProblemType = p.Reason, p.Type
			obs.Detail = r.redactHeaders(clip(firstNonEmpty(p.Detail, p.Title), maxShown))
		}
	}
	if obs.Reason == "" && obs.Detail == "" && len(body) > 0 {
		obs.Body = r.redactHeaders(clip(string(body), maxShown))
	}
	return obs, sent, &exchange{req: req, header: resp.Header, status: resp.StatusCode, body: body}
}

// maxShown bounds the bytes of a target's answer a report shows.
const maxShown = 200

// clip cuts s to at most n bytes without splitting a UTF-8 sequence, and
// replaces invalid UTF-8.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// redactHeaders replaces the values the user gave with --header wherever
// the target echoes them.
func (r *Runner) redactHeaders(s string) string {
	for _, h := range r.cfg.Headers {
		if len(h[1]) >= 4 {
			s = strings.ReplaceAll(s, h[1], "[redacted]")
		}
	}
	return s
}

// closedByPeer reports whether err means the target closed or reset the
// connection after the request was written, rather than a timeout or a
// connection that was never made.
func closedByPeer(err error) bool {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Timeout() {
		return false
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return false
	}
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

func transportError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		if ue.Timeout() {
			return "timeout: the target did not answer within the --timeout"
		}
		return "transport: " + ue.Err.Error()
	}
	return "transport: " + err.Error()
}

func randomJTI(string) string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

func orDefault[T int | time.Duration](v, d T) T {
	if v <= 0 {
		return d
	}
	return v
}

// exchange is a request as sent and the answer to it.
type exchange struct {
	req    *http.Request
	status int
	header http.Header
	body   []byte
}

// checkSignedResponse verifies the WIMSE response signature (-07 §3.5):
// the server's WIT first (trusted per Config.ResponseTrust), then the
// signature, its coverage, its window and wimse-req-nonce.
func (r *Runner) checkSignedResponse(x *exchange, m *vectors.Materialized) error {
	if x == nil {
		return fmt.Errorf("no response")
	}
	sigs, err := rfc9421.ParseSignatures(x.req.Header)
	if err != nil {
		return err
	}
	rev, nonce := wimse.RevisionHTTPSig07, ""
	for _, s := range sigs {
		if t, _ := s.Params.Tag(); t == httpsig.Tag {
			nonce, _ = s.Params.Nonce()
			if !strings.Contains(s.SignatureParams, `"@path"`) {
				rev = wimse.RevisionHTTPSig06
			}
		}
	}
	trust := r.cfg.ResponseTrust
	if trust == nil {
		trust = r.suiteTrust()
	}
	_, err = httpsig.VerifyResponse(x.status, x.header, x.body, httpsig.ResponseCheck{
		WIT:      &wit.Verifier{Trust: trust, Policy: wimse.Policy{Now: r.cfg.Now}},
		Request:  rfc9421.FromRequest(x.req, r.target.Scheme),
		Nonce:    nonce,
		Required: true,
		Revision: rev,
	})
	return err
}

// suiteTrust trusts the suite's issuer keys for the vectors' trust domain:
// the in-process reference server's own WIT is issued by them.
func (r *Runner) suiteTrust() *wimse.TrustStore {
	store := wimse.NewTrustStore()
	store.Set(wimse.MustParseTrustDomain(vectors.TrustDomain), wimse.Anchors{Keys: r.keys.IssuerKeys()})
	return store
}
