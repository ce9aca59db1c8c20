package main

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/wimse-wg/wimse/interop/matrix"
)

func interopCmd(e *env) *cobra.Command {
	c := &cobra.Command{Use: "interop", Short: "Interop events: the client × server matrix and an interop client"}
	c.AddCommand(interopMatrixCmd(e), interopCallCmd(e))
	return c
}

func interopMatrixCmd(e *env) *cobra.Command {
	var registry, out, only, creds string
	var timeout time.Duration
	c := &cobra.Command{
		Use:   "matrix --registry FILE [--out DIR] [--timeout 20s] [--only PROFILE] [--credentials DIR]",
		Short: "Run every client against every server of a registry, per profile and draft",
		Long: `Run the interop matrix of a registry (interop/registry.json is ours; its format
is interop/matrix/schema/registry.schema.json): the Go packages it lists are
built once, a fresh credential set is generated (a trust domain with an
issuer key and JWK Set, a WIT and its key, an X.509 CA with server and
client certificates), and every client × server × profile × draft both speak
is run: the server is started on a free loopback port, /healthz must answer
200 within --timeout, the client sends one request within --timeout, and the
server's process group is stopped. A cell passes when the client exits 0 and
the answer names the client's identity, and the same client with rogue
credentials (the same names from an issuer key and a CA nobody trusts) is
then refused: a server that accepts anything cannot pass.

A failing cell is classified by two controls of the same run: the client
against the reference server, and the reference client against the server.
Both pass: disagreement; only the first fails: client-side; only the second:
server-side; otherwise unknown. A server that does not start, a failed build
or a client exit 2 is setup.

Writes DIR/matrix.json (interop/matrix/schema/matrix.schema.json),
DIR/index.html (a coloured table per profile and draft), DIR/matrix.md (the
same tables, for a pull request or a CI step summary) and one evidence
file per cell under DIR/evidence (commands, timing, client output, server
log). Exit 0 when every cell passes or is a known disagreement the registry
lists with a finding, 1 otherwise (a stale known entry included), 2 on a
usage or registry error.

A server the registry gives as a fixed URL (one someone else runs) is not
started; it must trust the run's credentials: keep them with --credentials
DIR and give the server DIR/trust-bundle.jwks, DIR/ca.pem and the trust
domain demo.example beforehand.`,
		Example: `  wimse interop matrix --registry interop/registry.json --out /tmp/matrix
  wimse interop matrix --registry interop/registry.json --only mtls --timeout 5s`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if registry == "" {
				return usageErr("--registry is required")
			}
			reg, err := matrix.Load(registry)
			if err != nil {
				return usageErr("%v", err)
			}
			res, err := matrix.Run(cmd.Context(), reg, matrix.Options{
				Out: out, Timeout: timeout, Only: only, RegistryName: registry, Credentials: creds,
				Logger: slog.New(slog.NewTextHandler(e.stderr, nil)),
			})
			if err != nil {
				return usageErr("%v", err)
			}
			if err := matrix.WriteJSON(out, res); err != nil {
				return failErr("%v", err)
			}
			if err := matrix.WriteHTML(out, res); err != nil {
				return failErr("%v", err)
			}
			if err := matrix.WriteMarkdown(out, res); err != nil {
				return failErr("%v", err)
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "CLIENT\tSERVER\tPROFILE\tDRAFT\tSTATUS\tDETAIL")
			for _, c := range res.Cells {
				status := c.Status
				if c.Known != nil {
					status += " (known: " + c.Known.Finding + ")"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", c.Client, c.Server, c.Profile, c.Draft, status, c.Detail)
			}
			tw.Flush()
			for _, b := range res.Builds {
				if !b.OK {
					fmt.Fprintf(e.stdout, "build %s (%s) failed\n", b.Name, b.Package)
				}
			}
			for _, k := range res.Stale {
				fmt.Fprintf(e.stdout, "stale known disagreement: %s → %s %s %s (%s) no longer fails\n", k.Client, k.Server, k.Profile, k.Draft, k.Finding)
			}
			verdict := "OK"
			if !res.OK {
				verdict = "NOT OK"
			}
			var counts []string
			for _, s := range matrix.Statuses() {
				if n := res.Summary.Status[s]; n > 0 {
					counts = append(counts, fmt.Sprintf("%s %d", s, n))
				}
			}
			fmt.Fprintf(e.stdout, "%s: %d cells (%s), %d known disagreements, %.1f s; report %s\n", verdict, res.Summary.Cells,
				strings.Join(counts, ", "), res.Summary.Known, time.Duration(res.Duration).Seconds(), filepath.Join(out, "index.html"))
			if !res.OK {
				return quietExit(exitFailure)
			}
			return nil
		},
	}
	fl := c.Flags()
	fl.StringVar(&registry, "registry", "", "registry file (required)")
	fl.StringVar(&out, "out", "interop-matrix", "output directory: matrix.json, index.html, matrix.md, evidence/")
	fl.DurationVar(&timeout, "timeout", matrix.DefaultTimeout, "time bound of each client run and of each server's start-up")
	fl.StringVar(&only, "only", "", "run one profile only: wit-wpt, wit-httpsig or mtls")
	fl.StringVar(&creds, "credentials", "", "keep the credential set in this directory and reuse it while valid (24 h), so that servers at a fixed URL can trust its trust-bundle.jwks and ca.pem; default: a fresh set per run")
	return c
}
