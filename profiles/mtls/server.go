package mtls

import (
	"context"
	"crypto/tls"
	"log/slog"

	"github.com/wimse-wg/wimse/wimse"
)

// ServerConfig returns the TLS configuration of a server that presents cert
// and authenticates every client by its Workload Identity Certificate
// (mutual-tls-03 M4, M14).
//
// ClientAuth is tls.RequireAnyClientCert: a client without a certificate is
// refused by crypto/tls itself with a certificate_required alert (before
// any callback runs, so http.Server's ErrorLog reports it, not WithLogger).
// Go's own chain verification is not used, because it knows one root pool
// and no trust domains; instead VerifyConnection runs VerifyPeer with role
// Client, the options and the WithNow clock. VerifyConnection rather than
// VerifyPeerCertificate because crypto/tls calls it on resumed sessions
// too, so a resumed session is re-validated at the current time.
//
// A rejected client fails the handshake with a bad_certificate alert; there
// is no HTTP status. The returned error carries the reason (so http.Server
// logs "TLS handshake error ... mtls.chain: ..."), and the rejection is
// logged to WithLogger with reason and detail. Pass the same options to
// Middleware, which re-derives the Peer of each request.
func ServerConfig(trust *wimse.TrustStore, cert tls.Certificate, opts ...Option) *tls.Config {
	c := newConfig(opts)
	return &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Time:         c.now, // session tickets age on the same clock as the certificates
		Certificates: []tls.Certificate{cert},
		ClientAuth:   tls.RequireAnyClientCert,
		VerifyConnection: func(cs tls.ConnectionState) error {
			_, err := verify(cs.PeerCertificates, trust, Client, c.now(), c)
			if err != nil {
				logRejection(c.logger, "tls client rejected", cs.ServerName, err)
			}
			return err
		},
	}
}

func logRejection(l *slog.Logger, msg, serverName string, err error) {
	attrs := []slog.Attr{slog.String("reason", string(wimse.ReasonOf(err))), slog.String("error", err.Error())}
	if serverName != "" {
		attrs = append(attrs, slog.String("server_name", serverName))
	}
	l.LogAttrs(context.Background(), slog.LevelInfo, msg, attrs...)
}
