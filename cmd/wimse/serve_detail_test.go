package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeProblemDetailAndSenderQuota runs `wimse serve` in-process with
// --problem-detail and --replay-sender-quota (issue 9, item 7): problem
// bodies carry the detail by default (full) and not with minimal, and one
// sender over its quota gets 429 server.replay_sender_quota.
func TestServeProblemDetailAndSenderQuota(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	mustRun(t, "keys", "generate", "--alg", "ES256", "--out", p("issuer.jwk"), "--bundle", p("bundle.jwks"))
	mustRun(t, "keys", "generate", "--alg", "ES256", "--out", p("wl.jwk"))
	_, witOut, _ := mustRun(t, "token", "issue", "--issuer-key", p("issuer.jwk"), "--subject", "wimse://example.org/svc", "--workload-key", p("wl.jwk"))
	if err := os.WriteFile(p("wl.wit"), []byte(witOut), 0o600); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name       string
		flags      []string
		wantDetail bool
	}{
		{"default is full", nil, true},
		{"full", []string{"--problem-detail", "full"}, true},
		{"minimal", []string{"--problem-detail", "minimal"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base, stop := startServe(t, append([]string{"--trust-bundle", p("bundle.jwks"), "--trust-domain", "example.org",
				"--replay-cache-size", "8", "--replay-sender-quota", "2"}, tc.flags...)...)
			defer stop()
			request := func(path string) string {
				_, raw, _ := mustRun(t, "token", "request", "--url", base+path, "--wit", p("wl.wit"), "--key", p("wl.jwk"))
				return raw
			}
			// A proof for /hello sent to /other: wpt.aud_mismatch, whose
			// detail names the audience the server expected.
			status, body := sendRawBody(t, base, strings.Replace(request("/hello"), "/hello", "/other", 1))
			if status != http.StatusUnauthorized || body["reason"] != "wpt.aud_mismatch" || body["title"] != "Unauthorized" {
				t.Fatalf("aud mismatch: status %d, body %v", status, body)
			}
			detail, hasDetail := body["detail"].(string)
			if hasDetail != tc.wantDetail || tc.wantDetail && !strings.Contains(detail, base+"/other") {
				t.Errorf("detail %q (present %v), want present %v naming the expected audience", detail, hasDetail, tc.wantDetail)
			}
			// Quota 2: the third fresh proof of the same sender is refused.
			for i, want := range []int{200, 200, 429} {
				status, body := sendRawBody(t, base, request("/hello"))
				if status != want {
					t.Fatalf("request %d: status %d, want %d (%v)", i, status, want, body)
				}
				if want == 429 && body["reason"] != "server.replay_sender_quota" {
					t.Errorf("429 body %v, want reason server.replay_sender_quota", body)
				}
			}
		})
	}

	t.Run("unknown value is a usage error", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), []string{"serve", "--listen", "127.0.0.1:0", "--trust-bundle", p("bundle.jwks"),
			"--trust-domain", "example.org", "--audience", "http://127.0.0.1", "--problem-detail", "verbose"}, strings.NewReader(""), &stdout, &stderr)
		if code != 2 || !strings.Contains(stderr.String(), "--problem-detail") {
			t.Errorf("exit %d, stderr %q; want 2 naming --problem-detail", code, stderr.String())
		}
	})
}

// startServe runs `wimse serve` on a free loopback port with args (the
// audience is the server's own URL) until stop.
func startServe(t *testing.T, args ...string) (base string, stop func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	base = "http://" + addr
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	var stderr syncBuffer
	go func() {
		done <- run(ctx, append([]string{"serve", "--listen", addr, "--audience", base}, args...), strings.NewReader(""), &bytes.Buffer{}, &stderr)
	}()
	waitHealthy(t, base)
	return base, func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exit %d: %s", code, stderr.String())
		}
	}
}

// sendRawBody sends a raw request (as `wimse token request` prints it) to
// base and returns the status and the decoded JSON body.
func sendRawBody(t *testing.T, base, raw string) (int, map[string]any) {
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
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("status %d, body %q: %v", resp.StatusCode, b, err)
	}
	return resp.StatusCode, m
}
