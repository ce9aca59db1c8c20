package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/wimse-wg/wimse/interop/sts"
	"github.com/wimse-wg/wimse/tokens/oauth"
)

func stsInitCmd(e *env) *cobra.Command {
	var dir, listen, td string
	var lifetime time.Duration
	var renew bool
	c := &cobra.Command{
		Use:   "init --dir DIR [--listen ADDR] [--trust-domain TD] [--renew]",
		Short: "Write a complete demo deployment of the reference STS",
		Long: `init writes a working demo deployment of the reference STS into DIR (which
must be empty or absent):

  sts.json          the configuration: every client authentication method on,
                    HTTPS on --listen, a SQLite store (sts.db) for the audit
                    log, revocations and replay caches
  policy.json       who may obtain a token for what (default deny)
  keys/             the token signing keys (current, next) and the audit
                    checkpoint key
  trust/            the demo SPIFFE trust domain's X.509 root (also the root
                    of the server's TLS certificate) and its SPIFFE bundle
  authority/        the trust domain's private authority keys; in a real
                    deployment they stay in SPIRE
  workload/         the demo workload spiffe://TD/orders: its key and WIT-SVID
  clients/          one client per method: a private_key_jwt key, an
                    X.509-SVID, a JWT-SVID, a DPoP key
  secrets.env       the client secrets (mode 0600), never in sts.json

and prints the commands that start the STS and exchange a token with each
method. The workload credentials expire after --lifetime; --renew mints new
ones with the keys already in DIR.`,
		Example: `  wimse sts init --dir demo
  wimse sts init --dir demo --renew`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if dir == "" {
				return usageErr("--dir is required")
			}
			d, err := sts.Init(dir, sts.InitOptions{Listen: listen, TrustDomain: td, TokenLifetime: lifetime, Renew: renew})
			if err != nil {
				return failErr("%v", err)
			}
			if renew {
				fmt.Fprintf(e.stdout, "minted new workload credentials in %s: the WIT-SVID is valid until %s, the JWT-SVID until %s\n",
					d.Dir, d.Expiry.UTC().Format(time.RFC3339), d.JWTSVIDExpiry.UTC().Format(time.RFC3339))
				return nil
			}
			printInitUsage(e, d)
			return nil
		},
	}
	fl := c.Flags()
	fl.StringVar(&dir, "dir", "", "directory to write the deployment to (required)")
	fl.StringVar(&listen, "listen", "127.0.0.1:8443", "loopback address the STS will serve on; the issuer is https://ADDR")
	fl.StringVar(&td, "trust-domain", "example.org", "the demo SPIFFE trust domain")
	fl.DurationVar(&lifetime, "lifetime", 24*time.Hour, "lifetime of the minted workload credentials (WIT-SVID, JWT-SVID)")
	fl.BoolVar(&renew, "renew", false, "only mint new workload credentials in an existing deployment")
	return c
}

// printInitUsage prints how to start and call the deployment.
func printInitUsage(e *env, d *sts.Deployment) {
	q := func(s string) string {
		if strings.ContainsAny(s, " '\"$`\\") {
			return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
		}
		return s
	}
	rel := func(p string) string { return q(filepath.Clean(p)) }
	fmt.Fprintf(e.stdout, "wrote a demo STS deployment to %s (issuer %s)\n\n", d.Dir, d.Issuer)
	fmt.Fprintf(e.stdout, "# 1. start it (client secrets come from the environment):\nset -a; . %s; set +a\nwimse sts serve --config %s &\n\n", rel(d.SecretsEnv), rel(d.Config))
	common := fmt.Sprintf("wimse sts exchange --sts %s --ca %s \\\n    --subject-token %s --subject-token-type %s --subject-key %s \\\n    --resource %s --scope %s",
		d.Issuer, rel(d.CA), rel(d.WIT), oauth.TokenTypeJWT, rel(d.WorkloadKey), sts.DemoResource, sts.DemoScope)
	fmt.Fprintf(e.stdout, "# 2. exchange the workload's WIT-SVID for a token for %s, with each client authentication method:\n", sts.DemoResource)
	for _, m := range []string{oauth.AuthMethodClientSecretBasic, oauth.AuthMethodClientSecretPost, oauth.AuthMethodPrivateKeyJWT,
		oauth.AuthMethodSPIFFEJWT, oauth.AuthMethodSPIFFEX509, oauth.AuthMethodSPIFFEWIT} {
		c := d.Clients[m]
		var auth string
		switch m {
		case oauth.AuthMethodClientSecretBasic, oauth.AuthMethodClientSecretPost:
			auth = fmt.Sprintf("--client-id %s --client-secret-env %s", c.ClientID, c.SecretEnv)
		case oauth.AuthMethodPrivateKeyJWT:
			auth = fmt.Sprintf("--client-id %s --client-key %s", c.ClientID, rel(c.Key))
		case oauth.AuthMethodSPIFFEJWT:
			auth = fmt.Sprintf("--jwt-svid %s", rel(c.Token))
		case oauth.AuthMethodSPIFFEX509:
			auth = fmt.Sprintf("--cert %s --cert-key %s", rel(c.Cert), rel(c.CertKey))
		case oauth.AuthMethodSPIFFEWIT:
			auth = fmt.Sprintf("--wit %s --wit-key %s", rel(c.Token), rel(c.Key))
		}
		fmt.Fprintf(e.stdout, "%s \\\n    --auth %s %s\n", common, m, auth)
	}
	fmt.Fprintf(e.stdout, "\n# 3. a DPoP-bound token: add  --dpop-key %s\n", rel(d.DPoPKey()))
	fmt.Fprintf(e.stdout, "# 4. check the audit log:\nwimse audit verify --config %s && wimse audit show --config %s\n", rel(d.Config), rel(d.Config))
	fmt.Fprintf(e.stdout, "\nThe WIT-SVID expires at %s, the JWT-SVID at %s; renew them with: wimse sts init --dir %s --renew\n",
		d.Expiry.UTC().Format(time.RFC3339), d.JWTSVIDExpiry.UTC().Format(time.RFC3339), rel(d.Dir))
}
