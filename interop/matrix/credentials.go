package matrix

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/wimse-wg/wimse/interop/demo"
)

// Credentials is the credential set of one run, as files in Dir: a trust
// domain with an issuer key and its JWK Set, a WIT and its key for the
// client, and an X.509 CA of the same trust domain with a server and a
// client certificate (URI SANs spiffe://TD/workload/server and
// spiffe://TD/workload/client; the server's also carries DNS localhost and
// IP 127.0.0.1). Private keys are fresh for every run and never leave Dir.
//
// Rogue holds the same names issued by keys nobody trusts (Dir/rogue): a
// WIT for the same subject signed by another issuer key, and a client
// certificate with the same URI SAN from another CA. Servers must refuse
// them: the negative probe of every cell.
type Credentials struct {
	Dir         string
	TrustDomain string
	// WITSubject is the WIT's subject; X509Client and X509Server the
	// certificates' URI SANs.
	WITSubject, X509Client, X509Server string
	// Files.
	TrustBundle, IssuerKey, WIT, WITKey string
	CA, ServerCert, ServerKey           string
	ClientCert, ClientKey               string
	Rogue                               *Credentials
}

// NewCredentials writes a fresh credential set into dir, valid from now
// for lifetime, and its rogue twin into dir/rogue.
func NewCredentials(dir string, now time.Time, lifetime time.Duration, rnd io.Reader) (*Credentials, error) {
	c, err := newCredentials(dir, now, lifetime, rnd)
	if err != nil {
		return nil, err
	}
	rogue := filepath.Join(dir, "rogue")
	if err := os.Mkdir(rogue, 0o700); err != nil {
		return nil, fmt.Errorf("matrix: %w", err)
	}
	if c.Rogue, err = newCredentials(rogue, now, lifetime, rnd); err != nil {
		return nil, err
	}
	return c, nil
}

// CredentialLifetime is the validity of a generated credential set.
const CredentialLifetime = 24 * time.Hour

// OpenCredentials returns the credential set kept in dir: the one there if
// dir holds one that is still valid at now, otherwise a fresh one written
// there (dir is created). A set kept this way lets servers at a fixed URL
// trust the matrix's clients: give them dir's trust-bundle.jwks and ca.pem
// (never the private keys, and never anything under dir/rogue).
func OpenCredentials(dir string, now time.Time) (*Credentials, error) {
	c := paths(dir)
	c.Rogue = paths(filepath.Join(dir, "rogue"))
	ok := true
	for _, cc := range []*Credentials{c, c.Rogue} {
		for _, f := range []string{cc.TrustBundle, cc.IssuerKey, cc.WIT, cc.WITKey, cc.CA, cc.ServerCert, cc.ServerKey, cc.ClientCert, cc.ClientKey} {
			if _, err := os.Stat(f); err != nil {
				ok = false
			}
		}
	}
	if ok {
		if certs, err := os.ReadFile(c.ClientCert); err == nil {
			if b, _ := pem.Decode(certs); b != nil {
				if cert, err := x509.ParseCertificate(b.Bytes); err == nil && now.Before(cert.NotAfter.Add(-time.Hour)) {
					return c, nil
				}
			}
		}
	}
	if err := os.RemoveAll(filepath.Join(dir, "rogue")); err != nil {
		return nil, fmt.Errorf("matrix: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("matrix: %w", err)
	}
	return NewCredentials(dir, now, CredentialLifetime, nil)
}

// paths names the files of a credential set in dir.
func paths(dir string) *Credentials {
	name := demo.TrustDomainName
	return &Credentials{
		Dir: dir, TrustDomain: name, WITSubject: demo.SubjectID,
		X509Client: "spiffe://" + name + "/workload/client", X509Server: "spiffe://" + name + "/workload/server",
		TrustBundle: filepath.Join(dir, demo.FileTrustBundle), IssuerKey: filepath.Join(dir, demo.FileIssuerKey),
		WIT: filepath.Join(dir, demo.FileWIT), WITKey: filepath.Join(dir, demo.FileWorkloadKey),
		CA: filepath.Join(dir, "ca.pem"), ServerCert: filepath.Join(dir, "server.pem"), ServerKey: filepath.Join(dir, "server.key"),
		ClientCert: filepath.Join(dir, "client.pem"), ClientKey: filepath.Join(dir, "client.key"),
	}
}

func newCredentials(dir string, now time.Time, lifetime time.Duration, rnd io.Reader) (*Credentials, error) {
	if rnd == nil {
		rnd = rand.Reader
	}
	td, err := demo.New()
	if err != nil {
		return nil, fmt.Errorf("matrix: credentials: %w", err)
	}
	if err := td.WriteFiles(dir, now, lifetime); err != nil {
		return nil, fmt.Errorf("matrix: credentials: %w", err)
	}
	c := paths(dir)
	name := c.TrustDomain
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rnd)
	if err != nil {
		return nil, err
	}
	notBefore, notAfter := now.Add(-time.Minute), now.Add(lifetime)
	caURI, _ := url.Parse("spiffe://" + name)
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{Organization: []string{"wimse interop matrix"}, CommonName: name + " CA"},
		NotBefore: notBefore, NotAfter: notAfter, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature, URIs: []*url.URL{caURI},
	}
	caDER, err := x509.CreateCertificate(rnd, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("matrix: CA: %w", err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, err
	}
	if err := writePEM(c.CA, "CERTIFICATE", caDER, 0o644); err != nil {
		return nil, err
	}
	for i, leaf := range []struct {
		id, certFile, keyFile string
		server                bool
	}{{c.X509Server, c.ServerCert, c.ServerKey, true}, {c.X509Client, c.ClientCert, c.ClientKey, false}} {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rnd)
		if err != nil {
			return nil, err
		}
		u, _ := url.Parse(leaf.id)
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(int64(2 + i)), Subject: pkix.Name{Organization: []string{"wimse interop matrix"}},
			NotBefore: notBefore, NotAfter: notAfter, BasicConstraintsValid: true,
			KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment | x509.KeyUsageKeyAgreement,
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
			URIs:        []*url.URL{u},
		}
		if leaf.server {
			tmpl.DNSNames = []string{"localhost"}
			tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1)}
		}
		der, err := x509.CreateCertificate(rnd, tmpl, ca, &key.PublicKey, caKey)
		if err != nil {
			return nil, fmt.Errorf("matrix: certificate %s: %w", leaf.id, err)
		}
		pk, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return nil, err
		}
		if err := writePEM(leaf.certFile, "CERTIFICATE", der, 0o644); err != nil {
			return nil, err
		}
		if err := writePEM(leaf.keyFile, "PRIVATE KEY", pk, 0o600); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func writePEM(path, typ string, der []byte, mode os.FileMode) error {
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), mode); err != nil {
		return fmt.Errorf("matrix: %w", err)
	}
	return nil
}
