package spire

import "syscall"

// dieWithParent has Linux kill the process when the test process dies
// without running its cleanups (a go test -timeout panic, a SIGKILL): the
// SPIRE processes run in their own process groups, which no terminal
// signal reaches.
func dieWithParent(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }
