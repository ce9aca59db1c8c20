package wimse

import (
	"crypto"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"github.com/wimse-wg/wimse/internal/jose"
)

// IssuerKey is one trust-anchor public key of a trust domain (creds-02 §5.1.3).
type IssuerKey struct {
	// KeyID is the JWK kid; a WIT whose header has a kid selects the key
	// with the same KeyID.
	KeyID string
	// Algorithm, when non-empty, is the only alg this key verifies.
	Algorithm string
	// Public is an *ecdsa.PublicKey, ed25519.PublicKey or *rsa.PublicKey.
	Public crypto.PublicKey
}

// Anchors is what a receiver trusts for one trust domain: the WIT issuer
// keys and the X.509 roots of its certificates. Configuration binds each
// trust domain to its anchors out of band (creds-02 §5.1.3, §6.1); nothing
// here is ever fetched on the strength of a token's or certificate's
// content.
type Anchors struct {
	// Keys are the issuer keys; more than one allows rotation.
	Keys []IssuerKey
	// Algorithms restricts the WIT signature algorithms for this trust
	// domain. Nil means every supported algorithm.
	Algorithms []string
	// ProofAlgorithms restricts the proof algorithms (cnf.jwk.alg, which WPTs
	// and HTTP message signatures use) of this trust domain's workloads
	// (http-signature-07 §3.1: reject an algorithm local policy does not
	// accept for the peer's trust domain). Nil means every supported one.
	ProofAlgorithms []string
	// Issuers, when non-nil, is the allow-list of WIT iss values
	// (creds-02 §5.1.2: required when iss-based key distribution is used).
	// A WIT without iss is then rejected. Nil means iss is not checked.
	Issuers []string
	// X509Roots are the X.509 trust anchors (self-signed or not) of the
	// trust domain, against which its Workload Identity Certificates are
	// validated (creds-02 §6.1; mutual-tls-03 M2). A chain validates for a
	// trust domain only through that domain's own roots, never through
	// another domain's (issue #335). Nil means the trust domain is not
	// trusted for X.509: every certificate naming it is rejected.
	X509Roots []*x509.Certificate
}

// SelectKey picks the key for a WIT header (creds-02 §5.1.1 kid): by kid if
// the header has one, otherwise the only key. It returns an *Error with
// ReasonWITKeyUnknown when no key, or more than one, fits.
func (a *Anchors) SelectKey(kid string, hasKid bool) (IssuerKey, error) {
	if hasKid {
		for _, k := range a.Keys {
			if k.KeyID == kid {
				return k, nil
			}
		}
		return IssuerKey{}, Errorf(ReasonWITKeyUnknown, "wimse: no issuer key with kid %q", kid)
	}
	if len(a.Keys) != 1 {
		return IssuerKey{}, Errorf(ReasonWITKeyUnknown, "wimse: token has no kid and the trust domain has %d keys", len(a.Keys))
	}
	return a.Keys[0], nil
}

// TrustStore maps trust domains to their anchors. It is safe for concurrent
// use; Set replaces a domain's anchors atomically (key rotation).
type TrustStore struct {
	mu      sync.RWMutex
	domains map[TrustDomain]Anchors
}

// NewTrustStore returns an empty store: it trusts nothing.
func NewTrustStore() *TrustStore { return &TrustStore{domains: map[TrustDomain]Anchors{}} }

// Set installs the anchors of a trust domain: its own, which verify its
// WITs and certificates only (creds-02 §5.1.3). Never install one key set
// for several trust domains: an issuer of one would then speak for all
// (ParseSPIFFEBundleSet reads anchors already bound to their trust
// domains). The WIT verifier names a kid found only under another trusted
// trust domain wit.key_trust_domain.
func (s *TrustStore) Set(td TrustDomain, a Anchors) {
	a.Keys = slices.Clone(a.Keys)
	a.Algorithms = slices.Clone(a.Algorithms)
	a.ProofAlgorithms = slices.Clone(a.ProofAlgorithms)
	a.Issuers = slices.Clone(a.Issuers)
	a.X509Roots = slices.Clone(a.X509Roots)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.domains[td] = a
}

// Anchors returns the anchors of a trust domain, and whether it is trusted.
func (s *TrustStore) Anchors(td TrustDomain) (Anchors, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, ok := s.domains[td]
	return a, ok
}

// TrustDomains returns the trusted trust domains.
func (s *TrustStore) TrustDomains() []TrustDomain {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]TrustDomain, 0, len(s.domains))
	for td := range s.domains {
		out = append(out, td)
	}
	slices.SortFunc(out, func(a, b TrustDomain) int {
		switch {
		case a.String() < b.String():
			return -1
		case a.String() > b.String():
			return 1
		}
		return 0
	})
	return out
}

// ParseJWKSet reads a JWK Set (RFC 7517 §5) of issuer public keys. Every key
// must be a public asymmetric key of a supported type; a set with a private
// or symmetric key, or two keys with one kid, is an error. A JWK Set names
// no trust domain: its keys are the anchors of the one trust domain the
// caller got it for (TrustStore.Set), never of several.
func ParseJWKSet(data []byte) ([]IssuerKey, error) {
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(data, &set); err != nil {
		return nil, fmt.Errorf("wimse: jwk set: %w", err)
	}
	if len(set.Keys) == 0 {
		return nil, fmt.Errorf("wimse: jwk set has no keys")
	}
	out := make([]IssuerKey, 0, len(set.Keys))
	seen := map[string]bool{}
	for i, raw := range set.Keys {
		k, err := jose.ParsePublicJWK(raw)
		if err != nil {
			return nil, fmt.Errorf("wimse: jwk set key %d: %w", i, err)
		}
		if k.Alg != "" && !jose.IsSupported(k.Alg) {
			return nil, fmt.Errorf("wimse: jwk set key %d: alg %q is not supported", i, k.Alg)
		}
		if k.Alg != "" {
			if err := jose.CheckKey(k.Alg, k.Key); err != nil {
				return nil, fmt.Errorf("wimse: jwk set key %d: %w", i, err)
			}
		}
		if seen[k.Kid] {
			return nil, fmt.Errorf("wimse: jwk set has two keys with kid %q", k.Kid)
		}
		seen[k.Kid] = true
		out = append(out, IssuerKey{KeyID: k.Kid, Algorithm: k.Alg, Public: k.Key})
	}
	return out, nil
}
