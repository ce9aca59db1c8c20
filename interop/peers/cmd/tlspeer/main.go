// Command tlspeer is the independent mutual-TLS peer of the interop
// matrix, built on go-spiffe's spiffetls/tlsconfig (see
// interop/peers/tlspeer).
//
//	tlspeer serve --listen ADDR --tls-cert F --tls-key F --ca F [--trust-domain TD]
//	tlspeer call --url URL --cert F --key F --ca F [--trust-domain TD] [--peer-id ID] [--body S]
//
// Exit codes of call: 0 on a 2xx answer, 1 on another answer or a failed
// exchange (a refused handshake included), 2 on usage or setup errors.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/wimse-wg/wimse/interop/peers/internal/peercli"
	"github.com/wimse-wg/wimse/interop/peers/tlspeer"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	code := peercli.Run(ctx, tlspeer.Command(), os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
