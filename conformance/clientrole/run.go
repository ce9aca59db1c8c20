package clientrole

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/vectors"
)

// Group is the Result.Group of every client-role result.
const Group = "client"

// Run plays the selected client-role scenarios (or, without a Client,
// listens) and returns the report. It returns conformance.ErrNoVectors
// when nothing is selected, and an error for an invalid configuration;
// what the client does is results, never an error.
func Run(ctx context.Context, cfg Config) (*conformance.Report, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	defer cfg.Listener.Close()
	set := cfg.Set
	if set == nil {
		var err error
		if set, err = vectors.Load(vectors.FS); err != nil {
			return nil, err
		}
	}
	seed := cfg.Seed
	if seed == "" {
		seed = vectors.DefaultSeed
	}
	st, err := newSuite(seed, cfg.now, set)
	if err != nil {
		return nil, err
	}
	var selected []*vectors.Vector
	for _, v := range set.Vectors() {
		if cfg.applies(v) {
			selected = append(selected, v)
		}
	}
	base := strings.TrimSuffix(cfg.BaseURL, "/")
	if base == "" {
		base = "http://" + cfg.Listener.Addr().String()
		if cfg.TLS || cfg.Profile == vectors.ClientProfileMTLS {
			_, port, _ := net.SplitHostPort(cfg.Listener.Addr().String())
			base = "https://localhost:" + port
		}
	}
	rep := &conformance.Report{
		ReportSchema: conformance.ReportSchema,
		Tool:         conformance.Tool{Name: "wimse conformance client", Version: toolVersion()},
		Vectors:      conformance.VectorSet{Schema: vectors.SchemaID, Digest: set.Digest, Count: len(selected)},
		Target:       conformance.Target{URL: base, Draft: cfg.Draft, Audience: base, Strict: cfg.Strict},
		StartedAt:    cfg.now().UTC(),
	}
	if len(selected) == 0 {
		return rep, conformance.ErrNoVectors
	}
	srv := &server{k: &checker{cfg: &cfg, s: st, base: base, seen: map[string]int{}}}
	var listening *play
	if cfg.Client == nil {
		// Listening from the first connection on.
		listening = &play{v: selected[0], arrived: make(chan struct{}, 1)}
		srv.current.Store(listening)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	ln := cfg.Listener
	if cfg.TLS || cfg.Profile == vectors.ClientProfileMTLS {
		hs.TLSConfig = srv.tlsConfig()
		go func() { _ = hs.ServeTLS(ln, "", "") }()
	} else {
		go func() { _ = hs.Serve(ln) }()
	}
	defer hs.Close()
	e := &engine{cfg: &cfg, srv: srv, set: set, base: base, byID: map[string]conformance.Status{}}
	start := time.Now()
	if cfg.Client == nil {
		rep.Results = e.listen(ctx, listening)
	} else {
		for i, v := range selected {
			if ctx.Err() != nil {
				break
			}
			res := e.scenario(ctx, v)
			rep.Results = append(rep.Results, res)
			if cfg.Progress != nil {
				cfg.Progress(i+1, len(selected), res)
			}
		}
	}
	rep.Duration = time.Since(start)
	rep.Requirements = requirementsFor(set, rep.Results)
	rep.Finalize()
	return rep, nil
}

func toolVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// engine plays scenarios one at a time (the handler reads the current
// one).
type engine struct {
	cfg  *Config
	srv  *server
	set  *vectors.Set
	base string
	// byID is the status of each valid scenario played, for the
	// refusals derived from it.
	byID map[string]conformance.Status
}

func (e *engine) result(v *vectors.Vector) conformance.Result {
	res := conformance.Result{ID: v.ID, Group: Group, Comment: v.Comment, Result: v.Result, Requirements: v.Requirements,
		Flags: v.Flags, Labels: v.Labels, Draft: e.cfg.Draft, Expected: conformance.Expected{Verdict: v.Expect.Verdict, Reason: v.Expect.Reason}}
	if res.Draft == "" {
		res.Draft = vectors.SignalMTLS
	}
	for _, q := range v.Requirements {
		res.Levels = append(res.Levels, e.level(q))
	}
	if v.Mutation != nil {
		res.Source = v.Mutation.From
	}
	res.Reproduce = fmt.Sprintf("wimse conformance client --profile %s --id %s", e.cfg.Profile, v.ID)
	if e.cfg.Draft != "" {
		res.Reproduce += " --draft " + e.cfg.Draft
	}
	if e.cfg.Reproduce != nil {
		res.Reproduce = e.cfg.Reproduce(v.ID)
	}
	return res
}

func (e *engine) level(id string) string {
	for _, q := range e.set.Requirements.Requirements {
		if q.ID == id {
			return q.Level
		}
	}
	return ""
}

// scenario plays one scenario with the client and scores it.
func (e *engine) scenario(ctx context.Context, v *vectors.Vector) conformance.Result {
	res := e.result(v)
	start := time.Now()
	defer func() { res.Duration = time.Since(start) }()
	c := v.Client
	for _, need := range c.Needs {
		if !e.cfg.Client.Supports(need) {
			res.Status, res.Message = conformance.StatusUnsupported, "the client declares no "+capabilityHint(need)
			e.byID[v.ID] = res.Status
			return res
		}
	}
	var blockedBy conformance.Status
	if v.Mutation != nil {
		if src := e.byID[v.Mutation.From]; src != conformance.StatusPass && src != conformance.StatusWarn {
			if src == conformance.StatusUnsupported {
				res.Status, res.Message = conformance.StatusUnsupported, "its source scenario "+v.Mutation.From+" is unsupported"
				return res
			}
			blockedBy = statusOr(src) // played anyway, for the evidence
		}
	}
	sends := max(c.Sends, 1) * max(e.cfg.Requests, 1)
	var all []*exchange
	var callErrs []error
	for range sends {
		p := &play{v: v, arrived: make(chan struct{}, 1)}
		e.srv.current.Store(p)
		cctx, cancel := context.WithTimeout(ctx, e.cfg.timeout())
		call := &Call{Scenario: v.ID, Profile: e.cfg.Profile, Draft: e.cfg.Draft, URL: e.base + c.Path, Method: c.Method, Body: c.Body,
			Fields: c.Fields, ContextTokens: c.ContextTokens, SignResponse: c.SignResponse, Credentials: e.srv.k.s.creds}
		err := e.cfg.Client.Call(cctx, call)
		cancel()
		e.srv.current.Store(nil)
		got := p.exchanges()
		all = append(all, got...)
		callErrs = append(callErrs, err)
		if len(got) == 0 && !refusesHandshake(v) {
			res.Status = conformance.StatusError
			res.Message = "the client sent no request to the suite" + exitText(err)
			res.Observed.Error = res.Message
			e.byID[v.ID] = res.Status
			return res
		}
	}
	res.Status, res.Message = e.judge(v, all, callErrs)
	if len(all) > 0 {
		last := all[len(all)-1]
		res.Request = last.sent
		res.Observed.Status = last.status
	}
	res.Observed.Detail = exitSummary(callErrs)
	if blockedBy != "" && res.Status == conformance.StatusPass {
		res.Status = conformance.StatusBlocked
		res.Message = fmt.Sprintf("the client refused, but its source scenario %s did not pass (%s): the refusal proves nothing", v.Mutation.From, blockedBy)
	}
	e.byID[v.ID] = res.Status
	return res
}

// judge scores a scenario: the findings of its requirements on every
// request, then what the client did with the answers.
func (e *engine) judge(v *vectors.Vector, all []*exchange, errs []error) (conformance.Status, string) {
	must, should := e.findings(v, all)
	var msgs []string
	msgs = append(msgs, must...)
	msgs = append(msgs, should...)
	status := conformance.StatusPass
	switch {
	case len(must) > 0 || (len(should) > 0 && e.cfg.Strict):
		status = conformance.StatusFail
	case len(should) > 0:
		status = conformance.StatusWarn
	}
	failed := slices.IndexFunc(errs, func(err error) bool { return err != nil })
	if v.Expect.Verdict == "accept" {
		if failed >= 0 && len(must) == 0 {
			status = conformance.StatusFail
			msgs = append(msgs, "the client failed on a correct answer"+exitText(errs[failed]))
		}
	} else if ok := slices.IndexFunc(errs, func(err error) bool { return err == nil }); ok >= 0 {
		status = conformance.StatusFail
		what := "accepted the answer"
		if refusesHandshake(v) && len(all) > 0 {
			what = "completed the TLS handshake and sent a request"
		}
		msgs = append(msgs, fmt.Sprintf("the client %s (exit 0) although it must refuse it (%s; %s)", what, v.Expect.Reason, strings.Join(v.Requirements, ", ")))
	} else if refusesHandshake(v) && len(all) > 0 {
		status = conformance.StatusFail
		msgs = append(msgs, "the client sent a request over a TLS connection to a server it must not trust, then failed")
	}
	return status, strings.Join(msgs, "; ")
}

// findings are the messages of the requirements a scenario cites that its
// requests broke, MUST-level first.
func (e *engine) findings(v *vectors.Vector, all []*exchange) (must, should []string) {
	for _, x := range all {
		for _, f := range x.findings {
			if !slices.Contains(v.Requirements, f.Req) {
				continue
			}
			msg := fmt.Sprintf("%s (request %d): %s", f.Req, x.n, f.Msg)
			switch e.level(f.Req) {
			case vectors.MUST, vectors.MUSTNOT:
				must = append(must, msg)
			default:
				should = append(should, msg)
			}
		}
	}
	return must, should
}

// listen scores whatever arrives against the profile's listen scenario,
// one result per request, until Config.Requests requests or the timeout.
func (e *engine) listen(ctx context.Context, p *play) []conformance.Result {
	want := max(e.cfg.Requests, 1)
	v := p.v
	ctx, cancel := context.WithTimeout(ctx, e.cfg.timeout())
	defer cancel()
	for len(p.exchanges()) < want {
		select {
		case <-p.arrived:
			continue
		case <-ctx.Done():
		}
		break
	}
	e.srv.current.Store(nil)
	got := p.exchanges()
	if len(got) == 0 {
		res := e.result(v)
		res.Status = conformance.StatusError
		res.Message = fmt.Sprintf("no request arrived within %s", e.cfg.timeout())
		res.Observed.Error = res.Message
		return []conformance.Result{res}
	}
	var out []conformance.Result
	for _, x := range got[:min(len(got), want)] {
		res := e.result(v)
		res.ID = fmt.Sprintf("%s-request-%d", v.ID, x.n)
		res.Comment = fmt.Sprintf("request %d (%s %s): %s", x.n, x.sent.Method, x.sent.URL, v.Comment)
		res.Status, res.Message = e.judge(v, []*exchange{x}, []error{nil})
		res.Request, res.Observed.Status = x.sent, x.status
		if e.cfg.Progress != nil {
			e.cfg.Progress(len(out)+1, want, res)
		}
		out = append(out, res)
	}
	return out
}

func statusOr(s conformance.Status) conformance.Status {
	if s == "" {
		return "not played"
	}
	return s
}

func exitText(err error) string {
	if err == nil {
		return " (it completed)"
	}
	return " (" + err.Error() + ")"
}

// exitSummary says what the client's runs ended with.
func exitSummary(errs []error) string {
	parts := make([]string, len(errs))
	for i, err := range errs {
		parts[i] = "completed (exit 0)"
		if err != nil {
			parts[i] = "failed: " + err.Error()
			var ce *CommandError
			if errors.As(err, &ce) {
				parts[i] = ce.Summary()
			}
		}
	}
	s := "client: " + strings.Join(parts, "; ")
	if len(s) > 400 {
		s = s[:400] + "…"
	}
	return s
}

// requirementsFor are the requirements the results cite, sorted by ID.
func requirementsFor(set *vectors.Set, results []conformance.Result) []conformance.RequirementInfo {
	cited := map[string]bool{}
	for _, r := range results {
		for _, q := range r.Requirements {
			cited[q] = true
		}
	}
	var out []conformance.RequirementInfo
	for _, q := range set.Requirements.Requirements {
		if cited[q.ID] {
			out = append(out, conformance.RequirementInfo{ID: q.ID, Level: q.Level, Doc: q.Doc, Section: q.Section, Text: q.Text})
		}
	}
	slices.SortFunc(out, func(a, b conformance.RequirementInfo) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// refusesHandshake reports whether the client must refuse the scenario's
// TLS handshake, so that no request arrives.
func refusesHandshake(v *vectors.Vector) bool {
	return v.Client.Answer == vectors.AnswerRogueServer || v.Client.Answer == vectors.AnswerWrongServerName
}
