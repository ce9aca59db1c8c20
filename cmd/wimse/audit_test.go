package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// stsDeployment writes a minimal STS configuration with a file audit log
// and a retired keys file, and returns the configuration's path.
func stsDeployment(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	b64 := base64.RawURLEncoding.EncodeToString
	jwk := func(name, kid string) {
		_, k, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		s := fmt.Sprintf(`{"kty":"OKP","crv":"Ed25519","x":%q,"d":%q,"kid":%q}`, b64(k.Public().(ed25519.PublicKey)), b64(k.Seed()), kid)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	jwk("current.jwk", "sts-1")
	jwk("next.jwk", "sts-2")
	jwk("audit.jwk", "audit-1")
	files := map[string]string{
		"policy.json": `{"version": 1, "rules": []}`,
		"sts.json": `{"issuer": "https://sts.example.test",
  "signingKeys": {"current": "current.jwk", "next": "next.jwk", "retired": "retired.json"},
  "audit": {"log": "audit.jsonl", "checkpointKey": "audit.jwk", "checkpointEvery": 2},
  "policy": "policy.json",
  "clientSecrets": {"c": {"secretEnv": "WIMSE_TEST_UNUSED_SECRET"}},
  "authMethods": ["client_secret_basic"]}`,
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "sts.json")
}

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, nil, &out, &errb)
	return code, out.String(), errb.String()
}

// TestSTSKeysRotateAndAudit: two rotations are recorded; audit verify
// passes, show lists them, and a modified record, a deleted one or a log
// cut short before an anchor fail verify with exit 1.
func TestSTSKeysRotateAndAudit(t *testing.T) {
	cfg := stsDeployment(t)
	dir := filepath.Dir(cfg)
	if code, out, errs := runCLI(t, "sts", "keys", "rotate", "--config", cfg); code != exitFailure || !strings.Contains(errs, "--force") {
		t.Fatalf("rotate of a just-written next key: exit %d, %s %s", code, out, errs)
	}
	code, out, errs := runCLI(t, "sts", "keys", "rotate", "--config", cfg, "--force")
	if code != 0 || !strings.Contains(out, "retired sts-1") || !strings.Contains(out, "current sts-2") {
		t.Fatalf("rotate: exit %d, %s %s", code, out, errs)
	}
	if code, out, errs = runCLI(t, "sts", "keys", "rotate", "--config", cfg, "--force"); code != 0 || !strings.Contains(out, "retired sts-2") {
		t.Fatalf("second rotate: exit %d, %s %s", code, out, errs)
	}
	anchor := filepath.Join(dir, "anchor.json")
	code, out, errs = runCLI(t, "audit", "verify", "--config", cfg, "--write-anchor", anchor)
	if code != 0 || !strings.HasPrefix(out, "audit log intact: 4 entries (2 records, 2 checkpoints)") {
		t.Fatalf("verify: exit %d, %q %s", code, out, errs)
	}
	code, out, _ = runCLI(t, "audit", "show", "--config", cfg)
	if code != 0 || strings.Count(out, "key_rotated") != 2 || strings.Count(out, "checkpoint") != 2 || !strings.Contains(out, "kid=sts-2") {
		t.Fatalf("show: exit %d\n%s", code, out)
	}
	if code, out, _ = runCLI(t, "audit", "show", "--config", cfg, "--client", "nobody"); code != 0 || strings.Contains(out, "key_rotated") {
		t.Fatalf("show --client nobody: exit %d\n%s", code, out)
	}
	if code, _, errs = runCLI(t, "audit", "show", "--config", cfg, "--since", "yesterday"); code != exitUsage || !strings.Contains(errs, "RFC 3339") {
		t.Fatalf("show --since yesterday: exit %d %s", code, errs)
	}

	log := filepath.Join(dir, "audit.jsonl")
	orig, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(orig), "\n")
	for _, tc := range []struct {
		name, content, reason string
		anchored              bool
	}{
		{"modified", strings.Replace(string(orig), "sts-2", "sts-9", 1), "audit.chain", false},
		{"deleted", lines[0] + strings.Join(lines[2:], ""), "audit.deleted", false},
		{"truncated after a checkpoint", lines[0] + lines[1], "audit.truncated", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(log, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			defer os.WriteFile(log, orig, 0o600)
			args := []string{"audit", "verify", "--config", cfg, "--json"}
			if tc.anchored {
				args = append(args, "--anchor", anchor)
			}
			code, out, _ := runCLI(t, args...)
			if code != exitFailure || !strings.Contains(out, `"reason": "`+tc.reason+`"`) {
				t.Errorf("exit %d, want 1 with %s:\n%s", code, tc.reason, out)
			}
		})
	}
	if code, _, _ := runCLI(t, "audit", "verify", "--config", cfg, "--anchor", anchor); code != 0 {
		t.Errorf("the restored log fails verify: exit %d", code)
	}
}

func TestAuditUsage(t *testing.T) {
	for _, args := range [][]string{
		{"audit", "verify"},
		{"audit", "show"},
		{"audit", "verify", "--config", "/nonexistent/sts.json"},
		{"sts", "keys", "rotate"},
		{"audit", "show", "--config", "x", "--iss", "https://i.example"},
	} {
		if code, _, errs := runCLI(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d (%s)", args, code, exitUsage, errs)
		}
	}
}
