package fakeagent

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/spiffe/go-spiffe/v2/proto/spiffe/workload"
	"github.com/spiffe/go-spiffe/v2/spiffeid"
	"google.golang.org/grpc"
)

// Authority is a signing key of the trust domain and its key ID (kid).
type Authority struct {
	Key   crypto.Signer
	KeyID string
}

// Config configures an Agent.
type Config struct {
	// ID is the SPIFFE ID of the one workload the agent serves. Required.
	ID spiffeid.ID
	// CA and CAKey issue the X.509-SVIDs; both nil generates a
	// self-signed ES256 CA for the trust domain.
	CA    *x509.Certificate
	CAKey crypto.Signer
	// JWT and WIT sign JWT-SVIDs and WIT-SVIDs; a zero Authority is a
	// generated ES256 key with kid "jwt-authority-1" or "wit-authority-1".
	JWT, WIT Authority
	// Lifetime is the lifetime of every SVID minted; zero means an hour.
	Lifetime time.Duration
	// Now is the minting clock; nil means time.Now.
	Now func() time.Time
}

// Agent is a running in-process Workload API.
type Agent struct {
	cfg  Config
	addr string
	srv  *grpc.Server
	done chan error
	// witMinted counts the WIT-SVIDs minted.
	witMinted atomic.Int64
}

// Start serves the Workload API on a new unix socket at socketPath (in a
// test, under t.TempDir(); the path must be short enough for a socket
// address, about 100 bytes).
func Start(socketPath string, c Config) (*Agent, error) {
	if c.ID.IsZero() {
		return nil, errors.New("fakeagent: no workload SPIFFE ID")
	}
	if c.Lifetime == 0 {
		c.Lifetime = time.Hour
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	var err error
	if c.CA == nil && c.CAKey == nil {
		if c.CA, c.CAKey, err = newCA(c.ID.TrustDomain(), c.Now()); err != nil {
			return nil, err
		}
	} else if c.CA == nil || c.CAKey == nil {
		return nil, errors.New("fakeagent: CA and CAKey go together")
	}
	for _, a := range []struct {
		auth *Authority
		kid  string
	}{{&c.JWT, "jwt-authority-1"}, {&c.WIT, "wit-authority-1"}} {
		if a.auth.Key == nil {
			if a.auth.Key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
				return nil, err
			}
			a.auth.KeyID = a.kid
		}
		if a.auth.KeyID == "" {
			return nil, errors.New("fakeagent: an authority without a key ID")
		}
	}
	abs, err := filepath.Abs(socketPath)
	if err != nil {
		return nil, err
	}
	lis, err := net.Listen("unix", abs)
	if err != nil {
		return nil, fmt.Errorf("fakeagent: %w", err)
	}
	a := &Agent{cfg: c, addr: "unix://" + abs, srv: grpc.NewServer(), done: make(chan error, 1)}
	workload.RegisterSpiffeWorkloadAPIServer(a.srv, &service{a: a})
	go func() { a.done <- a.srv.Serve(lis) }()
	return a, nil
}

// Addr is the agent's address for go-spiffe (workloadapi.WithAddr):
// unix:// and the socket's absolute path.
func (a *Agent) Addr() string { return a.addr }

// CA returns the certificate that issues the X.509-SVIDs.
func (a *Agent) CA() *x509.Certificate { return a.cfg.CA }

// WITMinted is the number of WIT-SVIDs minted so far.
func (a *Agent) WITMinted() int { return int(a.witMinted.Load()) }

// Close stops the server, ending every open stream, and waits for it.
func (a *Agent) Close() error {
	a.srv.Stop()
	if err := <-a.done; err != nil && !errors.Is(err, grpc.ErrServerStopped) {
		return err
	}
	return nil
}

// newCA is a self-signed ES256 CA of trust domain td, valid for a day
// around now.
func newCA(td spiffeid.TrustDomain, now time.Time) (*x509.Certificate, crypto.Signer, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{Organization: []string{"fakeagent"}, CommonName: td.Name()},
		URIs:                  []*url.URL{td.ID().URL()},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, nil, err
	}
	ca, err := x509.ParseCertificate(der)
	return ca, key, err
}
