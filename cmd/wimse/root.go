package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Exit codes shared by every command. `wimse token verify` uses 1 for a
// rejected request; usage and input errors are 2.
const (
	exitOK       = 0
	exitFailure  = 1
	exitUsage    = 2
	exitInternal = 1
)

// exitError carries an exit code through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErr(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// quietExit ends with a code and no diagnostic (the command printed its own).
type quietExit int

func (q quietExit) Error() string { return fmt.Sprintf("exit %d", int(q)) }

type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// run executes the CLI and returns the process exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:   "wimse",
		Short: "WIMSE reference implementation and conformance tools",
		Long: `wimse is the reference implementation of the IETF WIMSE workload-to-workload
protocols (Workload Identity Token, Workload Proof Token wpt-01 and wpt-02).

Try it in one command:

  wimse demo

which creates a throw-away trust domain, starts the reference server on
loopback and sends it an authenticated request.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version(),
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetArgs(args)
	root.AddCommand(serveCmd(e), tokenCmd(e), keysCmd(e), demoCmd(e), vectorsCmd(e), conformanceCmd(e))
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var q quietExit
	if errors.As(err, &q) {
		return int(q)
	}
	fmt.Fprintf(stderr, "wimse: error: %v\n", err)
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	// Cobra's own flag and argument errors are usage errors.
	return exitUsage
}

func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok || bi.Main.Version == "" {
		return "(devel)"
	}
	return bi.Main.Version
}
