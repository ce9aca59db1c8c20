package tlspeer

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/spiffe/go-spiffe/v2/bundle/x509bundle"
	"github.com/spiffe/go-spiffe/v2/spiffeid"
	"github.com/spiffe/go-spiffe/v2/spiffetls/tlsconfig"
	"github.com/spiffe/go-spiffe/v2/svid/x509svid"
	"github.com/wimse-wg/wimse/interop/peers/internal/peercli"
)

// Config is one side's credentials and policy.
type Config struct {
	// SVID is the workload's own X.509-SVID (chain and key).
	SVID *x509svid.SVID
	// Bundle holds the trusted roots of the peer's trust domain.
	Bundle *x509bundle.Bundle
	// Authorizer decides on the peer's SPIFFE ID.
	Authorizer tlsconfig.Authorizer
}

// Load reads an X.509-SVID (PEM chain and PEM key) and the PEM trust bundle
// of trust domain td ("" means the SVID's own trust domain). peerID, when
// set, is the only SPIFFE ID authorized; otherwise any member of td.
func Load(certFile, keyFile, caFile, td, peerID string) (*Config, error) {
	svid, err := x509svid.Load(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("svid: %w", err)
	}
	trustDomain := svid.ID.TrustDomain()
	if td != "" {
		if trustDomain, err = spiffeid.TrustDomainFromString(td); err != nil {
			return nil, fmt.Errorf("--trust-domain: %w", err)
		}
	}
	if caFile == "" {
		return nil, errors.New("--ca is required")
	}
	bundle, err := x509bundle.Load(trustDomain, caFile)
	if err != nil {
		return nil, fmt.Errorf("--ca: %w", err)
	}
	auth := tlsconfig.AuthorizeMemberOf(trustDomain)
	if peerID != "" {
		id, err := spiffeid.FromString(peerID)
		if err != nil {
			return nil, fmt.Errorf("--peer-id: %w", err)
		}
		if id.TrustDomain() != trustDomain {
			return nil, fmt.Errorf("--peer-id %s is not in trust domain %s", id, trustDomain)
		}
		auth = tlsconfig.AuthorizeID(id)
	}
	return &Config{SVID: svid, Bundle: bundle, Authorizer: auth}, nil
}

// ServerTLS is the listener's configuration: the SVID as server
// certificate; a client certificate, when sent, verified against Bundle
// and authorized (see the package doc for why it is not required).
func (c *Config) ServerTLS() *tls.Config {
	cfg := tlsconfig.MTLSServerConfig(c.SVID, c.Bundle, c.Authorizer)
	cfg.MinVersion = tls.VersionTLS12
	cfg.ClientAuth = tls.RequestClientCert
	verify := cfg.VerifyPeerCertificate
	cfg.VerifyPeerCertificate = func(raw [][]byte, chains [][]*x509.Certificate) error {
		if len(raw) == 0 {
			return nil
		}
		if err := verify(raw, chains); err != nil {
			return err
		}
		return checkLeaf(raw[0], x509.ExtKeyUsageClientAuth)
	}
	return cfg
}

// checkLeaf applies the RFC 5280 usage rules go-spiffe leaves out.
func checkLeaf(der []byte, purpose x509.ExtKeyUsage) error {
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return err
	}
	if len(leaf.ExtKeyUsage) > 0 || len(leaf.UnknownExtKeyUsage) > 0 {
		if !slices.Contains(leaf.ExtKeyUsage, purpose) && !slices.Contains(leaf.ExtKeyUsage, x509.ExtKeyUsageAny) {
			return errors.New("tlspeer: the peer certificate's extended key usage does not allow its role")
		}
	}
	if leaf.KeyUsage != 0 && leaf.KeyUsage&x509.KeyUsageDigitalSignature == 0 {
		return errors.New("tlspeer: the peer certificate's key usage lacks digitalSignature")
	}
	return nil
}

// ClientTLS is a client's configuration: the SVID as client certificate,
// the server verified against Bundle and authorized.
func (c *Config) ClientTLS() *tls.Config {
	cfg := tlsconfig.MTLSClientConfig(c.SVID, c.Bundle, c.Authorizer)
	cfg.MinVersion = tls.VersionTLS12
	verify := cfg.VerifyPeerCertificate
	cfg.VerifyPeerCertificate = func(raw [][]byte, chains [][]*x509.Certificate) error {
		if err := verify(raw, chains); err != nil {
			return err
		}
		if len(raw) == 0 {
			return errors.New("tlspeer: no server certificate")
		}
		return checkLeaf(raw[0], x509.ExtKeyUsageServerAuth)
	}
	return cfg
}

// Answer is the body of a successful /hello.
type Answer struct {
	Peer     string `json:"peer"`
	Carriage string `json:"carriage"`
	Server   string `json:"server"`
}

// Handler answers /hello with the client's SPIFFE ID, taken from the
// certificate that the handshake verified; /healthz without credentials.
// log, if set, is called once per request.
func Handler(log func(r *http.Request, status int, peer string, err error)) http.Handler {
	if log == nil {
		log = func(*http.Request, int, string, error) {}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if status, done := peercli.Route(w, r); done {
			log(r, status, "", nil)
			return
		}
		if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
			err := errors.New("no client certificate")
			http.Error(w, err.Error(), http.StatusUnauthorized)
			log(r, http.StatusUnauthorized, "", err)
			return
		}
		id, err := x509svid.IDFromCert(r.TLS.PeerCertificates[0])
		if err != nil {
			http.Error(w, "client certificate has no SPIFFE ID", http.StatusUnauthorized)
			log(r, http.StatusUnauthorized, "", err)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(Answer{Peer: id.String(), Carriage: "mtls", Server: "tlspeer"})
		log(r, http.StatusOK, id.String(), nil)
	})
}
