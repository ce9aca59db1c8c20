package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/interop/sts"
)

// TestConformanceRunTokenExchangeInProcess: with no --target the reference
// STS is started in-process and passes every token endpoint vector.
func TestConformanceRunTokenExchangeInProcess(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := cli(t, "", "conformance", "run", "--profile", "token-exchange", "--report", "json="+filepath.Join(dir, "r.json")+",html="+filepath.Join(dir, "r.html"))
	if code != exitConformant || !summaryOK.MatchString(lastLine(out)) {
		t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	b, err := os.ReadFile(filepath.Join(dir, "r.json"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := conformance.ReadJSON(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Conformant || !rep.Target.InProcess || rep.Summary.Total < 60 || rep.Summary.Counts[conformance.StatusUnsupported] != 0 {
		t.Errorf("report: conformant=%v inProcess=%v total=%d counts=%v", rep.Conformant, rep.Target.InProcess, rep.Summary.Total, rep.Summary.Counts)
	}
}

// TestConformanceRunTokenExchangeTarget plays the vectors against a
// --target: the reference STS through a profile file and the secret from
// the environment (exit 0, the secret in no report); a token endpoint that
// issues a token for anything (exit 1); configuration mistakes (exit 2).
func TestConformanceRunTokenExchangeTarget(t *testing.T) {
	dep, err := sts.StartSuite()
	if err != nil {
		t.Fatal(err)
	}
	defer dep.Close()
	dir := t.TempDir()
	prof, err := json.Marshal(dep.Profile)
	if err != nil {
		t.Fatal(err)
	}
	profile := filepath.Join(dir, "as.json")
	if err := os.WriteFile(profile, prof, 0o600); err != nil {
		t.Fatal(err)
	}
	secret := dep.Profile.Exchange.Client.Secret
	if strings.Contains(string(prof), secret) {
		t.Fatal("the profile file holds the secret")
	}
	t.Run("reference STS", func(t *testing.T) {
		code, out, errOut := cli(t, "", "conformance", "run", "--profile", "token-exchange", "--target", dep.URL, "--ca", dep.CA,
			"--target-config", profile, "--report", "json="+filepath.Join(dir, "r.json")+",md="+filepath.Join(dir, "r.md"))
		if code != exitConformant {
			t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
		}
		for _, n := range []string{"r.json", "r.md"} {
			b, _ := os.ReadFile(filepath.Join(dir, n))
			if len(b) == 0 || strings.Contains(string(b), secret) {
				t.Errorf("%s is empty or shows the client secret", n)
			}
		}
	})
	t.Run("anything goes", func(t *testing.T) {
		lax := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Cache-Control", "no-store")
			_, _ = w.Write([]byte(`{"access_token":"opaque-token","issued_token_type":"urn:ietf:params:oauth:token-type:access_token","token_type":"Bearer","expires_in":60}`))
		}))
		defer lax.Close()
		md := filepath.Join(dir, "lax.md")
		code, out, errOut := cli(t, "", "conformance", "run", "--profile", "token-exchange", "--target", lax.URL+"/token", "--target-config", profile, "--report", "md="+md)
		if code != exitNonConformant {
			t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
		}
		b, _ := os.ReadFile(md)
		if strings.Contains(out+errOut+string(b), secret) {
			t.Error("the console or the Markdown report shows the client secret")
		}
		if !strings.Contains(string(b), "Token requests of these results") || !strings.Contains(string(b), "subject\\_token=") {
			t.Errorf("the Markdown report does not show the token requests:\n%s", b)
		}
	})
	t.Run("config errors", func(t *testing.T) {
		for _, args := range [][]string{
			{"--target", dep.URL},
			{"--target", dep.URL, "--target-config", profile, "--client-secret-env", "WIMSE_TEST_UNSET_SECRET"},
			{"--target", dep.URL, "--target-config", profile, "--client-auth", "client_secret_jwt"},
		} {
			code, out, errOut := cli(t, "", append([]string{"conformance", "run", "--profile", "token-exchange"}, args...)...)
			if code != exitConfig {
				t.Errorf("%v: exit %d, want 2\nstdout:\n%s\nstderr:\n%s", args, code, out, errOut)
			}
		}
	})
}

// TestTrustBundleServeIssuer: with --issuer the discovery documents name
// that issuer and a JWK Set under it, with the members OpenID Connect
// Discovery requires of an issuer; a malformed --issuer is a usage error.
func TestTrustBundleServeIssuer(t *testing.T) {
	if code, _, _ := cli(t, "", "conformance", "trust-bundle", "--serve", "127.0.0.1:0", "--issuer", "ftp://x"); code != exitConfig {
		t.Errorf("--issuer ftp://x: exit %d, want 2", code)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var stdout syncBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"conformance", "trust-bundle", "--serve", "127.0.0.1:0", "--issuer", "https://suite-issuer.test"}, strings.NewReader(""), &stdout, io.Discard)
	}()
	var base string
	serving := regexp.MustCompile(`serving (http://[0-9.:]+)/jwks.json`)
	for deadline := time.Now().Add(5 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := serving.FindStringSubmatch(stdout.String()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		cancel()
		t.Fatalf("no serving line: %q", stdout.String())
	}
	resp, err := http.Get(base + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var meta struct {
		Issuer  string   `json:"issuer"`
		JWKSURI string   `json:"jwks_uri"`
		Algs    []string `json:"id_token_signing_alg_values_supported"`
		Types   []string `json:"response_types_supported"`
		Subject []string `json:"subject_types_supported"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&meta); err != nil {
		t.Fatal(err)
	}
	if meta.Issuer != "https://suite-issuer.test" || meta.JWKSURI != "https://suite-issuer.test/jwks.json" || len(meta.Algs) == 0 || len(meta.Types) == 0 || len(meta.Subject) == 0 {
		t.Errorf("discovery document %+v", meta)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit %d", code)
	}
}

// TestConformanceExplainExchange: explain shows an exchange vector's
// expectation, what it needs and its token request recipe.
func TestConformanceExplainExchange(t *testing.T) {
	code, out, errOut := cli(t, "", "conformance", "explain", "tx-subject-bad-signature")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"reason invalid_request", "status 400", "a recorded deviation (warn): invalid_grant", "subject_token={{token:subject}}", `"tamper"`} {
		if !strings.Contains(out, want) {
			t.Errorf("explain does not show %q:\n%s", want, out)
		}
	}
}

// TestSelftestTokenExchange: every STS mutant is detected and every
// variant is conformant; an unknown --profile is a usage error.
func TestSelftestTokenExchange(t *testing.T) {
	code, out, errOut := cli(t, "", "conformance", "selftest", "--profile", "token-exchange")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if !regexp.MustCompile(`(?m)^(\d+) of (\d+) mutants detected`).MatchString(out) || strings.Contains(out, "MISSED") || strings.Contains(out, "FALSE ALARM") {
		t.Errorf("selftest output:\n%s", out)
	}
	if code, _, _ := cli(t, "", "conformance", "selftest", "--profile", "mtls"); code != exitConfig {
		t.Errorf("--profile mtls: exit %d, want 2", code)
	}
}
