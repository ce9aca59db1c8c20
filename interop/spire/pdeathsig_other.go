//go:build unix && !linux

package spire

import "syscall"

// dieWithParent does nothing outside Linux: a test process that dies
// without its cleanups leaves the SPIRE processes running.
func dieWithParent(*syscall.SysProcAttr) {}
