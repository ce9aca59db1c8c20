package wimse

import (
	"bytes"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/spiffe/go-spiffe/v2/bundle/spiffebundle"
	"github.com/spiffe/go-spiffe/v2/spiffeid"

	"github.com/wimse-wg/wimse/internal/jose"
)

// ParseSPIFFEBundle reads the SPIFFE trust bundle of trust domain td (SPIFFE
// Trust Domain and Bundle §4: a JWK Set with spiffe_sequence,
// spiffe_refresh_hint and keys whose use is x509-svid, jwt-svid or
// wit-svid), the document a SPIFFE bundle endpoint serves, and returns td's
// anchors. The document is parsed by go-spiffe's spiffebundle; this
// function only decides what each authority is trusted for:
//
//   - X509Roots are the x509-svid authorities.
//   - Keys, the WIT issuer keys, are the wit-svid authorities (the use the
//     SPIFFE WIT-SVID profile gives WIT signing keys). A bundle without any
//     wit-svid authority contributes its jwt-svid authorities instead (the
//     bundles of SPIFFE deployments that sign WITs with their JWT-SVID
//     keys); once a trust domain publishes a wit-svid key, its jwt-svid keys
//     no longer verify WITs. The WIT's explicit typ (wit+jwt) keeps a
//     JWT-SVID signed by the same key from passing as a WIT.
//
// Every key must be a public key of a supported type and size (the checks
// of jose.CheckKey: EC P-256/384/521, RSA of at least 2048 bits, an Ed25519
// key neither of small order nor non-canonical); the key's alg is left
// open (IssuerKey.Algorithm ""), as go-spiffe does not keep it. A bundle
// that yields neither an issuer key nor an X.509 root is an error: it would
// trust the trust domain for nothing.
//
// The anchors are td's alone: install them with TrustStore.Set for td and
// no other trust domain (creds-02 §5.1.3).
func ParseSPIFFEBundle(td TrustDomain, data []byte) (Anchors, error) {
	if td.IsZero() {
		return Anchors{}, errors.New("wimse: spiffe bundle: no trust domain")
	}
	std, err := spiffeid.TrustDomainFromString(td.String())
	if err != nil {
		return Anchors{}, fmt.Errorf("wimse: spiffe bundle of %s: %w", td, err)
	}
	b, err := spiffebundle.Parse(std, data)
	if err != nil {
		return Anchors{}, fmt.Errorf("wimse: spiffe bundle of %s: %w", td, err)
	}
	return bundleAnchors(td, b)
}

// bundleAnchors applies ParseSPIFFEBundle's rules to a parsed bundle.
func bundleAnchors(td TrustDomain, b *spiffebundle.Bundle) (Anchors, error) {
	authorities := b.WITAuthorities()
	use := "wit-svid"
	if len(authorities) == 0 {
		authorities, use = b.JWTAuthorities(), "jwt-svid"
	}
	var a Anchors
	for _, kid := range slices.Sorted(maps.Keys(authorities)) {
		pub := authorities[kid]
		if err := checkBundleKey(pub); err != nil {
			return Anchors{}, fmt.Errorf("wimse: spiffe bundle of %s: %s key %q: %w", td, use, kid, err)
		}
		a.Keys = append(a.Keys, IssuerKey{KeyID: kid, Public: pub})
	}
	a.X509Roots = b.X509Authorities()
	if len(a.Keys) == 0 && len(a.X509Roots) == 0 {
		return Anchors{}, fmt.Errorf("wimse: spiffe bundle of %s has no wit-svid, jwt-svid or x509-svid authority", td)
	}
	return a, nil
}

// checkBundleKey refuses what is not a usable public verification key.
func checkBundleKey(pub crypto.PublicKey) error {
	alg := jose.AlgForKey(pub)
	if alg == "" {
		return fmt.Errorf("unsupported key type %T (a public EC, Ed25519 or RSA key is needed)", pub)
	}
	return jose.CheckKey(alg, pub)
}

// ParseSPIFFEBundleSet reads a set of SPIFFE trust bundles: one JSON object
// whose members map a trust domain, written as its SPIFFE ID
// ("spiffe://example.org", as the SPIFFE Workload API keys its bundle maps)
// or as its bare name, to that trust domain's bundle document (see
// ParseSPIFFEBundle, whose rules apply to each member). A member name that
// is not a trust domain, a trust domain named twice, an invalid bundle or
// an empty set is an error.
func ParseSPIFFEBundleSet(data []byte) (map[TrustDomain]Anchors, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("wimse: spiffe bundle set is not a JSON object of trust domain to bundle")
	}
	out := map[TrustDomain]Anchors{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("wimse: spiffe bundle set: %w", err)
		}
		name, _ := tok.(string)
		var doc json.RawMessage
		if err := dec.Decode(&doc); err != nil {
			return nil, fmt.Errorf("wimse: spiffe bundle set member %q: %w", name, err)
		}
		switch name {
		case "keys", "spiffe_sequence", "spiffe_refresh_hint":
			return nil, fmt.Errorf("wimse: spiffe bundle set has a member %q: this is one trust domain's bundle, not a set of them", name)
		}
		std, err := spiffeid.TrustDomainFromString(name)
		if err == nil && name != std.Name() && name != std.IDString() {
			err = errors.New("a SPIFFE ID with a path names a workload, not a trust domain")
		}
		if err != nil {
			return nil, fmt.Errorf("wimse: spiffe bundle set member %q is not a trust domain: %w", name, err)
		}
		td, err := ParseTrustDomain(std.Name())
		if err != nil {
			return nil, fmt.Errorf("wimse: spiffe bundle set member %q: %w", name, err)
		}
		if _, dup := out[td]; dup {
			return nil, fmt.Errorf("wimse: spiffe bundle set names trust domain %s twice", td)
		}
		a, err := ParseSPIFFEBundle(td, doc)
		if err != nil {
			return nil, err
		}
		out[td] = a
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("wimse: spiffe bundle set: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("wimse: spiffe bundle set: data after the JSON object")
	}
	if len(out) == 0 {
		return nil, errors.New("wimse: spiffe bundle set names no trust domain")
	}
	return out, nil
}
