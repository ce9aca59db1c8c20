//go:build unix

package spire_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
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
	"github.com/wimse-wg/wimse/profiles/mtls"
	"github.com/wimse-wg/wimse/wimse"
)

// Workload B is a second process, so that the agent attests it apart from
// the test process (workload A): a copy of the test binary, at another path
// (the entries select by unix:path), re-executed with envWorkload set to a
// mode. TestMain then runs workloadB instead of the tests. In every mode B
// first fetches its own X.509-SVID and bundle from the Workload API with
// go-spiffe; then
//
//   - fetch writes its identity (chain, key, bundle, JWT-SVIDs for the
//     audiences in envAudiences) to standard output as one JSON document;
//   - serve runs an HTTPS server with our mTLS server half (ServerConfig and
//     Middleware, its SVID, its bundle), writes {"url": ...} to standard
//     output, logs rejections as JSON lines on standard error, and stops when
//     standard input is closed;
//   - call GETs envURL with our mTLS client half (its SVID, its bundle,
//     expecting the server to be envExpect) and writes a callResult.
const (
	envWorkload  = "WIMSE_SPIRE_WORKLOAD"   // the mode: fetch, serve or call
	envAPI       = "WIMSE_SPIRE_AGENT_ADDR" // the Workload API address
	envAudiences = "WIMSE_SPIRE_AUDIENCES"  // fetch: comma-separated JWT-SVID audiences
	envURL       = "WIMSE_SPIRE_URL"        // call: the server's URL
	envExpect    = "WIMSE_SPIRE_EXPECT"     // call: the server's expected identifier
)

// identity is what workload B hands to the test in fetch mode: its own key
// material, fetched by itself.
type identity struct {
	ID     string            `json:"id"`
	Chain  [][]byte          `json:"chain"`  // DER, leaf first
	Key    []byte            `json:"key"`    // PKCS #8
	Bundle [][]byte          `json:"bundle"` // X.509 authorities of its trust domain, DER
	JWT    map[string]string `json:"jwt"`    // audience -> JWT-SVID
}

// callResult is what workload B reports in call mode.
type callResult struct {
	Body   string       `json:"body,omitempty"`
	Reason wimse.Reason `json:"reason,omitempty"`
	Error  string       `json:"error,omitempty"`
}

func TestMain(m *testing.M) {
	if mode := os.Getenv(envWorkload); mode != "" {
		os.Exit(workloadB(mode, os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

func workloadB(mode string, stdin io.Reader, stdout, stderr io.Writer) int {
	if err := runB(mode, stdin, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "workload b (%s): %v\n", mode, err)
		return 1
	}
	return 0
}

func runB(mode string, stdin io.Reader, stdout, stderr io.Writer) error {
	ctx, cancel := context.WithTimeout(context.Background(), readiness)
	defer cancel()
	c, err := workloadapi.New(ctx, workloadapi.WithAddr(os.Getenv(envAPI)))
	if err != nil {
		return err
	}
	defer c.Close()
	x, err := spire.FirstX509Context(ctx, c)
	if err != nil {
		return err
	}
	w, err := fromX509Context(x)
	if err != nil {
		return err
	}
	switch mode {
	case "fetch":
		return fetchB(ctx, c, w, stdout)
	case "serve":
		return serveB(w, stdin, stdout, stderr)
	case "call":
		var r callResult
		r.Body, err = call(w.store(), w.Cert, wimse.MustParseID(os.Getenv(envExpect)), os.Getenv(envURL))
		if err != nil {
			r.Reason, r.Error = wimse.ReasonOf(err), err.Error()
		}
		return json.NewEncoder(stdout).Encode(r)
	}
	return fmt.Errorf("unknown mode %q", mode)
}

func fetchB(ctx context.Context, c *workloadapi.Client, w *workload, stdout io.Writer) error {
	out := identity{ID: w.ID.String(), JWT: map[string]string{}}
	var err error
	if out.Key, err = x509.MarshalPKCS8PrivateKey(w.Cert.PrivateKey); err != nil {
		return err
	}
	for _, cert := range w.Chain {
		out.Chain = append(out.Chain, cert.Raw)
	}
	for _, cert := range w.Roots {
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

func serveB(w *workload, stdin io.Reader, stdout, stderr io.Writer) error {
	store := w.store()
	opts := []mtls.Option{mtls.WithLogger(slog.New(slog.NewJSONHandler(stderr, nil)))}
	srv := &http.Server{
		Handler:           mtls.Middleware(store, opts...)(echoPeer),
		TLSConfig:         mtls.ServerConfig(store, w.Cert, opts...),
		ErrorLog:          slog.NewLogLogger(slog.DiscardHandler, slog.LevelError),
		ReadHeaderTimeout: 10 * time.Second,
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go srv.ServeTLS(ln, "", "")
	defer srv.Close()
	if err := json.NewEncoder(stdout).Encode(map[string]string{"url": "https://" + ln.Addr().String()}); err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, stdin) // until the test closes it
	return err
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

// fetchWorkloadB runs the copy as workload B in fetch mode and decodes its
// identity.
func fetchWorkloadB(ctx context.Context, t *testing.T, path, addr string, audiences ...string) *workload {
	t.Helper()
	cmd := exec.CommandContext(ctx, path)
	cmd.Env = append(os.Environ(), envWorkload+"=fetch", envAPI+"="+addr, envAudiences+"="+strings.Join(audiences, ","))
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
	w := &workload{JWT: id.JWT}
	if w.ID, err = spiffeid.FromString(id.ID); err != nil {
		t.Fatalf("workload b: %v", err)
	}
	key, err := x509.ParsePKCS8PrivateKey(id.Key)
	if err != nil {
		t.Fatalf("workload b key: %v", err)
	}
	if w.Chain, err = parseCerts(id.Chain); err != nil {
		t.Fatalf("workload b chain: %v", err)
	}
	if w.Roots, err = parseCerts(id.Bundle); err != nil {
		t.Fatalf("workload b bundle: %v", err)
	}
	w.Cert = tls.Certificate{Certificate: id.Chain, PrivateKey: key, Leaf: w.Chain[0]}
	return w
}

func parseCerts(ders [][]byte) ([]*x509.Certificate, error) {
	if len(ders) == 0 {
		return nil, errors.New("no certificate")
	}
	out := make([]*x509.Certificate, 0, len(ders))
	for _, der := range ders {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// remoteServer is workload B in serve mode.
type remoteServer struct {
	URL    string
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stderr bytes.Buffer // read only once cmd has been waited for
	done   bool
}

// serveWorkloadB starts workload B's HTTPS server and waits for its URL.
// It is stopped in t.Cleanup if stop was not called.
func serveWorkloadB(ctx context.Context, t *testing.T, path, addr string) *remoteServer {
	t.Helper()
	r := &remoteServer{}
	r.cmd = exec.CommandContext(ctx, path)
	r.cmd.Env = append(os.Environ(), envWorkload+"=serve", envAPI+"="+addr)
	r.cmd.Stderr = &r.stderr
	r.cmd.WaitDelay = 10 * time.Second
	var err error
	if r.stdin, err = r.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := r.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.stop() })
	var hello struct {
		URL string `json:"url"`
	}
	if err := json.NewDecoder(stdout).Decode(&hello); err != nil {
		err = r.stop()
		t.Fatalf("workload b (serve) did not start: %v\n%s", err, r.stderr.String())
	}
	r.URL = hello.URL
	return r
}

// stop closes B's standard input, which ends its server, and waits for it.
func (r *remoteServer) stop() error {
	if r.done {
		return nil
	}
	r.done = true
	r.stdin.Close()
	return r.cmd.Wait()
}

// rejections stops B and returns the reasons its server logged.
func (r *remoteServer) rejections(t *testing.T) []wimse.Reason {
	t.Helper()
	if err := r.stop(); err != nil {
		t.Fatalf("workload b (serve): %v\n%s", err, r.stderr.String())
	}
	var out []wimse.Reason
	dec := json.NewDecoder(&r.stderr)
	for {
		var rec struct {
			Reason wimse.Reason `json:"reason"`
		}
		if err := dec.Decode(&rec); err == io.EOF {
			return out
		} else if err != nil {
			t.Fatalf("workload b (serve) log: %v", err)
		}
		if rec.Reason != "" {
			out = append(out, rec.Reason)
		}
	}
}

// callWorkloadB runs workload B in call mode against url, expecting the
// server to be expect.
func callWorkloadB(ctx context.Context, t *testing.T, path, addr, url string, expect spiffeid.ID) callResult {
	t.Helper()
	cmd := exec.CommandContext(ctx, path)
	cmd.Env = append(os.Environ(), envWorkload+"=call", envAPI+"="+addr, envURL+"="+url, envExpect+"="+expect.String())
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("workload b (call): %v: %s", err, stderr.String())
	}
	var r callResult
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("workload b (call) printed %q: %v", out, err)
	}
	return r
}
