//go:build !unix

package matrix

import (
	"os/exec"
	"time"
)

func newGroup(*exec.Cmd) {}

// signalGroup kills the process itself: without process groups, a
// graceful stop is not available.
func signalGroup(cmd *exec.Cmd, _ bool) {
	if cmd.Process != nil {
		_ = cmd.Process.Kill()
	}
}

func clearGroup(*exec.Cmd, time.Duration) {}
