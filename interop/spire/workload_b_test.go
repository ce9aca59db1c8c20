//go:build unix

package spire_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spiffe/go-spiffe/v2/spiffeid"
	"github.com/spiffe/go-spiffe/v2/svid/jwtsvid"
	"github.com/spiffe/go-spiffe/v2/workloadapi"

	"github.com/wimse-wg/wimse/interop/spire"
)

// Workload B is a second process, so that the agent attests it apart from
// the test process (workload A): a copy of the test binary, at another path
// (the entries select by unix:path), re-executed with envWorkload set.
// TestMain then runs workloadB instead of the tests: it fetches B's
// X.509-SVID, trust bundle and JWT-SVIDs from the Workload API with
// go-spiffe and writes them to standard output as one JSON document.
const (
	envWorkload  = "WIMSE_SPIRE_WORKLOAD"   // "b" makes the binary workload B
	envAPI       = "WIMSE_SPIRE_AGENT_ADDR" // the Workload API address
	envAudiences = "WIMSE_SPIRE_AUDIENCES"  // comma-separated JWT-SVID audiences
)

// identity is what workload B hands to the test: its own key material,
// fetched by itself.
type identity struct {
	ID     string            `json:"id"`
	Chain  [][]byte          `json:"chain"`  // DER, leaf first
	Key    []byte            `json:"key"`    // PKCS #8
	Bundle [][]byte          `json:"bundle"` // X.509 authorities of its trust domain, DER
	JWT    map[string]string `json:"jwt"`    // audience -> JWT-SVID
}

func TestMain(m *testing.M) {
	if os.Getenv(envWorkload) == "b" {
		os.Exit(workloadB(os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

func workloadB(stdout, stderr io.Writer) int {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := fetchB(ctx, stdout); err != nil {
		fmt.Fprintln(stderr, "workload b:", err)
		return 1
	}
	return 0
}

func fetchB(ctx context.Context, stdout io.Writer) error {
	c, err := workloadapi.New(ctx, workloadapi.WithAddr(os.Getenv(envAPI)))
	if err != nil {
		return err
	}
	defer c.Close()
	x, err := spire.FirstX509Context(ctx, c)
	if err != nil {
		return err
	}
	svid := x.DefaultSVID()
	_, key, err := svid.MarshalRaw()
	if err != nil {
		return err
	}
	out := identity{ID: svid.ID.String(), Key: key, JWT: map[string]string{}}
	for _, cert := range svid.Certificates {
		out.Chain = append(out.Chain, cert.Raw)
	}
	b, err := x.Bundles.GetX509BundleForTrustDomain(svid.ID.TrustDomain())
	if err != nil {
		return err
	}
	for _, cert := range b.X509Authorities() {
		out.Bundle = append(out.Bundle, cert.Raw)
	}
	for _, aud := range strings.Split(os.Getenv(envAudiences), ",") {
		if aud == "" {
			continue
		}
		s, err := c.FetchJWTSVID(ctx, jwtsvid.Params{Audience: aud})
		if err != nil {
			return err
		}
		out.JWT[aud] = s.Marshal()
	}
	return json.NewEncoder(stdout).Encode(out)
}

// copyExecutable copies the test binary to dir, so that workload B runs
// from a path of its own, and returns both paths with symlinks resolved
// (the unix workload attestor reports the resolved path).
func copyExecutable(t *testing.T, dir string) (self, copied string) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if self, err = filepath.EvalSymlinks(exe); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	copied = filepath.Join(dir, "workload-b")
	if err := os.WriteFile(copied, data, 0o700); err != nil {
		t.Fatal(err)
	}
	return self, copied
}

// runWorkloadB runs the copy as workload B and decodes what it fetched.
func runWorkloadB(ctx context.Context, t *testing.T, path, addr string, audiences ...string) *workload {
	t.Helper()
	cmd := exec.CommandContext(ctx, path)
	cmd.Env = append(os.Environ(), envWorkload+"=b", envAPI+"="+addr, envAudiences+"="+strings.Join(audiences, ","))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("workload b: %v: %s", err, stderr.String())
	}
	var id identity
	if err := json.Unmarshal(out, &id); err != nil {
		t.Fatalf("workload b printed %q: %v", out, err)
	}
	if _, err := spiffeid.FromString(id.ID); err != nil {
		t.Fatalf("workload b: %v", err)
	}
	w := &workload{ID: spiffeid.RequireFromString(id.ID), JWT: id.JWT}
	key, err := x509.ParsePKCS8PrivateKey(id.Key)
	if err != nil {
		t.Fatalf("workload b key: %v", err)
	}
	w.Cert = tls.Certificate{Certificate: id.Chain, PrivateKey: key}
	for _, der := range id.Chain {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		w.Chain = append(w.Chain, c)
	}
	w.Cert.Leaf = w.Chain[0]
	for _, der := range id.Bundle {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		w.Roots = append(w.Roots, c)
	}
	return w
}
