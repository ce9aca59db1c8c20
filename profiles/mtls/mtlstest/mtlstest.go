// Package mtlstest makes deterministic X.509 test certificates for
// profiles/mtls: trust-domain CAs, intermediates and Workload Identity
// Certificates (draft-ietf-wimse-workload-creds-02 §6.1, as
// draft-ietf-wimse-mutual-tls-03 uses them) shaped like SPIRE's
// X.509-SVIDs.
//
// Everything is reproducible: keys are P-256 scalars derived with HKDF-SHA256
// from a seed string, serial numbers are fixed or derived from the seed,
// validity periods come from the caller, and certificates are signed with
// deterministic ECDSA (RFC 6979), so the same inputs give byte-identical DER.
// That lets test vectors be regenerated and compared.
//
//	ca, _ := mtlstest.NewCA(wimse.MustParseTrustDomain("example.org"), now)
//	leaf, _ := mtlstest.NewLeaf(ca, mtlstest.LeafSpec{
//		URIs:      []string{"spiffe://example.org/ns/default/sa/app"},
//		NotBefore: now, NotAfter: now.Add(time.Hour),
//	})
//	store := mtlstest.TrustStore(ca)
//
// The keys are public knowledge: never use these certificates outside tests.
package mtlstest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/url"
	"strings"
	"time"

	"github.com/wimse-wg/wimse/wimse"
)

// DefaultCALifetime is the validity of a CA made by NewCA without
// WithValidity.
const DefaultCALifetime = 365 * 24 * time.Hour

// SPIRE's X.509-SVID profile (spire pkg/server/credtemplate): what a leaf
// gets when LeafSpec leaves KeyUsage and EKU zero.
const (
	SPIREKeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment | x509.KeyUsageKeyAgreement
	// SPIRECAKeyUsage is the key usage of SPIRE's CAs.
	SPIRECAKeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign | x509.KeyUsageCRLSign
)

// SPIREExtKeyUsage returns SPIRE's X.509-SVID extended key usages:
// id-kp-serverAuth and id-kp-clientAuth.
func SPIREExtKeyUsage() []x509.ExtKeyUsage {
	return []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}
}

// CA is a certificate authority of one trust domain: a root, or an
// intermediate when made with WithParent.
type CA struct {
	// TrustDomain is the trust domain the CA issues for.
	TrustDomain wimse.TrustDomain
	// Cert is the CA certificate; Key its private key.
	Cert *x509.Certificate
	Key  *ecdsa.PrivateKey
	// Chain is what a leaf issued by this CA sends after itself: nil for a
	// root, the intermediates up to (not including) the root otherwise.
	Chain []*x509.Certificate
	// Root is the self-signed root at the top: Cert itself for a root.
	Root *x509.Certificate
}

// Option configures NewCA.
type Option func(*caConfig)

type caConfig struct {
	seed      string
	serial    int64
	parent    *CA
	notBefore time.Time
	notAfter  time.Time
	uri       *string
}

// WithSeed sets the seed the CA key is derived from. The default is
// "ca:" followed by the trust domain (and ":intermediate" for an
// intermediate), so two CAs of one trust domain need different seeds.
func WithSeed(seed string) Option { return func(c *caConfig) { c.seed = seed } }

// WithSerial sets the serial number. The default is derived from the seed.
func WithSerial(n int64) Option { return func(c *caConfig) { c.serial = n } }

// WithParent makes an intermediate CA signed by parent.
func WithParent(parent *CA) Option { return func(c *caConfig) { c.parent = parent } }

// WithValidity sets the validity period. The default is now to now plus
// DefaultCALifetime.
func WithValidity(notBefore, notAfter time.Time) Option {
	return func(c *caConfig) { c.notBefore, c.notAfter = notBefore, notAfter }
}

// WithCAURI sets the URI SAN of the CA certificate; "" leaves it out. The
// default is the SPIFFE ID of the trust domain, spiffe://<td>, as SPIRE
// writes it.
func WithCAURI(uri string) Option { return func(c *caConfig) { c.uri = &uri } }

// NewCA makes a CA for td valid from now, shaped like a SPIRE CA: basic
// constraints cA=TRUE, key usage digitalSignature, keyCertSign and cRLSign,
// URI SAN spiffe://<td>.
func NewCA(td wimse.TrustDomain, now time.Time, opts ...Option) (*CA, error) {
	if td.IsZero() {
		return nil, errors.New("mtlstest: trust domain is required")
	}
	c := caConfig{notBefore: now, notAfter: now.Add(DefaultCALifetime)}
	for _, o := range opts {
		o(&c)
	}
	if c.seed == "" {
		c.seed = "ca:" + td.String()
		if c.parent != nil {
			c.seed += ":intermediate"
		}
	}
	key, err := DeriveKey(c.seed)
	if err != nil {
		return nil, err
	}
	uri := "spiffe://" + td.String()
	if c.uri != nil {
		uri = *c.uri
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(c.serial, c.seed),
		Subject:               pkix.Name{Country: []string{"US"}, Organization: []string{"SPIFFE"}, CommonName: td.String() + " test CA"},
		NotBefore:             c.notBefore,
		NotAfter:              c.notAfter,
		KeyUsage:              SPIRECAKeyUsage,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	if uri != "" {
		u, err := parseURI(uri)
		if err != nil {
			return nil, err
		}
		tmpl.URIs = []*url.URL{u}
	}
	parent, signer := tmpl, key
	if c.parent != nil {
		parent, signer = c.parent.Cert, c.parent.Key
	}
	cert, err := create(tmpl, parent, &key.PublicKey, signer)
	if err != nil {
		return nil, err
	}
	ca := &CA{TrustDomain: td, Cert: cert, Key: key, Root: cert}
	if c.parent != nil {
		ca.Chain = append([]*x509.Certificate{cert}, c.parent.Chain...)
		ca.Root = c.parent.Root
	}
	return ca, nil
}

// LeafSpec describes a leaf certificate. Zero fields take SPIRE's X.509-SVID
// profile where one exists.
type LeafSpec struct {
	// URIs are the URI SANs, written exactly as given (so non-canonical
	// identifiers can be tested). Nil means none.
	URIs []string
	// DNSNames are the DNS SANs.
	DNSNames []string
	// EKU is the extended key usage; nil means SPIREExtKeyUsage. NoEKU
	// leaves the extension out.
	EKU   []x509.ExtKeyUsage
	NoEKU bool
	// KeyUsage; zero means SPIREKeyUsage.
	KeyUsage x509.KeyUsage
	// IsCA sets basic constraints cA=TRUE (a misissued leaf).
	IsCA bool
	// NotBefore and NotAfter are required.
	NotBefore, NotAfter time.Time
	// Seed is what the key is derived from; "" means "leaf:" followed by
	// the URIs and DNS names. Key, when set, is used instead.
	Seed string
	Key  *ecdsa.PrivateKey
	// Serial; zero means one derived from the seed.
	Serial int64
}

// Leaf is an issued leaf certificate with its key.
type Leaf struct {
	Cert *x509.Certificate
	Key  *ecdsa.PrivateKey
	// Chain is what the leaf's owner sends in TLS: the leaf, then the
	// intermediates of its CA. The root is not included.
	Chain []*x509.Certificate
}

// NewLeaf issues a leaf from ca, or a self-signed leaf when ca is nil.
func NewLeaf(ca *CA, spec LeafSpec) (*Leaf, error) {
	if spec.NotBefore.IsZero() || spec.NotAfter.IsZero() {
		return nil, errors.New("mtlstest: leaf validity period is required")
	}
	seed := spec.Seed
	if seed == "" {
		seed = "leaf:" + strings.Join(spec.URIs, ",") + ";" + strings.Join(spec.DNSNames, ",")
	}
	key := spec.Key
	if key == nil {
		var err error
		if key, err = DeriveKey(seed); err != nil {
			return nil, err
		}
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(spec.Serial, seed),
		Subject:               pkix.Name{Country: []string{"US"}, Organization: []string{"SPIRE"}},
		NotBefore:             spec.NotBefore,
		NotAfter:              spec.NotAfter,
		KeyUsage:              spec.KeyUsage,
		ExtKeyUsage:           spec.EKU,
		DNSNames:              spec.DNSNames,
		BasicConstraintsValid: true,
		IsCA:                  spec.IsCA,
	}
	if tmpl.KeyUsage == 0 {
		tmpl.KeyUsage = SPIREKeyUsage
	}
	switch {
	case spec.NoEKU:
		tmpl.ExtKeyUsage = nil
	case tmpl.ExtKeyUsage == nil:
		tmpl.ExtKeyUsage = SPIREExtKeyUsage()
	}
	for _, s := range spec.URIs {
		u, err := parseURI(s)
		if err != nil {
			return nil, err
		}
		tmpl.URIs = append(tmpl.URIs, u)
	}
	parent, signer := tmpl, key
	if ca != nil {
		parent, signer = ca.Cert, ca.Key
	}
	cert, err := create(tmpl, parent, &key.PublicKey, signer)
	if err != nil {
		return nil, err
	}
	leaf := &Leaf{Cert: cert, Key: key, Chain: []*x509.Certificate{cert}}
	if ca != nil {
		leaf.Chain = append(leaf.Chain, ca.Chain...)
	}
	return leaf, nil
}

// TLSCertificate returns the leaf as a tls.Certificate: its chain and key.
func (l *Leaf) TLSCertificate() tls.Certificate {
	c := tls.Certificate{PrivateKey: l.Key, Leaf: l.Cert}
	for _, cert := range l.Chain {
		c.Certificate = append(c.Certificate, cert.Raw)
	}
	return c
}

// TrustStore returns a store that trusts each CA's root for the CA's trust
// domain. Several CAs of one trust domain add up.
func TrustStore(cas ...*CA) *wimse.TrustStore {
	s := wimse.NewTrustStore()
	roots := map[wimse.TrustDomain][]*x509.Certificate{}
	var order []wimse.TrustDomain
	for _, ca := range cas {
		if _, ok := roots[ca.TrustDomain]; !ok {
			order = append(order, ca.TrustDomain)
		}
		roots[ca.TrustDomain] = append(roots[ca.TrustDomain], ca.Root)
	}
	for _, td := range order {
		s.Set(td, wimse.Anchors{X509Roots: roots[td]})
	}
	return s
}

// DeriveKey returns the P-256 key whose scalar is HKDF-SHA256 of seed (info
// "wimse mtlstest p256", with a counter appended in the negligible case that
// the output is not a valid scalar).
func DeriveKey(seed string) (*ecdsa.PrivateKey, error) {
	for i := 0; i < 16; i++ {
		info := "wimse mtlstest p256"
		if i > 0 {
			info += fmt.Sprint(i)
		}
		b, err := hkdf.Key(sha256.New, []byte(seed), nil, info, 32)
		if err != nil {
			return nil, fmt.Errorf("mtlstest: derive key: %w", err)
		}
		if k, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), b); err == nil {
			return k, nil
		}
	}
	return nil, errors.New("mtlstest: derive key: no valid scalar")
}

// serial returns n, or when n is zero a positive 63-bit number derived
// from seed.
func serial(n int64, seed string) *big.Int {
	if n != 0 {
		return big.NewInt(n)
	}
	h := sha256.Sum256([]byte("serial:" + seed))
	v := new(big.Int).SetBytes(h[:8])
	v.Rsh(v, 1)
	return v.Add(v, big.NewInt(1))
}

// parseURI parses s and checks that it marshals back to s unchanged, so
// that the certificate carries exactly the bytes asked for.
func parseURI(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("mtlstest: uri %q: %w", s, err)
	}
	if u.String() != s {
		return nil, fmt.Errorf("mtlstest: uri %q would be written as %q", s, u.String())
	}
	return u, nil
}

// create signs tmpl with deterministic ECDSA and returns the parsed
// certificate.
func create(tmpl, parent *x509.Certificate, pub *ecdsa.PublicKey, priv *ecdsa.PrivateKey) (*x509.Certificate, error) {
	der, err := x509.CreateCertificate(nil, tmpl, parent, pub, deterministic{priv})
	if err != nil {
		return nil, fmt.Errorf("mtlstest: create certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("mtlstest: parse certificate: %w", err)
	}
	return cert, nil
}

// deterministic is a crypto.Signer that signs with RFC 6979 deterministic
// ECDSA ((*ecdsa.PrivateKey).Sign with a nil reader) whatever reader it is
// given.
type deterministic struct{ k *ecdsa.PrivateKey }

func (d deterministic) Public() crypto.PublicKey { return &d.k.PublicKey }

func (d deterministic) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	return d.k.Sign(nil, digest, opts)
}
