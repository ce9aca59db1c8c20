package server

import (
	"context"
	"strings"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/internal/mutant"
	"github.com/wimse-wg/wimse/vectors"
	"github.com/wimse-wg/wimse/wimse"
)

// policyVariants are the reference-server policies, besides the default,
// that some vectors assume. In-process, the suite starts one server per
// variant and plays those vectors against it, so none stays unsupported.
var policyVariants = []struct {
	name    string
	profile func(*conformance.Profile)
	server  func(*Config)
}{
	{"legacy typ (s2s-06)", func(p *conformance.Profile) { p.LegacyTyp = true },
		func(c *Config) {
			c.Policy.Revisions = []wimse.Revision{wimse.RevisionWPT01, wimse.RevisionWPT02, wimse.RevisionS2S06}
		}},
	{"the wpt-02 carriage only", func(p *conformance.Profile) { p.Revisions = []string{"wpt-02"} },
		func(c *Config) { c.Policy.Revisions = []wimse.Revision{wimse.RevisionWPT02} }},
	{"the wpt-01 carriage only", func(p *conformance.Profile) { p.Revisions = []string{"wpt-01"} },
		func(c *Config) { c.Policy.Revisions = []wimse.Revision{wimse.RevisionWPT01} }},
	{"iss allow-list", func(p *conformance.Profile) { p.Issuers = []string{"https://issuer.example.org"} },
		func(c *Config) {
			td := wimse.MustParseTrustDomain(vectors.TrustDomain)
			a, _ := c.Trust.Anchors(td)
			a.Issuers = []string{"https://issuer.example.org"}
			c.Trust.Set(td, a)
		}},
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
func RunMTLSSuite(ctx context.Context, cfg conformance.Config) (*conformance.Report, error) {
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
