package vectors

import (
	"crypto/ecdsa"
	"crypto/x509"
	"fmt"
	"strings"
	"time"

	"github.com/wimse-wg/wimse/profiles/mtls/mtlstest"
	"github.com/wimse-wg/wimse/wimse"
)

// The examples of draft-ietf-wimse-mutual-tls-03: the trust domain's root
// CA, a client and a server Workload Identity Certificate (workload-creds-02
// §6.1) with their identifier in the URI SAN, and two client certificates
// a server refuses (expired; an identifier of a trust domain the root does
// not speak for).

// exOtherClient is an identifier of a trust domain without anchors.
const exOtherClient = "wimse://" + UntrustedTrustDomain + "/workload/client"

func mtlsExamples(d *exDoc, e *exEnv) error {
	now := e.now
	root, err := mtlstest.NewCA(wimse.MustParseTrustDomain(TrustDomain), now,
		mtlstest.WithSeed(e.seed+"\x00example root"), mtlstest.WithValidity(now.Add(-30*24*time.Hour), now.Add(365*24*time.Hour)))
	if err != nil {
		return err
	}
	leaf := func(label string, uris []string, from, to time.Duration) (*mtlstest.Leaf, error) {
		return mtlstest.NewLeaf(root, mtlstest.LeafSpec{URIs: uris, NotBefore: now.Add(from), NotAfter: now.Add(to),
			Seed: e.seed + "\x00example leaf " + label})
	}
	client, err := leaf("client", []string{Subject}, -10*time.Minute, 50*time.Minute)
	if err != nil {
		return err
	}
	server, err := leaf("server", []string{ServerSubject}, -10*time.Minute, 50*time.Minute)
	if err != nil {
		return err
	}
	expired, err := leaf("expired", []string{Subject}, -2*time.Hour, -time.Hour)
	if err != nil {
		return err
	}
	other, err := leaf("other", []string{exOtherClient}, -10*time.Minute, 50*time.Minute)
	if err != nil {
		return err
	}
	d.para(fmt.Sprintf("Both peers trust the root CA of {{%s}} for the trust domain %s only. Each peer sends its leaf "+
		"certificate (the CA issues leaves directly, so there are no intermediates); the Workload Identifier is the "+
		"one URI SubjectAltName. The certificates are X.509-SVID shaped, as SPIRE issues them.", e.anchor("root"), TrustDomain))

	d.heading(2, "Trust anchor")
	d.para("The root CA of " + TrustDomain + " and its private key:")
	d.figure("", e.anchor("root-summary"), "Root CA", certSummary(root.Cert), 2)
	d.figure("", e.anchor("root"), "Root CA certificate", pemString("CERTIFICATE", root.Cert.Raw), 0)
	d.figure("json", e.anchor("root-key"), "Root CA private key", d.privateJWK(&Key{Alg: "ES256", Signer: root.Key}), 2)

	d.heading(2, "Client certificate")
	d.para("The client's Workload Identity Certificate and its private key. A server that authenticates clients by certificate " +
		"validates the chain with the anchors of the identifier's trust domain and takes the identifier from the URI SAN:")
	d.expect("accepted as a client certificate, identifier " + Subject)
	d.cert(e.anchor("client"), "Client certificate", client.Cert)
	d.figure("json", e.anchor("client-key"), "Client private key", d.privateJWK(&Key{Alg: "ES256", Signer: client.Key}), 2)

	d.heading(2, "Server certificate")
	d.para(fmt.Sprintf("The server's Workload Identity Certificate and its private key. A client that is configured to "+
		"reach %s (no DNS name) accepts exactly that identifier:", ServerSubject))
	d.expect("accepted as the server certificate of " + ServerSubject)
	d.cert(e.anchor("server"), "Server certificate", server.Cert)
	d.figure("json", e.anchor("server-key"), "Server private key", d.privateJWK(&Key{Alg: "ES256", Signer: server.Key}), 2)

	d.heading(2, "Rejected: an expired client certificate")
	d.para("The client certificate expired an hour before the time of verification:")
	d.expect("rejected as a client certificate, reason " + string(wimse.ReasonMTLSExpired))
	d.cert(e.anchor("expired"), "Expired client certificate", expired.Cert)

	d.heading(2, "Rejected: an identifier of another trust domain")
	d.para(fmt.Sprintf("The root of %s issued a certificate for %s, whose trust domain has no anchors: a CA speaks "+
		"for its own trust domain only.", TrustDomain, exOtherClient))
	d.expect("rejected as a client certificate, reason " + string(wimse.ReasonMTLSTrustDomain))
	d.cert(e.anchor("other"), "Foreign client certificate", other.Cert)
	return nil
}

// cert writes a certificate's summary and its PEM.
func (d *exDoc) cert(anchor, title string, c *x509.Certificate) {
	d.figure("", anchor+"-summary", title+", summary", certSummary(c), 2)
	d.figure("", anchor, title, pemString("CERTIFICATE", c.Raw), 0)
}

// certSummary lists what a reader checks in a certificate: names,
// validity (NumericDate and ISO 8601), SubjectAltNames and usages.
func certSummary(c *x509.Certificate) string {
	var b strings.Builder
	row := func(k, v string) { fmt.Fprintf(&b, "%-18s %s\n", k+":", v) }
	row("Subject", c.Subject.String())
	row("Issuer", c.Issuer.String())
	row("Serial", c.SerialNumber.String())
	row("Not before", numericDate(c.NotBefore.Unix()))
	row("Not after", numericDate(c.NotAfter.Unix()))
	for _, u := range c.URIs {
		row("URI SAN", u.String())
	}
	for _, n := range c.DNSNames {
		row("DNS SAN", n)
	}
	row("Basic constraints", fmt.Sprintf("cA=%t", c.IsCA))
	row("Key usage", strings.Join(keyUsageNames(c.KeyUsage), ", "))
	if len(c.ExtKeyUsage) > 0 {
		var names []string
		for _, u := range c.ExtKeyUsage {
			names = append(names, extKeyUsageName(u))
		}
		row("Ext. key usage", strings.Join(names, ", "))
	}
	if k, ok := c.PublicKey.(*ecdsa.PublicKey); ok {
		row("Public key", "ECDSA "+k.Curve.Params().Name)
	}
	return b.String()
}

func keyUsageNames(u x509.KeyUsage) []string {
	var out []string
	for _, k := range []struct {
		bit  x509.KeyUsage
		name string
	}{
		{x509.KeyUsageDigitalSignature, "digitalSignature"}, {x509.KeyUsageContentCommitment, "contentCommitment"},
		{x509.KeyUsageKeyEncipherment, "keyEncipherment"}, {x509.KeyUsageDataEncipherment, "dataEncipherment"},
		{x509.KeyUsageKeyAgreement, "keyAgreement"}, {x509.KeyUsageCertSign, "keyCertSign"}, {x509.KeyUsageCRLSign, "cRLSign"},
	} {
		if u&k.bit != 0 {
			out = append(out, k.name)
		}
	}
	return out
}

func extKeyUsageName(u x509.ExtKeyUsage) string {
	switch u {
	case x509.ExtKeyUsageServerAuth:
		return "serverAuth"
	case x509.ExtKeyUsageClientAuth:
		return "clientAuth"
	case x509.ExtKeyUsageAny:
		return "anyExtendedKeyUsage"
	}
	return fmt.Sprintf("%d", u)
}
