package server

import (
	"crypto/tls"

	"github.com/wimse-wg/wimse/internal/mutant"
	"github.com/wimse-wg/wimse/profiles/mtls"
)

// TLSConfig returns the listener's TLS configuration for cert. With the
// mtls profile, client certificates are verified during the handshake
// (profiles/mtls.ServerConfig: trust domain anchors, one URI SAN, EKU); they
// are required when mtls is the only profile or Config.RequireMTLS is set,
// and merely requested otherwise, so WPT and signature clients without a
// certificate still connect.
func TLSConfig(c Config, cert tls.Certificate) *tls.Config {
	if !c.accepts(ProfileMTLS) {
		return &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}
	}
	cfg := mtls.ServerConfig(c.Trust, cert, mtls.WithNow(c.Policy.Time), mtls.WithLogger(c.Logger), mtls.WithMutant(mutant.Of(&c.Policy)))
	if (c.accepts(ProfileWPT) || c.accepts(ProfileHTTPSig)) && !c.RequireMTLS {
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
