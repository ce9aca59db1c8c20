package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/conformance/clientrole"
	"github.com/wimse-wg/wimse/vectors"
)

type clientFlags struct {
	listen, profile, draft, clientCmd, report, out, credentials, baseURL string
	ids                                                                  []string
	requests                                                             int
	timeout                                                              time.Duration
	strict, selfTest, tls                                                bool
}

func conformanceClientCmd(e *env) *cobra.Command {
	var f clientFlags
	c := &cobra.Command{
		Use:   "client --listen ADDR --profile wit-wpt|wit-httpsig|mtls [--client-cmd TEMPLATE] [flags]",
		Short: "Test a client: the suite plays the server and scores what the client sends",
		Long: `The suite listens on ADDR as a WIMSE server and scores every request a client
sends against the sender-side requirements of the profile (the "sender" IDs of
vectors/v1/requirements.json): for wit-wpt the WIT, one WPT in the draft's
carriage, typ, alg = cnf.jwk.alg, aud = the target URI without query, exp and
a short lifetime, a jti never reused in the run, wth, and tth, oth or ath when
those tokens are sent; for wit-httpsig one tagged signature, its parameters,
the covered components, Content-Digest with a body, the WIT key, a tight
window, a fresh nonce, wimse-aud, wimse-sign-response when asked; for mtls a
Workload Identity Certificate chaining to the suite's roots.

With --client-cmd the suite runs the client once per scenario of
vectors/v1/client.json (the request to make, how the suite answers). The
template is split into words like a shell would (quotes group), then
{{url}} {{method}} {{body}} {{draft}} {{wit}} {{key}} {{cert}} {{certKey}}
{{ca}} {{bundle}} {{trustDomain}} {{serverId}} {{signResponse}} are filled in;
an argument holding {{field}} is repeated per extra field ("Name: value"),
one holding {{contextField}} per field to bind with oth. The files hold the
suite's public test credentials: a WIT issued by its issuer key for
wimse://example.org/workload/client and its private JWK, a client certificate,
the suite's CA and issuer JWK Set. A scenario needing a placeholder the
template lacks is unsupported. Exit 0 means the client accepted the answer,
anything else that it refused it: the scenarios whose answer is wrong (an
unsigned or wrongly signed response although the client asked for a signed
one, a server certificate from an untrusted CA) pass only when the client
refuses, and only if it accepted the correct answer of the same scenario.

Without --client-cmd the suite only listens: point the client at the printed
URL with the credentials written by --credentials DIR; each request is scored
until --requests N arrived or --timeout passed.

Reports and exit codes are those of 'conformance run': 0 conformant, 1 a
failure, 2 usage error, 4 incomplete (a client that sent nothing), 5 nothing
selected. --self-test instead breaks this module's own client transports one
behaviour at a time and reports how many of those mutants the suite detects.`,
		Example: `  wimse conformance client --listen 127.0.0.1:0 --profile wit-wpt --draft wpt-02 \
    --client-cmd 'wimse interop call --url {{url}} --wit {{wit}} --key {{key}} --draft {{draft}} --body {{body}}'
  wimse conformance client --listen 127.0.0.1:0 --profile mtls \
    --client-cmd 'wimse interop call --url {{url}} --cert {{cert}} --key {{certKey}} --ca {{ca}}' --report junit --out client.xml
  wimse conformance client --listen 127.0.0.1:8443 --profile wit-httpsig --credentials creds/ --requests 3 --timeout 2m
  wimse conformance client --self-test`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.selfTest {
				return clientSelfTest(cmd, e)
			}
			return runClientRole(cmd, e, &f)
		},
	}
	fl := c.Flags()
	fl.StringVar(&f.listen, "listen", "127.0.0.1:0", "address the suite listens on (port 0: any free port, printed)")
	fl.StringVar(&f.profile, "profile", vectors.ClientProfileWPT, "wit-wpt, wit-httpsig or mtls")
	fl.StringVar(&f.draft, "draft", "", "wpt-02 (default) or wpt-01 for wit-wpt; http-signature-07 (default) or -06 for wit-httpsig")
	fl.StringVar(&f.clientCmd, "client-cmd", "", "command template the suite runs once per scenario (see above); empty: only listen")
	fl.StringVar(&f.baseURL, "base-url", "", "origin the client is given, if not the listening address (e.g. behind a proxy)")
	fl.StringArrayVar(&f.ids, "id", nil, "play only this scenario (repeatable)")
	fl.IntVar(&f.requests, "requests", 0, "with --client-cmd: runs per scenario (default 1); listen only: requests to score (default 1)")
	fl.DurationVar(&f.timeout, "timeout", clientrole.DefaultTimeout, "bound of each client run, or of the whole listen-only run")
	fl.BoolVar(&f.strict, "strict", false, "count SHOULD-level misses as failures")
	fl.BoolVar(&f.tls, "tls", false, "serve the WIT profiles over HTTPS (https://localhost:PORT, the suite's test certificate; {{ca}} is its root); mtls always does")
	fl.StringVar(&f.report, "report", "", "report kind written to --out (json, junit, markdown, html), or kind=PATH,... as in 'conformance run'")
	fl.StringVar(&f.out, "out", "", "file the --report kind is written to")
	fl.StringVar(&f.credentials, "credentials", "", "write the client's credentials into this directory (client.wit, client.jwk, client.pem, client.key, ca.pem, bundle.jwks)")
	fl.BoolVar(&f.selfTest, "self-test", false, "break this module's client transports one behaviour at a time and count the mutants detected")
	return c
}

// reportSpec turns --report KIND --out FILE into the kind=PATH list.
func (f *clientFlags) reportSpec() (string, error) {
	if f.out == "" {
		return f.report, nil
	}
	kind := f.report
	switch kind {
	case "markdown":
		kind = "md"
	case "json", "junit", "md", "html":
	case "":
		return "", usageErr("--out needs --report json, junit, markdown or html")
	default:
		return "", usageErr("--report %q with --out: want json, junit, markdown or html", f.report)
	}
	return kind + "=" + f.out, nil
}

func runClientRole(cmd *cobra.Command, e *env, f *clientFlags) error {
	spec, err := f.reportSpec()
	if err != nil {
		return err
	}
	reports, err := openReports(spec)
	if err != nil {
		return err
	}
	defer reports.abandon()
	cfg := clientrole.Config{Profile: f.profile, Draft: f.draft, BaseURL: f.baseURL, Requests: f.requests, Timeout: f.timeout, Strict: f.strict, IDs: f.ids, TLS: f.tls}
	if f.requests < 0 {
		return usageErr("--requests must not be negative")
	}
	var client *clientrole.Command
	if f.clientCmd != "" {
		if client, err = clientrole.NewCommand(f.clientCmd); err != nil {
			return usageErr("--client-cmd: %v", err)
		}
		defer client.Close()
		cfg.Client = client
	}
	if f.credentials != "" {
		creds, err := clientrole.IssueCredentials("", nil)
		if err != nil {
			return failErr("%v", err)
		}
		if err := os.MkdirAll(f.credentials, 0o700); err != nil {
			return usageErr("--credentials: %v", err)
		}
		if err := clientrole.WriteCredentials(f.credentials, creds); err != nil {
			return failErr("--credentials: %v", err)
		}
		fmt.Fprintf(e.stderr, "wrote the client's test credentials to %s (public test keys: never trust them outside a test)\n", f.credentials)
	}
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return usageErr("--listen %s: %v", f.listen, err)
	}
	cfg.Listener = ln
	if cfg.Client == nil {
		fmt.Fprintf(e.stderr, "listening on %s (profile %s): send %s request(s) within %s\n", ln.Addr(), f.profile, orOne(f.requests), f.timeout)
	} else {
		fmt.Fprintf(e.stderr, "listening on %s (profile %s), running the client once per scenario\n", ln.Addr(), f.profile)
	}
	if isTerminal(e.stderr) {
		cfg.Progress = conformance.ProgressLine(e.stderr)
	}
	rep, err := clientrole.Run(cmd.Context(), cfg)
	if isTerminal(e.stderr) {
		fmt.Fprintln(e.stderr)
	}
	if errors.Is(err, conformance.ErrNoVectors) {
		fmt.Fprintf(e.stdout, "no scenario matched the selection\n0 passed, 0 failed, 0 skipped\n")
		return quietExit(exitNoMatch)
	}
	if err != nil {
		return usageErr("%v", err)
	}
	if err := reports.write(rep); err != nil {
		return failErr("write report: %v", err)
	}
	printSummary(e.stdout, rep)
	return quietExit(exitCode(rep))
}

func orOne(n int) string {
	if n <= 0 {
		return "1"
	}
	return fmt.Sprint(n)
}

// clientSelfTest runs clientrole.SelfTest and prints one line per mutant.
func clientSelfTest(cmd *cobra.Command, e *env) error {
	ds, err := clientrole.SelfTest(cmd.Context(), nil)
	if err != nil {
		return failErr("%v", err)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "MUTANT\tLEVEL\tREQUIREMENTS\tDETECTED BY")
	missed := 0
	for _, d := range ds {
		by := strings.Join(d.Failed, ", ")
		if len(by) > 100 {
			by = by[:100] + "…"
		}
		if !d.Detected {
			by, missed = "NOT DETECTED", missed+1
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", d.Check.Reason, d.Check.Level, strings.Join(d.Check.Requirements, ","), by)
	}
	tw.Flush()
	fmt.Fprintln(e.stdout, clientrole.SelfTestSummary(ds))
	if missed > 0 {
		return quietExit(exitFailure)
	}
	return nil
}
