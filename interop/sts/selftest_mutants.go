package sts

import (
	"context"
	"fmt"
	"slices"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/internal/mutant"
)

// MutantResult says whether the token endpoint vectors caught one mutant
// of the reference STS.
type MutantResult struct {
	Check mutant.Check
	// DetectedBy lists (up to five) vectors that did not pass against the
	// mutant, as "status id": fail, or warn for a check of the answer's
	// signalling (a rejection with the wrong signals is a warn).
	DetectedBy []string
}

// Detected reports whether at least one vector caught the mutant.
func (m MutantResult) Detected() bool { return len(m.DetectedBy) > 0 }

// SelfTest plays the token endpoint vectors against the reference STS with
// each check of mutant.ExchangeChecks disabled in turn, under --strict
// (a SHOULD-level check is caught by a failure too), and reports which
// mutants the vectors catch. The unmutated STS must pass first, or the
// self-test proves nothing. base configures selection and timeouts.
func SelfTest(ctx context.Context, base conformance.Config) ([]MutantResult, error) {
	base.Strict = true
	rep, err := runSuiteWithVariants(ctx, base, nil)
	if err != nil {
		return nil, err
	}
	if bad := notPassing(rep, 5); len(bad) > 0 {
		return nil, fmt.Errorf("sts: the unmutated reference STS does not pass: %v", bad)
	}
	var out []MutantResult
	for _, c := range mutant.ExchangeChecks() {
		rep, err := runSuiteWithVariants(ctx, base, mutant.New(c.Reason))
		if err != nil {
			return nil, fmt.Errorf("sts: mutant %s: %w", c.Reason, err)
		}
		out = append(out, MutantResult{Check: c, DetectedBy: notPassing(rep, 5)})
	}
	return out, nil
}

// notPassing lists up to n results that neither passed nor were
// unsupported, as "status id".
func notPassing(rep *conformance.Report, n int) []string {
	var out []string
	for _, r := range rep.Results {
		if !slices.Contains([]conformance.Status{conformance.StatusPass, conformance.StatusUnsupported}, r.Status) && len(out) < n {
			out = append(out, string(r.Status)+" "+r.ID)
		}
	}
	return out
}

// Variant is a way to deploy the in-process reference STS that a target
// profile can declare; each must come out conformant under its profile.
type Variant struct {
	Name string
	// Profile changes the default profile (SuiteProfile) to the variant's.
	Profile func(*conformance.ExchangeProfile)
	// NarrowScope deploys a policy that narrows scope overreach
	// (scopeOverreach narrow) instead of refusing it.
	NarrowScope bool
	// MultiTarget deploys a policy (and token endpoint) that issue one
	// token for two targets instead of refusing them.
	MultiTarget bool
}

// MultiTarget is the variant that issues one token for two targets, both
// in aud (digest §14.5), declared with feature multi_target instead of
// single_target.
var MultiTarget = Variant{Name: "two targets", MultiTarget: true, Profile: func(p *conformance.ExchangeProfile) {
	p.Features = append(slices.DeleteFunc(slices.Clone(p.Features), func(f string) bool { return f == "single_target" }), "multi_target")
}}

// NarrowScope is the variant whose policy narrows a scope beyond the
// grant to the part within, announced in the response (digest §14.3),
// declared with feature scope_narrow instead of scope_reject.
var NarrowScope = Variant{Name: "scopeOverreach narrow", NarrowScope: true, Profile: func(p *conformance.ExchangeProfile) {
	p.Features = append(slices.DeleteFunc(slices.Clone(p.Features), func(f string) bool { return f == "scope_reject" }), "scope_narrow")
}}

// Variants are the variants of the in-process deployment: the suite
// authenticates with client_secret_post, or with private_key_jwt (the
// suite's key), or claims no optional feature at all (only the vectors
// every token endpoint must pass are played), or the policy narrows scope
// overreach, or it issues one token for two targets.
var Variants = []Variant{
	{"client_secret_post", func(p *conformance.ExchangeProfile) { p.Client.Method = conformance.AuthClientSecretPost }, false, false},
	{"private_key_jwt", func(p *conformance.ExchangeProfile) {
		p.Client = conformance.ExchangeClient{Method: conformance.AuthPrivateKeyJWT, ClientID: SuiteClientJWT}
		p.Features = slices.DeleteFunc(slices.Clone(p.Features), func(f string) bool { return f == "client_secret_post" })
	}, false, false},
	{"no optional feature", func(p *conformance.ExchangeProfile) { p.Features = nil }, false, false},
	NarrowScope,
	MultiTarget,
}

// RunVariant plays the token endpoint vectors against the in-process
// reference STS under a variant's profile.
func RunVariant(ctx context.Context, cfg conformance.Config, v Variant) (*conformance.Report, error) {
	return runSuite(ctx, cfg, suiteSetup{narrow: v.NarrowScope, multi: v.MultiTarget, profile: v.Profile})
}
