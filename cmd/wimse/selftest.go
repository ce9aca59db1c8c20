package main

import (
	"github.com/spf13/cobra"
)

func selftestCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "selftest",
		Short: "Run the suite against mutants of the reference server (each with one check disabled)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return failErr("selftest: not built yet")
		},
	}
}
