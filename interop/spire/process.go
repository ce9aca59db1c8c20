//go:build unix

package spire

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// process is a SPIRE server or agent running in its own process group,
// its output in a log file.
type process struct {
	name string
	log  string
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // the Wait error, set before done is closed
}

// stopGrace is how long a process may take to exit after SIGTERM before its
// group is killed.
const stopGrace = 10 * time.Second

func startProcess(name, logPath string, argv ...string) (*process, error) {
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("spire: %w", err)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = f, f
	// A group of its own, so that stop reaches anything it forks.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	dieWithParent(cmd.SysProcAttr)
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, fmt.Errorf("spire: start %s: %w", name, err)
	}
	p := &process{name: name, log: logPath, cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		f.Close()
		close(p.done)
	}()
	return p, nil
}

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop sends SIGTERM to the process group, then SIGKILL after stopGrace,
// and waits for the process to be reaped.
func (p *process) stop() error {
	if p.exited() {
		return nil
	}
	pgid := p.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-p.done:
		return nil
	case <-time.After(stopGrace):
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	<-p.done
	return fmt.Errorf("spire: %s did not exit within %v of SIGTERM and was killed", p.name, stopGrace)
}

// tail returns the last n lines of the process's log.
func (p *process) tail(n int) string { return tailFile(p.log, n) }

func tailFile(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(log %s unreadable: %v)", path, err)
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// poll calls check until it succeeds, p exits, or ctx ends. The error names
// what was awaited and ends with the tail of p's log.
func poll(ctx context.Context, p *process, what string, check func(context.Context) error) error {
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	for {
		err := check(ctx)
		if err == nil {
			return nil
		}
		select {
		case <-p.done:
			return fmt.Errorf("spire: %s exited (%v) while waiting for %s; last check: %w\n--- %s log (tail) ---\n%s",
				p.name, p.err, what, err, p.name, p.tail(40))
		case <-ctx.Done():
			return fmt.Errorf("spire: %s: %s not reached: %w; last check: %w\n--- %s log (tail) ---\n%s",
				p.name, what, ctx.Err(), err, p.name, p.tail(40))
		case <-t.C:
		}
	}
}

// run runs a SPIRE CLI command to completion and returns its standard
// output; the error carries both output streams.
func run(ctx context.Context, argv ...string) (string, error) {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		out := strings.TrimSpace(stdout.String() + "\n" + stderr.String())
		return "", fmt.Errorf("spire: %s: %w: %s", subcommand(argv), err, out)
	}
	return stdout.String(), nil
}

// subcommand names a CLI invocation by its words before the first flag:
// "spire-server entry create".
func subcommand(argv []string) string {
	words := []string{filepath.Base(argv[0])}
	for _, a := range argv[1:] {
		if strings.HasPrefix(a, "-") {
			break
		}
		words = append(words, a)
	}
	return strings.Join(words, " ")
}
