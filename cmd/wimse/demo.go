package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/wimse-wg/wimse/interop/demo"
	"github.com/wimse-wg/wimse/interop/server"
	"github.com/wimse-wg/wimse/profiles/httpwpt"
	"github.com/wimse-wg/wimse/wimse"
)

func demoCmd(e *env) *cobra.Command {
	var listen, dir string
	var serve bool
	c := &cobra.Command{
		Use:   "demo [--listen ADDR] [--dir DIR] [--serve]",
		Short: "Create a demo trust domain, start the reference server and call it",
		Long: `Create a throw-away trust domain (demo.example: an ES256 issuer key, its JWK Set,
a workload key and a WIT), start the reference server over HTTPS on loopback,
send it one request per WPT carriage (wpt-02 and wpt-01) with a fresh proof, and
replay the first one to show it rejected. Exits 0 when every answer is as
expected. With --serve the server keeps running until interrupted, and the
command prints how to call it with curl. The files go to a temporary folder
that is removed when the demo ends, unless --dir names one to keep. The keys
are for demonstrations only.`,
		Example: "  wimse demo\n  wimse demo --serve --listen 127.0.0.1:8443 --dir ./demo",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDemo(cmd.Context(), e, listen, dir, serve)
		},
	}
	c.AddCommand(demoExchangeCmd(e))
	c.Flags().StringVar(&listen, "listen", "127.0.0.1:0", "address for the reference server")
	c.Flags().StringVar(&dir, "dir", "", "directory for the demo files, kept afterwards (default: a new temporary directory, removed when the demo ends)")
	c.Flags().BoolVar(&serve, "serve", false, "keep serving after the demo requests, until interrupted")
	return c
}

func runDemo(ctx context.Context, e *env, listen, dir string, serve bool) error {
	now := time.Now()
	td, err := demo.New()
	if err != nil {
		return failErr("generate keys: %v", err)
	}
	if dir == "" {
		if dir, err = os.MkdirTemp("", "wimse-demo-"); err != nil {
			return failErr("%v", err)
		}
		defer os.RemoveAll(dir) // ours: gone when the demo ends
	}
	if err := td.WriteFiles(dir, now, time.Hour); err != nil {
		return failErr("%v", err)
	}
	cert, certPEM, err := demo.SelfSignedTLS(now)
	if err != nil {
		return failErr("tls certificate: %v", err)
	}
	certFile := filepath.Join(dir, "server.crt")
	if err := os.WriteFile(certFile, certPEM, 0o644); err != nil {
		return failErr("%v", err)
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return failErr("listen: %v", err)
	}
	base := "https://" + ln.Addr().String()
	var logs bytes.Buffer
	h, err := server.New(server.Config{Trust: td.Store(), Audience: base, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		return failErr("%v", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}}
	go func() { _ = srv.ServeTLS(ln, "", "") }()
	defer srv.Close()

	out := e.stdout
	fmt.Fprintf(out, "Trust domain %s, workload %s\n", td.Name, td.Subject)
	fmt.Fprintf(out, "Files in %s: %s, %s, %s, %s, server.crt\n", dir, demo.FileTrustBundle, demo.FileIssuerKey, demo.FileWorkloadKey, demo.FileWIT)
	fmt.Fprintf(out, "Reference server on %s (audience %s)\n\n", base, base)

	witRaw, err := os.ReadFile(filepath.Join(dir, demo.FileWIT))
	if err != nil {
		return failErr("%v", err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(certPEM)
	base0 := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}}
	defer base0.CloseIdleConnections()

	ok := true
	var first *http.Request
	for _, rev := range []wimse.Revision{wimse.RevisionWPT02, wimse.RevisionWPT01} {
		t := &httpwpt.Transport{Base: base0, WIT: strings.TrimSpace(string(witRaw)), Key: td.WorkloadKey, Revision: rev}
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/hello", strings.NewReader(`{"do stuff":"please"}`))
		req.Header.Set("Content-Type", "application/json")
		if err := t.Authenticate(req); err != nil {
			return failErr("%v", err)
		}
		if first == nil {
			first = req.Clone(ctx)
		}
		fmt.Fprintf(out, "--- %s request\n%s\n", rev, abbreviate(rawRequest(req, `{"do stuff":"please"}`)))
		ok = show(out, base0, req, `{"do stuff":"please"}`, http.StatusOK) && ok
	}
	fmt.Fprintf(out, "--- the wpt-02 request again, same proof (a replay)\n")
	ok = show(out, base0, first, `{"do stuff":"please"}`, http.StatusUnauthorized) && ok

	if serve {
		fmt.Fprintf(out, "Serving until interrupted. Call it with a fresh proof:\n\n  wimse token request --url %s/hello --wit %s --key %s --format curl --cacert %s | sh\n\n",
			base, filepath.Join(dir, demo.FileWIT), filepath.Join(dir, demo.FileWorkloadKey), certFile)
		<-ctx.Done()
	}
	if !ok {
		return quietExit(exitFailure)
	}
	fmt.Fprintln(out, "demo: all answers as expected")
	return nil
}

// show sends req (with a fresh body) and prints the answer; it reports
// whether the status is want.
func show(out io.Writer, rt http.RoundTripper, req *http.Request, body string, want int) bool {
	req.Body = io.NopCloser(strings.NewReader(body))
	resp, err := rt.RoundTrip(req)
	if err != nil {
		fmt.Fprintf(out, "error: %v\n\n", err)
		return false
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	fmt.Fprintf(out, "=> %s", resp.Status)
	if c := resp.Header.Get("WWW-Authenticate"); c != "" {
		fmt.Fprintf(out, " (WWW-Authenticate: %s)", c)
	}
	fmt.Fprintf(out, "\n%s\n\n", strings.TrimSpace(string(b)))
	if resp.StatusCode != want {
		fmt.Fprintf(out, "unexpected: want %d\n", want)
		return false
	}
	return true
}

// abbreviate shortens long token values for display.
func abbreviate(raw string) string {
	lines := strings.Split(raw, "\r\n")
	for i, l := range lines {
		if len(l) > 100 {
			lines[i] = l[:60] + "…" + l[len(l)-20:]
		}
	}
	return strings.Join(lines, "\n")
}
