package vectors

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/wimse-wg/wimse/profiles/mtls/mtlstest"
	"github.com/wimse-wg/wimse/wimse"
)

// This file is the mtls catalogue: certificate chains a TLS peer presents,
// issued by the suite's test PKI. Every key derives from the seed and every
// signature is deterministic (profiles/mtls/mtlstest), so the chains are
// byte-identical on every run.

// Trust domains of the mtls vectors besides TrustDomain.
const (
	// OtherTrustDomain is trusted too, with a root of its own.
	OtherTrustDomain = "other.example"
	// UntrustedTrustDomain has a CA but no anchors in the suite's trust.
	UntrustedTrustDomain = "untrusted.example"
)

// SignalMTLS keys Expect.Signal of client-role mtls vectors.
const SignalMTLS = "mtls"

// X509Root is one trust anchor of requirements.json: a root certificate
// trusted for one trust domain only.
type X509Root struct {
	TrustDomain string `json:"trustDomain"`
	// Certificate is the root certificate, one PEM block.
	Certificate string `json:"certificate"`
}

// mtlsNotes explains the flags only this catalogue uses.
var mtlsNotes = map[string]Note{
	"TrustDomainConfusion": {BugType: "AUTH_BYPASS", Description: "the chain validates, but not to the anchors of the identifier's own trust domain " +
		"(mutual-tls issue #335): a verifier with one root pool for every trust domain lets any trusted CA speak for all of them"},
	"AmbiguousIdentity": {BugType: "AUTH_BYPASS", Description: "more than one identity in one certificate: implementations that pick the first " +
		"or the last URI SAN disagree on who the peer is"},
	"WrongRole":    {BugType: "BASIC", Description: "the extended key usage does not allow the role the certificate is used in (RFC 5280 4.2.1.12)"},
	"NotEndEntity": {BugType: "BASIC", Description: "a CA certificate, or one allowed to sign certificates or CRLs, presented as a TLS peer certificate"},
	"ValidityPeriod": {BugType: "BASIC", Description: "a certificate outside its validity period both at the frozen time (2026-01-01) and " +
		"whenever the runner plays it: its window ends in 2020 or starts in 2090"},
	"HostnameConfusion": {BugType: "AUTH_BYPASS", Description: "the trust domain of a Workload Identifier looks like a host name, but it is " +
		"not a DNS-ID (mutual-tls-03 M8): only a DNS SubjectAltName matches a host name"},
	"OfflineOnly": {BugType: "DEFINED", Description: "a server certificate, judged by a TLS client: the runner cannot change the certificate " +
		"of the target it tests, so the vector is played offline, through the library"},
}

// Validity windows. The runner plays at the current time: a valid
// certificate is valid from before FrozenNow to the end of the century, an
// expired or not yet valid one is so at FrozenNow and for decades.
var (
	caNotBefore     = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	caNotAfter      = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	leafNotBefore   = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	leafNotAfter    = time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)
	pastNotBefore   = time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC)
	pastNotAfter    = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	futureNotBefore = time.Date(2090, 1, 1, 0, 0, 0, 0, time.UTC)
	futureNotAfter  = time.Date(2095, 1, 1, 0, 0, 0, 0, time.UTC)
)

// CAs of the test PKI, by name.
const (
	caRoot                = "root"                 // example.org, trusted
	caOther               = "other"                // other.example, trusted
	caIntermediate        = "intermediate"         // under root
	caExpiredIntermediate = "expired-intermediate" // under root, valid 2019-2020
	caFutureIntermediate  = "future-intermediate"  // under root, valid 2090-2095
	caOtherIntermediate   = "other-intermediate"   // under other
	caRogue               = "rogue"                // a second example.org root, not trusted
	caUntrusted           = "untrusted"            // untrusted.example, not trusted
	caSelf                = "self"                 // no CA: the leaf signs itself
)

// trustedCAs are the CAs whose roots requirements.json publishes.
var trustedCAs = []string{caRoot, caOther}

var pkiCache sync.Map // seed -> map[string]*mtlstest.CA

// testPKI returns the suite's CAs for seed.
func testPKI(seed string) (map[string]*mtlstest.CA, error) {
	if p, ok := pkiCache.Load(seed); ok {
		return p.(map[string]*mtlstest.CA), nil
	}
	p := map[string]*mtlstest.CA{}
	var err error
	mk := func(name, td, parent string, opts ...mtlstest.Option) {
		if err != nil {
			return
		}
		opts = append([]mtlstest.Option{mtlstest.WithSeed(seed + "\x00mtls ca " + name), mtlstest.WithValidity(caNotBefore, caNotAfter)}, opts...)
		if parent != "" {
			opts = append(opts, mtlstest.WithParent(p[parent]))
		}
		p[name], err = mtlstest.NewCA(wimse.MustParseTrustDomain(td), caNotBefore, opts...)
	}
	mk(caRoot, TrustDomain, "")
	mk(caOther, OtherTrustDomain, "")
	mk(caRogue, TrustDomain, "")
	mk(caUntrusted, UntrustedTrustDomain, "")
	mk(caIntermediate, TrustDomain, caRoot)
	mk(caExpiredIntermediate, TrustDomain, caRoot, mtlstest.WithValidity(pastNotBefore, pastNotAfter))
	mk(caFutureIntermediate, TrustDomain, caRoot, mtlstest.WithValidity(futureNotBefore, futureNotAfter))
	mk(caOtherIntermediate, OtherTrustDomain, caOther)
	if err != nil {
		return nil, fmt.Errorf("vectors: test PKI: %w", err)
	}
	pkiCache.Store(seed, p)
	return p, nil
}

// MTLSRoots returns the suite's X.509 trust anchors for seed: one root for
// TrustDomain and one for OtherTrustDomain. Test CAs: never trust them
// outside a test.
func MTLSRoots(seed string) ([]X509Root, error) {
	p, err := testPKI(seed)
	if err != nil {
		return nil, err
	}
	var out []X509Root
	for _, name := range trustedCAs {
		ca := p[name]
		out = append(out, X509Root{TrustDomain: ca.TrustDomain.String(), Certificate: pemString("CERTIFICATE", ca.Cert.Raw)})
	}
	return out, nil
}

// AddX509Roots adds roots to store, each to the anchors of its own trust
// domain (keeping the issuer keys already there).
func AddX509Roots(store *wimse.TrustStore, roots []X509Root) error {
	for _, r := range roots {
		td, err := wimse.ParseTrustDomain(r.TrustDomain)
		if err != nil {
			return fmt.Errorf("vectors: x509 root: %w", err)
		}
		certs, err := parsePEMCertificates([]string{r.Certificate})
		if err != nil || len(certs) != 1 {
			return fmt.Errorf("vectors: x509 root of %s: want one certificate (%v)", td, err)
		}
		a, _ := store.Anchors(td)
		a.X509Roots = append(a.X509Roots, certs[0])
		store.Set(td, a)
	}
	return nil
}

// MTLSServerCertificate returns the reference server's TLS certificate for
// seed: a Workload Identity Certificate for ServerSubject with the DNS-ID
// localhost, issued by the root of TrustDomain, valid until 2099.
func MTLSServerCertificate(seed string) (tls.Certificate, error) {
	p, err := testPKI(seed)
	if err != nil {
		return tls.Certificate{}, err
	}
	leaf, err := mtlstest.NewLeaf(p[caRoot], mtlstest.LeafSpec{URIs: []string{ServerSubject}, DNSNames: []string{"localhost"},
		NotBefore: leafNotBefore, NotAfter: leafNotAfter, Seed: seed + "\x00mtls reference server"})
	if err != nil {
		return tls.Certificate{}, err
	}
	return leaf.TLSCertificate(), nil
}

// ParseChain returns the chain of an mtls input, leaf first.
func (m *MTLSInput) ParseChain() ([]*x509.Certificate, error) { return parsePEMCertificates(m.Chain) }

// TLSCertificate returns the chain and key for a TLS handshake; it has no
// certificate when the chain is empty.
func (m *MTLSInput) TLSCertificate() (tls.Certificate, error) {
	if len(m.Chain) == 0 {
		return tls.Certificate{}, nil
	}
	return tls.X509KeyPair([]byte(strings.Join(m.Chain, "")), []byte(m.Key))
}

func parsePEMCertificates(blocks []string) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for _, s := range blocks {
		b, rest := pem.Decode([]byte(s))
		if b == nil || b.Type != "CERTIFICATE" || strings.TrimSpace(string(rest)) != "" {
			return nil, fmt.Errorf("vectors: not one PEM CERTIFICATE block")
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("vectors: %w", err)
		}
		out = append(out, c)
	}
	return out, nil
}

func pemString(typ string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
}

// certRecipe says how freeze issues an mtls vector's chain.
type certRecipe struct {
	// issuer names the CA; caSelf for a self-signed leaf, "" for no
	// certificate at all.
	issuer string
	// spec is the leaf: SPIRE's X.509-SVID profile where zero, and the long
	// valid window when its validity is zero. Seed is set by issue.
	spec mtlstest.LeafSpec
	// leafOnly sends the leaf without its CA's intermediates.
	leafOnly bool
}

// issue fills v.Input.Certificates with the chain and key of the recipe.
func (c *certRecipe) issue(v *Vector, seed string) error {
	in := v.Input.Certificates
	in.Chain = []string{}
	if c.issuer == "" {
		return nil
	}
	pki, err := testPKI(seed)
	if err != nil {
		return err
	}
	var ca *mtlstest.CA
	if c.issuer != caSelf {
		if ca = pki[c.issuer]; ca == nil {
			return fmt.Errorf("unknown CA %q", c.issuer)
		}
	}
	spec := c.spec
	if spec.NotBefore.IsZero() {
		spec.NotBefore, spec.NotAfter = leafNotBefore, leafNotAfter
	}
	spec.Seed = seed + "\x00mtls leaf " + v.ID
	leaf, err := mtlstest.NewLeaf(ca, spec)
	if err != nil {
		return err
	}
	chain := leaf.Chain
	if c.leafOnly {
		chain = chain[:1]
	}
	for _, cert := range chain {
		in.Chain = append(in.Chain, pemString("CERTIFICATE", cert.Raw))
	}
	der, err := x509.MarshalPKCS8PrivateKey(leaf.Key)
	if err != nil {
		return err
	}
	in.Key = pemString("PRIVATE KEY", der)
	return nil
}

// lintMTLS checks what Lint cannot see from the common fields.
func lintMTLS(v *Vector) error {
	in := (*MTLSInput)(nil)
	if v.Input != nil {
		in = v.Input.Certificates
	}
	if in == nil {
		return fmt.Errorf("mtls vector without input.certificates")
	}
	switch in.Role {
	case RoleClient:
		want := 0
		if v.Expect.Verdict == "accept" {
			want = 200
		}
		if sig, ok := v.Expect.Signal[SignalMTLS]; !ok || len(v.Expect.Signal) != 1 || sig.Status != want || in.ExpectedID != "" || in.DNSName != "" {
			return fmt.Errorf("a client-role vector expects signal mtls status %d and names no server identity", want)
		}
	case RoleServer:
		if len(v.Expect.Signal) != 0 || (in.ExpectedID == "" && in.DNSName == "") {
			return fmt.Errorf("a server-role vector has no signal and an expected identifier or DNS name")
		}
	default:
		return fmt.Errorf("role %q", in.Role)
	}
	if len(in.Chain) == 0 && v.Expect.Reason != string(wimse.ReasonMTLSNoCertificate) {
		return fmt.Errorf("empty chain")
	}
	if len(in.Chain) > 0 && in.Key == "" {
		return fmt.Errorf("chain without key")
	}
	return nil
}

// mtlsCase is one row of the mtls table. A row with a reason is an invalid
// vector derived from the valid vector from.
type mtlsCase struct {
	id, comment string
	role        string
	// issuer names the CA ("" means caRoot); none sends no certificate.
	issuer   string
	none     bool
	leafOnly bool
	uris     []string
	mutate   func(*mtlstest.LeafSpec)
	// expectedID and dnsName: what a client expects of the server.
	expectedID, dnsName string
	from, reason        string
	reqs, flags         []string
}

func (c mtlsCase) vector() Vector {
	r := &certRecipe{issuer: c.issuer, leafOnly: c.leafOnly, spec: mtlstest.LeafSpec{URIs: c.uris}}
	switch {
	case c.none:
		r.issuer = ""
	case r.issuer == "":
		r.issuer = caRoot
	}
	if c.mutate != nil {
		c.mutate(&r.spec)
	}
	v := Vector{ID: c.id, Kind: KindMTLS, Comment: c.comment, Result: ResultValid, Flags: c.flags, Requirements: c.reqs,
		Labels: []string{"mtls", c.role}, Expect: Expect{Verdict: "accept"},
		Input: &Input{Certificates: &MTLSInput{Role: c.role, ExpectedID: c.expectedID, DNSName: c.dnsName}}, certs: r}
	if c.reason != "" {
		v.Result, v.Expect = ResultInvalid, Expect{Verdict: "reject", Reason: c.reason}
		v.Mutation = &Mutation{From: c.from, Change: c.comment}
	}
	if c.role == RoleClient {
		status := 200
		if c.reason != "" {
			status = 0
		}
		v.Expect.Signal = map[string]Signal{SignalMTLS: {Status: status}}
	} else {
		v.Flags = append(v.Flags, "OfflineOnly")
	}
	return v
}

// Identifiers of the mtls vectors.
const (
	mtlsClientSPIFFE = "spiffe://example.org/ns/default/sa/client"
	mtlsOtherClient  = "wimse://other.example/workload/client"
	mtlsServerSPIFFE = "spiffe://example.org/ns/default/sa/server"
	mtlsOtherServer  = "wimse://other.example/workload/server"
	mtlsServerDNS    = "server.example.org"
)

func leafEKU(u ...x509.ExtKeyUsage) func(*mtlstest.LeafSpec) {
	return func(s *mtlstest.LeafSpec) { s.EKU = u }
}

func leafKeyUsage(u x509.KeyUsage) func(*mtlstest.LeafSpec) {
	return func(s *mtlstest.LeafSpec) { s.KeyUsage = u }
}

func leafDNS(n ...string) func(*mtlstest.LeafSpec) {
	return func(s *mtlstest.LeafSpec) { s.DNSNames = n }
}

func leafValidity(from, to time.Time) func(*mtlstest.LeafSpec) {
	return func(s *mtlstest.LeafSpec) { s.NotBefore, s.NotAfter = from, to }
}

// mtlsVectors is the mtls catalogue: client certificates (judged by a
// server, played by the runner) and server certificates (judged by a
// client, offline only).
func mtlsVectors() []Vector {
	const (
		cl, sv                 = RoleClient, RoleServer
		fromClient, fromInter  = "mtls-client-valid", "mtls-client-valid-intermediate"
		fromServer, fromDNS    = "mtls-server-valid", "mtls-server-valid-dns"
		rNone, rSAN, rID, rTD  = "mtls.no_certificate", "mtls.uri_san", "mtls.identifier", "mtls.trust_domain"
		rExp, rNYV, rChain     = "mtls.expired", "mtls.not_yet_valid", "mtls.chain"
		rEKU, rKU, rPeer, rDNS = "mtls.eku", "mtls.key_usage", "mtls.peer_identity", "mtls.dns_id"
	)
	r := func(ids ...string) []string { return ids } // requirements
	f := r                                           // flags
	cases := []mtlsCase{
		// Client certificates, accepted.
		{id: fromClient, role: cl, uris: []string{Subject}, comment: "a valid client certificate for a wimse:// identifier, SPIRE-shaped key usage and extended key usages",
			reqs: r("MTLS-URI-SAN", "MTLS-CHAIN", "MTLS-CLIENT-CERT"), flags: f("Baseline")},
		{id: "mtls-client-valid-spiffe", role: cl, uris: []string{mtlsClientSPIFFE}, comment: "a valid X.509-SVID-shaped client certificate for a spiffe:// identifier",
			reqs: r("MTLS-URI-SAN", "MTLS-CHAIN"), flags: f("Baseline")},
		{id: fromInter, role: cl, issuer: caIntermediate, uris: []string{Subject}, comment: "a valid client certificate issued by an intermediate CA, sent after the leaf",
			reqs: r("MTLS-URI-SAN", "MTLS-CHAIN"), flags: f("Baseline")},
		{id: "mtls-client-valid-other-trust-domain", role: cl, issuer: caOther, uris: []string{mtlsOtherClient},
			comment: "a valid client certificate of the other trusted trust domain, issued by that trust domain's own root",
			reqs:    r("MTLS-CHAIN", "MTLS-TRUST-DOMAIN"), flags: f("Baseline")},
		{id: "mtls-client-valid-other-intermediate", role: cl, issuer: caOtherIntermediate, uris: []string{mtlsOtherClient},
			comment: "a valid client certificate of the other trusted trust domain, through its intermediate",
			reqs:    r("MTLS-CHAIN", "MTLS-TRUST-DOMAIN"), flags: f("Baseline")},
		{id: "mtls-client-valid-no-eku", role: cl, uris: []string{Subject}, mutate: func(s *mtlstest.LeafSpec) { s.NoEKU = true },
			comment: "a client certificate without an extended key usage extension: no restriction (RFC 5280 4.2.1.12)",
			reqs:    r("MTLS-EKU"), flags: f("EdgeCase")},
		{id: "mtls-client-valid-client-auth-only", role: cl, uris: []string{Subject}, mutate: leafEKU(x509.ExtKeyUsageClientAuth),
			comment: "a client certificate whose only extended key usage is id-kp-clientAuth", reqs: r("MTLS-EKU"), flags: f("Baseline")},
		{id: "mtls-client-valid-any-eku", role: cl, uris: []string{Subject}, mutate: leafEKU(x509.ExtKeyUsageAny),
			comment: "a client certificate whose extended key usage is anyExtendedKeyUsage", reqs: r("MTLS-EKU"), flags: f("EdgeCase")},
		{id: "mtls-client-valid-dns-san-too", role: cl, uris: []string{Subject}, mutate: leafDNS("client.example.org"),
			comment: "a client certificate with a DNS SubjectAltName beside its one URI SAN: other SAN types may be present",
			reqs:    r("MTLS-URI-SAN"), flags: f("EdgeCase")},
		{id: "mtls-client-valid-digital-signature-only", role: cl, uris: []string{Subject}, mutate: leafKeyUsage(x509.KeyUsageDigitalSignature),
			comment: "a client certificate whose key usage is digitalSignature alone", reqs: r("MTLS-LEAF"), flags: f("EdgeCase")},

		// Client certificates, rejected.
		{id: "mtls-client-no-certificate", role: cl, none: true, from: fromClient, reason: rNone,
			comment: "the client sends no certificate", reqs: r("MTLS-CLIENT-CERT"), flags: f("AuthBypass")},
		{id: "mtls-client-no-uri-san", role: cl, from: fromClient, reason: rSAN,
			comment: "the client certificate has no SubjectAltName at all", reqs: r("MTLS-URI-SAN"), flags: f("Malformed")},
		{id: "mtls-client-dns-san-only", role: cl, mutate: leafDNS("client.example.org"), from: fromClient, reason: rSAN,
			comment: "the client certificate has a DNS SubjectAltName but no URI SAN", reqs: r("MTLS-URI-SAN"), flags: f("Malformed")},
		{id: "mtls-client-two-uri-sans", role: cl, uris: []string{Subject, "wimse://example.org/workload/admin"}, from: fromClient, reason: rSAN,
			comment: "the client certificate has two URI SANs of one trust domain", reqs: r("MTLS-URI-SAN"), flags: f("AmbiguousIdentity")},
		{id: "mtls-client-two-uri-sans-two-trust-domains", role: cl, uris: []string{Subject, mtlsOtherClient}, from: fromClient, reason: rSAN,
			comment: "the client certificate has two URI SANs of two trust domains", reqs: r("MTLS-URI-SAN"), flags: f("AmbiguousIdentity")},
		{id: "mtls-client-duplicate-uri-san", role: cl, uris: []string{Subject, Subject}, from: fromClient, reason: rSAN,
			comment: "the client certificate has the same URI SAN twice: still not exactly one", reqs: r("MTLS-URI-SAN"), flags: f("AmbiguousIdentity")},
		{id: "mtls-client-uri-san-https", role: cl, uris: []string{"https://example.org/workload/client"}, from: fromClient, reason: rID,
			comment: "the one URI SAN is an https URI, not a Workload Identifier", reqs: r("MTLS-URI-SAN", "ID-SCHEME-KNOWN"), flags: f("Malformed")},
		{id: "mtls-client-non-canonical-percent", role: cl, uris: []string{"wimse://example.org/workload/%63lient"}, from: fromClient, reason: rID,
			comment: "the URI SAN spells the identifier with a percent-encoded unreserved character (%63 for c)",
			reqs:    r("MTLS-URI-SAN", "ID-NO-REPAIR", "ID-WIMSE-PATH"), flags: f("Canonicalization")},
		{id: "mtls-client-upper-case-trust-domain", role: cl, uris: []string{"wimse://EXAMPLE.org/workload/client"}, from: fromClient, reason: rID,
			comment: "the URI SAN has an upper-case trust domain", reqs: r("MTLS-URI-SAN", "ID-WIMSE-TD", "ID-NO-REPAIR"), flags: f("Canonicalization")},
		{id: "mtls-client-spiffe-upper-case-trust-domain", role: cl, uris: []string{"spiffe://EXAMPLE.org/ns/default/sa/client"}, from: fromClient, reason: rID,
			comment: "the spiffe:// URI SAN has an upper-case trust domain", reqs: r("MTLS-URI-SAN", "ID-SPIFFE"), flags: f("Canonicalization")},
		{id: "mtls-client-dot-segment", role: cl, uris: []string{"wimse://example.org/workload/../admin"}, from: fromClient, reason: rID,
			comment: "the URI SAN has a .. path segment", reqs: r("MTLS-URI-SAN", "ID-WIMSE-PATH"), flags: f("DotSegment")},
		{id: "mtls-client-trailing-slash", role: cl, uris: []string{Subject + "/"}, from: fromClient, reason: rID,
			comment: "the URI SAN ends with a slash", reqs: r("MTLS-URI-SAN", "ID-WIMSE-PATH"), flags: f("Canonicalization")},
		{id: "mtls-client-userinfo", role: cl, uris: []string{"wimse://admin@example.org/workload/client"}, from: fromClient, reason: rID,
			comment: "the URI SAN has userinfo in its authority", reqs: r("MTLS-URI-SAN", "ID-NO-USERINFO-PORT"), flags: f("AuthorityConfusion")},
		{id: "mtls-client-port", role: cl, uris: []string{"wimse://example.org:8443/workload/client"}, from: fromClient, reason: rID,
			comment: "the URI SAN has a port in its authority", reqs: r("MTLS-URI-SAN", "ID-NO-USERINFO-PORT"), flags: f("AuthorityConfusion")},
		{id: "mtls-client-no-path", role: cl, uris: []string{"wimse://example.org"}, from: fromClient, reason: rID,
			comment: "the wimse:// URI SAN names a trust domain without a path", reqs: r("MTLS-URI-SAN", "ID-WIMSE-PATH"), flags: f("SchemeRules")},
		{id: "mtls-client-untrusted-trust-domain", role: cl, issuer: caUntrusted, uris: []string{"wimse://untrusted.example/workload/client"},
			from: fromClient, reason: rTD, comment: "the identifier's trust domain is not trusted (its CA issued the certificate)",
			reqs: r("MTLS-TRUST-DOMAIN"), flags: f("AuthBypass")},
		{id: "mtls-client-untrusted-trust-domain-trusted-ca", role: cl, uris: []string{"wimse://untrusted.example/workload/client"},
			from: fromClient, reason: rTD, comment: "a trusted CA of example.org issued an identifier of a trust domain that has no anchors",
			reqs: r("MTLS-TRUST-DOMAIN", "MTLS-PATH-SCOPE"), flags: f("TrustDomainConfusion")},
		{id: "mtls-client-chain-to-other-trust-domain", role: cl, issuer: caOther, uris: []string{Subject}, from: fromClient, reason: rChain,
			comment: "an example.org identifier issued by the other trusted trust domain's root (issue #335)",
			reqs:    r("MTLS-CHAIN", "MTLS-PATH-SCOPE"), flags: f("TrustDomainConfusion")},
		{id: "mtls-client-other-identifier-chain-to-example-org", role: cl, uris: []string{mtlsOtherClient}, from: fromClient, reason: rChain,
			comment: "an other.example identifier issued by example.org's root (issue #335)",
			reqs:    r("MTLS-CHAIN", "MTLS-PATH-SCOPE"), flags: f("TrustDomainConfusion")},
		{id: "mtls-client-chain-through-other-intermediate", role: cl, issuer: caOtherIntermediate, uris: []string{Subject}, from: fromInter, reason: rChain,
			comment: "an example.org identifier issued by an intermediate of the other trusted trust domain (issue #335)",
			reqs:    r("MTLS-CHAIN", "MTLS-PATH-SCOPE"), flags: f("TrustDomainConfusion")},
		{id: "mtls-client-expired", role: cl, uris: []string{Subject}, mutate: leafValidity(pastNotBefore, pastNotAfter), from: fromClient, reason: rExp,
			comment: "the client certificate expired in 2020", reqs: r("MTLS-CHAIN"), flags: f("ValidityPeriod")},
		{id: "mtls-client-not-yet-valid", role: cl, uris: []string{Subject}, mutate: leafValidity(futureNotBefore, futureNotAfter), from: fromClient, reason: rNYV,
			comment: "the client certificate is valid from 2090", reqs: r("MTLS-CHAIN"), flags: f("ValidityPeriod")},
		{id: "mtls-client-expired-intermediate", role: cl, issuer: caExpiredIntermediate, uris: []string{Subject}, from: fromInter, reason: rExp,
			comment: "the client certificate is valid, but the intermediate CA that issued it expired in 2020", reqs: r("MTLS-CHAIN"), flags: f("ValidityPeriod")},
		{id: "mtls-client-not-yet-valid-intermediate", role: cl, issuer: caFutureIntermediate, uris: []string{Subject}, from: fromInter, reason: rNYV,
			comment: "the client certificate is valid, but the intermediate CA that issued it is valid from 2090", reqs: r("MTLS-CHAIN"), flags: f("ValidityPeriod")},
		{id: "mtls-client-server-auth-only", role: cl, uris: []string{Subject}, mutate: leafEKU(x509.ExtKeyUsageServerAuth), from: fromClient, reason: rEKU,
			comment: "a server-only certificate (extended key usage id-kp-serverAuth) used as a client certificate", reqs: r("MTLS-EKU"), flags: f("WrongRole")},
		{id: "mtls-client-code-signing-eku", role: cl, uris: []string{Subject}, mutate: leafEKU(x509.ExtKeyUsageCodeSigning), from: fromClient, reason: rEKU,
			comment: "the client certificate's extended key usage is codeSigning only", reqs: r("MTLS-EKU"), flags: f("WrongRole")},
		{id: "mtls-client-ca-certificate", role: cl, uris: []string{Subject}, mutate: func(s *mtlstest.LeafSpec) { s.IsCA = true }, from: fromClient, reason: rKU,
			comment: "the client certificate is a CA certificate (basic constraints cA=TRUE)", reqs: r("MTLS-LEAF"), flags: f("NotEndEntity")},
		{id: "mtls-client-key-cert-sign", role: cl, uris: []string{Subject}, mutate: leafKeyUsage(x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign),
			from: fromClient, reason: rKU, comment: "the client certificate's key usage allows keyCertSign", reqs: r("MTLS-LEAF"), flags: f("NotEndEntity")},
		{id: "mtls-client-crl-sign", role: cl, uris: []string{Subject}, mutate: leafKeyUsage(x509.KeyUsageDigitalSignature | x509.KeyUsageCRLSign),
			from: fromClient, reason: rKU, comment: "the client certificate's key usage allows cRLSign", reqs: r("MTLS-LEAF"), flags: f("NotEndEntity")},
		{id: "mtls-client-no-digital-signature", role: cl, uris: []string{Subject}, mutate: leafKeyUsage(x509.KeyUsageKeyEncipherment | x509.KeyUsageKeyAgreement),
			from: fromClient, reason: rKU, comment: "the client certificate's key usage lacks digitalSignature", reqs: r("MTLS-LEAF"), flags: f("Malformed")},
		{id: "mtls-client-self-signed", role: cl, issuer: caSelf, uris: []string{Subject}, from: fromClient, reason: rChain,
			comment: "the client certificate is self-signed", reqs: r("MTLS-CHAIN"), flags: f("AuthBypass")},
		{id: "mtls-client-unknown-root", role: cl, issuer: caRogue, uris: []string{Subject}, from: fromClient, reason: rChain,
			comment: "the client certificate chains to an example.org root that is not trusted", reqs: r("MTLS-CHAIN"), flags: f("AuthBypass")},
		{id: "mtls-client-spiffe-unknown-root", role: cl, issuer: caRogue, uris: []string{mtlsClientSPIFFE}, from: "mtls-client-valid-spiffe", reason: rChain,
			comment: "the X.509-SVID-shaped client certificate chains to an example.org root that is not trusted", reqs: r("MTLS-CHAIN"), flags: f("AuthBypass")},
		{id: "mtls-client-missing-intermediate", role: cl, issuer: caIntermediate, leafOnly: true, uris: []string{Subject}, from: fromInter, reason: rChain,
			comment: "the client sends its leaf without the intermediate CA that issued it", reqs: r("MTLS-CHAIN"), flags: f("Malformed")},

		// Server certificates (offline only), accepted.
		{id: fromServer, role: sv, uris: []string{ServerSubject}, expectedID: ServerSubject,
			comment: "a valid server certificate carrying the identifier the client expects", reqs: r("MTLS-URI-SAN", "MTLS-CHAIN", "MTLS-SERVER-ID"), flags: f("Baseline")},
		{id: "mtls-server-valid-spiffe", role: sv, uris: []string{mtlsServerSPIFFE}, expectedID: mtlsServerSPIFFE,
			comment: "a valid X.509-SVID-shaped server certificate carrying the spiffe:// identifier the client expects", reqs: r("MTLS-SERVER-ID"), flags: f("Baseline")},
		{id: fromDNS, role: sv, uris: []string{ServerSubject}, mutate: leafDNS(mtlsServerDNS), dnsName: mtlsServerDNS,
			comment: "a valid server certificate with a DNS-ID matching the host name the client connects to", reqs: r("MTLS-DNS-ID"), flags: f("Baseline")},
		{id: "mtls-server-valid-dns-and-id", role: sv, uris: []string{ServerSubject}, mutate: leafDNS(mtlsServerDNS), dnsName: mtlsServerDNS, expectedID: ServerSubject,
			comment: "a valid server certificate matching both the expected identifier and the host name", reqs: r("MTLS-DNS-ID", "MTLS-SERVER-ID"), flags: f("Baseline")},
		{id: "mtls-server-valid-dns-wildcard", role: sv, uris: []string{ServerSubject}, mutate: leafDNS("*.example.org"), dnsName: mtlsServerDNS,
			comment: "a server certificate whose wildcard DNS-ID matches the host name (RFC 9525 6.3)", reqs: r("MTLS-DNS-ID"), flags: f("EdgeCase")},
		{id: "mtls-server-valid-no-eku", role: sv, uris: []string{ServerSubject}, mutate: func(s *mtlstest.LeafSpec) { s.NoEKU = true }, expectedID: ServerSubject,
			comment: "a server certificate without an extended key usage extension", reqs: r("MTLS-EKU"), flags: f("EdgeCase")},
		{id: "mtls-server-valid-server-auth-only", role: sv, uris: []string{ServerSubject}, mutate: leafEKU(x509.ExtKeyUsageServerAuth), expectedID: ServerSubject,
			comment: "a server certificate whose only extended key usage is id-kp-serverAuth", reqs: r("MTLS-EKU"), flags: f("Baseline")},
		{id: "mtls-server-valid-other-trust-domain", role: sv, issuer: caOther, uris: []string{mtlsOtherServer}, expectedID: mtlsOtherServer,
			comment: "a valid server certificate of the other trusted trust domain, expected there", reqs: r("MTLS-SERVER-ID", "MTLS-TRUST-DOMAIN"), flags: f("Baseline")},

		// Server certificates (offline only), rejected.
		{id: "mtls-server-identity-mismatch", role: sv, uris: []string{"wimse://example.org/workload/impostor"}, expectedID: ServerSubject,
			from: fromServer, reason: rPeer, comment: "the server certificate carries another identifier of the expected trust domain",
			reqs: r("MTLS-SERVER-ID"), flags: f("AuthBypass")},
		{id: "mtls-server-identity-longer-path", role: sv, uris: []string{ServerSubject + "/admin"}, expectedID: ServerSubject,
			from: fromServer, reason: rPeer, comment: "the server's identifier extends the expected path: identifiers match exactly, not by prefix",
			reqs: r("MTLS-SERVER-ID"), flags: f("AuthBypass")},
		{id: "mtls-server-identity-path-prefix", role: sv, uris: []string{ServerSubject + "2"}, expectedID: ServerSubject,
			from: fromServer, reason: rPeer, comment: "the expected identifier is a string prefix of the server's",
			reqs: r("MTLS-SERVER-ID"), flags: f("AuthBypass")},
		{id: "mtls-server-identity-parent-path", role: sv, uris: []string{"wimse://example.org/workload"}, expectedID: ServerSubject,
			from: fromServer, reason: rPeer, comment: "the server's identifier is a parent path of the expected one",
			reqs: r("MTLS-SERVER-ID"), flags: f("AuthBypass")},
		{id: "mtls-server-identity-other-scheme", role: sv, uris: []string{"spiffe://example.org/workload/server"}, expectedID: ServerSubject,
			from: fromServer, reason: rPeer, comment: "the server's identifier has the expected trust domain and path but the spiffe scheme",
			reqs: r("MTLS-SERVER-ID"), flags: f("Canonicalization")},
		{id: "mtls-server-trust-domain-mismatch", role: sv, issuer: caOther, uris: []string{mtlsOtherServer}, expectedID: ServerSubject,
			from: fromServer, reason: rTD, comment: "the server's valid certificate has the expected path in another trusted trust domain",
			reqs: r("MTLS-TRUST-DOMAIN", "MTLS-PATH-SCOPE"), flags: f("TrustDomainConfusion")},
		{id: "mtls-server-chain-to-other-trust-domain", role: sv, issuer: caOther, uris: []string{ServerSubject}, expectedID: ServerSubject,
			from: fromServer, reason: rChain, comment: "the expected identifier, issued by the other trusted trust domain's root (issue #335)",
			reqs: r("MTLS-CHAIN", "MTLS-PATH-SCOPE"), flags: f("TrustDomainConfusion")},
		{id: "mtls-server-dns-mismatch", role: sv, uris: []string{ServerSubject}, mutate: leafDNS(mtlsServerDNS), dnsName: "other.example.org",
			from: fromDNS, reason: rDNS, comment: "the server's DNS-ID does not match the host name the client connects to",
			reqs: r("MTLS-DNS-ID"), flags: f("AuthBypass")},
		{id: "mtls-server-dns-missing", role: sv, uris: []string{ServerSubject}, dnsName: mtlsServerDNS,
			from: fromDNS, reason: rDNS, comment: "the client connects by host name and the server certificate has no DNS-ID",
			reqs: r("MTLS-DNS-ID"), flags: f("AuthBypass")},
		{id: "mtls-server-trust-domain-as-host-name", role: sv, uris: []string{ServerSubject}, dnsName: TrustDomain,
			from: fromDNS, reason: rDNS, comment: "the host name equals the identifier's trust domain, but the certificate has no DNS-ID: a trust domain is no host name",
			reqs: r("MTLS-DNS-ID"), flags: f("HostnameConfusion")},
		{id: "mtls-server-dns-wildcard-too-deep", role: sv, uris: []string{ServerSubject}, mutate: leafDNS("*.example.org"), dnsName: "a." + mtlsServerDNS,
			from: fromDNS, reason: rDNS, comment: "a wildcard DNS-ID matches one label only", reqs: r("MTLS-DNS-ID"), flags: f("EdgeCase")},
		{id: "mtls-server-client-auth-only", role: sv, uris: []string{ServerSubject}, mutate: leafEKU(x509.ExtKeyUsageClientAuth), expectedID: ServerSubject,
			from: fromServer, reason: rEKU, comment: "a client-only certificate (extended key usage id-kp-clientAuth) used as a server certificate",
			reqs: r("MTLS-EKU"), flags: f("WrongRole")},
		{id: "mtls-server-expired", role: sv, uris: []string{ServerSubject}, mutate: leafValidity(pastNotBefore, pastNotAfter), expectedID: ServerSubject,
			from: fromServer, reason: rExp, comment: "the server certificate expired in 2020", reqs: r("MTLS-CHAIN"), flags: f("ValidityPeriod")},
		{id: "mtls-server-two-uri-sans", role: sv, uris: []string{ServerSubject, "wimse://example.org/workload/impostor"}, expectedID: ServerSubject,
			from: fromServer, reason: rSAN, comment: "the server certificate has the expected identifier and a second URI SAN",
			reqs: r("MTLS-URI-SAN"), flags: f("AmbiguousIdentity")},
		{id: "mtls-server-dns-san-only", role: sv, mutate: leafDNS(mtlsServerDNS), dnsName: mtlsServerDNS,
			from: fromDNS, reason: rSAN, comment: "the server certificate has the matching DNS-ID but no URI SAN: not a Workload Identity Certificate",
			reqs: r("MTLS-URI-SAN"), flags: f("Malformed")},
		{id: "mtls-server-self-signed", role: sv, issuer: caSelf, uris: []string{ServerSubject}, expectedID: ServerSubject,
			from: fromServer, reason: rChain, comment: "the server certificate is self-signed", reqs: r("MTLS-CHAIN"), flags: f("AuthBypass")},
	}
	out := make([]Vector, len(cases))
	for i, c := range cases {
		out[i] = c.vector()
	}
	return out
}
