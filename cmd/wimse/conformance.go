package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/interop/server"
	"github.com/wimse-wg/wimse/interop/sts"
	"github.com/wimse-wg/wimse/vectors"
)

// Exit codes of `wimse conformance run`, as `conformance run --help` and
// the README document them.
const (
	exitConformant    = 0
	exitNonConformant = 1
	exitConfig        = 2
	exitUnreachable   = 3
	exitIncomplete    = 4
	exitNoMatch       = 5
)

func conformanceCmd(e *env) *cobra.Command {
	c := &cobra.Command{Use: "conformance", Short: "Test a WIMSE endpoint against the vectors"}
	c.AddCommand(conformanceRunCmd(e), conformanceListCmd(e), conformanceExplainCmd(e), trustBundleCmd(e), selftestCmd(e), conformanceProfileCmd(e), conformanceClientCmd(e))
	return c
}

type runFlags struct {
	target, draft, focus, skip, labels, xfail, reports, ca, targetConfig string
	audience, trustDomain, subject, issuer, path, method                 string
	profile, serverID                                                    string
	draftSet                                                             bool
	serverBundles, serverTDs                                             []string
	secondTrustDomain                                                    string
	clientID, clientAuth, clientSecretEnv                                string // --profile token-exchange
	ids, headers                                                         []string
	strict, insecure, reasons, keepGoing                                 bool
	parallel                                                             int
	timeout                                                              time.Duration
}

func conformanceRunCmd(e *env) *cobra.Command {
	var f runFlags
	c := &cobra.Command{
		Use:   "run [--target URL] [flags]",
		Short: "Play the vectors against a target and report",
		Long: `Play the request vectors against TARGET: each is minted afresh (current times,
signed with the suite's public test keys; see 'wimse conformance trust-bundle'),
sent, and scored on verdict and signalling apart. The target URL's path is the
protected endpoint. With no --target, the reference server is started
in-process on loopback and tested.

The summary is printed last and ends with "N passed, N failed, N skipped".
Exit codes: 0 conformant; 1 a conformance failure (or an expected failure that
no longer fails); 2 usage, config or vector file error; 3 target unreachable;
4 incomplete (errors such as timeouts); 5 nothing matched the selection.

Mistakes are caught before any request (exit 2, with a hint): a --target
without http:// or https://, a --draft of another --profile or outside the
revisions the --target-config profile declares (without --draft, the declared
one is played), a --report file that cannot be written, an
--expected-failures entry naming no vector, a PEM file where a JWK Set is
expected. A target that cannot be connected to, that does not speak TLS on an
https:// URL, or whose first 5 requests all end in transport errors stops the
run with exit 3 and one message naming the likely cause; --keep-going plays
every vector anyway. 'wimse conformance profile init' writes a commented
target profile.

With --profile mtls the client-role mtls vectors are played instead: for each,
a TLS handshake presenting the vector's client certificate (issued by the
suite's test CAs: 'wimse conformance trust-bundle --x509' prints the roots the
target must trust, each for its own trust domain), then a GET of the target.
Accepted means the handshake completed and the target answered 2xx; rejected
means it refused the handshake or answered 4xx. --ca (or --insecure) verifies
the target's certificate; with --server-id it is checked instead as a Workload
Identity Certificate for that identifier, chaining to --ca (default: the
suite's roots), and reported as one more result.

With --profile token-exchange the token endpoint vectors are played: the
--target is a token endpoint, and the "exchange" section of the
--target-config profile says how the suite authenticates as a client, which
subject tokens the target accepts from the suite's issuer (its "issuer" test
key: 'wimse conformance trust-bundle') and which features it claims;
vectors needing an undeclared feature are unsupported. The client secret
comes from the environment variable --client-secret-env (or the profile's
secretEnv) and never appears in a report. With no --target, the reference
STS is started in-process (sts init into a temporary directory) and tested.`,
		Example: `  wimse conformance run
  wimse conformance run --profile mtls
  wimse conformance run --profile mtls --target https://svc.example/api --ca roots.pem --server-id wimse://example.org/svc
  wimse conformance run --profile token-exchange
  STS_SECRET=... wimse conformance run --profile token-exchange --target https://as.example/token --target-config as.json --client-secret-env STS_SECRET
  wimse conformance run --target https://svc.example/api --draft wpt-01 --report json=r.json,junit=r.xml
  wimse conformance run --target http://127.0.0.1:8080/hello --label-filter 'aud || replay' --strict
  wimse conformance run --target https://svc.example/api --target-config profile.json --keep-going`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f.draftSet = cmd.Flags().Changed("draft")
			return runConformance(cmd.Context(), e, &f)
		},
	}
	fl := c.Flags()
	fl.StringVar(&f.target, "target", "", "protected endpoint to test; empty starts the reference server in-process")
	fl.StringVar(&f.draft, "draft", "", "revision to play: wpt-02 or wpt-01 (--profile wit-wpt), http-signature-07 or http-signature-06 (wit-httpsig) (default: the latest, or the one the --target-config profile declares)")
	fl.StringVar(&f.profile, "profile", "wit-wpt", "what to play: wit-wpt (WIT + WPT, --draft wpt-02 or wpt-01), wit-httpsig (WIT + HTTP message signature, --draft http-signature-07 or -06) mtls (client certificates over mutual TLS) or token-exchange (an OAuth token endpoint: RFC 8693, RFC 8707, RFC 7523)")
	fl.StringVar(&f.serverID, "server-id", "", "with --profile mtls: the Workload Identifier the target's own certificate must carry")
	fl.StringArrayVar(&f.serverBundles, "server-trust-bundle", nil, "with --profile wit-httpsig: TD=FILE, JWK Set of the issuer keys of trust domain TD, whose issuer made the target's own WIT that signs its responses (repeatable; a bare FILE only with a single --server-trust-domain; default: the suite's issuer keys)")
	fl.StringArrayVar(&f.serverTDs, "server-trust-domain", nil, "trust domain(s) of --server-trust-bundle (repeatable)")
	fl.StringArrayVar(&f.ids, "id", nil, "run only this vector ID (repeatable)")
	fl.StringVar(&f.focus, "focus", "", "run only vectors whose ID or comment matches this regular expression")
	fl.StringVar(&f.skip, "skip", "", "skip vectors whose ID or comment matches this regular expression")
	fl.StringVar(&f.labels, "label-filter", "", "Ginkgo-style label expression, e.g. 'aud && !replay'")
	fl.BoolVar(&f.strict, "strict", false, "count SHOULD-level misses as failures")
	fl.BoolVar(&f.reasons, "score-reasons", false, "fail rejections whose problem body names another reason code than expected (for targets that emit this module's codes)")
	fl.StringVar(&f.xfail, "expected-failures", "", `JSON file {"vector-id": "why", ...}; an entry that passes is a failure`)
	fl.IntVar(&f.parallel, "parallel", conformance.DefaultParallel, "vectors in flight at once")
	fl.DurationVar(&f.timeout, "timeout", conformance.DefaultTimeout, "bound on each request; a timeout is an error, never a failure")
	fl.StringVar(&f.reports, "report", "", "reports to write: json=PATH,junit=PATH,md=PATH,html=PATH")
	fl.StringVar(&f.ca, "ca", "", "PEM CA file to verify the target's certificate")
	fl.BoolVar(&f.insecure, "insecure", false, "do not verify the target's TLS certificate")
	fl.StringArrayVar(&f.headers, "header", nil, "extra field 'Name: value' on every request (repeatable; never reported)")
	fl.StringVar(&f.targetConfig, "target-config", "", "JSON target profile (trust domain, subject, iss, path, method, audience, ...)")
	fl.StringVar(&f.audience, "audience", "", "aud base the target expects, if not the target's origin")
	fl.StringVar(&f.trustDomain, "trust-domain", "", "trust domain the suite's WITs carry instead of example.org")
	fl.StringVar(&f.secondTrustDomain, "second-trust-domain", "", "a second trust domain the target trusts with the suite's second issuer key set ('wimse conformance trust-bundle --trust-domain other.example'), instead of other.example; plays the vectors of keys crossing trust domains (profile secondTrustDomain)")
	fl.StringVar(&f.subject, "subject", "", "subject of the suite's WITs instead of wimse://example.org/workload/client")
	fl.StringVar(&f.issuer, "issuer", "", "iss of the suite's WITs instead of https://issuer.example.org")
	fl.StringVar(&f.path, "path", "", "protected path, if not the target URL's")
	fl.StringVar(&f.method, "method", "", "HTTP method, if not POST")
	exchangeFlags(fl, &f)
	fl.BoolVar(&f.keepGoing, "keep-going", false, fmt.Sprintf("play every vector even when the first %d end in transport errors (otherwise: exit 3, target unreachable)", conformance.UnreachableAfter))
	return c
}

func runConformance(ctx context.Context, e *env, f *runFlags) error {
	cfg, err := f.config(e)
	if err != nil {
		var ee *exitError
		if errors.As(err, &ee) {
			return err
		}
		return &exitError{code: exitConfig, err: err}
	}
	reports, err := openReports(f.reports)
	if err != nil {
		return err
	}
	defer reports.abandon()
	if f.target != "" {
		if err := preflight(ctx, cfg.Target, f.timeout); err != nil {
			if !f.keepGoing {
				fmt.Fprintln(e.stdout, "0 passed, 0 failed, 0 skipped")
				return unreachableErr(cfg.Target, "cannot connect", err.Error())
			}
			fmt.Fprintf(e.stderr, "wimse: warning: %v; playing on (--keep-going)\n", err)
		}
	} else {
		if f.profile == profileMTLS {
			fmt.Fprintln(e.stderr, "testing the reference server, started in-process on loopback over mutual TLS")
		} else if f.profile == profileTokenExchange {
			fmt.Fprintln(e.stderr, "testing the reference STS, started in-process on loopback over TLS")
		} else {
			fmt.Fprintln(e.stderr, "testing the reference server, started in-process on loopback")
		}
		if f.targetConfig != "" || f.trustDomain != "" || f.subject != "" || f.issuer != "" || f.path != "" || f.method != "" || f.audience != "" {
			fmt.Fprintln(e.stderr, "wimse: warning: target profile settings apply to --target only; the in-process server uses the vectors' own")
		}
	}
	if isTerminal(e.stderr) {
		cfg.Progress = conformance.ProgressLine(e.stderr)
	}
	var rep *conformance.Report
	switch {
	case f.target == "" && f.profile == profileMTLS:
		rep, err = server.RunMTLSSuite(ctx, cfg, nil)
	case f.target == "" && f.profile == profileTokenExchange:
		rep, err = sts.RunSuite(ctx, cfg)
	case f.target == "":
		rep, err = server.RunSuite(ctx, cfg, nil)
	default:
		rep, err = conformance.Run(ctx, cfg)
	}
	if isTerminal(e.stderr) {
		fmt.Fprintln(e.stderr)
	}
	if errors.Is(err, conformance.ErrNoVectors) {
		fmt.Fprintf(e.stdout, "no vector matched the selection\n0 passed, 0 failed, 0 skipped\n")
		return quietExit(exitNoMatch)
	}
	if errors.Is(err, conformance.ErrUnreachable) {
		// The partial report is evidence: write it, and the closing line.
		summary := "0 passed, 0 failed, 0 skipped"
		if rep != nil {
			if werr := reports.write(rep); werr != nil {
				return failErr("write report: %v", werr)
			}
			summary = rep.SummaryLine()
		}
		fmt.Fprintln(e.stdout, summary)
		return unreachableErr(cfg.Target, fmt.Sprintf("the first %d requests all failed without an answer", conformance.UnreachableAfter), lastTransportError(rep, err))
	}
	if err != nil {
		return &exitError{code: exitConfig, err: err}
	}
	if err := reports.write(rep); err != nil {
		return failErr("write report: %v", err)
	}
	printSummary(e.stdout, rep)
	return quietExit(exitCode(rep))
}

// exitCode maps a finished report to the documented exit codes. An
// unreachable target (3) is found by the preflight or ends the run early
// (conformance.ErrUnreachable); a reachable one whose answers time out or
// break is incomplete (4).
func exitCode(rep *conformance.Report) int {
	c := rep.Summary.Counts
	switch {
	case c[conformance.StatusFail]+c[conformance.StatusXPass] > 0:
		return exitNonConformant
	case c[conformance.StatusError] > 0:
		return exitIncomplete
	case c[conformance.StatusBlocked] > 0:
		// Blocked behind a source that was not accepted (an expected
		// failure, say): not conformant.
		return exitNonConformant
	}
	return exitConformant
}

func (f *runFlags) config(e *env) (conformance.Config, error) {
	cfg := conformance.Config{Target: f.target, Draft: f.draft, IDs: f.ids, LabelFilter: f.labels, Strict: f.strict, ScoreReasons: f.reasons,
		Parallel: f.parallel, Timeout: f.timeout, Audience: f.audience, KeepGoing: f.keepGoing}
	var err error
	if f.target != "" {
		if err := checkTarget(f.target, f.profile); err != nil {
			return cfg, err
		}
	}
	if f.focus != "" {
		if cfg.Focus, err = regexp.Compile(f.focus); err != nil {
			return cfg, fmt.Errorf("--focus: %w", err)
		}
	}
	if f.skip != "" {
		if cfg.Skip, err = regexp.Compile(f.skip); err != nil {
			return cfg, fmt.Errorf("--skip: %w", err)
		}
	}
	if f.xfail != "" {
		b, err := os.ReadFile(f.xfail)
		if err != nil {
			return cfg, fmt.Errorf("--expected-failures: %w", err)
		}
		if err := strictJSON(b, &cfg.ExpectedFailures); err != nil {
			return cfg, fmt.Errorf("--expected-failures %s: want a JSON object of vector ID to reason: %w", f.xfail, err)
		}
		if err := checkExpectedFailures(f.xfail, cfg.ExpectedFailures); err != nil {
			return cfg, err
		}
	}
	if f.targetConfig != "" {
		if cfg.Profile, err = conformance.LoadProfile(f.targetConfig); err != nil {
			return cfg, usageHint("`wimse conformance profile init` writes a commented example", "--target-config: %v", err)
		}
	}
	if f.trustDomain != "" || f.secondTrustDomain != "" || f.subject != "" || f.issuer != "" || f.path != "" || f.method != "" {
		if cfg.Profile == nil {
			cfg.Profile = &conformance.Profile{}
		}
		p := cfg.Profile
		p.TrustDomain = firstSet(f.trustDomain, p.TrustDomain)
		p.SecondTrustDomain = firstSet(f.secondTrustDomain, p.SecondTrustDomain)
		p.Subject = firstSet(f.subject, p.Subject)
		p.Issuer = firstSet(f.issuer, p.Issuer)
		p.Path = firstSet(f.path, p.Path)
		p.Method = firstSet(f.method, p.Method)
		if err := p.Validate(); err != nil {
			return cfg, usageErr("%v", err)
		}
	}
	headers := f.headers
	if cfg.Profile != nil {
		headers = append(append([]string(nil), cfg.Profile.Headers...), headers...)
	}
	for _, h := range headers {
		k, v, ok := strings.Cut(h, ":")
		if !ok || strings.TrimSpace(k) == "" {
			return cfg, fmt.Errorf("--header %q is not 'Name: value'", redactHeader(h))
		}
		cfg.Headers = append(cfg.Headers, [2]string{strings.TrimSpace(k), strings.TrimSpace(v)})
	}
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: f.insecure} //nolint:gosec // --insecure is the user's explicit choice
	var caCerts []*x509.Certificate
	if f.ca != "" {
		if caCerts, err = readPEMCertificates(f.ca); err != nil {
			return cfg, fmt.Errorf("--ca: %w", err)
		}
		pool := x509.NewCertPool()
		for _, c := range caCerts {
			pool.AddCert(c)
		}
		tlsCfg.RootCAs = pool
	}
	var declared []string
	if cfg.Profile != nil {
		declared = cfg.Profile.Revisions
	}
	draft, note, err := resolveDraft(f.profile, f.draft, f.draftSet, declared)
	if err != nil {
		return cfg, err
	}
	if note != "" {
		fmt.Fprintf(e.stderr, "wimse: %s\n", note)
	}
	cfg.Draft = draft
	switch f.profile {
	case "wit-wpt", "wit-httpsig":
		if f.serverID != "" {
			return cfg, fmt.Errorf("--server-id needs --profile mtls")
		}
		if len(f.serverBundles) > 0 {
			if cfg.ResponseTrust, err = f.responseTrust(); err != nil {
				return cfg, err
			}
		}
	case profileMTLS:
		cfg.Kinds, cfg.ServerID, cfg.ServerRoots = []string{vectors.KindMTLS}, f.serverID, caCerts
	case profileTokenExchange:
		if err := f.exchangeConfig(&cfg, e); err != nil {
			return cfg, err
		}
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = tlsCfg
	tr.MaxIdleConnsPerHost = max(f.parallel, 2)
	cfg.Client = &http.Client{Transport: tr}
	return cfg, nil
}

// profileMTLS is the --profile value that plays the mtls vectors.
const profileMTLS = "mtls"

// readPEMCertificates reads every CERTIFICATE block of a PEM file.
func readPEMCertificates(path string) ([]*x509.Certificate, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []*x509.Certificate
	for {
		var blk *pem.Block
		if blk, b = pem.Decode(b); blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s holds no PEM certificate", path)
	}
	return out, nil
}

func redactHeader(h string) string {
	k, _, _ := strings.Cut(h, ":")
	return k + ": [redacted]"
}

func firstSet(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func parseReports(spec string) (map[string]string, error) {
	out := map[string]string{}
	if spec == "" {
		return out, nil
	}
	for _, part := range strings.Split(spec, ",") {
		kind, path, ok := strings.Cut(part, "=")
		if !ok || path == "" {
			return nil, fmt.Errorf("--report %q: want kind=PATH", part)
		}
		switch kind {
		case "json", "junit", "md", "html":
			out[kind] = path
		default:
			return nil, fmt.Errorf("--report: unknown kind %q (json, junit, md, html)", kind)
		}
	}
	return out, nil
}

func writeReport(kind string, w io.Writer, rep *conformance.Report) error {
	switch kind {
	case "json":
		return conformance.WriteJSON(w, rep)
	case "junit":
		return conformance.WriteJUnit(w, rep)
	case "md":
		return conformance.WriteMarkdown(w, rep)
	case "html":
		return conformance.WriteHTML(w, rep)
	}
	return fmt.Errorf("unknown report kind %q", kind)
}

// printSummary prints the console summary (conformance.WriteText): the
// results other than pass with what the target answered, the source vectors
// to fix first when vectors are blocked, the target and verdict, every
// status by name with its count, and last the line CI greps for.
func printSummary(w io.Writer, rep *conformance.Report) {
	_ = conformance.WriteText(w, rep) // a console write error has nowhere to go
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
