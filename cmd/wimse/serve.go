package main

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/wimse-wg/wimse/interop/server"
	"github.com/wimse-wg/wimse/profiles/problem"
)

// limitFlags bound what clients can make `wimse serve` hold (issue 9
// item 3): timeouts, header and body sizes, connections.
type limitFlags struct {
	readHeader, read, write, idle time.Duration
	maxHeader, maxConns           int
	maxBody                       byteSize
}

func (f *limitFlags) register(c *cobra.Command) {
	fl := c.Flags()
	f.maxBody = server.DefaultMaxBody
	fl.Var(&f.maxBody, "max-body", "largest request body read, e.g. 512KiB or 10MiB; read only once the credentials verified, larger ones get 413 (request.body_too_large)")
	fl.DurationVar(&f.readHeader, "read-header-timeout", server.DefaultReadHeaderTimeout, "time allowed to read a request's header (0: none)")
	fl.DurationVar(&f.read, "read-timeout", server.DefaultReadTimeout, "time allowed to read a whole request, body included; a body that stalls or trickles is cut off (0: none)")
	fl.DurationVar(&f.write, "write-timeout", server.DefaultWriteTimeout, "time allowed from the end of a request's header to the end of its response (0: none)")
	fl.DurationVar(&f.idle, "idle-timeout", server.DefaultIdleTimeout, "time a keep-alive connection may wait for its next request (0: none)")
	fl.IntVar(&f.maxHeader, "max-header-bytes", server.DefaultMaxHeaderBytes, "largest request header, in bytes")
	fl.IntVar(&f.maxConns, "max-conns", server.DefaultMaxConns, "connections served at once; more wait to be accepted (0: no cap)")
}

// limits turns the flags into server.Limits (a flag's 0, "none", is a
// negative field) and checks them.
func (f *limitFlags) limits() (server.Limits, error) {
	if f.maxBody <= 0 {
		return server.Limits{}, usageErr("--max-body must be positive")
	}
	if f.maxHeader <= 0 {
		return server.Limits{}, usageErr("--max-header-bytes must be positive")
	}
	none := func(d time.Duration) time.Duration {
		if d == 0 {
			return -1
		}
		return d
	}
	for _, t := range []struct {
		name string
		d    time.Duration
	}{{"--read-header-timeout", f.readHeader}, {"--read-timeout", f.read}, {"--write-timeout", f.write}, {"--idle-timeout", f.idle}} {
		if t.d < 0 {
			return server.Limits{}, usageErr("%s must not be negative", t.name)
		}
	}
	if f.maxConns < 0 {
		return server.Limits{}, usageErr("--max-conns must not be negative")
	}
	conns := f.maxConns
	if conns == 0 {
		conns = -1
	}
	return server.Limits{ReadHeaderTimeout: none(f.readHeader), ReadTimeout: none(f.read), WriteTimeout: none(f.write),
		IdleTimeout: none(f.idle), MaxHeaderBytes: f.maxHeader, MaxConns: conns}, nil
}

func serveCmd(e *env) *cobra.Command {
	var vf verifyFlags
	var lf limitFlags
	var listen, certFile, keyFile string
	var problemDetail string
	c := &cobra.Command{
		Use:   "serve --listen ADDR --trust-bundle [TD=]FILE --trust-domain TD --audience BASEURL",
		Short: "Run the reference resource server",
		Long: `Run the reference WIMSE resource server. Every request path P is protected by
the profiles --profile names on one listener: wpt (WIT + WPT, wpt-01 and
wpt-02 carriages), httpsig (WIT + HTTP message signature, http-signature-06
and -07; responses are signed with --server-wit/--server-key when the client
sends wimse-sign-response, or always with --sign-responses) and mtls (client
certificates chaining to --x509-bundle; needs --tls-cert). The expected WPT aud
and wimse-aud of path P are BASEURL followed by P. HTTP signature failures get
400 and a problem body; mTLS failures fail the handshake. A request that verifies gets 200 and
{"subject":…,"trust_domain":…,"carriage":"wpt-01"|"wpt-02"}; one that does not
gets the status its revision prescribes (wpt-02: 401 with WWW-Authenticate: WPT;
wpt-01: 400) and an application/problem+json body whose "reason" member is the
stable reason code. GET /healthz is not protected. Logs never contain raw
tokens or Authorization values.

Trust is per trust domain (creds-02 §5.1.3): a WIT verifies only with the
issuer keys of its subject's own trust domain. With one --trust-domain, a bare
--trust-bundle FILE holds its keys; with several, each bundle names its trust
domain, --trust-bundle TD=FILE (a bare FILE is then a usage error).
--spiffe-bundle TD=FILE reads a SPIFFE trust bundle (the JWK Set a SPIFFE
bundle endpoint serves): its wit-svid keys, or its jwt-svid keys when it has
no wit-svid key, become TD's issuer keys and its x509-svid keys TD's X.509
roots; a bare --spiffe-bundle FILE is a bundle set, {"spiffe://TD": bundle,
...}, of which the trusted trust domains are taken.

Problem bodies carry type, title, status and the reason code; with
--problem-detail full (the default: this is the server implementers test
against) they also carry the detail, such as the audience the server
expected. Use --problem-detail minimal where callers should not learn the
server's configuration. The replay caches (WPT jti, HTTP signature nonces)
hold --replay-cache-size live entries each; one sender (WIT sub) may hold
at most --replay-sender-quota of them (default: a quarter), and a sender over
its quota alone gets 429 server.replay_sender_quota.

Resource limits: a signed request's credentials are judged from its header
before any of its body is read; only then is the body read, at most
--max-body bytes (default 1MiB; larger: 413 request.body_too_large). Every
connection is bounded in time (--read-header-timeout 10s, --read-timeout 30s
for the whole request, body included; --write-timeout 30s; --idle-timeout
60s between keep-alive requests) and at most --max-conns (256) are served at
once. 0 turns a timeout or the connection cap off.`,
		Example: `  wimse serve --listen 127.0.0.1:8443 --trust-bundle bundle.jwks \
    --trust-domain example.org --audience https://127.0.0.1:8443 \
    --tls-cert server.crt --tls-key server.key

  # Two trust domains, each with its own issuer keys:
  wimse serve --listen 127.0.0.1:8443 --audience https://127.0.0.1:8443 \
    --trust-domain a.example --trust-bundle a.example=a.jwks \
    --trust-domain b.example --trust-bundle b.example=b.jwks

  # A SPIFFE bundle set (federation) for the trust domains trusted:
  wimse serve --listen 127.0.0.1:8443 --audience https://127.0.0.1:8443 \
    --trust-domain a.example --trust-domain b.example --spiffe-bundle bundles.json

  # Tighter limits for a server exposed to untrusted networks:
  wimse serve --listen 127.0.0.1:8443 --trust-bundle bundle.jwks \
    --trust-domain example.org --audience https://127.0.0.1:8443 \
    --tls-cert server.crt --tls-key server.key \
    --max-body 64KiB --read-timeout 5s --write-timeout 10s \
    --idle-timeout 30s --max-conns 128`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if listen == "" {
				return usageErr("--listen is required")
			}
			if (certFile == "") != (keyFile == "") {
				return usageErr("--tls-cert and --tls-key go together")
			}
			limits, err := lf.limits()
			if err != nil {
				return err
			}
			cfg, err := vf.config(nil)
			if err != nil {
				return err
			}
			cfg.MaxBody = int64(lf.maxBody)
			if cfg.ProblemDetail, err = problem.ParseDisclosure(problemDetail); err != nil {
				return usageErr("--problem-detail %q: want full or minimal", problemDetail)
			}
			cfg.Logger = slog.New(slog.NewTextHandler(e.stderr, nil))
			h, err := server.New(cfg)
			if err != nil {
				return usageErr("%v", err)
			}
			ln, err := net.Listen("tcp", listen)
			if err != nil {
				return failErr("listen: %v", err)
			}
			cfg.Logger.Info("serving", "addr", ln.Addr().String(), "audience", cfg.Audience, "tls", certFile != "")
			var tlsCfg *tls.Config
			if certFile != "" {
				cert, err := tls.LoadX509KeyPair(certFile, keyFile)
				if err != nil {
					return usageErr("--tls-cert/--tls-key: %v", err)
				}
				tlsCfg = server.TLSConfig(cfg, cert)
			} else if slices.Contains(vf.profiles, server.ProfileMTLS) {
				return usageErr("--profile mtls needs --tls-cert and --tls-key")
			}
			return serveUntilDone(cmd.Context(), limits.Listener(ln), limits.Server(h, tlsCfg))
		},
	}
	vf.register(c)
	lf.register(c)
	c.Flags().StringVar(&listen, "listen", "", "address to listen on, e.g. 127.0.0.1:8443 (required)")
	c.Flags().StringVar(&certFile, "tls-cert", "", "PEM certificate chain; with --tls-key serves HTTPS")
	c.Flags().StringVar(&keyFile, "tls-key", "", "PEM private key of --tls-cert")
	c.Flags().StringVar(&problemDetail, "problem-detail", "full", "what problem bodies disclose: full (type, title, status, reason and the detail, e.g. the expected audience) or minimal (no detail)")
	return c
}

// serveUntilDone serves srv on ln (over TLS when srv.TLSConfig is set)
// until ctx ends, then shuts down gracefully.
func serveUntilDone(ctx context.Context, ln net.Listener, srv *http.Server) error {
	errc := make(chan error, 1)
	go func() {
		if srv.TLSConfig != nil {
			errc <- srv.ServeTLS(ln, "", "")
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return failErr("serve: %v", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return failErr("shutdown: %v", err)
	}
	return nil
}
