package clientrole

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"time"

	"github.com/wimse-wg/wimse/profiles/httpsig"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/vectors"
	"github.com/wimse-wg/wimse/wimse"
)

// otherResponder is the identifier of the workload that signs the answers
// of the other-responder scenario: trusted, but not the server.
const otherResponder = "wimse://example.org/workload/other-server"

// suite is what the suite holds for a run: the client's credentials, the
// server's signers and certificates, and the trust to check the client.
type suite struct {
	creds *Credentials
	// clientTrust verifies the client's WIT (the suite's issuer keys for
	// example.org) and its certificate (the suite's X.509 roots).
	clientTrust *wimse.TrustStore
	// server signs correct answers; other signs as another workload.
	server, other *httpsig.Signer
	// serverCert, rogueCert and wrongNameCert are the TLS certificates of
	// the mtls scenarios.
	serverCert, rogueCert, wrongNameCert tls.Certificate
}

// IssueCredentials issues the credentials the suite gives a client at
// now (Credentials): what a client pointed at a listening suite must use,
// since the suite trusts nothing else. seed "" is vectors.DefaultSeed.
func IssueCredentials(seed string, now func() time.Time) (*Credentials, error) {
	if seed == "" {
		seed = vectors.DefaultSeed
	}
	if now == nil {
		now = time.Now
	}
	set, err := vectors.Load(vectors.FS)
	if err != nil {
		return nil, err
	}
	s, err := newSuite(seed, now, set)
	if err != nil {
		return nil, err
	}
	return s.creds, nil
}

// newSuite issues the run's credentials at now.
func newSuite(seed string, now func() time.Time, set *vectors.Set) (*suite, error) {
	keys, err := vectors.DeriveKeys(seed)
	if err != nil {
		return nil, err
	}
	get := func(name string) *vectors.Key {
		if err != nil {
			return nil
		}
		var k *vectors.Key
		k, err = keys.Get(name)
		return k
	}
	issuer, workload, server, other := get("issuer"), get("workload"), get("server"), get("other-workload")
	if err != nil {
		return nil, err
	}
	t := now()
	mint := func(sub string, k *vectors.Key) string {
		if err != nil {
			return ""
		}
		var s string
		s, err = (&wit.Signer{Key: issuer.Signer, Alg: issuer.Alg, KeyID: issuer.KeyID}).Sign(wit.Claims{
			Subject: wimse.MustParseID(sub), Issuer: "https://issuer.example.org",
			IssuedAt: t.Add(-time.Minute), Expiry: t.Add(24 * time.Hour), Key: k.Signer.Public(), KeyAlg: k.Alg,
		})
		return s
	}
	clientWIT, serverWIT, otherWIT := mint(vectors.Subject, workload), mint(vectors.ServerSubject, server), mint(otherResponder, other)
	if err != nil {
		return nil, fmt.Errorf("clientrole: issue WITs: %w", err)
	}
	trust := wimse.NewTrustStore()
	for _, td := range []string{vectors.TrustDomain, vectors.OtherTrustDomain} {
		trust.Set(wimse.MustParseTrustDomain(td), wimse.Anchors{Keys: keys.IssuerKeysOf(td)})
	}
	if err := vectors.AddX509Roots(trust, set.Requirements.X509Roots); err != nil {
		return nil, err
	}
	var roots []*x509.Certificate
	if a, ok := trust.Anchors(wimse.MustParseTrustDomain(vectors.TrustDomain)); ok {
		roots = a.X509Roots
	}
	s := &suite{clientTrust: trust,
		server: &httpsig.Signer{WIT: serverWIT, Key: server.Signer, Alg: server.Alg, Now: now},
		other:  &httpsig.Signer{WIT: otherWIT, Key: other.Signer, Alg: other.Alg, Now: now},
		creds: &Credentials{WIT: clientWIT, Key: workload.Signer, Alg: workload.Alg,
			ServerID: wimse.MustParseID(vectors.ServerSubject), ServerTrust: trust, ServerRoots: roots, Now: now},
	}
	if s.creds.Certificate, err = vectors.ClientCertificate(seed); err != nil {
		return nil, err
	}
	if s.serverCert, err = vectors.MTLSServerCertificate(seed); err != nil {
		return nil, err
	}
	if s.rogueCert, err = vectors.RogueServerCertificate(seed); err != nil {
		return nil, err
	}
	if s.wrongNameCert, err = vectors.WrongNameServerCertificate(seed); err != nil {
		return nil, err
	}
	return s, nil
}
