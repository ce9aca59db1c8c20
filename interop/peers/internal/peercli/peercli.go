package peercli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

// Exit codes.
const (
	ExitOK       = 0
	ExitRejected = 1
	ExitUsage    = 2
)

// ServeFlags are the flags of serve.
type ServeFlags struct {
	Listen      string
	TrustBundle string
	TrustDomain string
	Audience    string
	TLSCert     string
	TLSKey      string
	CA          string
	// Extra holds the peer's own optional flags, by name.
	Extra map[string]*string
}

// CallFlags are the flags of call.
type CallFlags struct {
	URL  string
	WIT  string
	Key  string
	Cert string
	CA   string
	Body string
	// Extra holds the peer's own optional flags, by name.
	Extra map[string]*string
}

// Logf writes one log line.
type Logf func(format string, args ...any)

// Peer is one peer's implementation of the two subcommands.
type Peer struct {
	// Name is the command name, the prefix of every log line.
	Name string
	// Serve builds the handler from the flags.
	Serve func(f ServeFlags, logf Logf) (http.Handler, error)
	// TLS, if set, builds the listener's TLS configuration itself (mTLS peers);
	// otherwise --tls-cert and --tls-key, when given, serve plain TLS.
	TLS func(f ServeFlags, logf Logf) (*tls.Config, error)
	// Client builds the HTTP client of one call.
	Client func(f CallFlags) (*http.Client, error)
	// ServeExtra and CallExtra name optional extra flags with their usage.
	ServeExtra map[string]string
	CallExtra  map[string]string
	// Listening, if set, is told the address serve listens on (tests that
	// listen on port 0).
	Listening func(net.Addr)
}

// Run runs the command line args (without the program name); ctx ends
// serve.
func Run(ctx context.Context, p Peer, args []string, stdout, stderr io.Writer) int {
	usage := func() int {
		fmt.Fprintf(stderr, "usage:\n  %s serve --listen ADDR [--trust-bundle FILE --trust-domain TD --audience BASEURL] [--tls-cert F --tls-key F] [--ca F]\n  %s call --url URL [--wit F --key F] [--cert F --key F --ca F] [--body S]\n", p.Name, p.Name)
		return ExitUsage
	}
	if len(args) == 0 {
		return usage()
	}
	switch args[0] {
	case "serve":
		return serve(ctx, p, args[1:], stderr)
	case "call":
		return call(ctx, p, args[1:], stdout, stderr)
	default:
		return usage()
	}
}

func serve(ctx context.Context, p Peer, args []string, stderr io.Writer) int {
	f := ServeFlags{Extra: map[string]*string{}}
	fs := flag.NewFlagSet(p.Name+" serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.Listen, "listen", "", "address to listen on (host:port)")
	fs.StringVar(&f.TrustBundle, "trust-bundle", "", "JWK Set of the trusted issuer keys")
	fs.StringVar(&f.TrustDomain, "trust-domain", "", "trusted trust domain")
	fs.StringVar(&f.Audience, "audience", "", "this server's base URL (expected aud / wimse-aud prefix)")
	fs.StringVar(&f.TLSCert, "tls-cert", "", "PEM certificate chain of the listener")
	fs.StringVar(&f.TLSKey, "tls-key", "", "PEM private key of the listener")
	fs.StringVar(&f.CA, "ca", "", "PEM trust bundle (peer certificates)")
	for name, help := range p.ServeExtra {
		f.Extra[name] = fs.String(name, "", help)
	}
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 || f.Listen == "" {
		if err == nil {
			fmt.Fprintf(stderr, "%s: serve needs --listen and no arguments\n", p.Name)
		}
		return ExitUsage
	}
	logf := func(format string, a ...any) {
		fmt.Fprintf(stderr, "%s %s: %s\n", time.Now().UTC().Format(time.RFC3339), p.Name, fmt.Sprintf(format, a...))
	}
	h, err := p.Serve(f, logf)
	if err != nil {
		fmt.Fprintf(stderr, "%s: error: %v\n", p.Name, err)
		return ExitUsage
	}
	var tlsCfg *tls.Config
	if p.TLS != nil {
		if tlsCfg, err = p.TLS(f, logf); err != nil {
			fmt.Fprintf(stderr, "%s: error: %v\n", p.Name, err)
			return ExitUsage
		}
	}
	if tlsCfg == nil && (f.TLSCert != "" || f.TLSKey != "") {
		cert, err := tls.LoadX509KeyPair(f.TLSCert, f.TLSKey)
		if err != nil {
			fmt.Fprintf(stderr, "%s: error: --tls-cert/--tls-key: %v\n", p.Name, err)
			return ExitUsage
		}
		tlsCfg = &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}
	}
	ln, err := net.Listen("tcp", f.Listen)
	if err != nil {
		fmt.Fprintf(stderr, "%s: error: listen: %v\n", p.Name, err)
		return ExitUsage
	}
	if tlsCfg != nil {
		ln = tls.NewListener(ln, tlsCfg)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: newErrorLog(logf)}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	logf("listening on %s", ln.Addr())
	if p.Listening != nil {
		p.Listening(ln.Addr())
	}
	select {
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		logf("stopped")
		return ExitOK
	case err := <-done:
		fmt.Fprintf(stderr, "%s: error: serve: %v\n", p.Name, err)
		return ExitRejected
	}
}

func call(ctx context.Context, p Peer, args []string, stdout, stderr io.Writer) int {
	f := CallFlags{Extra: map[string]*string{}}
	fs := flag.NewFlagSet(p.Name+" call", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.URL, "url", "", "URL to call")
	fs.StringVar(&f.WIT, "wit", "", "file holding the compact WIT")
	fs.StringVar(&f.Key, "key", "", "private key file (JWK for WIT peers, PEM for mTLS)")
	fs.StringVar(&f.Cert, "cert", "", "PEM client certificate chain (mTLS)")
	fs.StringVar(&f.CA, "ca", "", "PEM trust bundle for the server certificate")
	fs.StringVar(&f.Body, "body", "", "request body; makes the request a POST")
	for name, help := range p.CallExtra {
		f.Extra[name] = fs.String(name, "", help)
	}
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 || f.URL == "" {
		if err == nil {
			fmt.Fprintf(stderr, "%s: call needs --url and no arguments\n", p.Name)
		}
		return ExitUsage
	}
	client, err := p.Client(f)
	if err != nil {
		fmt.Fprintf(stderr, "%s: error: %v\n", p.Name, err)
		return ExitUsage
	}
	method := http.MethodGet
	var body io.Reader
	if f.Body != "" {
		method, body = http.MethodPost, strings.NewReader(f.Body)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, f.URL, body)
	if err != nil {
		fmt.Fprintf(stderr, "%s: error: --url: %v\n", p.Name, err)
		return ExitUsage
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "%s: error: %v\n", p.Name, err)
		return ExitRejected
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	fmt.Fprintf(stdout, "%s %s\n%s", resp.Proto, resp.Status, b)
	if len(b) > 0 && b[len(b)-1] != '\n' {
		fmt.Fprintln(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: error: response body: %v\n", p.Name, err)
		return ExitRejected
	}
	if resp.StatusCode/100 != 2 {
		return ExitRejected
	}
	return ExitOK
}

// ReadFile reads a flag's file, naming the flag in the error.
func ReadFile(flagName, path string) ([]byte, error) {
	if path == "" {
		return nil, fmt.Errorf("--%s is required", flagName)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--%s: %w", flagName, err)
	}
	return b, nil
}

// RootsFromPEM reads a PEM bundle into a pool; nil for "".
func RootsFromPEM(path string) (*x509.CertPool, error) {
	if path == "" {
		return nil, nil
	}
	b, err := ReadFile("ca", path)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		return nil, errors.New("--ca: no PEM certificate")
	}
	return pool, nil
}

// HTTPClient is a client that trusts the roots of --ca (the system's when
// empty) and wraps its transport with wrap (nil: none).
func HTTPClient(ca string, wrap func(http.RoundTripper) http.RoundTripper) (*http.Client, error) {
	roots, err := RootsFromPEM(ca)
	if err != nil {
		return nil, err
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: roots}
	var rt http.RoundTripper = tr
	if wrap != nil {
		rt = wrap(tr)
	}
	return &http.Client{Transport: rt, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, nil
}

// LogRequest is the one line a server writes per request.
func LogRequest(logf Logf, r *http.Request, status int, peer string, err error) {
	line := fmt.Sprintf("%s %s %d", r.Method, r.URL.Path, status)
	if peer != "" {
		line += " peer=" + peer
	}
	if err != nil {
		line += fmt.Sprintf(" error=%q", err.Error())
	}
	logf("%s", line)
}
