package server

import (
	"context"
	"strings"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/internal/mutant"
	"github.com/wimse-wg/wimse/vectors"
	"github.com/wimse-wg/wimse/wimse"
)

// policyVariant is a reference-server policy besides the default, and the
// target profile that declares it.
type policyVariant struct {
	name    string
	profile func(*conformance.Profile)
	server  func(*Config)
}

// policyVariants are the reference-server policies, besides the default,
// that some vectors assume. In-process, the suite starts one server per
// variant and plays those vectors against it, so none stays unsupported.
var policyVariants = []policyVariant{
	{"legacy typ (s2s-06)", func(p *conformance.Profile) { p.LegacyTyp = true },
		func(c *Config) {
			c.Policy.Revisions = []wimse.Revision{wimse.RevisionWPT01, wimse.RevisionWPT02, wimse.RevisionS2S06}
		}},
	// Single-revision receivers: one revision of one family refused, the
	// other family untouched.
	onlyVariant("wpt-02", "wpt-01"),
	onlyVariant("wpt-01", "wpt-02"),
	onlyVariant("http-signature-07", "http-signature-06"),
	onlyVariant("http-signature-06", "http-signature-07"),
	{"proof algorithms ES256 only", func(p *conformance.Profile) { p.ProofAlgorithms = []string{"ES256"} },
		func(c *Config) {
			td := wimse.MustParseTrustDomain(vectors.TrustDomain)
			a, _ := c.Trust.Anchors(td)
			a.ProofAlgorithms = []string{"ES256"}
			c.Trust.Set(td, a)
		}},
	{"iss allow-list", func(p *conformance.Profile) { p.Issuers = []string{"https://issuer.example.org"} },
		func(c *Config) {
			td := wimse.MustParseTrustDomain(vectors.TrustDomain)
			a, _ := c.Trust.Anchors(td)
			a.Issuers = []string{"https://issuer.example.org"}
			c.Trust.Set(td, a)
		}},
}

// onlyVariant is the receiver that accepts every revision but refused.
func onlyVariant(keep, refused string) policyVariant {
	var revs []string
	var wrevs []wimse.Revision
	for _, r := range conformance.AllRevisions {
		if r != refused {
			revs = append(revs, r)
			wrevs = append(wrevs, wimse.Revision(r))
		}
	}
	return policyVariant{"only " + keep + " of its family", func(p *conformance.Profile) { p.Revisions = revs }, func(c *Config) { c.Policy.Revisions = wrevs }}
}

// RunSuite plays the conformance vectors against reference servers started
// in-process on loopback: the default one, then one per policy variant for
// the vectors the default leaves unsupported. mut, when non-nil, disables
// one check in every server (the self-test's mutants). cfg.Target and
// cfg.Profile are set here.
func RunSuite(ctx context.Context, cfg conformance.Config, mut *mutant.Set) (*conformance.Report, error) {
	configure := func(variant func(*Config)) func(string) (Config, error) {
		return func(base string) (Config, error) {
			c, err := SuiteConfig(vectors.DefaultSeed, base)
			if err != nil {
				return c, err
			}
			c.Policy.Mutant = mut
			if variant != nil {
				variant(&c)
			}
			return c, nil
		}
	}
	run, err := StartLoopback(configure(nil), nil)
	if err != nil {
		return nil, err
	}
	defer run.Close()
	cfg.Target = run.URL + "/path"
	cfg.Profile = conformance.DefaultProfile()
	rep, err := conformance.Run(ctx, cfg)
	if err != nil {
		return rep, err
	}
	rep.Target.InProcess = true
	for _, pv := range policyVariants {
		var idx []int
		var ids []string
		for i, r := range rep.Results {
			if r.Status == conformance.StatusUnsupported {
				idx, ids = append(idx, i), append(ids, r.ID)
			}
		}
		if len(ids) == 0 {
			break
		}
		vrun, err := StartLoopback(configure(pv.server), nil)
		if err != nil {
			return nil, err
		}
		vc := cfg
		vc.Target = vrun.URL + "/path"
		prof := *cfg.Profile
		pv.profile(&prof)
		vc.Profile, vc.IDs, vc.Progress = &prof, ids, nil
		r, err := conformance.NewRunner(vc)
		if err != nil {
			vrun.Close()
			return nil, err
		}
		for k, id := range ids {
			res, err := r.Play(ctx, id)
			if err != nil || res.Status == conformance.StatusUnsupported {
				continue
			}
			res.Message = strings.TrimSpace(res.Message + " (played against the reference server with " + pv.name + ")")
			rep.Results[idx[k]] = res
		}
		vrun.Close()
	}
	rep.Finalize()
	return rep, nil
}

// RunMTLSSuite plays the client-role mtls vectors against the reference
// server started in-process on loopback over TLS with the mtls profile
// only: it trusts the suite's X.509 roots (vectors.MTLSRoots, each for its
// own trust domain) and presents vectors.MTLSServerCertificate, which the
// runner checks against vectors.ServerSubject (cfg.ServerID, unless set).
// cfg.Target, cfg.Profile and cfg.Kinds are set here.
func RunMTLSSuite(ctx context.Context, cfg conformance.Config, mut *mutant.Set) (*conformance.Report, error) {
	cert, err := vectors.MTLSServerCertificate(vectors.DefaultSeed)
	if err != nil {
		return nil, err
	}
	roots, err := vectors.MTLSRoots(vectors.DefaultSeed)
	if err != nil {
		return nil, err
	}
	run, err := StartLoopbackTLS(func(base string) (Config, error) {
		c, err := SuiteConfig(vectors.DefaultSeed, base)
		if err != nil {
			return c, err
		}
		c.Profiles = []string{ProfileMTLS}
		c.Policy.Mutant = mut
		return c, vectors.AddX509Roots(c.Trust, roots)
	}, cert, nil)
	if err != nil {
		return nil, err
	}
	defer run.Close()
	cfg.Target = run.URL + "/path"
	cfg.Profile = conformance.DefaultProfile()
	cfg.Kinds = []string{vectors.KindMTLS}
	if cfg.ServerID == "" {
		cfg.ServerID = vectors.ServerSubject
	}
	rep, err := conformance.Run(ctx, cfg)
	if err != nil {
		return rep, err
	}
	rep.Target.InProcess = true
	return rep, nil
}
