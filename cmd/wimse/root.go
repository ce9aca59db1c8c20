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

// exitError carries an exit code, and an optional hint printed after the
// diagnostic, through cobra.
type exitError struct {
	code int
	err  error
	hint string
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErr(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// usageHint is a usage error (exit 2) with a hint saying what to do.
func usageHint(hint, format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...), hint: hint}
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
	root := newRoot(&env{stdin: stdin, stdout: stdout, stderr: stderr})
	root.SetArgs(args)
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
		if ee.hint != "" {
			fmt.Fprintf(stderr, "hint: %s\n", ee.hint)
		}
		return ee.code
	}
	// Cobra's own flag and argument errors are usage errors.
	return exitUsage
}

// newRoot builds the whole command tree, cobra's help and completion
// commands included (so that every command, theirs too, has an example).
func newRoot(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "wimse",
		Short: "WIMSE reference implementation and conformance tools",
		Long: `wimse is the reference implementation of the IETF WIMSE workload-to-workload
protocols (Workload Identity Token, Workload Proof Token wpt-01 and wpt-02).

Try it in one command:

  wimse demo

which creates a throw-away trust domain, starts the reference server on
loopback and sends it an authenticated request.`,
		Example: `  wimse demo
  wimse conformance run --target https://svc.example/api
  wimse --version`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version(),
	}
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	root.SetVersionTemplate("wimse {{.Version}}\n")
	root.AddCommand(serveCmd(e), tokenCmd(e), keysCmd(e), demoCmd(e), vectorsCmd(e), conformanceCmd(e))
	root.AddCommand(stsCmd(e), auditCmd(e), interopCmd(e))
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		switch c.Name() {
		case "help":
			c.Example = "  wimse help conformance run"
		case "completion":
			c.Example = "  source <(wimse completion bash)"
			examples := map[string]string{
				"bash":       "  source <(wimse completion bash)\n  wimse completion bash > /etc/bash_completion.d/wimse",
				"zsh":        "  wimse completion zsh > \"${fpath[1]}/_wimse\"",
				"fish":       "  wimse completion fish > ~/.config/fish/completions/wimse.fish",
				"powershell": "  wimse completion powershell | Out-String | Invoke-Expression",
			}
			for _, sh := range c.Commands() {
				sh.Example = examples[sh.Name()]
			}
		}
	}
	return root
}

// version is the module version the binary was built from, as the build
// info records it: a release (go install ...@v1.2.3), a pseudo-version
// (go build in a clone, Go 1.24 and later), or "(devel)" followed by the
// commit when the build recorded one but no version.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(devel)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	if v == "(devel)" {
		var rev, dirty string
		for _, s := range bi.Settings {
			switch {
			case s.Key == "vcs.revision":
				rev = s.Value[:min(len(s.Value), 12)]
			case s.Key == "vcs.modified" && s.Value == "true":
				dirty = "+dirty"
			}
		}
		if rev != "" {
			v += " " + rev + dirty
		}
	}
	return v
}
