package main

import (
	"log/slog"
	"net"

	"github.com/spf13/cobra"

	"github.com/wimse-wg/wimse/interop/server"
	"github.com/wimse-wg/wimse/interop/sts"
)

// stsServeCmd runs the reference token exchange service.
func stsServeCmd(e *env) *cobra.Command {
	var config, listen string
	c := &cobra.Command{
		Use:   "serve --config FILE [--listen ADDR]",
		Short: "Run the reference token exchange service (RFC 8693)",
		Long: `serve runs the reference STS (interop/sts) from a JSON configuration file:
POST /token (RFC 8693 token exchange), GET /.well-known/oauth-authorization-server
(RFC 8414 metadata) and GET /jwks.json (the token signing keys). Every
issuance and denial is appended to the audit log before the answer is sent.
Client secrets are read from the environment variables the configuration names.

--listen overrides the configuration's listen address. On SIGHUP the server
reloads its signing key files (after 'wimse sts keys rotate').`,
		Example: `  STS_SECRET_ORDERS=... wimse sts serve --config sts.json --listen 127.0.0.1:8443`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if config == "" {
				return usageErr("--config is required")
			}
			cfg, err := sts.LoadConfig(config)
			if err != nil {
				return usageErr("%v", err)
			}
			if listen != "" {
				cfg.Listen = listen
			}
			if cfg.Listen == "" {
				return usageErr("no listen address: set listen in %s or --listen", config)
			}
			srv, err := sts.New(cfg)
			if err != nil {
				return usageErr("%v", err)
			}
			defer srv.Close()
			stopReload := reloadOnHangup(srv, e)
			defer stopReload()
			ln, err := net.Listen("tcp", cfg.Listen)
			if err != nil {
				return failErr("listen: %v", err)
			}
			logger := slog.New(slog.NewTextHandler(e.stderr, nil))
			logger.Info("serving", "addr", ln.Addr().String(), "issuer", cfg.Issuer, "token_endpoint", cfg.TokenEndpoint())
			var limits server.Limits
			return serveUntilDone(cmd.Context(), limits.Listener(ln), limits.Server(srv, srv.TLSConfig()))
		},
	}
	c.Flags().StringVar(&config, "config", "", "STS configuration file (required)")
	c.Flags().StringVar(&listen, "listen", "", "address to listen on, overriding the configuration's, e.g. 127.0.0.1:8443")
	return c
}
