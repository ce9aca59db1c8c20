// Package demo creates a throw-away trust domain for trying the reference
// server: an issuer key, its JWK Set, a workload key and a WIT of
// draft-ietf-wimse-workload-creds-02 for a Workload Identifier of
// draft-ietf-wimse-identifier-03. The keys are generated fresh each time and
// are for demonstrations only.
package demo

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/tokens/wpt"
	"github.com/wimse-wg/wimse/wimse"
)

// Default names of the demo trust domain.
const (
	TrustDomainName = "demo.example"
	SubjectID       = "wimse://demo.example/workload/client"
	IssuerKeyID     = "demo-issuer-1"
)

// Files are the names WriteFiles uses inside its directory.
const (
	FileIssuerKey   = "issuer.jwk"
	FileTrustBundle = "trust-bundle.jwks"
	FileWorkloadKey = "workload.jwk"
	FileWIT         = "workload.wit"
)

// TrustDomain is a generated demo trust domain with one workload.
type TrustDomain struct {
	Name        wimse.TrustDomain
	Subject     wimse.ID
	IssuerKey   crypto.Signer
	WorkloadKey crypto.Signer
}

// New generates an ES256 issuer key and an ES256 workload key.
func New() (*TrustDomain, error) {
	ik, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	wk, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	return &TrustDomain{
		Name:        wimse.MustParseTrustDomain(TrustDomainName),
		Subject:     wimse.MustParseID(SubjectID),
		IssuerKey:   ik,
		WorkloadKey: wk,
	}, nil
}

// Store returns a trust store that trusts the demo trust domain.
func (d *TrustDomain) Store() *wimse.TrustStore {
	s := wimse.NewTrustStore()
	s.Set(d.Name, wimse.Anchors{Keys: []wimse.IssuerKey{{KeyID: IssuerKeyID, Algorithm: "ES256", Public: d.IssuerKey.Public()}}})
	return s
}

// IssueWIT mints a WIT for the demo workload, valid from now for lifetime.
func (d *TrustDomain) IssueWIT(now time.Time, lifetime time.Duration) (string, error) {
	jti, err := wpt.NewID(nil)
	if err != nil {
		return "", err
	}
	s := &wit.Signer{Key: d.IssuerKey, Alg: "ES256", KeyID: IssuerKeyID}
	return s.Sign(wit.Claims{
		Subject:  d.Subject,
		Issuer:   "https://issuer." + TrustDomainName,
		ID:       jti,
		IssuedAt: now,
		Expiry:   now.Add(lifetime),
		Key:      d.WorkloadKey.Public(),
		KeyAlg:   "ES256",
	})
}

// BundleJSON returns the issuer's public key as a JWK Set.
func (d *TrustDomain) BundleJSON() ([]byte, error) {
	k, err := jose.PublicJWKJSON(d.IssuerKey.Public(), "ES256", IssuerKeyID)
	if err != nil {
		return nil, err
	}
	return json.MarshalIndent(map[string]any{"keys": []any{k}}, "", "  ")
}

// WriteFiles writes the issuer key, the trust bundle, the workload key and a
// WIT (valid for lifetime from now) into dir, private keys with mode 0600.
func (d *TrustDomain) WriteFiles(dir string, now time.Time, lifetime time.Duration) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	ik, err := jose.PrivateJWKJSON(d.IssuerKey, "ES256", IssuerKeyID)
	if err != nil {
		return err
	}
	wk, err := jose.PrivateJWKJSON(d.WorkloadKey, "ES256", "")
	if err != nil {
		return err
	}
	bundle, err := d.BundleJSON()
	if err != nil {
		return err
	}
	w, err := d.IssueWIT(now, lifetime)
	if err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		data []byte
		mode os.FileMode
	}{
		{FileIssuerKey, ik, 0o600},
		{FileWorkloadKey, wk, 0o600},
		{FileTrustBundle, bundle, 0o644},
		{FileWIT, []byte(w), 0o600},
	} {
		if err := os.WriteFile(filepath.Join(dir, f.name), append(f.data, '\n'), f.mode); err != nil {
			return fmt.Errorf("demo: write %s: %w", f.name, err)
		}
	}
	return nil
}
