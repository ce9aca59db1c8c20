package mtls

import (
	"crypto/tls"

	"github.com/wimse-wg/wimse/wimse"
)

// ServerIdentity is what a client expects of the server it connects to. At
// least one field must be set; when both are, both are checked.
type ServerIdentity struct {
	// ID is the server's expected Workload Identifier, for servers not found
	// through DNS (mutual-tls-03 M7, M9): the URI SAN of the server's
	// certificate must equal it exactly, and its trust domain must be ID's
	// (M3). Zero means the identifier is not checked.
	ID wimse.ID
	// DNSName is the host name the client connects to (mutual-tls-03 M6,
	// M13): the server's certificate must carry a matching DNS-ID (RFC 9525
	// §6.3, by x509.Certificate.VerifyHostname), and it is sent as SNI. The
	// authority of the identifier is a trust domain, never matched as a
	// host name (M8). "" means no DNS-ID check.
	DNSName string
}

// ClientConfig returns the TLS configuration of a client that presents cert
// (none when cert has no certificate) and authenticates the server by its
// Workload Identity Certificate against expect.
//
// InsecureSkipVerify is set because Go's default verification uses one root
// pool (the system's, or RootCAs) and ignores trust domains: it would accept
// a server certificate chaining to another trust domain's root. The server
// is verified instead in VerifyConnection by VerifyPeer with role Server:
// chain to the anchors of the trust domain of the server's identifier only
// (M2, issue #335), EKU id-kp-serverAuth when present (M5), then expect.
// crypto/tls still checks that the server proves possession of the leaf's
// key. WithExpectedID and WithDNSName in opts are overridden by the
// non-zero fields of expect. With no expected identifier and no DNS name
// every handshake fails with mtls.peer_identity, so a missing expectation
// never means "any server".
//
// Rejections are logged to WithLogger; the error, with its reason, is what
// the dial or the HTTP request returns.
func ClientConfig(trust *wimse.TrustStore, cert tls.Certificate, expect ServerIdentity, opts ...Option) *tls.Config {
	c := newConfig(opts)
	if !expect.ID.IsZero() {
		c.expectID = expect.ID
	}
	if expect.DNSName != "" {
		c.dnsName = expect.DNSName
	}
	cfg := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		Time:               c.now, // session tickets and the cached server certificate age on the same clock
		ServerName:         expect.DNSName,
		InsecureSkipVerify: true, //nolint:gosec // the server is verified in VerifyConnection, per trust domain
		VerifyConnection: func(cs tls.ConnectionState) error {
			var err error
			if c.expectID.IsZero() && c.dnsName == "" {
				err = wimse.Errorf(wimse.ReasonMTLSPeerIdentity, "mtls: no expected server identity is configured")
			} else {
				_, err = verify(cs.PeerCertificates, trust, Server, c.now(), c)
			}
			if err != nil {
				logRejection(c.logger, "tls server rejected", cs.ServerName, err)
			}
			return err
		},
	}
	if len(cert.Certificate) > 0 {
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg
}
