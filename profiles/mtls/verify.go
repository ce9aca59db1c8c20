package mtls

import (
	"crypto/x509"
	"errors"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/wimse-wg/wimse/internal/mutant"
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
//     (mtls.identifier; identifier-03 forbids repairing it);
//  4. its trust domain is expected (WithTrustDomains, WithExpectedID) and has
//     X.509 roots in trust (mtls.trust_domain; M3);
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
// WithMutant (this module's conformance self-test) skips the checks of the
// disabled reasons; every other option leaves the checks as listed.
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
	m := c.mutant
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
	case len(uris) > 1 && !m.Off(string(wimse.ReasonMTLSURISAN)): // mutant: the first one is used
		return nil, wimse.Errorf(wimse.ReasonMTLSURISAN, "mtls: %s certificate has %d URI SANs, not exactly one", role, len(uris))
	}
	id, err := wimse.ParseID(uris[0])
	if err != nil && m.Off(string(wimse.ReasonMTLSIdentifier)) {
		id, err = repairedID(uris[0])
	}
	if err != nil {
		return nil, wimse.Errorf(wimse.ReasonMTLSIdentifier, "mtls: URI SAN is not a workload identifier: %w", err)
	}

	td := id.TrustDomain()
	tdOff := m.Off(string(wimse.ReasonMTLSTrustDomain))
	if !c.expectID.IsZero() && td != c.expectID.TrustDomain() && !tdOff {
		return nil, wimse.Errorf(wimse.ReasonMTLSTrustDomain, "mtls: %s is in trust domain %s, expected %s", id, td, c.expectID.TrustDomain())
	}
	if len(c.trustDomains) > 0 && !slices.Contains(c.trustDomains, td) && !tdOff {
		return nil, wimse.Errorf(wimse.ReasonMTLSTrustDomain, "mtls: trust domain %s is not expected for this %s", td, role)
	}
	roots := x509Roots(trust, td)
	if len(roots) == 0 && tdOff {
		// The mutant: a trust domain without anchors borrows the roots of
		// every trust domain, one pool for all.
		for _, other := range trust.TrustDomains() {
			roots = append(roots, x509Roots(trust, other)...)
		}
	}
	if len(roots) == 0 {
		return nil, wimse.Errorf(wimse.ReasonMTLSTrustDomain, "mtls: trust domain %s has no X.509 trust anchors", td)
	}

	if err := checkValidity(leaf, now, "certificate"); err != nil && !m.Off(string(wimse.ReasonOf(err))) {
		return nil, err
	}

	w := newWidener(m)
	opts := x509.VerifyOptions{
		Roots:         x509.NewCertPool(),
		Intermediates: x509.NewCertPool(),
		CurrentTime:   now,
		KeyUsages:     []x509.ExtKeyUsage{eku},
	}
	if m.Off(string(wimse.ReasonMTLSEKU)) {
		opts.KeyUsages = []x509.ExtKeyUsage{x509.ExtKeyUsageAny}
	}
	for _, r := range roots {
		opts.Roots.AddCert(w.cert(r))
	}
	for _, cert := range chain[1:] {
		if cert != nil {
			opts.Intermediates.AddCert(w.cert(cert))
		}
	}
	var verified []*x509.Certificate
	chains, err := w.cert(leaf).Verify(opts)
	if err == nil {
		verified = w.originals(chains[0])
	} else {
		err = chainError(err, id, now)
		if wimse.ReasonOf(err) != wimse.ReasonMTLSChain || !m.Off(string(wimse.ReasonMTLSChain)) {
			return nil, err
		}
		// The mutant: the chain is taken as presented. The leaf's own
		// extended key usage, which chain building did not reach, is still
		// checked.
		if !m.Off(string(wimse.ReasonMTLSEKU)) && !leafAllows(leaf, eku) {
			return nil, wimse.Errorf(wimse.ReasonMTLSEKU, "mtls: extended key usage of the %s certificate does not allow the role", role)
		}
		for _, cert := range chain {
			if cert != nil {
				verified = append(verified, cert)
			}
		}
	}

	if !m.Off(string(wimse.ReasonMTLSKeyUsage)) {
		switch {
		case leaf.IsCA:
			return nil, wimse.Errorf(wimse.ReasonMTLSKeyUsage, "mtls: %s certificate is a CA certificate", role)
		case leaf.KeyUsage&(x509.KeyUsageCertSign|x509.KeyUsageCRLSign) != 0:
			return nil, wimse.Errorf(wimse.ReasonMTLSKeyUsage, "mtls: %s certificate may sign certificates or CRLs", role)
		case leaf.KeyUsage != 0 && leaf.KeyUsage&x509.KeyUsageDigitalSignature == 0:
			return nil, wimse.Errorf(wimse.ReasonMTLSKeyUsage, "mtls: %s certificate key usage lacks digitalSignature", role)
		}
	}

	peer := &Peer{ID: id, Certificate: leaf, Chain: verified}
	if !c.expectID.IsZero() && id != c.expectID && !m.Off(string(wimse.ReasonMTLSPeerIdentity)) {
		return nil, wimse.Errorf(wimse.ReasonMTLSPeerIdentity, "mtls: %s is %s, expected %s", role, id, c.expectID)
	}
	if c.dnsName != "" && !m.Off(string(wimse.ReasonMTLSDNSID)) {
		if err := leaf.VerifyHostname(c.dnsName); err != nil {
			return nil, wimse.Errorf(wimse.ReasonMTLSDNSID, "mtls: no DNS-ID matches %q: %w", c.dnsName, err)
		}
	}
	if c.authorize != nil {
		if err := c.authorize(peer); err != nil {
			var we *wimse.Error
			if !errors.As(err, &we) {
				err = wimse.Errorf(wimse.ReasonMTLSPeerIdentity, "mtls: %s %s is not authorized: %w", role, id, err)
			}
			if !m.Off(string(wimse.ReasonOf(err))) {
				return nil, err
			}
		}
	}
	return peer, nil
}

// x509Roots returns the X.509 roots of td in trust.
func x509Roots(trust *wimse.TrustStore, td wimse.TrustDomain) []*x509.Certificate {
	a, ok := trust.Anchors(td)
	if !ok {
		return nil
	}
	var out []*x509.Certificate
	for _, r := range a.X509Roots {
		if r != nil {
			out = append(out, r)
		}
	}
	return out
}

// leafAllows reports whether cert's extended key usage, if it has one,
// allows eku.
func leafAllows(cert *x509.Certificate, eku x509.ExtKeyUsage) bool {
	if len(cert.ExtKeyUsage) == 0 && len(cert.UnknownExtKeyUsage) == 0 {
		return true
	}
	return slices.Contains(cert.ExtKeyUsage, eku) || slices.Contains(cert.ExtKeyUsage, x509.ExtKeyUsageAny)
}

// repairedID is what the mtls.identifier mutant makes of a URI SAN that is
// not a canonical Workload Identifier: it normalises it the way a lenient
// URL parser would (scheme and trust domain lower-cased, userinfo and port
// dropped, the path percent-decoded and cleaned of dot segments and a
// trailing slash) and parses the result. identifier-03 forbids exactly
// this repair.
func repairedID(san string) (wimse.ID, error) {
	u, err := url.Parse(san)
	if err != nil {
		return wimse.ID{}, err
	}
	p := u.Path
	if p != "" {
		p = path.Clean(p)
	}
	return wimse.ParseID(strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Hostname()) + p)
}

// widener serves the mtls.expired and mtls.not_yet_valid mutants: it hands
// x509 chain building copies of the certificates whose validity period is
// open on the disabled side, so that that check, and no other, passes
// (signatures cover the raw TBSCertificate, not the parsed fields). A nil
// widener, the normal case, returns the certificates themselves.
type widener struct {
	expired, notYetValid bool
	orig                 map[*x509.Certificate]*x509.Certificate
}

func newWidener(m *mutant.Set) *widener {
	w := &widener{expired: m.Off(string(wimse.ReasonMTLSExpired)), notYetValid: m.Off(string(wimse.ReasonMTLSNotYetValid))}
	if !w.expired && !w.notYetValid {
		return nil
	}
	w.orig = map[*x509.Certificate]*x509.Certificate{}
	return w
}

func (w *widener) cert(c *x509.Certificate) *x509.Certificate {
	if w == nil {
		return c
	}
	cp := *c
	if w.expired {
		cp.NotAfter = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
	}
	if w.notYetValid {
		cp.NotBefore = time.Time{}
	}
	w.orig[&cp] = c
	return &cp
}

// originals maps a verified chain of copies back to the certificates.
func (w *widener) originals(chain []*x509.Certificate) []*x509.Certificate {
	if w == nil {
		return chain
	}
	out := make([]*x509.Certificate, len(chain))
	for i, c := range chain {
		if o, ok := w.orig[c]; ok {
			c = o
		}
		out[i] = c
	}
	return out
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
