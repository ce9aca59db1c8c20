//go:build unix

package matrix

import (
	"errors"
	"os/exec"
	"syscall"
	"time"
)

// newGroup makes cmd the leader of a process group of its own, so that
// stopping it stops whatever it started.
func newGroup(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} }

// signalGroup sends SIGTERM (or SIGKILL) to cmd's process group.
func signalGroup(cmd *exec.Cmd, kill bool) {
	if cmd.Process == nil {
		return
	}
	sig := syscall.SIGTERM
	if kill {
		sig = syscall.SIGKILL
	}
	_ = syscall.Kill(-cmd.Process.Pid, sig)
}

// clearGroup kills what is left of cmd's process group once its leader
// exited, and polls until the group is empty or the deadline passes.
func clearGroup(cmd *exec.Cmd, deadline time.Duration) {
	if cmd.Process == nil {
		return
	}
	pgid := cmd.Process.Pid
	if errors.Is(syscall.Kill(-pgid, syscall.SIGKILL), syscall.ESRCH) {
		return
	}
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	end := time.NewTimer(deadline)
	defer end.Stop()
	for !errors.Is(syscall.Kill(-pgid, 0), syscall.ESRCH) {
		select {
		case <-end.C:
			return
		case <-tick.C:
		}
	}
}
