package sts

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/spiffe/go-spiffe/v2/bundle/spiffebundle"
	"github.com/spiffe/go-spiffe/v2/spiffeid"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/tokens/jwtgrant"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/wimse"
)

// InitOptions configures Init.
type InitOptions struct {
	// Listen is the loopback address the deployment serves on; "" means
	// 127.0.0.1:8443. The issuer is https:// + Listen.
	Listen string
	// TrustDomain is the demo SPIFFE trust domain; "" means example.org.
	TrustDomain string
	// TokenLifetime is the lifetime of the workload credentials Init
	// mints (WIT-SVID, JWT-SVID); 0 means 24 hours.
	TokenLifetime time.Duration
	// Renew mints the workload credentials again with the keys already in
	// the directory, changing nothing else.
	Renew bool
	// Now is the time the credentials are minted at. Zero means time.Now().
	Now time.Time
	// Rand is the randomness of every key. Nil means crypto/rand.
	Rand io.Reader
}

// Demo client identities of an Init deployment.
const (
	DemoClientBasic = "demo-basic"
	DemoClientPost  = "demo-post"
	DemoClientJWT   = "demo-pkjwt"
	// DemoResource is the resource the demo policy lets every client
	// obtain a token for.
	DemoResource = "https://payments.example.org/api"
	// DemoScope is the scope the demo policy allows.
	DemoScope = "payments:read"
)

// Deployment describes what Init wrote: the configuration file and, per
// client authentication method, the client and its credentials.
type Deployment struct {
	// Dir is the deployment directory; Config the configuration file.
	Dir, Config string
	// Issuer is the STS's issuer identifier (and base URL).
	Issuer string
	// CA is the PEM file of the root that signed the STS's TLS
	// certificate (and the trust domain's X.509-SVIDs).
	CA string
	// SecretsEnv is the file of the client secrets, as shell assignments.
	SecretsEnv string
	// Workload is the SPIFFE ID of the demo workload; WIT its WIT-SVID
	// file and WorkloadKey its private key: the subject token, and the
	// spiffe_wit client's credentials.
	Workload, WIT, WorkloadKey string
	// Clients maps each authentication method to its demo client.
	Clients map[string]DemoClient
	// Expiry is when the minted WIT-SVID expires; JWTSVIDExpiry when the
	// JWT-SVID does (at most an hour after minting: a client assertion
	// lives no longer).
	Expiry, JWTSVIDExpiry time.Time
}

// DemoClient is one demo client: its client_id and credential files
// (which are set depends on the method).
type DemoClient struct {
	ClientID string
	// SecretEnv names the environment variable holding the secret.
	SecretEnv string `json:",omitempty"`
	// Key is a private JWK file (private_key_jwt, spiffe_wit).
	Key string `json:",omitempty"`
	// Cert and CertKey are PEM files (spiffe_x509).
	Cert, CertKey string `json:",omitempty"`
	// Token is a credential file: the JWT-SVID (spiffe_jwt) or the
	// WIT-SVID (spiffe_wit).
	Token string `json:",omitempty"`
}

// The files of a deployment, relative to its directory.
const (
	initConfig     = "sts.json"
	initPolicy     = "policy.json"
	initSecrets    = "secrets.env"
	initCA         = "trust/ca.pem"
	initCAKey      = "authority/ca.key.pem"
	initJWTAuth    = "authority/jwt-svid.jwk"
	initWITAuth    = "authority/wit-svid.jwk"
	initBundle     = "trust/spiffe-bundle.json"
	initTLSCert    = "tls/server.pem"
	initTLSKey     = "tls/server.key.pem"
	initOrdersKey  = "workload/orders.jwk"
	initOrdersWIT  = "workload/orders.wit"
	initPKJWTKey   = "clients/demo-pkjwt.jwk"
	initPKJWTSet   = "clients/demo-pkjwt.jwks"
	initX509Cert   = "clients/x509-client.pem"
	initX509Key    = "clients/x509-client.key.pem"
	initJWTSVID    = "clients/jwt-client.jwt"
	initDPoPKey    = "clients/dpop.jwk"
	initDeployment = "deployment.json"
)

// Init writes a complete demo deployment of the STS into dir: a
// configuration (sts.json) with every client authentication method
// enabled, its signing and checkpoint keys, a SQLite store, a policy, a
// demo SPIFFE trust domain (an X.509 root that also signs the server's TLS
// certificate, JWT-SVID and WIT-SVID authority keys, and its SPIFFE bundle)
// and one client per method with its credentials; client secrets go to
// secrets.env (mode 0600), never into the configuration. dir must be empty
// or absent, unless opts.Renew.
//
// It is a demo: the authority keys, which in a real deployment stay in
// SPIRE (or another SPIFFE issuer), sit beside the STS so that Init can
// mint the workload credentials.
func Init(dir string, opts InitOptions) (*Deployment, error) {
	o := opts
	if o.Listen == "" {
		o.Listen = "127.0.0.1:8443"
	}
	if o.TrustDomain == "" {
		o.TrustDomain = "example.org"
	}
	if o.TokenLifetime == 0 {
		o.TokenLifetime = 24 * time.Hour
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	host, _, err := net.SplitHostPort(o.Listen)
	if err != nil {
		return nil, fmt.Errorf("sts: init: listen %q: %w", o.Listen, err)
	}
	td, err := spiffeid.TrustDomainFromString(o.TrustDomain)
	if err != nil {
		return nil, fmt.Errorf("sts: init: trust domain: %w", err)
	}
	w := &initWriter{dir: dir, o: o, td: td, host: host}
	if o.Renew {
		return w.renew()
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("sts: init: %s is not empty (use --renew to mint new workload credentials)", dir)
	}
	return w.all()
}

type initWriter struct {
	dir  string
	o    InitOptions
	td   spiffeid.TrustDomain
	host string
	err  error
}

func (w *initWriter) issuer() string { return "https://" + w.o.Listen }

func (w *initWriter) spiffeID(path string) string { return "spiffe://" + w.td.String() + path }

// write writes one file, creating its directory; the first error sticks.
func (w *initWriter) write(name string, data []byte, mode os.FileMode) {
	if w.err != nil {
		return
	}
	p := filepath.Join(w.dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		w.err = err
		return
	}
	if err := os.WriteFile(p, data, mode); err != nil {
		w.err = err
		return
	}
	w.err = os.Chmod(p, mode)
}

// key generates an ES256 key and writes it as a private JWK.
func (w *initWriter) key(name, kid string) crypto.Signer {
	k, err := ecdsa.GenerateKey(elliptic.P256(), w.o.Rand)
	if err != nil {
		w.err = errors.Join(w.err, err)
		return nil
	}
	b, err := jose.PrivateJWKJSON(k, "ES256", kid)
	if err != nil {
		w.err = errors.Join(w.err, err)
		return nil
	}
	w.write(name, append(b, '\n'), 0o600)
	return k
}

func (w *initWriter) jsonFile(name string, v any, mode os.FileMode) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		w.err = errors.Join(w.err, err)
		return
	}
	w.write(name, append(b, '\n'), mode)
}

func (w *initWriter) all() (*Deployment, error) {
	o := w.o
	// Signing, next and checkpoint keys.
	w.key("keys/current.jwk", "sts-1")
	w.key("keys/next.jwk", "sts-2")
	w.key("keys/audit.jwk", "audit-1")

	// The demo trust domain: an X.509 root, JWT-SVID and WIT-SVID keys.
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), o.Rand)
	if err != nil {
		return nil, err
	}
	ca, caPEM, err := w.cert(&x509.Certificate{
		Subject:               pkix.Name{Organization: []string{"wimse demo"}, CommonName: "demo root " + w.td.String()},
		URIs:                  []*url.URL{{Scheme: "spiffe", Host: w.td.String()}},
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true, IsCA: true,
		NotAfter: o.Now.Add(5 * 365 * 24 * time.Hour),
	}, nil, nil, caKey)
	if err != nil {
		return nil, err
	}
	w.write(initCA, caPEM, 0o644)
	w.pemKey(initCAKey, caKey)
	jwtAuth := w.key(initJWTAuth, "jwt-authority-1")
	witAuth := w.key(initWITAuth, "wit-authority-1")
	if w.err != nil {
		return nil, w.err
	}
	b := spiffebundle.FromX509Authorities(w.td, []*x509.Certificate{ca})
	if err := b.AddJWTAuthority("jwt-authority-1", jwtAuth.Public()); err != nil {
		return nil, err
	}
	if err := b.AddWITAuthority("wit-authority-1", witAuth.Public()); err != nil {
		return nil, err
	}
	b.SetSequenceNumber(1)
	raw, err := b.Marshal()
	if err != nil {
		return nil, err
	}
	w.write(initBundle, append(raw, '\n'), 0o644)

	// The STS's TLS certificate.
	srvKey, err := ecdsa.GenerateKey(elliptic.P256(), o.Rand)
	if err != nil {
		return nil, err
	}
	srv := &x509.Certificate{
		Subject:     pkix.Name{CommonName: "wimse demo sts"},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:    []string{"localhost"},
		NotAfter:    o.Now.Add(365 * 24 * time.Hour),
	}
	if ip := net.ParseIP(w.host); ip != nil {
		srv.IPAddresses = []net.IP{ip}
	} else {
		srv.DNSNames = append(srv.DNSNames, w.host)
	}
	_, srvPEM, err := w.cert(srv, ca, caKey, srvKey)
	if err != nil {
		return nil, err
	}
	w.write(initTLSCert, srvPEM, 0o644)
	w.pemKey(initTLSKey, srvKey)

	// Clients: secrets, a private_key_jwt key, an X.509-SVID.
	secrets := map[string]string{}
	for _, c := range []struct{ id, env string }{{DemoClientBasic, "STS_SECRET_DEMO_BASIC"}, {DemoClientPost, "STS_SECRET_DEMO_POST"}} {
		s, err := jose.NewID(o.Rand)
		if err != nil {
			return nil, err
		}
		secrets[c.env] = s
	}
	w.write(initSecrets, fmt.Appendf(nil, "# Client secrets of the demo STS: load with  set -a; . %s; set +a\nSTS_SECRET_DEMO_BASIC=%s\nSTS_SECRET_DEMO_POST=%s\n",
		filepath.Join(w.dir, initSecrets), secrets["STS_SECRET_DEMO_BASIC"], secrets["STS_SECRET_DEMO_POST"]), 0o600)
	pk := w.key(initPKJWTKey, "demo-pkjwt-1")
	if w.err != nil {
		return nil, w.err
	}
	pub, err := jose.PublicJWKJSON(pk.Public(), "ES256", "demo-pkjwt-1")
	if err != nil {
		return nil, err
	}
	w.jsonFile(initPKJWTSet, map[string]any{"keys": []any{pub}}, 0o644)
	x509Key, err := ecdsa.GenerateKey(elliptic.P256(), o.Rand)
	if err != nil {
		return nil, err
	}
	x509ID, _ := url.Parse(w.spiffeID("/x509-client"))
	_, x509PEM, err := w.cert(&x509.Certificate{
		Subject:     pkix.Name{Organization: []string{"wimse demo"}},
		URIs:        []*url.URL{x509ID},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		NotAfter:    o.Now.Add(365 * 24 * time.Hour),
	}, ca, caKey, x509Key)
	if err != nil {
		return nil, err
	}
	w.write(initX509Cert, x509PEM, 0o644)
	w.pemKey(initX509Key, x509Key)
	w.key(initOrdersKey, "")
	w.key(initDPoPKey, "")

	// Policy and configuration.
	w.write(initPolicy, []byte(w.policy()), 0o644)
	cfg := map[string]any{
		"issuer":      w.issuer(),
		"listen":      o.Listen,
		"signingKeys": map[string]string{"current": "keys/current.jwk", "next": "keys/next.jwk", "retired": "keys/retired.json"},
		"audit":       map[string]any{"checkpointKey": "keys/audit.jwk", "checkpointEvery": 100},
		"store":       map[string]string{"sqlite": "sts.db"},
		"policy":      initPolicy,
		"clientSecrets": map[string]any{
			DemoClientBasic: map[string]string{"secretEnv": "STS_SECRET_DEMO_BASIC"},
			DemoClientPost:  map[string]string{"secretEnv": "STS_SECRET_DEMO_POST"},
		},
		"privateKeyJwtClients": map[string]string{DemoClientJWT: initPKJWTSet},
		"spiffeBundles":        map[string]string{w.td.String(): initBundle},
		"tls":                  map[string]string{"cert": initTLSCert, "key": initTLSKey},
		"dpop":                 map[string]any{},
		"authMethods": []string{oauth.AuthMethodClientSecretBasic, oauth.AuthMethodClientSecretPost, oauth.AuthMethodPrivateKeyJWT,
			oauth.AuthMethodSPIFFEJWT, oauth.AuthMethodSPIFFEX509, oauth.AuthMethodSPIFFEWIT},
		"maxLifetime": "10m",
	}
	w.jsonFile(initConfig, cfg, 0o644)
	if w.err != nil {
		return nil, w.err
	}
	return w.renew()
}

// policy is the demo policy: each classic client, and every SPIFFE
// workload of the trust domain, may exchange the trust domain's WITs
// and JWT-SVIDs for the payments API; a SPIFFE workload also its own
// X.509-SVID (subject token type mtls), for the audience of that API.
func (w *initWriter) policy() string {
	rule := func(name, client, types, audiences string) string {
		return fmt.Sprintf(`    {
      "name": %q,
      "client": %s,
      "subjectIssuers": [%q],
      "subjectTokenTypes": [%s],
      "impersonation": true,
      "delegation": true,
      "actorIssuers": [%q],
      "resources": [%q],%s
      "scopes": [%q, "payments:charge"],
      "maxLifetime": "10m"
    }`, name, client, w.spiffeID(""), types, w.spiffeID(""), DemoResource, audiences, DemoScope)
	}
	jwt := fmt.Sprintf("%q", oauth.TokenTypeJWT)
	// SPIFFE workloads may also exchange their own X.509-SVID (subject
	// token type mtls, the X.509-to-access-token profile), which requires
	// an audience: the resource's URL.
	workloads := jwt + ", " + fmt.Sprintf("%q", oauth.TokenTypeMTLS)
	return "// The demo policy written by wimse sts init: who may obtain a token for what.\n{\n  \"version\": 1,\n  \"rules\": [\n" +
		rule("basic-client", fmt.Sprintf(`{"clientId": %q}`, DemoClientBasic), jwt, "") + ",\n" +
		rule("post-client", fmt.Sprintf(`{"clientId": %q}`, DemoClientPost), jwt, "") + ",\n" +
		rule("private-key-jwt-client", fmt.Sprintf(`{"clientId": %q}`, DemoClientJWT), jwt, "") + ",\n" +
		rule("spiffe-workloads", fmt.Sprintf(`{"trustDomain": %q, "scheme": "spiffe"}`, w.td.String()), workloads, fmt.Sprintf("\n      \"audiences\": [%q],", DemoResource)) + "\n  ]\n}\n"
}

// renew mints the workload credentials: the demo workload's WIT-SVID and
// the spiffe_jwt client's JWT-SVID, and writes deployment.json.
func (w *initWriter) renew() (*Deployment, error) {
	o := w.o
	read := func(name string) *wimse.PrivateKey {
		k, err := wimse.LoadPrivateJWK(filepath.Join(w.dir, name))
		if err != nil {
			w.err = errors.Join(w.err, err)
		}
		return k
	}
	witAuth, jwtAuth, orders := read(initWITAuth), read(initJWTAuth), read(initOrdersKey)
	if w.err != nil {
		return nil, fmt.Errorf("sts: init: %w", w.err)
	}
	exp := o.Now.Add(o.TokenLifetime)
	witSVID, err := (&wit.Signer{Key: witAuth.Signer, KeyID: witAuth.KeyID, Profile: wit.ProfileSVID}).Sign(wit.Claims{
		Subject: wimse.MustParseID(w.spiffeID("/orders")), Issuer: w.spiffeID(""),
		IssuedAt: o.Now, Expiry: exp, Key: orders.Signer.Public(), KeyAlg: "ES256",
	})
	if err != nil {
		return nil, fmt.Errorf("sts: init: WIT-SVID: %w", err)
	}
	w.write(initOrdersWIT, []byte(witSVID+"\n"), 0o600)
	// A JWT-SVID client assertion may live at most an hour
	// (jwtgrant.DefaultMaxLifetime); SPIRE's live five minutes.
	svidExp := o.Now.Add(min(o.TokenLifetime, jwtgrant.DefaultMaxLifetime))
	jwtSVID, err := (&jwtgrant.Signer{Key: jwtAuth.Signer, KeyID: jwtAuth.KeyID, Type: "JWT"}).SignGrant(jwtgrant.Claims{
		Issuer: w.spiffeID(""), Subject: w.spiffeID("/jwt-client"), Audience: w.issuer(), IssuedAt: o.Now, Expiry: svidExp,
	})
	if err != nil {
		return nil, fmt.Errorf("sts: init: JWT-SVID: %w", err)
	}
	w.write(initJWTSVID, []byte(jwtSVID+"\n"), 0o600)
	p := func(name string) string { return filepath.Join(w.dir, name) }
	d := &Deployment{
		Dir: w.dir, Config: p(initConfig), Issuer: w.issuer(), CA: p(initCA), SecretsEnv: p(initSecrets),
		Workload: w.spiffeID("/orders"), WIT: p(initOrdersWIT), WorkloadKey: p(initOrdersKey), Expiry: exp, JWTSVIDExpiry: svidExp,
		Clients: map[string]DemoClient{
			oauth.AuthMethodClientSecretBasic: {ClientID: DemoClientBasic, SecretEnv: "STS_SECRET_DEMO_BASIC"},
			oauth.AuthMethodClientSecretPost:  {ClientID: DemoClientPost, SecretEnv: "STS_SECRET_DEMO_POST"},
			oauth.AuthMethodPrivateKeyJWT:     {ClientID: DemoClientJWT, Key: p(initPKJWTKey)},
			oauth.AuthMethodSPIFFEJWT:         {ClientID: w.spiffeID("/jwt-client"), Token: p(initJWTSVID)},
			oauth.AuthMethodSPIFFEX509:        {ClientID: w.spiffeID("/x509-client"), Cert: p(initX509Cert), CertKey: p(initX509Key)},
			oauth.AuthMethodSPIFFEWIT:         {ClientID: w.spiffeID("/orders"), Token: p(initOrdersWIT), Key: p(initOrdersKey)},
		},
	}
	w.jsonFile(initDeployment, d, 0o644)
	if w.err != nil {
		return nil, fmt.Errorf("sts: init: %w", w.err)
	}
	return d, nil
}

// DPoPKey is the demo DPoP key file of a deployment.
func (d *Deployment) DPoPKey() string { return filepath.Join(d.Dir, initDPoPKey) }

// cert signs tmpl with parent's key (self-signed when parent is nil) and
// returns the certificate and its PEM.
func (w *initWriter) cert(tmpl, parent *x509.Certificate, parentKey crypto.Signer, key crypto.Signer) (*x509.Certificate, []byte, error) {
	serial, err := rand.Int(w.o.Rand, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, nil, err
	}
	tmpl.SerialNumber = serial
	tmpl.NotBefore = w.o.Now.Add(-time.Minute)
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(w.o.Rand, tmpl, parent, key.Public(), parentKey)
	if err != nil {
		return nil, nil, err
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	return c, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}

// pemKey writes a private key as PKCS #8 PEM (mode 0600).
func (w *initWriter) pemKey(name string, k crypto.Signer) {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		w.err = errors.Join(w.err, err)
		return
	}
	w.write(name, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
}
