package peercli

import (
	"log"
	"strings"
)

// newErrorLog routes net/http's own messages (refused TLS handshakes) to
// logf.
func newErrorLog(logf Logf) *log.Logger {
	return log.New(writerFunc(func(p []byte) (int, error) {
		logf("%s", strings.TrimRight(string(p), "\n"))
		return len(p), nil
	}), "", 0)
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
