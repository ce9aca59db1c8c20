package main

import (
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/wimse-wg/wimse/wimse"
)

// trustDomainFiles splits the values of a TD=FILE flag (--trust-bundle,
// --x509-bundle, --server-trust-bundle) into trust domain and file. A bare
// FILE belongs to the only trust domain of tds; with several it is a usage
// error that shows how to name each one: anchors are bound to one trust
// domain (creds-02 §5.1.3), so a file never silently serves them all. A
// trust domain outside tds is a usage error too (tdFlag names the flag that
// declares them).
func trustDomainFiles(flag, tdFlag string, specs, tds []string) ([][2]string, error) {
	out := make([][2]string, 0, len(specs))
	for _, spec := range specs {
		td, file, ok := strings.Cut(spec, "=")
		if !ok {
			if len(tds) != 1 {
				var eg []string
				for _, name := range tds {
					eg = append(eg, flag+" "+name+"=FILE")
				}
				return nil, usageHint("name the trust domain of each bundle: "+strings.Join(eg, " "),
					"%s %s names no trust domain, and %d are trusted (%s): write %s TD=FILE, one per trust domain",
					flag, spec, len(tds), tdFlag, flag)
			}
			td, file = tds[0], spec
		}
		if _, err := wimse.ParseTrustDomain(td); err != nil {
			return nil, usageErr("%s %s: trust domain %q: %v", flag, spec, td, err)
		}
		if !slices.Contains(tds, td) {
			return nil, usageErr("%s names trust domain %q, which no %s trusts", flag, td, tdFlag)
		}
		out = append(out, [2]string{td, file})
	}
	return out, nil
}

// trust builds the trust store of --trust-domain from --trust-bundle,
// --spiffe-bundle and --x509-bundle, each anchor bound to the trust domain
// it is given for, and says whether any trust domain has X.509 roots.
func (f *verifyFlags) trust() (*wimse.TrustStore, bool, error) {
	if len(f.trustDomains) == 0 || f.audience == "" || len(f.trustBundles)+len(f.spiffeBundles)+len(f.x509Bundles) == 0 {
		return nil, false, usageErr("--trust-bundle (or --spiffe-bundle), --trust-domain and --audience are required")
	}
	anchors := map[string]*wimse.Anchors{}
	for _, name := range f.trustDomains {
		if _, err := wimse.ParseTrustDomain(name); err != nil {
			return nil, false, usageErr("--trust-domain %q: %v", name, err)
		}
		anchors[name] = &wimse.Anchors{ProofAlgorithms: f.proofAlgs}
	}
	addKeys := func(td, from string, keys []wimse.IssuerKey) error {
		a := anchors[td]
		for _, k := range keys {
			if slices.ContainsFunc(a.Keys, func(o wimse.IssuerKey) bool { return o.KeyID == k.KeyID }) {
				return usageErr("%s: trust domain %q has two issuer keys with kid %q", from, td, k.KeyID)
			}
			a.Keys = append(a.Keys, k)
		}
		return nil
	}

	bundles, err := trustDomainFiles("--trust-bundle", "--trust-domain", f.trustBundles, f.trustDomains)
	if err != nil {
		return nil, false, err
	}
	for _, b := range bundles {
		data, err := readJWKFile("--trust-bundle", b[1], true)
		if err != nil {
			return nil, false, err
		}
		keys, err := wimse.ParseJWKSet(data)
		if err != nil {
			return nil, false, usageErr("trust bundle %s: %v", b[1], err)
		}
		if err := addKeys(b[0], "--trust-bundle "+b[1], keys); err != nil {
			return nil, false, err
		}
	}

	for _, spec := range f.spiffeBundles {
		set, named, err := readSPIFFEBundles(spec)
		if err != nil {
			return nil, false, err
		}
		for _, td := range slices.SortedFunc(maps.Keys(set), func(a, b wimse.TrustDomain) int { return strings.Compare(a.String(), b.String()) }) {
			a := anchors[td.String()]
			switch {
			case a == nil && named:
				return nil, false, usageErr("--spiffe-bundle names trust domain %q, which no --trust-domain trusts", td)
			case a == nil:
				// A bundle set may carry trust domains this receiver does
				// not trust (a federation's whole set): those are left out.
				continue
			}
			if err := addKeys(td.String(), "--spiffe-bundle "+spec, set[td].Keys); err != nil {
				return nil, false, err
			}
			a.X509Roots = append(a.X509Roots, set[td].X509Roots...)
		}
	}

	x509, err := trustDomainFiles("--x509-bundle", "--trust-domain", f.x509Bundles, f.trustDomains)
	if err != nil {
		return nil, false, err
	}
	for _, b := range x509 {
		certs, err := readPEMCerts(b[1])
		if err != nil {
			return nil, false, usageErr("--x509-bundle %s: %v", b[1], err)
		}
		anchors[b[0]].X509Roots = append(anchors[b[0]].X509Roots, certs...)
	}

	store, roots := wimse.NewTrustStore(), false
	for _, name := range f.trustDomains {
		a := anchors[name]
		if len(a.Keys) == 0 && len(a.X509Roots) == 0 {
			return nil, false, usageHint("give it a bundle: --trust-bundle "+name+"=FILE, --spiffe-bundle "+name+"=FILE or --x509-bundle "+name+"=FILE",
				"trust domain %q has no issuer keys and no X.509 roots", name)
		}
		roots = roots || len(a.X509Roots) > 0
		store.Set(wimse.MustParseTrustDomain(name), *a)
	}
	return store, roots, nil
}

// readSPIFFEBundles reads one --spiffe-bundle value: TD=FILE, a SPIFFE
// bundle of TD (named is true), or a bare FILE, a bundle set that names
// its trust domains.
func readSPIFFEBundles(spec string) (set map[wimse.TrustDomain]wimse.Anchors, named bool, err error) {
	name, file, named := strings.Cut(spec, "=")
	if !named {
		file = spec
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, false, usageErr("read --spiffe-bundle: %v", err)
	}
	if !named {
		set, err := wimse.ParseSPIFFEBundleSet(data)
		if err != nil {
			return nil, false, usageHint(`a bare --spiffe-bundle FILE is a bundle set, {"spiffe://TD": bundle, ...}; one trust domain's bundle is --spiffe-bundle TD=FILE`,
				"--spiffe-bundle %s: %v", file, err)
		}
		return set, false, nil
	}
	td, err := wimse.ParseTrustDomain(name)
	if err != nil {
		return nil, true, usageErr("--spiffe-bundle %s: trust domain %q: %v", spec, name, err)
	}
	a, err := wimse.ParseSPIFFEBundle(td, data)
	if err != nil {
		return nil, true, usageErr("--spiffe-bundle %s: %v", file, err)
	}
	return map[wimse.TrustDomain]wimse.Anchors{td: a}, true, nil
}

// responseTrust trusts the issuer keys of --server-trust-bundle, each
// for its own --server-trust-domain.
func (f *runFlags) responseTrust() (*wimse.TrustStore, error) {
	if len(f.serverTDs) == 0 {
		return nil, usageErr("--server-trust-bundle needs --server-trust-domain")
	}
	specs, err := trustDomainFiles("--server-trust-bundle", "--server-trust-domain", f.serverBundles, f.serverTDs)
	if err != nil {
		return nil, err
	}
	keys := map[string][]wimse.IssuerKey{}
	for _, b := range specs {
		data, err := readJWKFile("--server-trust-bundle", b[1], true)
		if err != nil {
			return nil, err
		}
		k, err := wimse.ParseJWKSet(data)
		if err != nil {
			return nil, usageErr("--server-trust-bundle %s: %v", b[1], err)
		}
		keys[b[0]] = append(keys[b[0]], k...)
	}
	store := wimse.NewTrustStore()
	for _, name := range f.serverTDs {
		td, err := wimse.ParseTrustDomain(name)
		if err != nil {
			return nil, usageErr("--server-trust-domain %q: %v", name, err)
		}
		if len(keys[name]) == 0 {
			return nil, usageErr("--server-trust-domain %q has no --server-trust-bundle %s=FILE", name, name)
		}
		store.Set(td, wimse.Anchors{Keys: keys[name]})
	}
	return store, nil
}
