package mtls

import (
	"crypto/x509"
	"errors"
	"slices"
	"time"

	"github.com/wimse-wg/wimse/wimse"
)

// Role is the part a peer plays in the handshake. It decides which extended
// key usage the peer's certificate must allow.
type Role int

const (
	// Client is a TLS client: its certificate must allow id-kp-clientAuth.
	Client Role = iota + 1
	// Server is a TLS server: its certificate must allow id-kp-serverAuth.
	Server
)

func (r Role) String() string {
	switch r {
	case Client:
		return "client"
	case Server:
		return "server"
	}
	return "invalid role"
}

func (r Role) extKeyUsage() (x509.ExtKeyUsage, bool) {
	switch r {
	case Client:
		return x509.ExtKeyUsageClientAuth, true
	case Server:
		return x509.ExtKeyUsageServerAuth, true
	}
	return 0, false
}

// VerifyPeer validates the certificate chain a peer presented in the role
// it played, at time now, and returns the peer's Workload Identifier.
// chain[0] is the leaf; the rest are intermediates the peer sent, in any
// order. The checks run in this order, and the first failure decides the
// reason of the returned *wimse.Error:
//
//  1. a certificate was presented (mtls.no_certificate; M4);
//  2. the leaf has exactly one URI SAN (mtls.uri_san; creds-02 §6.1 —
//     stricter than "no more than one carrying a Workload Identifier", and
//     what SPIFFE X509-SVID §2 requires);
//  3. that SAN, byte for byte, is a valid and canonical Workload Identifier
//     by wimse.ParseID, which keeps the SPIFFE-ID rules for spiffe:// values
//     (mtls.identifier; I8, I9);
//  4. its trust domain is expected (WithTrustDomains, WithExpectedID) and has
//     X.509 roots in trust (mtls.trust_domain; M3, I12);
//  5. now lies within the leaf's validity period, with no skew
//     (mtls.not_yet_valid, mtls.expired);
//  6. the chain validates by RFC 5280 to the roots of that trust domain
//     only, so the trust domain whose anchors validated the chain is the
//     identifier's (mtls.chain; M2, M12, issue #335); an expired CA gives
//     mtls.expired or mtls.not_yet_valid, an extended key usage without
//     id-kp-clientAuth (Client) or id-kp-serverAuth (Server) anywhere in the
//     chain gives mtls.eku (M5, M11; a leaf without the extension passes, as
//     RFC 5280 §4.2.1.12 allows);
//  7. the leaf is an end-entity certificate fit for TLS: not a CA, no
//     keyCertSign or cRLSign, digitalSignature if it has a key usage
//     extension (mtls.key_usage; X509-SVID §4.3, RFC 8446 §4.4.2.2);
//  8. the identifier is WithExpectedID's (mtls.peer_identity; M7, M9) and
//     the leaf has a DNS-ID matching WithDNSName (mtls.dns_id; M6);
//  9. WithAuthorizer allows it.
//
// A nil trust store or an invalid role is a server.internal error.
// VerifyPeer does not check revocation, which the drafts leave open
// (creds-02 issue #270). It does not call go-spiffe: x509svid.Verify only
// knows spiffe:// identifiers and reports string errors, but every
// certificate it accepts for a trust domain in trust VerifyPeer accepts too
// (see X509BundleSource).
func VerifyPeer(chain []*x509.Certificate, trust *wimse.TrustStore, role Role, now time.Time, opts ...Option) (wimse.ID, error) {
	p, err := verify(chain, trust, role, now, newConfig(opts))
	if err != nil {
		return wimse.ID{}, err
	}
	return p.ID, nil
}

func verify(chain []*x509.Certificate, trust *wimse.TrustStore, role Role, now time.Time, c *config) (*Peer, error) {
	eku, ok := role.extKeyUsage()
	switch {
	case !ok:
		return nil, wimse.Errorf(wimse.ReasonInternal, "mtls: invalid role %d", int(role))
	case trust == nil:
		return nil, wimse.Errorf(wimse.ReasonInternal, "mtls: no trust store")
	case len(chain) == 0 || chain[0] == nil:
		return nil, wimse.Errorf(wimse.ReasonMTLSNoCertificate, "mtls: %s sent no certificate", role)
	}
	leaf := chain[0]

	uris, err := uriSANs(leaf)
	switch {
	case err != nil:
		return nil, wimse.Errorf(wimse.ReasonMTLSURISAN, "mtls: subjectAltName: %w", err)
	case len(uris) == 0:
		return nil, wimse.Errorf(wimse.ReasonMTLSURISAN, "mtls: %s certificate has no URI SAN", role)
	case len(uris) > 1:
		return nil, wimse.Errorf(wimse.ReasonMTLSURISAN, "mtls: %s certificate has %d URI SANs, not exactly one", role, len(uris))
	}
	id, err := wimse.ParseID(uris[0])
	if err != nil {
		return nil, wimse.Errorf(wimse.ReasonMTLSIdentifier, "mtls: URI SAN is not a workload identifier: %w", err)
	}

	td := id.TrustDomain()
	if !c.expectID.IsZero() && td != c.expectID.TrustDomain() {
		return nil, wimse.Errorf(wimse.ReasonMTLSTrustDomain, "mtls: %s is in trust domain %s, expected %s", id, td, c.expectID.TrustDomain())
	}
	if len(c.trustDomains) > 0 && !slices.Contains(c.trustDomains, td) {
		return nil, wimse.Errorf(wimse.ReasonMTLSTrustDomain, "mtls: trust domain %s is not expected for this %s", td, role)
	}
	anchors, ok := trust.Anchors(td)
	roots := x509.NewCertPool()
	n := 0
	if ok {
		for _, r := range anchors.X509Roots {
			if r != nil {
				roots.AddCert(r)
				n++
			}
		}
	}
	if n == 0 {
		return nil, wimse.Errorf(wimse.ReasonMTLSTrustDomain, "mtls: trust domain %s has no X.509 trust anchors", td)
	}

	if err := checkValidity(leaf, now, "certificate"); err != nil {
		return nil, err
	}

	inter := x509.NewCertPool()
	for _, cert := range chain[1:] {
		if cert != nil {
			inter.AddCert(cert)
		}
	}
	chains, err := leaf.Verify(x509.VerifyOptions{
		Roots:         roots,
		Intermediates: inter,
		CurrentTime:   now,
		KeyUsages:     []x509.ExtKeyUsage{eku},
	})
	if err != nil {
		return nil, chainError(err, id, now)
	}

	switch {
	case leaf.IsCA:
		return nil, wimse.Errorf(wimse.ReasonMTLSKeyUsage, "mtls: %s certificate is a CA certificate", role)
	case leaf.KeyUsage&(x509.KeyUsageCertSign|x509.KeyUsageCRLSign) != 0:
		return nil, wimse.Errorf(wimse.ReasonMTLSKeyUsage, "mtls: %s certificate may sign certificates or CRLs", role)
	case leaf.KeyUsage != 0 && leaf.KeyUsage&x509.KeyUsageDigitalSignature == 0:
		return nil, wimse.Errorf(wimse.ReasonMTLSKeyUsage, "mtls: %s certificate key usage lacks digitalSignature", role)
	}

	peer := &Peer{ID: id, Certificate: leaf, Chain: chains[0]}
	if !c.expectID.IsZero() && id != c.expectID {
		return nil, wimse.Errorf(wimse.ReasonMTLSPeerIdentity, "mtls: %s is %s, expected %s", role, id, c.expectID)
	}
	if c.dnsName != "" {
		if err := leaf.VerifyHostname(c.dnsName); err != nil {
			return nil, wimse.Errorf(wimse.ReasonMTLSDNSID, "mtls: no DNS-ID matches %q: %w", c.dnsName, err)
		}
	}
	if c.authorize != nil {
		if err := c.authorize(peer); err != nil {
			var we *wimse.Error
			if errors.As(err, &we) {
				return nil, err
			}
			return nil, wimse.Errorf(wimse.ReasonMTLSPeerIdentity, "mtls: %s %s is not authorized: %w", role, id, err)
		}
	}
	return peer, nil
}

// checkValidity reports whether now lies in cert's validity period.
func checkValidity(cert *x509.Certificate, now time.Time, what string) error {
	switch {
	case now.Before(cert.NotBefore):
		return wimse.Errorf(wimse.ReasonMTLSNotYetValid, "mtls: %s is not valid before %s", what, cert.NotBefore.UTC().Format(time.RFC3339))
	case now.After(cert.NotAfter):
		return wimse.Errorf(wimse.ReasonMTLSExpired, "mtls: %s expired at %s", what, cert.NotAfter.UTC().Format(time.RFC3339))
	}
	return nil
}

// chainError classifies an error of x509.Certificate.Verify.
func chainError(err error, id wimse.ID, now time.Time) error {
	var inv x509.CertificateInvalidError
	if errors.As(err, &inv) {
		switch inv.Reason {
		case x509.Expired:
			if inv.Cert != nil {
				if e := checkValidity(inv.Cert, now, "CA certificate"); e != nil {
					return e
				}
			}
			return wimse.Errorf(wimse.ReasonMTLSExpired, "mtls: %w", err)
		case x509.IncompatibleUsage:
			return wimse.Errorf(wimse.ReasonMTLSEKU, "mtls: extended key usage: %w", err)
		}
	}
	return wimse.Errorf(wimse.ReasonMTLSChain, "mtls: chain does not validate to the anchors of trust domain %s: %w", id.TrustDomain(), err)
}
