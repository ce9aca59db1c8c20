//go:build !unix

package main

import "github.com/wimse-wg/wimse/interop/sts"

// reloadOnHangup does nothing where there is no SIGHUP: restart the server
// after a key rotation.
func reloadOnHangup(*sts.Server, *env) func() { return func() {} }
