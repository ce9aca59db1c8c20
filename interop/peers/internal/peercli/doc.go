// Package peercli is the command line shared by the independent interop
// peers (interop/peers/cmd/*), so that an interop matrix drives them all the
// same way:
//
//	<peer> serve --listen ADDR [--trust-bundle FILE --trust-domain TD --audience BASEURL] [--tls-cert F --tls-key F] [--ca F]
//	<peer> call  --url URL [--wit F --key F] [--cert F --key F --ca F] [--body S]
//
// serve answers GET/POST /hello (200 with a small JSON naming the
// authenticated peer) and GET /healthz (200, unauthenticated), logs one line
// per request to standard error and exits on SIGTERM or SIGINT. call makes
// one request (POST with --body, GET without), prints the status line and
// the body to standard output and exits 0 on a 2xx answer, 1 on any other
// answer or when the exchange fails (connection refused, TLS handshake
// refused), 2 on usage or setup errors (flags, unreadable files).
package peercli
