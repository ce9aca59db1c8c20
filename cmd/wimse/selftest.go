package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/interop/server"
)

func selftestCmd(e *env) *cobra.Command {
	var profile string
	c := &cobra.Command{
		Use:   "selftest",
		Short: "Run the suite against mutants and conformant policy variants of the reference server",
		Long: `Prove the suite catches broken servers and only those. Both halves start the
reference server in-process on loopback.

Mutants: the server with one check disabled at a time (every mutable MUST and
SHOULD check); at least one vector must fail against each. A mutant is
detected at its first failing vector, where its run stops. Prints one line per
mutant and then "K of N mutants detected".

False alarms: conformant variants of the server with another policy (clock
skew, token size limit, ES256 only, one issuer key without kid, iss
allow-list, single revisions, ...), each played under every draft it
declares, with a target profile that declares its policy; every variant must
come out conformant. Prints "conformant  <variant>  N pass, N unsupported" or
"FALSE ALARM <variant>: <first non-passing vectors>", then "K of N conformant
variants pass".

Exits 0 when every mutant is detected and no variant raises a false alarm,
1 otherwise.

With --profile token-exchange the same is done for the reference STS and the
token endpoint vectors: its token endpoint checks as mutants, its policy and
client authentication variants as conformant deployments.`,
		Example: "  wimse conformance selftest\n  wimse conformance selftest --profile token-exchange",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch profile {
			case "":
			case profileTokenExchange:
				return exchangeSelftest(cmd.Context(), e)
			default:
				return usageErr("--profile %q: the self-test covers the reference server (no --profile) or %s", profile, profileTokenExchange)
			}
			start := time.Now()
			res, err := server.SelfTest(cmd.Context(), conformance.Config{})
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
			fmt.Fprintf(e.stdout, "\n%d of %d mutants detected (%s)\n\n", detected, len(res), time.Since(start).Round(time.Millisecond))

			start = time.Now()
			vars, err := server.FalsePositiveTest(cmd.Context(), conformance.Config{})
			if err != nil {
				return failErr("%v", err)
			}
			clean := printVariants(e.stdout, vars)
			fmt.Fprintf(e.stdout, "\n%d of %d conformant variants pass (%s)\n", clean, len(vars), time.Since(start).Round(time.Millisecond))
			if detected != len(res) || clean != len(vars) {
				return quietExit(exitFailure)
			}
			return nil
		},
	}
	c.Flags().StringVar(&profile, "profile", "", "token-exchange: the reference STS and the token endpoint vectors instead of the reference server")
	return c
}

// printVariants writes one line per policy variant (and, under it, the
// rejections whose reason code differs from the vector's) and returns how
// many came out conformant.
func printVariants(w io.Writer, vars []server.VariantResult) int {
	clean := 0
	for _, v := range vars {
		if v.Conformant() {
			clean++
			fmt.Fprintf(w, "conformant  %s  %d pass, %d unsupported", v.Name, v.Count(conformance.StatusPass), v.Count(conformance.StatusUnsupported))
			if n := v.Count(conformance.StatusWarn); n > 0 {
				fmt.Fprintf(w, ", %d warn", n)
			}
			fmt.Fprintln(w)
		} else {
			fmt.Fprintf(w, "FALSE ALARM %s: %s\n", v.Name, strings.Join(v.FalseAlarms(5), "; "))
		}
		if notes := v.ReasonMismatches(-1); len(notes) > 0 {
			fmt.Fprintf(w, "            note: %d rejections with the right verdict and another reason code, first %s\n", len(notes), notes[0])
		}
	}
	return clean
}
