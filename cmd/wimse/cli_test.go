package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/wimse-wg/wimse/wimse"
)

// TestEveryCommandHasAnExample walks the command tree, cobra's help and
// completion commands included: every runnable command's help shows an
// example.
func TestEveryCommandHasAnExample(t *testing.T) {
	root := newRoot(&env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard})
	var walk func(c *cobra.Command)
	n := 0
	walk = func(c *cobra.Command) {
		if c.Runnable() {
			n++
			if strings.TrimSpace(c.Example) == "" {
				t.Errorf("%q has no Example", c.CommandPath())
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	if n < 20 {
		t.Errorf("only %d runnable commands found: the walk is broken", n)
	}
	// The completion command is there, and its help says how to load it.
	code, out, _ := cli(t, "", "help", "completion", "bash")
	if code != 0 || !strings.Contains(out, "source <(wimse completion bash)") {
		t.Errorf("wimse help completion bash: exit %d\n%s", code, out)
	}
	if code, out, _ := cli(t, "", "completion", "bash"); code != 0 || !strings.Contains(out, "bash completion") {
		t.Errorf("wimse completion bash: exit %d, %d bytes", code, len(out))
	}
}

// TestVersion: --version prints the module version from the build info
// ("(devel)" in a test binary, which records no version).
func TestVersion(t *testing.T) {
	code, out, errOut := cli(t, "", "--version")
	if code != 0 || !regexp.MustCompile(`^wimse (v\d+\.\d+\.\d+\S*|\(devel\)( [0-9a-f]+(\+dirty)?)?)\n$`).MatchString(out) {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if out != "wimse "+version()+"\n" {
		t.Errorf("stdout %q, want the build info's version %q", out, version())
	}
}

// TestDemoRemovesItsFolder: without --dir the demo works in a temporary
// folder and removes it; with --dir the files stay.
func TestDemoRemovesItsFolder(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	code, out, errOut := cli(t, "", "demo")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "Files in "+tmp) {
		t.Fatalf("the demo did not work under TMPDIR %s:\n%s", tmp, out)
	}
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Errorf("the demo left %v in the temporary directory", entries)
	}
	keep := t.TempDir()
	if code, out, errOut := cli(t, "", "demo", "--dir", keep); code != 0 {
		t.Fatalf("--dir: exit %d\n%s\n%s", code, out, errOut)
	}
	if entries, _ := os.ReadDir(keep); len(entries) == 0 {
		t.Error("with --dir the demo files are gone")
	}
}

// TestTrustBundleServe: the JWK Set is served at /jwks.json and
// /.well-known/jwks.json, and the metadata names it.
func TestTrustBundleServe(t *testing.T) {
	_, want, _ := mustRun(t, "conformance", "trust-bundle")
	ctx, cancel := context.WithCancel(context.Background())
	var stdout syncBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"conformance", "trust-bundle", "--serve", "127.0.0.1:0"}, strings.NewReader(""), &stdout, io.Discard)
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
	get := func(path string) []byte {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Errorf("GET %s: %s", path, resp.Status)
		}
		return b
	}
	for _, p := range []string{"/jwks.json", "/.well-known/jwks.json"} {
		got := get(p)
		if !bytes.Equal(bytes.TrimSpace(got), bytes.TrimSpace([]byte(want))) {
			t.Errorf("GET %s is not the printed JWK Set", p)
		}
		if _, err := wimse.ParseJWKSet(got); err != nil {
			t.Errorf("GET %s: %v", p, err)
		}
	}
	var meta struct {
		JWKSURI string `json:"jwks_uri"`
	}
	if err := json.Unmarshal(get("/.well-known/openid-configuration"), &meta); err != nil || meta.JWKSURI != base+"/jwks.json" {
		t.Errorf("metadata jwks_uri %q (%v)", meta.JWKSURI, err)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit %d", code)
	}
}
