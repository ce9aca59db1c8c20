package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/interop/server"
)

func selftestCmd(e *env) *cobra.Command {
	var strict bool
	return &cobra.Command{
		Use:   "selftest",
		Short: "Run the suite against mutants of the reference server (each with one check disabled)",
		Long: `Prove the suite catches broken servers: start the reference server in-process
with one check disabled at a time (every mutable MUST and SHOULD check), run the
vectors against it, and require at least one vector to fail. Prints one line per
mutant and then "K of N mutants detected". Exits 0 when every mutant is
detected, 1 otherwise.`,
		Example: "  wimse conformance selftest\n  wimse conformance selftest --strict",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			start := time.Now()
			res, err := server.SelfTest(cmd.Context(), conformance.Config{Strict: strict})
			if err != nil {
				return failErr("%v", err)
			}
			detected := 0
			for _, m := range res {
				mark := "MISSED  "
				by := ""
				if m.Detected() {
					detected++
					mark = "detected"
					by = "by " + strings.Join(m.DetectedBy, ", ")
				}
				fmt.Fprintf(e.stdout, "%s %-32s %-6s %s\n         %s\n", mark, m.Reason, m.Level, m.Description, by)
			}
			fmt.Fprintf(e.stdout, "\n%d of %d mutants detected (%s)\n", detected, len(res), time.Since(start).Round(time.Millisecond))
			if detected != len(res) {
				return quietExit(exitFailure)
			}
			return nil
		},
	}
}
