package main

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wimse-wg/wimse/interop/sts"
	"github.com/wimse-wg/wimse/tokens/oauth"
)

// TestDemoExchange: the walkthrough exits 0 with every answer as expected.
func TestDemoExchange(t *testing.T) {
	code, out, errs := runCLI(t, "demo", "exchange")
	if code != 0 || !strings.Contains(out, "demo exchange: all answers as expected") || !strings.Contains(out, "token_type DPoP") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
}

// TestSTSInitAndExchange: sts init writes a deployment whose printed
// commands work: sts exchange succeeds with two methods (exit 0, a token
// response), fails with a wrong secret (exit 1, the OAuth error), and
// refuses incomplete flags (exit 2).
func TestSTSInitAndExchange(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "demo")
	code, out, errs := runCLI(t, "sts", "init", "--dir", dir, "--listen", ln.Addr().String())
	if code != 0 || !strings.Contains(out, "wimse sts serve --config") || strings.Count(out, "--auth ") != 6 {
		t.Fatalf("init: exit %d\n%s\n%s", code, out, errs)
	}
	if code, _, errs := runCLI(t, "sts", "init", "--dir", dir); code != exitFailure || !strings.Contains(errs, "not empty") {
		t.Errorf("init over a deployment: exit %d %s", code, errs)
	}
	var d sts.Deployment
	b, err := os.ReadFile(filepath.Join(dir, "deployment.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	secrets, err := d.Secrets()
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range secrets { // the client side reads them from the environment
		t.Setenv(k, v)
	}
	cfg, err := sts.LoadConfig(d.Config)
	if err != nil {
		t.Fatal(err)
	}
	lookup, err := d.LookupSecret()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sts.Serve(cfg, ln, sts.WithLookupEnv(lookup))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	base := []string{"sts", "exchange", "--sts", d.Issuer, "--ca", d.CA, "--subject-token", d.WIT,
		"--subject-token-type", oauth.TokenTypeJWT, "--resource", sts.DemoResource, "--scope", sts.DemoScope}
	with := func(extra ...string) []string { return append(append([]string{}, base...), extra...) }
	wit := d.Clients[oauth.AuthMethodSPIFFEWIT]
	basic := d.Clients[oauth.AuthMethodClientSecretBasic]
	code, out, errs = runCLI(t, with("--auth", "spiffe_wit", "--wit", wit.Token, "--wit-key", wit.Key, "--dpop-key", filepath.Join(dir, "clients/dpop.jwk"))...)
	if code != 0 || !strings.Contains(out, `"token_type": "DPoP"`) {
		t.Fatalf("spiffe_wit: exit %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = runCLI(t, with("--auth", "client_secret_basic", "--client-id", basic.ClientID, "--client-secret-env", basic.SecretEnv, "--subject-key", d.WorkloadKey)...)
	if code != 0 || !strings.Contains(out, `"access_token"`) {
		t.Fatalf("client_secret_basic: exit %d\n%s\n%s", code, out, errs)
	}
	t.Setenv("WIMSE_TEST_WRONG_SECRET", "not-the-secret")
	code, out, _ = runCLI(t, with("--auth", "client_secret_basic", "--client-id", basic.ClientID, "--client-secret-env", "WIMSE_TEST_WRONG_SECRET", "--subject-key", d.WorkloadKey)...)
	if code != exitFailure || !strings.Contains(out, `"error": "invalid_client"`) || !strings.Contains(out, `"status": 401`) || strings.Contains(out, "not-the-secret") {
		t.Fatalf("wrong secret: exit %d\n%s", code, out)
	}
	for _, args := range [][]string{
		with("--auth", "client_secret_basic", "--client-id", basic.ClientID),
		with("--auth", "spiffe_wit"),
		with("--auth", "magic"),
		{"sts", "exchange", "--sts", d.Issuer, "--auth", "spiffe_wit"},
	} {
		if code, _, errs := runCLI(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want 2 (%s)", args[len(args)-2:], code, errs)
		}
	}
	if code, out, _ := runCLI(t, "sts", "init", "--dir", dir, "--renew"); code != 0 || !strings.Contains(out, "minted new workload credentials") {
		t.Errorf("renew: exit %d %s", code, out)
	}
}
