//go:build unix

package main

import (
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/wimse-wg/wimse/interop/sts"
)

// reloadOnHangup reloads the server's signing keys on each SIGHUP and
// logs the outcome; call the returned func to stop.
func reloadOnHangup(srv *sts.Server, e *env) func() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		logger := slog.New(slog.NewTextHandler(e.stderr, nil))
		for {
			select {
			case <-ch:
				kid, err := srv.Reload()
				if err != nil {
					logger.Error("reload signing keys", "err", err)
					continue
				}
				logger.Info("reloaded signing keys", "current_kid", kid)
			case <-done:
				return
			}
		}
	}()
	return func() { signal.Stop(ch); close(done) }
}
