package vectors

import (
	"crypto/tls"
	"crypto/x509"

	"github.com/wimse-wg/wimse/profiles/mtls/mtlstest"
)

// ClientCertificate returns the client certificate the client-role suite
// gives a client under test of the mtls profile (conformance/clientrole):
// a Workload Identity Certificate for Subject with the extended key usage
// clientAuth, issued by the root of TrustDomain (requirements.json
// x509Roots), valid until 2099. Test keys: never trust it outside a test.
func ClientCertificate(seed string) (tls.Certificate, error) {
	p, err := testPKI(seed)
	if err != nil {
		return tls.Certificate{}, err
	}
	leaf, err := mtlstest.NewLeaf(p[caRoot], mtlstest.LeafSpec{URIs: []string{Subject}, EKU: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		NotBefore: leafNotBefore, NotAfter: leafNotAfter, Seed: seed + "\x00mtls client-role client"})
	if err != nil {
		return tls.Certificate{}, err
	}
	return leaf.TLSCertificate(), nil
}

// RogueServerCertificate returns a certificate with the names of
// MTLSServerCertificate (ServerSubject, DNS-ID localhost) issued by a
// second root of TrustDomain that nobody trusts: the client-role scenario
// client-mtls-rogue-server presents it, and the client must refuse it.
func RogueServerCertificate(seed string) (tls.Certificate, error) {
	p, err := testPKI(seed)
	if err != nil {
		return tls.Certificate{}, err
	}
	leaf, err := mtlstest.NewLeaf(p[caRogue], mtlstest.LeafSpec{URIs: []string{ServerSubject}, DNSNames: []string{"localhost"},
		NotBefore: leafNotBefore, NotAfter: leafNotAfter, Seed: seed + "\x00mtls client-role rogue server"})
	if err != nil {
		return tls.Certificate{}, err
	}
	return leaf.TLSCertificate(), nil
}

// WrongNameServerCertificate returns a certificate for ServerSubject from
// the trusted root of TrustDomain whose only DNS-ID is elsewhere.example:
// the client-role scenario client-mtls-wrong-server-name presents it to a
// client that connects to localhost, which must refuse it (mutual-tls-03
// M6, RFC 9525 §6.3).
func WrongNameServerCertificate(seed string) (tls.Certificate, error) {
	p, err := testPKI(seed)
	if err != nil {
		return tls.Certificate{}, err
	}
	leaf, err := mtlstest.NewLeaf(p[caRoot], mtlstest.LeafSpec{URIs: []string{ServerSubject}, DNSNames: []string{"elsewhere.example"},
		NotBefore: leafNotBefore, NotAfter: leafNotAfter, Seed: seed + "\x00mtls client-role wrong-name server"})
	if err != nil {
		return tls.Certificate{}, err
	}
	return leaf.TLSCertificate(), nil
}
