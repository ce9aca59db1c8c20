package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/wimse-wg/wimse/conformance"
)

func conformanceProfileCmd(e *env) *cobra.Command {
	c := &cobra.Command{Use: "profile", Short: "Write and check target profiles (--target-config)"}
	var out string
	initCmd := &cobra.Command{
		Use:   "init [--out FILE]",
		Short: "Write a commented example target profile",
		Long: `Write a commented example target profile: how the suite maps onto your
deployment (trust domain, subject, issuer, path, audience) and the policy the
drafts leave to you (clock skew, token size, proof lifetime, kid, algorithms,
iss allow-list, revisions). Edit it, then pass it to 'wimse conformance run
--target-config FILE'. A vector whose expectation rests on a value the profile
does not declare is reported unsupported, never failed. Without --out the
example goes to stdout; an existing --out file is not overwritten.`,
		Example: `  wimse conformance profile init --out profile.json
  wimse conformance run --target https://svc.example/api --target-config profile.json`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			text := conformance.ProfileExample()
			if out == "" || out == "-" {
				_, err := fmt.Fprint(e.stdout, text)
				return err
			}
			f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
			if errors.Is(err, os.ErrExist) {
				return usageHint("remove it first, or choose another --out", "--out %s exists", out)
			}
			if err != nil {
				return usageErr("--out: %v", err)
			}
			if _, err := f.WriteString(text); err != nil {
				f.Close()
				return failErr("write %s: %v", out, err)
			}
			if err := f.Close(); err != nil {
				return failErr("write %s: %v", out, err)
			}
			fmt.Fprintf(e.stderr, "wrote %s: edit it, then run with --target-config %s\n", out, out)
			return nil
		},
	}
	initCmd.Flags().StringVar(&out, "out", "", "file to write (default: stdout)")
	c.AddCommand(initCmd)
	return c
}
