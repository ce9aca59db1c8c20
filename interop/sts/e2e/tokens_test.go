package e2e_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/url"
	"os"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/tokens/accesstoken"
	"github.com/wimse-wg/wimse/tokens/confirmation"
	"github.com/wimse-wg/wimse/wimse"
)

// jwks is a JWK Set as served, members kept raw.
type jwks struct {
	Keys []map[string]any `json:"keys"`
}

// kids are the key IDs in order.
func (s jwks) kids() []string {
	var out []string
	for _, k := range s.Keys {
		kid, _ := k["kid"].(string)
		out = append(out, kid)
	}
	return out
}

// fetchJWKS reads the published JWK Set, raw and parsed.
func (dep *deployment) fetchJWKS() (jwks, []wimse.IssuerKey) {
	GinkgoHelper()
	var set jwks
	dep.getJSON(dep.url("/jwks.json"), &set)
	raw, err := json.Marshal(set)
	Expect(err).NotTo(HaveOccurred())
	keys, err := wimse.ParseJWKSet(raw)
	Expect(err).NotTo(HaveOccurred())
	return set, keys
}

// verify verifies an issued access token with the JWK Set the server
// publishes now, as a resource server of aud would (RFC 9068 §4), and
// with proof as what the presenter proved (nil: bearer).
func (dep *deployment) verify(raw, aud string, proof confirmation.Proof) (*accesstoken.Token, error) {
	_, keys := dep.fetchJWKS()
	trust := wimse.NewTrustStore()
	trust.Set(wimse.MustParseTrustDomain("sts.test"), wimse.Anchors{Keys: keys, Issuers: []string{dep.d.Issuer}})
	v := &accesstoken.Verifier{Trust: trust, Audiences: []string{aud}}
	return v.Verify(raw, proof)
}

// anyBinding accepts any cnf: for specs that check the binding themselves.
func anyBinding(confirmation.Claim) error { return nil }

// header is the JOSE header of a compact JWS, unverified.
func header(raw string) jose.Header {
	GinkgoHelper()
	t, err := jose.Parse(raw, wimse.DefaultMaxTokenSize)
	Expect(err).NotTo(HaveOccurred())
	return t.Header
}

// tamper changes one claim of a compact JWS and keeps the old signature.
func tamper(raw, claim string, value any) string {
	GinkgoHelper()
	parts := strings.Split(raw, ".")
	Expect(parts).To(HaveLen(3))
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	Expect(err).NotTo(HaveOccurred())
	var claims map[string]any
	Expect(json.Unmarshal(payload, &claims)).To(Succeed())
	claims[claim] = value
	payload, err = json.Marshal(claims)
	Expect(err).NotTo(HaveOccurred())
	parts[1] = base64.RawURLEncoding.EncodeToString(payload)
	return strings.Join(parts, ".")
}

// newKey generates an ES256 key.
func newKey() *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	Expect(err).NotTo(HaveOccurred())
	return k
}

// privateJWK renders a key as a private JWK file's content.
func privateJWK(k *ecdsa.PrivateKey, kid string) []byte {
	b, err := jose.PrivateJWKJSON(k, "ES256", kid)
	Expect(err).NotTo(HaveOccurred())
	return b
}

// foreignX509SVID makes an X.509-SVID for id issued by a new root that
// the deployment does not trust, and returns the chain and key PEM.
func foreignX509SVID(id string) (certPEM, keyPEM []byte) {
	now := time.Now()
	caKey, leafKey := newKey(), newKey()
	ca := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "foreign root"},
		URIs:      []*url.URL{{Scheme: "spiffe", Host: "example.org"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	Expect(err).NotTo(HaveOccurred())
	ca, err = x509.ParseCertificate(caDER)
	Expect(err).NotTo(HaveOccurred())
	u, err := url.Parse(id)
	Expect(err).NotTo(HaveOccurred())
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(2), URIs: []*url.URL{u},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, ca, &leafKey.PublicKey, caKey)
	Expect(err).NotTo(HaveOccurred())
	keyDER, err := x509.MarshalPKCS8PrivateKey(leafKey)
	Expect(err).NotTo(HaveOccurred())
	certPEM = append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leafDER}),
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})...)
	return certPEM, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
}

// readFileTrim reads a file and trims surrounding white space.
func readFileTrim(path string) (string, error) {
	b, err := os.ReadFile(path)
	return strings.TrimSpace(string(b)), err
}
