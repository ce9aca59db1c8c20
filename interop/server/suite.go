package server

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/internal/mutant"
	"github.com/wimse-wg/wimse/tokens/wit"
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
			c.Policy.Revisions = []wimse.Revision{wimse.RevisionWPT01, wimse.RevisionWPT02,
				wimse.RevisionHTTPSig06, wimse.RevisionHTTPSig07, wimse.RevisionS2S06}
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
	{"iss required and allow-listed", func(p *conformance.Profile) { p.Issuers = []string{"https://issuer.example.org"} },
		func(c *Config) {
			td := wimse.MustParseTrustDomain(vectors.TrustDomain)
			a, _ := c.Trust.Anchors(td)
			a.Issuers = []string{"https://issuer.example.org"}
			c.Trust.Set(td, a)
		}},
	// A receiver of SPIFFE WIT-SVIDs only (the witsvid vectors).
	{"WIT-SVID profile", func(p *conformance.Profile) { p.WITSVID = true },
		func(c *Config) { c.WITProfile = wit.ProfileSVID }},
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
// in-process on loopback: the default one under conformance.DefaultProfile,
// then, for the vectors that profile leaves unsupported, one server per
// policy variant (policyVariants), each played with a conformance.Run of
// those vectors (their valid sources are played there too, so a rejection
// counts only behind a source that variant accepted) under a profile that
// declares the variant's policy. The variants' results replace the
// unsupported ones, their messages saying which variant answered. mut,
// when non-nil, disables one check in every server (the self-test's
// mutants). cfg.Target and cfg.Profile are set here.
//
// With cfg.FailFast the suite stops at its first failure: after the
// default run, or after the variant that failed.
func RunSuite(ctx context.Context, cfg conformance.Config, mut *mutant.Set) (*conformance.Report, error) {
	run, err := StartLoopback(suiteConfigure(mut, nil), nil)
	if err != nil {
		return nil, err
	}
	defer run.Close()
	if cfg.Set == nil {
		// Loaded once for the default run and every variant.
		if cfg.Set, err = vectors.Load(vectors.FS); err != nil {
			return nil, err
		}
	}
	cfg.Target = run.URL + "/path"
	cfg.Profile = conformance.DefaultProfile()
	rep, err := conformance.Run(ctx, cfg)
	if err != nil {
		return rep, err
	}
	rep.Target.InProcess = true
	if cfg.FailFast && hasFailure(rep.Results) {
		return rep, nil
	}
	for _, pv := range policyVariants {
		idx := map[string]int{}
		var ids []string
		for i, r := range rep.Results {
			if r.Status == conformance.StatusUnsupported {
				idx[r.ID] = i
				ids = append(ids, r.ID)
			}
		}
		if len(ids) == 0 {
			break
		}
		prof := *cfg.Profile
		pv.profile(&prof)
		// A variant that refuses the draft played still plays the vectors
		// that test that refusal (the engine leaves the rest unsupported).
		vrep, err := playVariant(ctx, cfg, &prof, pv.server, mut, ids)
		if errors.Is(err, conformance.ErrNoVectors) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("policy variant %s: %w", pv.name, err)
		}
		note := " (played against the reference server with " + pv.name + ")"
		for _, res := range vrep.Results {
			i, asked := idx[res.ID]
			switch {
			case asked && res.Status != conformance.StatusUnsupported:
				res.Message = strings.TrimSpace(res.Message + note)
				rep.Results[i] = res
			case !asked && !passed(res.Status) && res.Status != conformance.StatusUnsupported:
				// A valid source the run added, and the variant did not
				// accept: the vectors behind it are blocked, say why.
				res.Message = strings.TrimSpace(res.Message + " (the source of vectors played against the reference server with " + pv.name + ")")
				rep.Results = append(rep.Results, res)
			}
		}
		rep.Duration += vrep.Duration
		if cfg.FailFast && hasFailure(vrep.Results) {
			break
		}
	}
	rep.Finalize()
	return rep, nil
}

// suiteConfigure configures a suite server (SuiteConfig) with mutant mut
// and then variant, when non-nil.
func suiteConfigure(mut *mutant.Set, variant func(*Config)) func(string) (Config, error) {
	return func(base string) (Config, error) {
		c, err := SuiteConfig(vectors.DefaultSeed, base)
		if err != nil {
			return c, err
		}
		mutant.Put(&c.Policy, mut)
		if variant != nil {
			variant(&c)
		}
		return c, nil
	}
}

// playVariant plays the vectors ids (and their sources) against a suite
// server configured by variant, declared by prof.
func playVariant(ctx context.Context, cfg conformance.Config, prof *conformance.Profile, variant func(*Config), mut *mutant.Set, ids []string) (*conformance.Report, error) {
	vrun, err := StartLoopback(suiteConfigure(mut, variant), nil)
	if err != nil {
		return nil, err
	}
	defer vrun.Close()
	vc := cfg
	vc.Target = vrun.URL + "/path"
	vc.Profile, vc.IDs, vc.Progress = prof, ids, nil
	if cfg.ExpectedFailures != nil {
		// Only the entries played here: the others were judged by the
		// default run (Run flags an entry it did not play).
		vc.ExpectedFailures = map[string]string{}
		for _, id := range ids {
			if why, ok := cfg.ExpectedFailures[id]; ok {
				vc.ExpectedFailures[id] = why
			}
		}
	}
	return conformance.Run(ctx, vc)
}

// hasFailure reports whether a result failed (fail or xpass): what stops
// a FailFast run.
func hasFailure(results []conformance.Result) bool {
	return slices.ContainsFunc(results, func(r conformance.Result) bool {
		return r.Status == conformance.StatusFail || r.Status == conformance.StatusXPass
	})
}

// passed reports whether a status counts as passed (pass, warn, xfail).
func passed(s conformance.Status) bool {
	return s == conformance.StatusPass || s == conformance.StatusWarn || s == conformance.StatusXFail
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
		mutant.Put(&c.Policy, mut)
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
