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
)

func serveCmd(e *env) *cobra.Command {
	var vf verifyFlags
	var listen, certFile, keyFile string
	c := &cobra.Command{
		Use:   "serve --listen ADDR --trust-bundle FILE --trust-domain TD --audience BASEURL",
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
tokens or Authorization values.`,
		Example: `  wimse serve --listen 127.0.0.1:8443 --trust-bundle bundle.jwks \
    --trust-domain example.org --audience https://127.0.0.1:8443 \
    --tls-cert server.crt --tls-key server.key`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if listen == "" {
				return usageErr("--listen is required")
			}
			if (certFile == "") != (keyFile == "") {
				return usageErr("--tls-cert and --tls-key go together")
			}
			cfg, err := vf.config(nil)
			if err != nil {
				return err
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
			return serveUntilDone(cmd.Context(), ln, h, tlsCfg)
		},
	}
	vf.register(c)
	c.Flags().StringVar(&listen, "listen", "", "address to listen on, e.g. 127.0.0.1:8443 (required)")
	c.Flags().StringVar(&certFile, "tls-cert", "", "PEM certificate chain; with --tls-key serves HTTPS")
	c.Flags().StringVar(&keyFile, "tls-key", "", "PEM private key of --tls-cert")
	return c
}

// serveUntilDone serves h on ln (over TLS when tlsCfg is set) until ctx
// ends, then shuts down gracefully.
func serveUntilDone(ctx context.Context, ln net.Listener, h http.Handler, tlsCfg *tls.Config) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: 64 << 10, TLSConfig: tlsCfg}
	errc := make(chan error, 1)
	go func() {
		if tlsCfg != nil {
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
