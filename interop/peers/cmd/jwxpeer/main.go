// Command jwxpeer is the independent WIT/WPT peer of the interop matrix,
// built on lestrrat-go/jwx/v3 (see interop/peers/jwxpeer).
//
//	jwxpeer serve --listen ADDR --trust-bundle FILE --trust-domain TD --audience BASEURL [--tls-cert F --tls-key F]
//	jwxpeer call --url URL --wit F --key F [--ca F] [--body S] [--revision wpt-01|wpt-02]
//
// Exit codes of call: 0 on a 2xx answer, 1 on another answer or a failed
// exchange, 2 on usage or setup errors.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/wimse-wg/wimse/interop/peers/internal/peercli"
	"github.com/wimse-wg/wimse/interop/peers/jwxpeer"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	code := peercli.Run(ctx, jwxpeer.Command(), os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
