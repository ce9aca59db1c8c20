package server

import (
	"crypto/tls"
	"net"
	"net/http"
	"time"

	"golang.org/x/net/netutil"
)

// Defaults of Limits and Config.MaxBody: what `wimse serve` applies unless
// told otherwise.
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 30 * time.Second
	DefaultWriteTimeout      = 30 * time.Second
	DefaultIdleTimeout       = 60 * time.Second
	DefaultMaxHeaderBytes    = 64 << 10
	DefaultMaxConns          = 256
	// DefaultMaxBody is the reference server's request body limit (1 MiB),
	// smaller than the library's httpsig.DefaultMaxBody: the reference
	// server ignores bodies, and the suite's test keys are public, so anyone
	// can hold credentials it accepts. With DefaultMaxConns it bounds what
	// authenticated HTTP/1.1 clients can make it buffer to 256 MiB.
	DefaultMaxBody = 1 << 20
)

// Limits bound what clients can make the reference server hold: time per
// request and per idle connection, header size, and connections at once.
// The body size limit is Config.MaxBody: it is judged per request, once the
// credentials verified. A zero field means its default (Default*); a
// negative duration or MaxConns means none.
type Limits struct {
	// ReadHeaderTimeout bounds reading a request's header.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request, body included, from its
	// first byte: a body that stalls or trickles in is cut off and the
	// connection closed, however slowly it progresses.
	ReadTimeout time.Duration
	// WriteTimeout bounds the time from the end of a request's header to
	// the end of the response.
	WriteTimeout time.Duration
	// IdleTimeout bounds how long a keep-alive connection may wait for its
	// next request.
	IdleTimeout time.Duration
	// MaxHeaderBytes bounds a request's header, in bytes; zero or negative
	// means the default (there is no "none").
	MaxHeaderBytes int
	// MaxConns bounds the connections served at once; further ones wait in
	// the kernel's accept queue until one closes (Listener). An HTTP/2
	// connection (over TLS) still carries up to 250 requests at once.
	MaxConns int
}

func orDefault(d, def time.Duration) time.Duration {
	switch {
	case d == 0:
		return def
	case d < 0:
		return 0 // net/http: no timeout
	}
	return d
}

// Server returns an http.Server for h with the limits' timeouts and
// header limit, serving TLS with tlsCfg when it is set (ServeTLS).
func (l Limits) Server(h http.Handler, tlsCfg *tls.Config) *http.Server {
	mh := l.MaxHeaderBytes
	if mh <= 0 {
		mh = DefaultMaxHeaderBytes
	}
	return &http.Server{
		Handler:           h,
		TLSConfig:         tlsCfg,
		ReadHeaderTimeout: orDefault(l.ReadHeaderTimeout, DefaultReadHeaderTimeout),
		ReadTimeout:       orDefault(l.ReadTimeout, DefaultReadTimeout),
		WriteTimeout:      orDefault(l.WriteTimeout, DefaultWriteTimeout),
		IdleTimeout:       orDefault(l.IdleTimeout, DefaultIdleTimeout),
		MaxHeaderBytes:    mh,
	}
}

// Listener returns ln accepting at most MaxConns connections at once
// (golang.org/x/net/netutil.LimitListener); ln itself when MaxConns is
// negative.
func (l Limits) Listener(ln net.Listener) net.Listener {
	switch {
	case l.MaxConns < 0:
		return ln
	case l.MaxConns == 0:
		return netutil.LimitListener(ln, DefaultMaxConns)
	}
	return netutil.LimitListener(ln, l.MaxConns)
}
