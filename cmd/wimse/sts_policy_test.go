package main

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const stsPolicyFile = "../../interop/sts/policy/testdata/policy.json"

// TestSTSPolicyCheck: exit 0 allowed, 1 denied, 2 usage; the output
// names the decision and the rule.
func TestSTSPolicyCheck(t *testing.T) {
	dir := t.TempDir()
	seg := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	jwt := filepath.Join(dir, "alice.jwt")
	if err := os.WriteFile(jwt, []byte(seg(`{"alg":"ES256"}`)+"."+seg(`{"iss":"https://idp.example.org","sub":"alice"}`)+".c2ln\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	badPolicy := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(badPolicy, []byte(`{"version": 1, "rules": [{"name": "x", "scope": "a"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	self := []string{"sts", "policy", "check", "--policy", stsPolicyFile, "--client", "wimse://example.org/orders/api",
		"--subject-iss", "https://sts.example.org", "--subject-sub", "wimse://example.org/orders/api"}
	with := func(base []string, extra ...string) []string { return append(append([]string{}, base...), extra...) }
	tests := []struct {
		name      string
		args      []string
		wantCode  int
		wantOut   string // a line the output starts with
		wantError string // a substring of stderr
	}{
		{"allowed", with(self, "--resource", "https://payments.example.org/api", "--scope", "payments:read"), 0,
			`allowed by rule 1 "orders-to-payments"`, ""},
		{"scope beyond ceiling", with(self, "--resource", "https://payments.example.org/api", "--scope", "payments:refund"), 1,
			`denied (invalid_scope, policy.scope): rule 1 "orders-to-payments"`, ""},
		{"resource not allowed", with(self, "--resource", "https://payments.example.org/admin"), 1,
			`denied (invalid_target, policy.target): rule 1 "orders-to-payments"`, ""},
		{"default deny", with(self[:5], "--client", "spiffe://example.org/orders/api", "--subject-iss", "i", "--subject-sub", "s", "--resource", "https://x.example/"), 1,
			`denied (unauthorized_client, policy.no_rule)`, ""},
		{"subject from a JWT, impersonation", with(self[:5], "--client", "spiffe://example.org/agent", "--subject-token", jwt,
			"--subject-token-type", "urn:ietf:params:oauth:token-type:id_token", "--audience", "calendar"), 0,
			`allowed by rule 2 "agent-as-user": mode impersonation`, ""},
		{"delegation not allowed", with(self[:5], "--client", "spiffe://example.org/agent", "--subject-token", jwt,
			"--actor-iss", "https://idp.example.org", "--actor-sub", "spiffe://example.org/agent", "--audience", "calendar"), 1,
			`denied (invalid_request, policy.delegation)`, ""},
		{"client_id", with(self[:5], "--client-id", "batch-legacy", "--auth-method", "client_secret_basic",
			"--subject-iss", "https://idp.example.org", "--subject-sub", "alice", "--audience", "reports"), 0,
			`allowed by rule 0 "legacy-batch"`, ""},
		{"no policy", []string{"sts", "policy", "check", "--client", "wimse://example.org/a"}, 2, "", "--policy"},
		{"invalid policy", with([]string{"sts", "policy", "check", "--policy", badPolicy}, self[5:]...), 2, "", "rule 0"},
		{"non-canonical client", with(self[:5], "--client", "wimse://Example.org/a", "--subject-iss", "i", "--subject-sub", "s"), 2, "", "--client"},
		{"no subject", with(self[:5], "--client", "wimse://example.org/a"), 2, "", "--subject-iss"},
		{"bad scope", with(self, "--resource", "https://payments.example.org/api", "--scope", "a  b"), 2, "", "--scope"},
		{"subject token not a JWT", with(self[:5], "--client", "wimse://example.org/a", "--subject-token", badPolicy), 2, "", "--subject-token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := cli(t, "", tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit: got %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, out, errOut)
			}
			if !strings.HasPrefix(out, tt.wantOut) {
				t.Errorf("stdout: got\n%s\nwant it to start with %q", out, tt.wantOut)
			}
			if tt.wantError != "" && !strings.Contains(errOut, tt.wantError) {
				t.Errorf("stderr: got %q, want it to mention %q", errOut, tt.wantError)
			}
		})
	}
}
