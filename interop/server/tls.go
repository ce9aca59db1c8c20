package server

import (
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/wimse-wg/wimse/profiles/mtls"
)

// TLSConfig returns the listener's TLS configuration for cert. With the
// mtls profile, client certificates are verified during the handshake
// (profiles/mtls.ServerConfig: trust domain anchors, one URI SAN, EKU); they
// are required when mtls is the only profile and merely requested
// otherwise, so WPT and signature clients without a certificate still
// connect.
func TLSConfig(c Config, cert tls.Certificate) *tls.Config {
	if !c.accepts(ProfileMTLS) {
		return &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}
	}
	cfg := mtls.ServerConfig(c.Trust, cert, mtls.WithNow(c.Policy.Time), mtls.WithLogger(c.Logger), mtls.WithMutant(c.Policy.Mutant))
	if c.accepts(ProfileWPT) || c.accepts(ProfileHTTPSig) {
		cfg.ClientAuth = tls.RequestClientCert
		verify := cfg.VerifyConnection
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return nil
			}
			return verify(cs)
		}
	}
	return cfg
}

// StartLoopbackTLS starts the reference server on 127.0.0.1 over TLS with
// the configuration configure returns for its base URL (https://...),
// presenting cert; TLSConfig decides how clients are authenticated.
// Refused handshakes go to logger, not to standard error.
func StartLoopbackTLS(configure func(base string) (Config, error), cert tls.Certificate, logger *slog.Logger) (*Running, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	base := "https://" + ln.Addr().String()
	cfg, err := configure(base)
	if err != nil {
		ln.Close()
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	cfg.Logger = logger
	h, err := New(cfg)
	if err != nil {
		ln.Close()
		return nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelDebug)}
	go func() {
		if err := srv.Serve(tls.NewListener(ln, TLSConfig(cfg, cert))); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("reference server stopped", "err", err)
		}
	}()
	return &Running{URL: base, srv: srv}, nil
}
