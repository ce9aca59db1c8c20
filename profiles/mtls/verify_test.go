package mtls_test

import (
	"crypto/x509"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/wimse-wg/wimse/profiles/mtls"
	"github.com/wimse-wg/wimse/profiles/mtls/mtlstest"
	"github.com/wimse-wg/wimse/wimse"
)

// verifyCase is one VerifyPeer case: a leaf issued by issuer (nil:
// self-signed) from spec() mutated by mutate, the chain possibly rewritten
// by chain, verified in role at now with opts.
type verifyCase struct {
	name   string
	issuer func(*pki) *mtlstest.CA
	uris   []string
	mutate func(*mtlstest.LeafSpec)
	chain  func([]*x509.Certificate) []*x509.Certificate
	role   mtls.Role
	opts   []mtls.Option
	// wantID is the identifier on success; wantReason the reason otherwise.
	wantID     string
	wantReason wimse.Reason
}

func root(p *pki) *mtlstest.CA { return p.ca }

func verifyCases() []verifyCase {
	leafOnly := func(c []*x509.Certificate) []*x509.Certificate { return c[:1] }
	return []verifyCase{
		// Accepted.
		{name: "valid client (SPIRE-shaped)", uris: []string{appID}, role: mtls.Client, wantID: appID},
		{name: "valid server (SPIRE-shaped)", uris: []string{serverID}, role: mtls.Server, wantID: serverID},
		{name: "wimse identifier", uris: []string{"wimse://example.org/service/payment"}, role: mtls.Client,
			wantID: "wimse://example.org/service/payment"},
		{name: "other trust domain with its own root", issuer: func(p *pki) *mtlstest.CA { return p.other },
			uris: []string{"spiffe://other.org/app"}, role: mtls.Client, wantID: "spiffe://other.org/app"},
		{name: "intermediate CA chain", issuer: func(p *pki) *mtlstest.CA { return p.inter },
			uris: []string{appID}, role: mtls.Client, wantID: appID},
		{name: "no EKU extension as client", uris: []string{appID}, role: mtls.Client, wantID: appID,
			mutate: func(s *mtlstest.LeafSpec) { s.NoEKU = true }},
		{name: "no EKU extension as server", uris: []string{serverID}, role: mtls.Server, wantID: serverID,
			mutate: func(s *mtlstest.LeafSpec) { s.NoEKU = true }},
		{name: "client-only EKU as client", uris: []string{appID}, role: mtls.Client, wantID: appID,
			mutate: func(s *mtlstest.LeafSpec) { s.EKU = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth} }},
		{name: "anyExtendedKeyUsage as server", uris: []string{serverID}, role: mtls.Server, wantID: serverID,
			mutate: func(s *mtlstest.LeafSpec) { s.EKU = []x509.ExtKeyUsage{x509.ExtKeyUsageAny} }},
		{name: "valid at notAfter", uris: []string{appID}, role: mtls.Client, wantID: appID,
			mutate: func(s *mtlstest.LeafSpec) { s.NotAfter = now }},
		{name: "valid at notBefore", uris: []string{appID}, role: mtls.Client, wantID: appID,
			mutate: func(s *mtlstest.LeafSpec) { s.NotBefore = now }},
		{name: "expected trust domain", uris: []string{appID}, role: mtls.Client, wantID: appID,
			opts: []mtls.Option{mtls.WithTrustDomains(tdOther, tdExample)}},
		{name: "server identity match", uris: []string{serverID}, role: mtls.Server, wantID: serverID,
			opts: []mtls.Option{mtls.WithExpectedID(wimse.MustParseID(serverID))}},
		{name: "DNS-ID match", uris: []string{serverID}, role: mtls.Server, wantID: serverID,
			mutate: func(s *mtlstest.LeafSpec) { s.DNSNames = []string{"server.example.org"} },
			opts:   []mtls.Option{mtls.WithDNSName("server.example.org")}},
		{name: "DNS-ID wildcard match", uris: []string{serverID}, role: mtls.Server, wantID: serverID,
			mutate: func(s *mtlstest.LeafSpec) { s.DNSNames = []string{"*.example.org"} },
			opts:   []mtls.Option{mtls.WithDNSName("server.example.org")}},
		{name: "authorizer allows", uris: []string{appID}, role: mtls.Client, wantID: appID,
			opts: []mtls.Option{mtls.WithAuthorizer(mtls.AuthorizeMemberOf(tdExample))}},

		// mtls.no_certificate
		{name: "no certificate", role: mtls.Client, wantReason: wimse.ReasonMTLSNoCertificate,
			chain: func([]*x509.Certificate) []*x509.Certificate { return nil }},

		// mtls.uri_san
		{name: "no URI SAN", role: mtls.Client, wantReason: wimse.ReasonMTLSURISAN},
		{name: "two URI SANs", uris: []string{appID, "spiffe://example.org/other"}, role: mtls.Client,
			wantReason: wimse.ReasonMTLSURISAN},
		{name: "DNS SAN only", role: mtls.Server, wantReason: wimse.ReasonMTLSURISAN,
			mutate: func(s *mtlstest.LeafSpec) { s.DNSNames = []string{"server.example.org"} }},

		// mtls.identifier
		{name: "non-canonical identifier (%70)", uris: []string{"wimse://example.org/service/%70ayment"},
			role: mtls.Client, wantReason: wimse.ReasonMTLSIdentifier},
		{name: "upper-case trust domain", uris: []string{"spiffe://EXAMPLE.org/ns/default/sa/app"},
			role: mtls.Client, wantReason: wimse.ReasonMTLSIdentifier},
		{name: "not a workload identifier scheme", uris: []string{"https://example.org/app"},
			role: mtls.Client, wantReason: wimse.ReasonMTLSIdentifier},
		{name: "wimse identifier without path", uris: []string{"wimse://example.org"},
			role: mtls.Client, wantReason: wimse.ReasonMTLSIdentifier},

		// mtls.trust_domain
		{name: "untrusted trust domain", issuer: func(p *pki) *mtlstest.CA { return p.untrusted },
			uris: []string{"spiffe://untrusted.org/app"}, role: mtls.Client, wantReason: wimse.ReasonMTLSTrustDomain},
		{name: "trust domain without X.509 roots", issuer: func(p *pki) *mtlstest.CA { return p.keysOnly },
			uris: []string{"spiffe://keys-only.org/app"}, role: mtls.Client, wantReason: wimse.ReasonMTLSTrustDomain},
		{name: "unexpected trust domain", uris: []string{appID}, role: mtls.Client,
			opts: []mtls.Option{mtls.WithTrustDomains(tdOther)}, wantReason: wimse.ReasonMTLSTrustDomain},
		{name: "expected identifier in another trust domain", uris: []string{serverID}, role: mtls.Server,
			opts:       []mtls.Option{mtls.WithExpectedID(wimse.MustParseID("spiffe://other.org/ns/default/sa/server"))},
			wantReason: wimse.ReasonMTLSTrustDomain},

		// mtls.expired, mtls.not_yet_valid
		{name: "expired", uris: []string{appID}, role: mtls.Client, wantReason: wimse.ReasonMTLSExpired,
			mutate: func(s *mtlstest.LeafSpec) { s.NotAfter = now.Add(-time.Second) }},
		{name: "not yet valid", uris: []string{appID}, role: mtls.Client, wantReason: wimse.ReasonMTLSNotYetValid,
			mutate: func(s *mtlstest.LeafSpec) { s.NotBefore = now.Add(time.Second) }},
		{name: "expired intermediate", issuer: func(p *pki) *mtlstest.CA { return p.interExpired },
			uris: []string{appID}, role: mtls.Client, wantReason: wimse.ReasonMTLSExpired},
		{name: "not yet valid intermediate", issuer: func(p *pki) *mtlstest.CA { return p.interFuture },
			uris: []string{appID}, role: mtls.Client, wantReason: wimse.ReasonMTLSNotYetValid},

		// mtls.chain
		{name: "identifier in A, chain to B's root (#335)", issuer: func(p *pki) *mtlstest.CA { return p.other },
			uris: []string{appID}, role: mtls.Client, wantReason: wimse.ReasonMTLSChain},
		{name: "identifier in B, chain to A's root (#335)", uris: []string{"spiffe://other.org/app"},
			role: mtls.Client, wantReason: wimse.ReasonMTLSChain},
		{name: "self-signed leaf", issuer: func(*pki) *mtlstest.CA { return nil },
			uris: []string{appID}, role: mtls.Client, wantReason: wimse.ReasonMTLSChain},
		{name: "wrong root", issuer: func(p *pki) *mtlstest.CA { return p.rogue },
			uris: []string{appID}, role: mtls.Client, wantReason: wimse.ReasonMTLSChain},
		{name: "intermediate not sent", issuer: func(p *pki) *mtlstest.CA { return p.inter },
			uris: []string{appID}, role: mtls.Client, chain: leafOnly, wantReason: wimse.ReasonMTLSChain},

		// mtls.eku
		{name: "server-only cert used as client", uris: []string{appID}, role: mtls.Client,
			mutate:     func(s *mtlstest.LeafSpec) { s.EKU = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth} },
			wantReason: wimse.ReasonMTLSEKU},
		{name: "client-only cert used as server", uris: []string{serverID}, role: mtls.Server,
			mutate:     func(s *mtlstest.LeafSpec) { s.EKU = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth} },
			wantReason: wimse.ReasonMTLSEKU},
		{name: "EKU without TLS purposes", uris: []string{appID}, role: mtls.Client,
			mutate:     func(s *mtlstest.LeafSpec) { s.EKU = []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning} },
			wantReason: wimse.ReasonMTLSEKU},

		// mtls.key_usage
		{name: "CA certificate as leaf", uris: []string{appID}, role: mtls.Client, wantReason: wimse.ReasonMTLSKeyUsage,
			mutate: func(s *mtlstest.LeafSpec) { s.IsCA = true }},
		{name: "leaf with keyCertSign", uris: []string{appID}, role: mtls.Client, wantReason: wimse.ReasonMTLSKeyUsage,
			mutate: func(s *mtlstest.LeafSpec) {
				s.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign
			}},
		{name: "key usage without digitalSignature", uris: []string{appID}, role: mtls.Client,
			wantReason: wimse.ReasonMTLSKeyUsage,
			mutate:     func(s *mtlstest.LeafSpec) { s.KeyUsage = x509.KeyUsageKeyEncipherment }},

		// mtls.peer_identity
		{name: "server identity mismatch", uris: []string{"spiffe://example.org/ns/default/sa/impostor"},
			role: mtls.Server, opts: []mtls.Option{mtls.WithExpectedID(wimse.MustParseID(serverID))},
			wantReason: wimse.ReasonMTLSPeerIdentity},
		{name: "identifier differs only by path prefix", uris: []string{serverID + "-2"},
			role: mtls.Server, opts: []mtls.Option{mtls.WithExpectedID(wimse.MustParseID(serverID))},
			wantReason: wimse.ReasonMTLSPeerIdentity},
		{name: "authorizer denies", uris: []string{appID}, role: mtls.Client,
			opts:       []mtls.Option{mtls.WithAuthorizer(mtls.AuthorizeID(wimse.MustParseID(serverID)))},
			wantReason: wimse.ReasonMTLSPeerIdentity},
		{name: "authorizer denies with a plain error", uris: []string{appID}, role: mtls.Client,
			opts:       []mtls.Option{mtls.WithAuthorizer(func(*mtls.Peer) error { return errors.New("no") })},
			wantReason: wimse.ReasonMTLSPeerIdentity},
		{name: "authorizer's own reason is kept", uris: []string{appID}, role: mtls.Client,
			opts: []mtls.Option{mtls.WithAuthorizer(func(*mtls.Peer) error {
				return wimse.Errorf(wimse.ReasonMTLSTrustDomain, "policy")
			})},
			wantReason: wimse.ReasonMTLSTrustDomain},

		// mtls.dns_id
		{name: "DNS-ID mismatch", uris: []string{serverID}, role: mtls.Server,
			mutate:     func(s *mtlstest.LeafSpec) { s.DNSNames = []string{"server.example.org"} },
			opts:       []mtls.Option{mtls.WithDNSName("other.example.org")},
			wantReason: wimse.ReasonMTLSDNSID},
		{name: "DNS-ID required, none present", uris: []string{serverID}, role: mtls.Server,
			opts: []mtls.Option{mtls.WithDNSName("example.org")}, wantReason: wimse.ReasonMTLSDNSID},

		// server.internal: caller errors.
		{name: "invalid role", uris: []string{appID}, role: 0, wantReason: wimse.ReasonInternal},
	}
}

// build returns the chain of c.
func (c verifyCase) build(t testing.TB, p *pki) []*x509.Certificate {
	t.Helper()
	s := spec(c.uris...)
	if c.mutate != nil {
		c.mutate(&s)
	}
	issuer := root
	if c.issuer != nil {
		issuer = c.issuer
	}
	chain := chainOf(t, issuer(p), s)
	if c.chain != nil {
		chain = c.chain(chain)
	}
	return chain
}

func TestVerifyPeer(t *testing.T) {
	p := getPKI(t)
	for _, c := range verifyCases() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			id, err := mtls.VerifyPeer(c.build(t, p), p.store, c.role, now, c.opts...)
			if got := wimse.ReasonOf(err); got != c.wantReason {
				t.Fatalf("reason: got %q, want %q (err: %v)", got, c.wantReason, err)
			}
			if diff := cmp.Diff(c.wantID, id.String()); diff != "" {
				t.Errorf("id (-want +got):\n%s", diff)
			}
			if err != nil && !wimse.ReasonOf(err).Known() {
				t.Errorf("reason %q is not a known reason", wimse.ReasonOf(err))
			}
		})
	}
}

func TestVerifyPeerNilTrustStore(t *testing.T) {
	p := getPKI(t)
	_, err := mtls.VerifyPeer(chainOf(t, p.ca, spec(appID)), nil, mtls.Client, now)
	if got, want := wimse.ReasonOf(err), wimse.ReasonInternal; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestVerifyPeerTrustStoreUpdate: roots are read at each call, so a Set
// (rotation, revocation of a whole trust domain) takes effect at once.
func TestVerifyPeerTrustStoreUpdate(t *testing.T) {
	p := getPKI(t)
	store := mtlstest.TrustStore(p.ca)
	chain := chainOf(t, p.ca, spec(appID))
	if _, err := mtls.VerifyPeer(chain, store, mtls.Client, now); err != nil {
		t.Fatal(err)
	}
	store.Set(tdExample, wimse.Anchors{X509Roots: []*x509.Certificate{p.rogue.Cert}})
	_, err := mtls.VerifyPeer(chain, store, mtls.Client, now)
	if got, want := wimse.ReasonOf(err), wimse.ReasonMTLSChain; got != want {
		t.Errorf("after rotation: got %q, want %q", got, want)
	}
}

// TestPeerChain checks the Peer handed to authorizers and the middleware.
func TestPeerChain(t *testing.T) {
	p := getPKI(t)
	leaf := issue(t, p.inter, spec(appID))
	var got *mtls.Peer
	_, err := mtls.VerifyPeer(leaf.Chain, p.store, mtls.Client, now, mtls.WithAuthorizer(func(peer *mtls.Peer) error {
		got = peer
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	if got.Certificate != leaf.Cert || got.TrustDomain() != tdExample {
		t.Errorf("peer: got %v in %v", got.ID, got.TrustDomain())
	}
	if n := len(got.Chain); n != 3 || got.Chain[2] != p.ca.Cert {
		t.Errorf("verified chain: %d certificates, want leaf, intermediate, root", n)
	}
}
