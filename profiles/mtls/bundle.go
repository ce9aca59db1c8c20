package mtls

import (
	"fmt"

	"github.com/spiffe/go-spiffe/v2/bundle/x509bundle"
	"github.com/spiffe/go-spiffe/v2/spiffeid"
	"github.com/wimse-wg/wimse/wimse"
)

// X509BundleSource returns trust's X.509 roots as a go-spiffe
// x509bundle.Source, so that a trust store configured for this module also
// drives go-spiffe (x509svid.Verify, spiffetls/tlsconfig) for spiffe://
// peers. It reads trust on every call, so later Set calls are seen. A trust
// domain without X.509 roots has no bundle.
//
// Every chain go-spiffe's x509svid.Verify accepts with this source,
// VerifyPeer accepts too unless it breaks a rule that x509svid.Verify does
// not check: an extended key usage without the role's purpose, a key usage
// extension without digitalSignature, or a limit of wimse.ParseID (such as
// the 2048-octet maximum) that go-spiffe does not enforce.
func X509BundleSource(trust *wimse.TrustStore) x509bundle.Source {
	return bundleSource{trust}
}

type bundleSource struct{ trust *wimse.TrustStore }

func (s bundleSource) GetX509BundleForTrustDomain(td spiffeid.TrustDomain) (*x509bundle.Bundle, error) {
	wtd, err := wimse.ParseTrustDomain(td.Name())
	if err != nil {
		return nil, fmt.Errorf("mtls: trust domain %q: %w", td.Name(), err)
	}
	a, ok := s.trust.Anchors(wtd)
	if !ok || len(a.X509Roots) == 0 {
		return nil, fmt.Errorf("mtls: no X.509 bundle for trust domain %q", td.Name())
	}
	return x509bundle.FromX509Authorities(td, a.X509Roots), nil
}
