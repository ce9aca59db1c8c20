// Command htmsigpeer is the independent HTTP-message-signature peer of the
// interop matrix (http-signature-07), built on lestrrat-go/htmsig with
// lestrrat-go/jwx/v3 for the WIT (see interop/peers/htmsigpeer).
//
//	htmsigpeer serve --listen ADDR --trust-bundle FILE --trust-domain TD --audience BASEURL [--tls-cert F --tls-key F]
//	htmsigpeer call --url URL --wit F --key F [--ca F] [--body S]
//	                [--trust-bundle FILE --trust-domain TD [--responder ID] [--sign-response true]]
//
// Exit codes of call: 0 on a 2xx answer, 1 on another answer or a failed
// exchange, 2 on usage or setup errors.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/wimse-wg/wimse/interop/peers/htmsigpeer"
	"github.com/wimse-wg/wimse/interop/peers/internal/peercli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	code := peercli.Run(ctx, htmsigpeer.Command(), os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
