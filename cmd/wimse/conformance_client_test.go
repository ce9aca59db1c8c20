package main

import (
	"context"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// asCLI makes the test binary behave as the wimse binary when it is run
// as a client command: `wimse conformance client --client-cmd` then runs
// `wimse interop call` in a subprocess, as a user's CI would.
const asCLI = "WIMSE_TEST_AS_CLI"

func TestMain(m *testing.M) {
	if os.Getenv(asCLI) == "1" {
		os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// TestConformanceClientInteropCall: `wimse interop call` (this module's
// client transports behind the peers' call convention), run by the suite
// once per scenario, passes every scenario it can express, for every
// profile and draft; the rest are unsupported, never failed. Both sides
// use the real clock: every token is minted relative to it.
func TestConformanceClientInteropCall(t *testing.T) {
	t.Setenv(asCLI, "1")
	self := os.Args[0]
	wit := self + " interop call --url {{url}} --wit {{wit}} --key {{key}} --draft {{draft}} --body {{body}}"
	for _, tc := range []struct {
		profile, draft, cmd string
		passed              string
	}{
		{"wit-wpt", "wpt-02", wit, "4 passed, 0 failed, 2 skipped"},
		{"wit-wpt", "wpt-01", wit, "4 passed, 0 failed, 3 skipped"},
		{"wit-httpsig", "http-signature-07", wit, "4 passed, 0 failed, 7 skipped"},
		{"wit-httpsig", "http-signature-06", wit, "4 passed, 0 failed, 7 skipped"},
		{"mtls", "", self + " interop call --url {{url}} --cert {{cert}} --key {{certKey}} --ca {{ca}}", "3 passed, 0 failed, 0 skipped"},
		{"wit-wpt", "wpt-02", wit + " --ca {{ca}} --tls", "4 passed, 0 failed, 2 skipped"},
	} {
		t.Run(tc.profile+"/"+tc.draft, func(t *testing.T) {
			junit := filepath.Join(t.TempDir(), "client.xml")
			cmd, tls := strings.CutSuffix(tc.cmd, " --tls")
			args := []string{"conformance", "client", "--listen", "127.0.0.1:0", "--profile", tc.profile, "--client-cmd", cmd, "--report", "junit", "--out", junit}
			if tls {
				args = append(args, "--tls")
			}
			if tc.draft != "" {
				args = append(args, "--draft", tc.draft)
			}
			code, out, errOut := cli(t, "", args...)
			if code != 0 || !strings.HasSuffix(strings.TrimSpace(out), tc.passed) {
				t.Fatalf("exit %d, want 0 and %q\n%s\n%s", code, tc.passed, out, errOut)
			}
			b, err := os.ReadFile(junit)
			if err != nil {
				t.Fatal(err)
			}
			if err := xml.Unmarshal(b, new(struct{})); err != nil || !strings.Contains(string(b), "client-") {
				t.Errorf("JUnit report: %v\n%s", err, b)
			}
		})
	}
}

// TestConformanceClientFailingCommand: a client that refuses every answer
// fails the valid scenarios (exit 1), and one that sends nothing leaves
// them without a verdict (exit 4, incomplete).
func TestConformanceClientFailingCommand(t *testing.T) {
	code, out, _ := cli(t, "", "conformance", "client", "--profile", "wit-wpt", "--id", "client-wpt-get", "--client-cmd", "false")
	if code != exitIncomplete || !strings.Contains(out, "sent no request") {
		t.Errorf("a client sending nothing: exit %d, want %d\n%s", code, exitIncomplete, out)
	}
	code, _, errOut := cli(t, "", "conformance", "client", "--profile", "nope")
	if code != exitConfig {
		t.Errorf("unknown profile: exit %d, want %d (%s)", code, exitConfig, errOut)
	}
	code, out, _ = cli(t, "", "conformance", "client", "--profile", "wit-wpt", "--id", "no-such-scenario", "--client-cmd", "true")
	if code != exitNoMatch {
		t.Errorf("no scenario: exit %d, want %d\n%s", code, exitNoMatch, out)
	}
}

// TestConformanceClientSelfTest: every client mutant is detected.
func TestConformanceClientSelfTest(t *testing.T) {
	code, out, errOut := cli(t, "", "conformance", "client", "--self-test")
	if code != 0 || !strings.Contains(out, "23 of 23 client mutants detected") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
}
