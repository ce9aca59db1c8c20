package main

import (
	"crypto"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/interop/server"
	"github.com/wimse-wg/wimse/vectors"
	"github.com/wimse-wg/wimse/wimse"
)

// summaryOK is the last line of a conformant run.
var summaryOK = regexp.MustCompile(`^\d+ passed, 0 failed, \d+ skipped$`)

// TestConformanceRunInProcess: with no --target the reference server is
// started in-process, every vector passes (the policy-variant ones against
// variant servers) and the run exits 0 for both drafts; the reports are
// written, never show a --header value, and the JSON one reads back.
func TestConformanceRunInProcess(t *testing.T) {
	const secret = "secret-value-123"
	for _, draft := range []string{"wpt-02", "wpt-01"} {
		t.Run(draft, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			p := func(n string) string { return filepath.Join(dir, n) }
			code, out, errOut := cli(t, "", "conformance", "run", "--draft", draft, "--header", "X-Api-Key: "+secret,
				"--report", "json="+p("r.json")+",junit="+p("r.xml")+",md="+p("r.md")+",html="+p("r.html"))
			if code != exitConformant {
				t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
			}
			last := lastLine(out)
			if !summaryOK.MatchString(last) {
				t.Errorf("last line %q does not match %s", last, summaryOK)
			}
			if !strings.Contains(errOut, "in-process") {
				t.Errorf("stderr %q does not say the reference server runs in-process", errOut)
			}

			files := map[string]string{}
			for _, n := range []string{"r.json", "r.xml", "r.md", "r.html"} {
				b, err := os.ReadFile(p(n))
				if err != nil {
					t.Fatal(err)
				}
				if len(b) == 0 {
					t.Errorf("%s is empty", n)
				}
				files[n] = string(b)
			}
			files["stdout"], files["stderr"] = out, errOut
			for n, text := range files {
				if strings.Contains(text, secret) {
					t.Errorf("%s shows the --header value", n)
				}
			}
			rep, err := conformance.ReadJSON(strings.NewReader(files["r.json"]))
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Conformant || !rep.Target.InProcess || rep.Target.Draft != draft {
				t.Errorf("JSON report: conformant=%v inProcess=%v draft=%q, want true true %q", rep.Conformant, rep.Target.InProcess, rep.Target.Draft, draft)
			}
			if n := rep.Summary.Counts[conformance.StatusUnsupported]; n != 0 {
				t.Errorf("%d unsupported results: in-process, the policy variants should play them", n)
			}
			if rep.Summary.Total < 200 || rep.Summary.Total != len(rep.Results) {
				t.Errorf("JSON report has %d results (total %d), want the whole suite", len(rep.Results), rep.Summary.Total)
			}
			if got := rep.SummaryLine(); got != last {
				t.Errorf("JSON report summary %q, stdout %q", got, last)
			}
			if lastLine(files["r.md"]) != last {
				t.Errorf("Markdown report ends %q, want %q", lastLine(files["r.md"]), last)
			}
			if err := xml.Unmarshal([]byte(files["r.xml"]), new(struct{})); err != nil {
				t.Errorf("JUnit report is not XML: %v", err)
			}
		})
	}
}

// TestConformanceRunExitCodes plays against peers written here and checks
// the documented exit codes (`conformance run --help`, the README).
func TestConformanceRunExitCodes(t *testing.T) {
	t.Run("closed port is unreachable: 3", func(t *testing.T) {
		t.Parallel()
		report := filepath.Join(t.TempDir(), "r.json")
		code, out, errOut := cli(t, "", "conformance", "run", "--target", "http://"+closedPort(t)+"/path", "--report", "json="+report)
		if code != exitUnreachable {
			t.Errorf("exit %d, want 3\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
		}
		if lastLine(out) != "0 passed, 0 failed, 0 skipped" {
			t.Errorf("stdout:\n%s", out)
		}
		wantDiagnostic(t, errOut, "is unreachable: cannot connect", "connection refused", "hint: nothing listens there", "TLS spoken to a plain-HTTP server", "--keep-going")
		if _, err := os.Stat(report); err == nil {
			t.Error("an unreachable target left an empty report file behind")
		}
	})

	t.Run("TLS to a plain-HTTP server is unreachable: 3", func(t *testing.T) {
		t.Parallel()
		target, requests := countingPeer(t)
		code, out, errOut := cli(t, "", "conformance", "run", "--target", strings.Replace(target, "http:", "https:", 1)+"/path")
		if code != exitUnreachable {
			t.Errorf("exit %d, want 3\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
		}
		wantDiagnostic(t, errOut, "is unreachable", "does not speak TLS", "hint: the target speaks plain HTTP: use http:// instead of https://")
		if n := requests.Load(); n != 0 {
			t.Errorf("%d requests reached the target", n)
		}
	})

	t.Run("--keep-going plays on past transport errors: 4", func(t *testing.T) {
		t.Parallel()
		target, _ := countingPeer(t)
		code, out, errOut := cli(t, "", "conformance", "run", "--target", strings.Replace(target, "http:", "https:", 1)+"/path",
			"--keep-going", "--label-filter", "encoding || wth")
		if code != exitIncomplete {
			t.Errorf("exit %d, want 4\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
		}
		if !strings.Contains(errOut, "playing on (--keep-going)") || !strings.Contains(out, "server gave HTTP response to HTTPS client") {
			t.Errorf("stdout:\n%s\nstderr:\n%s", out, errOut)
		}
	})

	t.Run("a peer that accepts everything fails: 1", func(t *testing.T) {
		t.Parallel()
		target := testPeer(t, func(string) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				_, _ = io.WriteString(w, "ok")
			})
		})
		code, out, errOut := cli(t, "", "conformance", "run", "--target", target+"/path")
		if code != exitNonConformant {
			t.Errorf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
		}
		if m := regexp.MustCompile(`^\d+ passed, (\d+) failed, \d+ skipped$`).FindStringSubmatch(lastLine(out)); m == nil || m[1] == "0" {
			t.Errorf("last line %q, want failures", lastLine(out))
		}
		if !regexp.MustCompile(`(?m)^FAIL +wit-typ-jwt: expected the target to reject`).MatchString(out) {
			t.Errorf("stdout does not list the failure of wit-typ-jwt:\n%s", out)
		}
	})

	t.Run("some vectors time out, none fails: 4", func(t *testing.T) {
		t.Parallel()
		// The reference server, except that it never answers a request
		// carrying a Txn-Token.
		hang := hangHandler(t)
		target := testPeer(t, func(base string) http.Handler {
			ref := referenceHandler(t, base)
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("Txn-Token") != "" {
					hang.ServeHTTP(w, r)
					return
				}
				ref.ServeHTTP(w, r)
			})
		})
		code, out, errOut := cli(t, "", "conformance", "run", "--target", target+"/path", "--timeout", "100ms",
			"--label-filter", "tth || baseline", "--target-config", writeFile(t, "profile.json", `{"contextTokenFields": ["X-Custom-Token"]}`))
		if code != exitIncomplete {
			t.Errorf("exit %d, want 4\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
		}
		if !strings.Contains(out, "ERROR") || !strings.Contains(out, "timeout") {
			t.Errorf("stdout does not list the timeouts:\n%s", out)
		}
	})

	t.Run("a peer that never answers is unreachable: 3", func(t *testing.T) {
		t.Parallel()
		hang := hangHandler(t)
		target := testPeer(t, func(string) http.Handler { return hang })
		report := filepath.Join(t.TempDir(), "r.json")
		code, out, errOut := cli(t, "", "conformance", "run", "--target", target+"/path", "--timeout", "100ms",
			"--label-filter", "encoding || wth", "--report", "json="+report)
		if code != exitUnreachable {
			t.Errorf("exit %d, want 3\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
		}
		wantDiagnostic(t, errOut, fmt.Sprintf("the first %d requests all failed without an answer; last error: timeout", conformance.UnreachableAfter),
			"hint: the target does not answer within --timeout")
		r := readReport(t, report)
		if n := r.Summary.Counts[conformance.StatusError]; n < conformance.UnreachableAfter {
			t.Errorf("the partial report has %d errors, want at least %d", n, conformance.UnreachableAfter)
		}
		if lastLine(out) != r.SummaryLine() {
			t.Errorf("stdout ends %q, not with the partial report's summary", lastLine(out))
		}
	})

	t.Run("a peer that never answers, with --keep-going, is incomplete: 4", func(t *testing.T) {
		t.Parallel()
		hang := hangHandler(t)
		target := testPeer(t, func(string) http.Handler { return hang })
		code, out, errOut := cli(t, "", "conformance", "run", "--target", target+"/path", "--timeout", "100ms",
			"--label-filter", "encoding || wth", "--keep-going")
		if code != exitIncomplete {
			t.Errorf("exit %d, want 4 (incomplete: errors such as timeouts; the target was reachable)\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
		}
		if m := regexp.MustCompile(`^0 passed, (\d+) failed, \d+ skipped$`).FindStringSubmatch(lastLine(out)); m == nil || m[1] == "0" {
			t.Errorf("last line %q, want only failed (errors)", lastLine(out))
		}
	})

	t.Run("nothing matches the selection: 5", func(t *testing.T) {
		t.Parallel()
		code, out, errOut := cli(t, "", "conformance", "run", "--label-filter", "no-such-label")
		if code != exitNoMatch {
			t.Errorf("exit %d, want 5\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
		}
		if !strings.Contains(out, "no vector matched the selection") || lastLine(out) != "0 passed, 0 failed, 0 skipped" {
			t.Errorf("stdout:\n%s", out)
		}
	})
}

// TestConformanceRunConfigErrors: usage and configuration errors exit 2
// with a diagnostic and print no summary.
func TestConformanceRunConfigErrors(t *testing.T) {
	for name, args := range map[string][]string{
		"unknown report kind":      {"--report", "pdf=r.pdf"},
		"report without path":      {"--report", "json"},
		"report with empty path":   {"--report", "json="},
		"missing target config":    {"--target-config", filepath.Join(t.TempDir(), "absent.json")},
		"target config not JSON":   {"--target-config", writeFile(t, "bad.json", `trustDomain: acme.test`)},
		"target config bad member": {"--target-config", writeFile(t, "typo.json", `{"trustDomian": "acme.test"}`)},
		"expected failures array":  {"--expected-failures", writeFile(t, "xfail.json", `["wit-typ-jwt"]`)},
		"bad focus":                {"--focus", "("},
		"bad label filter":         {"--label-filter", "((typ"},
		"bad header":               {"--header", "no colon"},
		"unknown draft":            {"--draft", "wpt-03"},
		"unknown flag":             {"--bogus"},
	} {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := cli(t, "", append([]string{"conformance", "run"}, args...)...)
			if code != exitConfig {
				t.Errorf("exit %d, want 2\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
			}
			if !strings.Contains(errOut, "wimse: error: ") {
				t.Errorf("stderr %q has no diagnostic", errOut)
			}
			if strings.Contains(errOut, "\x1b[") {
				t.Errorf("the diagnostic holds terminal escape sequences: %q", errOut)
			}
			if strings.Contains(out, " passed, ") {
				t.Errorf("a configuration error printed a summary:\n%s", out)
			}
		})
	}
}

// TestConformanceList: list takes run's --profile and --draft values and
// lists what run plays; with no --draft, every revision of the profile.
func TestConformanceList(t *testing.T) {
	set, err := vectors.Load(vectors.FS)
	if err != nil {
		t.Fatal(err)
	}
	count := regexp.MustCompile(`^(\d+) vectors \(set (sha256:[0-9a-f]{64})\)$`)
	for _, tc := range []struct {
		profile string
		drafts  []string // what the listing covers
		draft   string   // --draft, if any
	}{
		{"", []string{"wpt-02", "wpt-01"}, ""},
		{"", []string{"wpt-01"}, "wpt-01"},
		{"", []string{"wpt-02"}, "wpt-02"},
		{"wit-httpsig", []string{"http-signature-07", "http-signature-06"}, ""},
		{"wit-httpsig", []string{"http-signature-06"}, "http-signature-06"},
		{"mtls", nil, ""},
		{"mtls", nil, "mtls"},
	} {
		want := 0
		for _, v := range set.Vectors() {
			if tc.profile == "mtls" {
				if v.Kind == vectors.KindMTLS && v.Input.Certificates.Role == vectors.RoleClient {
					want++
				}
			} else if v.Kind == vectors.KindRequest && slices.ContainsFunc(tc.drafts, v.AppliesTo) {
				want++
			}
		}
		args := []string{"conformance", "list"}
		if tc.profile != "" {
			args = append(args, "--profile", tc.profile)
		}
		if tc.draft != "" {
			args = append(args, "--draft", tc.draft)
		}
		code, out, errOut := cli(t, "", args...)
		if code != 0 {
			t.Fatalf("%v: exit %d, stderr %s", args, code, errOut)
		}
		lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
		m := count.FindStringSubmatch(lines[len(lines)-1])
		if m == nil {
			t.Fatalf("%v: last line %q does not match %s", args, lines[len(lines)-1], count)
		}
		if n, _ := strconv.Atoi(m[1]); n != want || len(lines)-1 != want || m[2] != set.Digest || want == 0 {
			t.Errorf("%v: %q after %d lines, want %d vectors of set %s", args, lines[len(lines)-1], len(lines)-1, want, set.Digest)
		}
		if tc.draft == "wpt-01" && strings.Contains(out, "wpt02-valid ") {
			t.Errorf("--draft wpt-01 lists a wpt-02 vector")
		}
	}
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"unknown profile":          {[]string{"--profile", "wit-foo"}, "--profile \"wit-foo\" is not one of wit-wpt, wit-httpsig, mtls"},
		"draft of another profile": {[]string{"--profile", "wit-httpsig", "--draft", "wpt-01"}, "hint: add --profile wit-wpt"},
		"unknown draft":            {[]string{"--draft", "wpt-03"}, "--draft \"wpt-03\" is not one of wpt-02, wpt-01"},
	} {
		code, out, errOut := cli(t, "", append([]string{"conformance", "list"}, tc.args...)...)
		if code != exitUsage || out != "" || !strings.Contains(errOut, tc.want) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want 2 and %q", name, code, out, errOut, tc.want)
		}
	}
}

func TestConformanceExplain(t *testing.T) {
	set, err := vectors.Load(vectors.FS)
	if err != nil {
		t.Fatal(err)
	}
	v, ok := set.Find("wpt-valid-es256")
	if !ok || len(v.Requirements) == 0 {
		t.Fatal("no vector wpt-valid-es256 with requirements")
	}
	code, out, errOut := cli(t, "", "conformance", "explain", "wpt-valid-es256")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	if !strings.HasPrefix(out, "wpt-valid-es256 (request, valid)\n"+v.Comment+"\n") {
		t.Errorf("stdout does not start with the ID, kind, result and comment:\n%s", out)
	}
	for _, id := range v.Requirements {
		found := false
		for _, r := range set.Requirements.Requirements {
			if r.ID == id {
				found = true
				if !strings.Contains(out, r.Text) {
					t.Errorf("stdout lacks the text of requirement %s: %q", id, r.Text)
				}
			}
		}
		if !found {
			t.Errorf("requirement %s is not in requirements.json", id)
		}
	}

	code, out, errOut = cli(t, "", "conformance", "explain", "no-such")
	if code != exitConfig || !strings.HasPrefix(errOut, "wimse: error: ") || !strings.Contains(errOut, "no-such") || out != "" {
		t.Errorf("explain no-such: exit %d, stdout %q, stderr %q; want 2 and a diagnostic", code, out, errOut)
	}
}

func TestConformanceTrustBundle(t *testing.T) {
	code, out, errOut := cli(t, "", "conformance", "trust-bundle")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	got, err := wimse.ParseJWKSet([]byte(out))
	if err != nil {
		t.Fatalf("stdout is not a JWK Set of public issuer keys: %v\n%s", err, out)
	}
	keys, err := vectors.DeriveKeys(vectors.DefaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(vectors.TrustedIssuers) {
		t.Fatalf("%d keys, want %d (vectors.TrustedIssuers)", len(got), len(vectors.TrustedIssuers))
	}
	for i, name := range vectors.TrustedIssuers {
		k, err := keys.Get(name)
		if err != nil {
			t.Fatal(err)
		}
		eq, ok := got[i].Public.(interface{ Equal(crypto.PublicKey) bool })
		if got[i].KeyID != k.KeyID || got[i].Algorithm != k.Alg || !ok || !eq.Equal(k.Signer.Public()) {
			t.Errorf("key %d = %s %s, want the public key of %s (%s %s)", i, got[i].KeyID, got[i].Algorithm, name, k.KeyID, k.Alg)
		}
	}
	if !strings.Contains(errOut, "WARNING") || !strings.Contains(errOut, "trust domain: "+vectors.TrustDomain) {
		t.Errorf("stderr %q lacks the test-key warning and the trust domain", errOut)
	}
}

// testPeer serves the handler made for its base URL on loopback until the
// test ends and returns the base URL.
func testPeer(t testing.TB, handler func(base string) http.Handler) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	srv.Config.Handler = handler(base)
	srv.Start()
	t.Cleanup(srv.Close)
	return base
}

// hangHandler never answers: it reads the request (so that net/http
// notices the client going away) and waits until the request context is
// cancelled or the test ends. Create it before the server serving it, so
// that it is released before that server's Close waits for it.
func hangHandler(t testing.TB) http.Handler {
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	return http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	})
}

// referenceHandler is the reference server with the suite's configuration.
func referenceHandler(t testing.TB, base string) http.Handler {
	t.Helper()
	c, err := server.SuiteConfig(vectors.DefaultSeed, base)
	if err != nil {
		t.Fatal(err)
	}
	h, err := server.New(c)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// wantDiagnostic checks stderr holds the parts of one diagnostic.
func wantDiagnostic(t *testing.T, stderr string, parts ...string) {
	t.Helper()
	if !strings.HasPrefix(stderr, "wimse: error: ") {
		t.Errorf("stderr does not start with the diagnostic prefix:\n%s", stderr)
	}
	for _, p := range parts {
		if !strings.Contains(stderr, p) {
			t.Errorf("stderr lacks %q:\n%s", p, stderr)
		}
	}
}

// readReport reads a JSON report file.
func readReport(t *testing.T, path string) *conformance.Report {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("the report was not written: %v", err)
	}
	defer f.Close()
	r, err := conformance.ReadJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func writeFile(t testing.TB, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func lastLine(s string) string {
	s = strings.TrimRight(s, "\n")
	return s[strings.LastIndexByte(s, '\n')+1:]
}
