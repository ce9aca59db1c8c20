package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/wimse-wg/wimse/interop/sts"
)

// stsKeysCmd groups the STS signing-key commands.
func stsKeysCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:     "keys",
		Short:   "Manage the STS token signing keys",
		Example: "  wimse sts keys rotate --config sts.json",
	}
	c.AddCommand(stsKeysRotateCmd(e))
	return c
}

func stsKeysRotateCmd(e *env) *cobra.Command {
	var config string
	var force bool
	c := &cobra.Command{
		Use:   "rotate --config FILE [--force]",
		Short: "Rotate the STS signing keys: next becomes current, a new next is generated",
		Long: `rotate rotates the signing key files named in the configuration:
the current key is retired (its public key is kept in signingKeys.retired and
published until every token it signed has expired: maxLifetime plus one
minute of clock skew), the next key becomes current, and a new next key of
the same algorithm with a random kid is generated. A key_rotated record is
appended to the audit log.

The next key must have been published (its file unchanged) for at least
five minutes, the JWK Set cache lifetime, so that every verifier caching the
set already knows it; --force skips that check.

A running 'wimse sts serve' keeps signing with the old key until it reloads:
send it SIGHUP (or restart it). With a file audit log, stop the server first:
only the SQLite store serialises writers across processes.

Exit status: 0 rotated, 1 refused or failed, 2 usage.`,
		Example: `  wimse sts keys rotate --config sts.json && kill -HUP "$(cat sts.pid)"`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if config == "" {
				return usageErr("--config is required")
			}
			cfg, err := sts.LoadConfig(config)
			if err != nil {
				return usageErr("%v", err)
			}
			opts := sts.RotateOptions{}
			if force {
				opts.MinPublish = -1
			}
			rot, err := sts.RotateKeys(cmd.Context(), cfg, opts)
			if errors.Is(err, sts.ErrRotateTooSoon) {
				return failErr("%v (or --force)", err)
			}
			if err != nil {
				return failErr("%v", err)
			}
			if rot.Retired != "" {
				fmt.Fprintf(e.stdout, "retired %s (published until %s)\n", rot.Retired, rot.RetiredUntil.UTC().Format(time.RFC3339))
			}
			fmt.Fprintf(e.stdout, "current %s\nnext    %s\n", rot.Current, rot.Next)
			fmt.Fprintln(e.stderr, "send SIGHUP to a running 'wimse sts serve' (or restart it) to sign with the new current key")
			return nil
		},
	}
	c.Flags().StringVar(&config, "config", "", "STS configuration file (required)")
	c.Flags().BoolVar(&force, "force", false, "rotate even if the next key was published less than five minutes ago")
	return c
}
