package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// cli runs the CLI in-process and returns its exit code and output.
func cli(t testing.TB, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

const published = "../../profiles/httpwpt/testdata/"

func verifyArgs(extra ...string) []string {
	return append([]string{"token", "verify", "--trust-bundle", published + "issuer-june5.jwks",
		"--trust-domain", "example.com", "--audience", "https://workload.example.com"}, extra...)
}

// TestVerifyPublishedExamples plays the wpt-01 (§3) and wpt-02 (§2,
// Figure 5) example requests through `wimse token verify` at their example
// time, and again after the WPT expired.
func TestVerifyPublishedExamples(t *testing.T) {
	for _, tc := range []struct {
		file, carriage string
		lateStatus     int
	}{
		{"wpt-02-example.http", "wpt-02", 401},
		{"wpt-01-example.http", "wpt-01", 400},
	} {
		t.Run(tc.carriage, func(t *testing.T) {
			code, out, errOut := cli(t, "", verifyArgs("--request", published+tc.file, "--at", "1745509900")...)
			if code != 0 {
				t.Fatalf("exit %d, stdout %s, stderr %s", code, out, errOut)
			}
			var got verifyResult
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatal(err)
			}
			want := verifyResult{OK: true, Subject: "wimse://example.com/specific-workload", TrustDomain: "example.com", Carriage: tc.carriage}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("result (-want +got):\n%s", d)
			}

			code, out, _ = cli(t, "", verifyArgs("--request", published+tc.file, "--at", "1745510100")...)
			if code != 1 {
				t.Fatalf("after exp: exit %d, want 1", code)
			}
			got = verifyResult{}
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatal(err)
			}
			if got.OK || got.Reason != "wpt.expired" || got.Status != tc.lateStatus {
				t.Errorf("after exp: got %+v, want reason wpt.expired status %d", got, tc.lateStatus)
			}
		})
	}
}

func TestVerifyFromStdin(t *testing.T) {
	raw, err := os.ReadFile(published + "wpt-02-example.http")
	if err != nil {
		t.Fatal(err)
	}
	code, out, _ := cli(t, string(raw), verifyArgs("--request", "-", "--at", "1745509900")...)
	if code != 0 || !strings.Contains(out, `"ok":true`) {
		t.Errorf("exit %d, out %s", code, out)
	}
	code, out, _ = cli(t, "not an http request", verifyArgs("--request", "-", "--at", "1745509900")...)
	if code != 1 || !strings.Contains(out, `"reason":"request.malformed"`) || !strings.Contains(out, `"status":400`) {
		t.Errorf("garbage: exit %d, out %s", code, out)
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	for name, args := range map[string][]string{
		"unknown flag":       {"token", "verify", "--bogus"},
		"missing request":    verifyArgs(),
		"unreadable request": verifyArgs("--request", "does-not-exist.http"),
		"missing bundle":     {"token", "verify", "--request", "-", "--trust-domain", "a.example", "--audience", "https://a.example"},
		"bad trust domain":   {"token", "verify", "--request", "-", "--trust-bundle", published + "issuer-june5.jwks", "--trust-domain", "A.Example", "--audience", "https://a.example"},
		"bad accept":         verifyArgs("--request", "-", "--accept", "wpt-99"),
		"serve no listen":    {"serve", "--trust-bundle", published + "issuer-june5.jwks", "--trust-domain", "example.com", "--audience", "https://a.example"},
		"unknown command":    {"frobnicate"},
	} {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := cli(t, "", args...)
			if code != 2 {
				t.Errorf("exit %d, want 2 (stdout %q, stderr %q)", code, out, errOut)
			}
			if !strings.HasPrefix(errOut, "wimse: error: ") {
				t.Errorf("stderr %q does not start with the diagnostic prefix", errOut)
			}
		})
	}
}

// TestMintRequestVerify goes the newcomer's way: generate keys, issue a WIT,
// write a request, verify it offline.
func TestMintRequestVerify(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	mustRun(t, "keys", "generate", "--alg", "ES256", "--kid", "k1", "--out", p("issuer.jwk"), "--bundle", p("bundle.jwks"))
	mustRun(t, "keys", "generate", "--alg", "EdDSA", "--out", p("wl.jwk"))
	_, witOut, _ := mustRun(t, "token", "issue", "--issuer-key", p("issuer.jwk"), "--subject", "spiffe://example.org/ns/a/sa/b", "--workload-key", p("wl.jwk"))
	if err := os.WriteFile(p("wl.wit"), []byte(witOut), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, draft := range []string{"wpt-02", "wpt-01", "http-signature-07", "http-signature-06"} {
		_, req, _ := mustRun(t, "token", "request", "--url", "https://svc.example.org/api?q=1", "--wit", p("wl.wit"), "--key", p("wl.jwk"),
			"--method", "POST", "--data", `{"x":1}`, "--header", "Txn-Token: txn-abc", "--draft", draft)
		if err := os.WriteFile(p("req.http"), []byte(req), 0o600); err != nil {
			t.Fatal(err)
		}
		args := []string{"token", "verify", "--request", p("req.http"), "--trust-bundle", p("bundle.jwks"), "--trust-domain", "example.org", "--audience", "https://svc.example.org"}
		code, out, errOut := cli(t, "", args...)
		if code != 0 || !strings.Contains(out, `"carriage":"`+draft+`"`) {
			t.Fatalf("%s: exit %d, out %s, err %s", draft, code, out, errOut)
		}
		args[len(args)-1] = "https://svc.example.org/prefix"
		wantReason := `"reason":"wpt.aud_mismatch"`
		if strings.HasPrefix(draft, "http-signature") {
			wantReason = `"reason":"httpsig.aud_mismatch"`
		}
		if code, out, _ := cli(t, "", args...); code != 1 || !strings.Contains(out, wantReason) {
			t.Errorf("%s other audience: exit %d, out %s", draft, code, out)
		}
	}
	_, curl, _ := mustRun(t, "token", "request", "--url", "https://svc.example.org/api", "--wit", p("wl.wit"), "--key", p("wl.jwk"), "--format", "curl")
	if !strings.HasPrefix(curl, "curl ") || !strings.Contains(curl, "'Authorization: WPT ") {
		t.Errorf("curl output %q", curl)
	}
}

func mustRun(t testing.TB, args ...string) (int, string, string) {
	t.Helper()
	code, out, errOut := cli(t, "", args...)
	if code != 0 {
		t.Fatalf("wimse %s: exit %d, stderr %s", strings.Join(args, " "), code, errOut)
	}
	return code, out, errOut
}

func TestDemo(t *testing.T) {
	code, out, errOut := cli(t, "", "demo", "--dir", t.TempDir())
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{`"carriage":"wpt-02"`, `"carriage":"wpt-01"`, `"reason":"wpt.replayed"`, "all answers as expected"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

// TestServe runs `wimse serve` in-process, calls it with a request written
// by `wimse token request`, and checks the logs never hold a token.
func TestServe(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	mustRun(t, "keys", "generate", "--alg", "ES256", "--out", p("issuer.jwk"), "--bundle", p("bundle.jwks"))
	mustRun(t, "keys", "generate", "--alg", "ES256", "--out", p("wl.jwk"))
	_, witOut, _ := mustRun(t, "token", "issue", "--issuer-key", p("issuer.jwk"), "--subject", "wimse://example.org/svc", "--workload-key", p("wl.jwk"))
	os.WriteFile(p("wl.wit"), []byte(witOut), 0o600)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	base := "http://" + addr
	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve", "--listen", addr, "--trust-bundle", p("bundle.jwks"), "--trust-domain", "example.org", "--audience", base},
			strings.NewReader(""), &bytes.Buffer{}, &stderr)
	}()
	waitHealthy(t, base)

	_, raw, _ := mustRun(t, "token", "request", "--url", base+"/hello", "--wit", p("wl.wit"), "--key", p("wl.jwk"))
	for i, wantStatus := range []int{200, 401} { // the second send is a replay
		if resp := sendRaw(t, base, raw); resp.StatusCode != wantStatus {
			t.Errorf("send %d: status %d, want %d", i, resp.StatusCode, wantStatus)
		}
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("serve exit %d", code)
	}
	logs := stderr.String()
	if !strings.Contains(logs, "wpt.replayed") {
		t.Errorf("logs lack the rejection reason:\n%s", logs)
	}
	for _, secret := range []string{strings.TrimSpace(witOut)[:40], "WPT ey"} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain a token (%q)", secret)
		}
	}
}

func sendRaw(t testing.TB, base, raw string) *http.Response {
	t.Helper()
	req, err := httpReadRequest(raw)
	if err != nil {
		t.Fatal(err)
	}
	req.RequestURI = ""
	req.URL.Scheme = "http"
	req.URL.Host = strings.TrimPrefix(base, "http://")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func waitHealthy(t testing.TB, base string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("server did not become healthy")
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
