package server

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/vectors"
	"github.com/wimse-wg/wimse/wimse"
)

// VariantResult is the suite's verdict on one conformant policy variant of
// the reference server (FalsePositiveTest).
type VariantResult struct {
	// Name says what the variant changes.
	Name string
	// Profile is the target profile that declares the variant's policy.
	Profile *conformance.Profile
	// Reports holds one report per draft played: every draft the profile
	// declares (all four when it declares none), in the order wpt-02,
	// wpt-01, http-signature-07, http-signature-06.
	Reports []*conformance.Report
}

// Count is the number of results with status s, over every draft.
func (v VariantResult) Count(s conformance.Status) int {
	n := 0
	for _, rep := range v.Reports {
		for _, r := range rep.Results {
			if r.Status == s {
				n++
			}
		}
	}
	return n
}

// Conformant reports whether every draft's run came out conformant: no
// fail, xpass, error, blocked or skip, and something played.
func (v VariantResult) Conformant() bool {
	if len(v.Reports) == 0 {
		return false
	}
	for _, rep := range v.Reports {
		if !rep.Conformant {
			return false
		}
	}
	return true
}

// FalseAlarms lists (up to max) the results that keep the variant from
// being conformant, as "draft/id status: message": each is a false alarm
// of the suite (or a bug of the reference server) to explain.
func (v VariantResult) FalseAlarms(max int) []string {
	var out []string
	for _, rep := range v.Reports {
		for _, r := range rep.Results {
			if len(out) == max {
				return out
			}
			if r.Status == conformance.StatusUnsupported || passed(r.Status) {
				continue
			}
			msg := r.Message
			if r.Observed.Reason != "" {
				msg += " [observed reason " + r.Observed.Reason + "]"
			}
			out = append(out, fmt.Sprintf("%s/%s %s: %s", r.Draft, r.ID, r.Status, msg))
		}
	}
	return out
}

// ReasonMismatches lists (up to max; all when max < 0) the rejections
// whose reason code differs from the one the vector expects, as
// "draft/id: observed X, expected Y". FalsePositiveTest does not score reasons (a target of
// another implementation sends none), so these are not false alarms: the
// verdict is right, and the reason an equally conformant policy gives
// first differs (an algorithm refused by policy before the signature is
// checked, say). They tell where a vector's expected reason rests on the
// default policy.
func (v VariantResult) ReasonMismatches(max int) []string {
	var out []string
	for _, rep := range v.Reports {
		for _, r := range rep.Results {
			if len(out) == max {
				return out
			}
			if r.Expected.Verdict == "reject" && r.Result != vectors.ResultAcceptable && r.Expected.Reason != "" &&
				r.Observed.Reason != "" && r.Observed.Reason != r.Expected.Reason && passed(r.Status) {
				out = append(out, fmt.Sprintf("%s/%s: observed %s, expected %s", r.Draft, r.ID, r.Observed.Reason, r.Expected.Reason))
			}
		}
	}
	return out
}

// conformantVariant is a reference server with a policy other than the
// default, every one conformant to the drafts, and the profile that
// declares it.
type conformantVariant struct {
	name    string
	server  func(*Config)
	profile func(*conformance.Profile)
}

// conformantVariants are the policy variants FalsePositiveTest plays: the
// choices the drafts leave to a receiver (issue 8: clock skew, token size,
// algorithms beyond ES256, key selection without kid, iss allow-list,
// revisions), and the variants RunSuite replays unsupported vectors
// against.
var conformantVariants = func() []conformantVariant {
	td := wimse.MustParseTrustDomain(vectors.TrustDomain)
	anchors := func(c *Config, f func(*wimse.Anchors)) {
		a, _ := c.Trust.Anchors(td)
		f(&a)
		c.Trust.Set(td, a)
	}
	es256Key := func(a *wimse.Anchors) {
		a.Keys = slices.DeleteFunc(slices.Clone(a.Keys), func(k wimse.IssuerKey) bool { return k.Algorithm != "ES256" })
	}
	only := func(name string, revs ...string) conformantVariant {
		var wrevs []wimse.Revision
		for _, r := range revs {
			wrevs = append(wrevs, wimse.Revision(r))
		}
		return conformantVariant{name,
			func(c *Config) { c.Policy.Revisions = wrevs },
			func(p *conformance.Profile) { p.Revisions = revs }}
	}
	skew := func(s int) conformantVariant {
		return conformantVariant{fmt.Sprintf("clock skew %d s", s),
			func(c *Config) { c.Policy.ClockSkew = time.Duration(s) * time.Second },
			func(p *conformance.Profile) { p.ClockSkew = &s }}
	}
	size := 16 << 10
	no := false
	out := []conformantVariant{
		skew(30),
		skew(300),
		{"token limit 16 KiB", func(c *Config) { c.Policy.MaxTokenSize = size },
			func(p *conformance.Profile) { p.MaxTokenSize = &size }},
		// The server implements ES256 only: it trusts the one ES256 issuer
		// key (so it needs no kid) and accepts ES256 proofs only.
		{"ES256 only (one ES256 issuer key, ES256 proofs)",
			func(c *Config) {
				anchors(c, func(a *wimse.Anchors) {
					es256Key(a)
					a.Algorithms, a.ProofAlgorithms = []string{"ES256"}, []string{"ES256"}
				})
			},
			func(p *conformance.Profile) {
				p.IssuerAlgorithms, p.ProofAlgorithms, p.KidRequired = []string{"ES256"}, []string{"ES256"}, &no
			}},
		// The same by algorithm allow-list: the whole key bundle is
		// configured (kid still selects among six keys), ES256 only
		// verifies.
		{"ES256 only by allow-list (six issuer keys, kid required)",
			func(c *Config) {
				anchors(c, func(a *wimse.Anchors) { a.Algorithms, a.ProofAlgorithms = []string{"ES256"}, []string{"ES256"} })
			},
			func(p *conformance.Profile) {
				p.IssuerAlgorithms, p.ProofAlgorithms = []string{"ES256"}, []string{"ES256"}
			}},
		{"one issuer key, no kid required",
			func(c *Config) { anchors(c, es256Key) },
			func(p *conformance.Profile) { p.IssuerAlgorithms, p.KidRequired = []string{"ES256"}, &no }},
		{"iss required and allow-listed",
			func(c *Config) {
				anchors(c, func(a *wimse.Anchors) { a.Issuers = []string{"https://issuer.example.org"} })
			},
			func(p *conformance.Profile) { p.Issuers = []string{"https://issuer.example.org"} }},
		// One WPT carriage; HTTP signatures accepted or not.
		only("wpt-01 only (and HTTP signatures)", "wpt-01", "http-signature-07", "http-signature-06"),
		only("wpt-02 only (no HTTP signatures)", "wpt-02"),
		// A receiver of WIT-SVIDs that implements ES256 alone (one ES256
		// issuer key, ES256 proofs): the WIT-SVID profile allows RS and PS
		// too, and a receiver need not implement them.
		{"WIT-SVID profile, ES256 only",
			func(c *Config) {
				c.WITProfile = wit.ProfileSVID
				anchors(c, func(a *wimse.Anchors) {
					es256Key(a)
					a.Algorithms, a.ProofAlgorithms = []string{"ES256"}, []string{"ES256"}
				})
			},
			func(p *conformance.Profile) {
				p.WITSVID, p.IssuerAlgorithms, p.ProofAlgorithms, p.KidRequired = true, []string{"ES256"}, []string{"ES256"}, &no
			}},
	}
	for _, pv := range policyVariants {
		if !slices.ContainsFunc(out, func(v conformantVariant) bool { return v.name == pv.name }) {
			out = append(out, conformantVariant{pv.name, pv.server, pv.profile})
		}
	}
	return out
}()

// FalsePositiveTest plays the suite against conformant policy variants of
// the reference server (conformantVariants), each started in-process on
// loopback and declared by conformance.DefaultProfile changed to its
// policy, under every draft the variant declares. Every variant is
// conformant, so every run must come out conformant: a fail, blocked or
// error is a false alarm of the suite (or a bug of the server). The
// variants are judged as a target of another implementation would be:
// verdict and signalling, SHOULD-level misses failing (Strict), reason
// codes not scored (see VariantResult.ReasonMismatches). base configures
// selection and timeouts; Target, Profile, Draft, ScoreReasons, Strict and
// FailFast are set here.
func FalsePositiveTest(ctx context.Context, base conformance.Config) ([]VariantResult, error) {
	base.ScoreReasons, base.Strict, base.FailFast = false, true, false
	base.Progress = nil
	if base.Set == nil {
		var err error
		if base.Set, err = vectors.Load(vectors.FS); err != nil {
			return nil, err
		}
	}
	// Two variants in flight; each runs its own server.
	return inParallel(len(conformantVariants), 2, func(i int) (VariantResult, error) {
		return playConformantVariant(ctx, base, conformantVariants[i])
	})
}

func playConformantVariant(ctx context.Context, base conformance.Config, v conformantVariant) (VariantResult, error) {
	prof := conformance.DefaultProfile()
	v.profile(prof)
	res := VariantResult{Name: v.name, Profile: prof}
	run, err := StartLoopback(suiteConfigure(nil, v.server), nil)
	if err != nil {
		return res, err
	}
	defer run.Close()
	for _, d := range selfTestDrafts {
		if prof.Revisions != nil && !slices.Contains(prof.Revisions, d) {
			continue
		}
		cfg := base
		cfg.Target, cfg.Profile, cfg.Draft = run.URL+"/path", prof, d
		rep, err := conformance.Run(ctx, cfg)
		if errors.Is(err, conformance.ErrNoVectors) {
			continue // base's selection has nothing for this draft
		}
		if err != nil {
			return res, fmt.Errorf("false-positive test: %s under %s: %w", v.name, d, err)
		}
		rep.Target.InProcess = true
		res.Reports = append(res.Reports, rep)
	}
	return res, nil
}
