package vectors_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/internal/mutant"
	"github.com/wimse-wg/wimse/vectors"
	"github.com/wimse-wg/wimse/wimse"
)

// detection is how many vectors catch one mutant.
type detection struct {
	// vectors counts the vectors whose outcome (verdict or reason) differs
	// from the expectation under at least one draft; byVerdict those whose
	// verdict differs.
	vectors, byVerdict int
	// examples names a few detecting vectors.
	examples []string
}

// TestMutantsDetected is the conformance self-test: for every check that
// can be disabled, the offline verifier with only that check off must fail
// at least one frozen vector (verdict or reason): a request vector under
// any of its drafts, or for an mtls.* check an mtls vector of either role,
// played through profiles/mtls.VerifyPeer at the frozen time. A mutant no
// vector detects means a check the vectors do not test.
func TestMutantsDetected(t *testing.T) {
	s := loadSet(t)
	keys, err := vectors.DeriveKeys(vectors.DefaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	mtlsTrust := wimse.NewTrustStore()
	if err := vectors.AddX509Roots(mtlsTrust, s.Requirements.X509Roots); err != nil {
		t.Fatal(err)
	}
	var requests, mtlsVectors []*vectors.Vector
	for _, v := range s.Vectors() {
		switch v.Kind {
		case vectors.KindRequest:
			requests = append(requests, v)
		case vectors.KindMTLS:
			mtlsVectors = append(mtlsVectors, v)
		}
	}
	checks := mutant.Checks()
	var mu sync.Mutex
	results := map[string]detection{}
	t.Run("mutant", func(t *testing.T) {
		for _, c := range checks {
			t.Run(c.Reason, func(t *testing.T) {
				t.Parallel()
				m := mutant.New(c.Reason)
				var d detection
				judge := func(v *vectors.Vector, err error) (caught, byVerdict bool) {
					verdict := "accept"
					if err != nil {
						verdict = "reject"
					}
					if verdict != v.Expect.Verdict {
						return true, true
					}
					return string(wimse.ReasonOf(err)) != v.Expect.Reason, false
				}
				played := requests
				if strings.HasPrefix(c.Reason, "mtls.") {
					played = mtlsVectors
				}
				for _, v := range played {
					caught, byVerdict := false, false
					if v.Kind == vectors.KindMTLS {
						caught, byVerdict = judge(v, playMTLSOffline(t, v, mtlsTrust, time.Unix(vectors.FrozenNow, 0), m))
					}
					for _, draft := range v.Drafts {
						_, _, err := playOffline(t, v, draft, keys, m)
						got, bv := judge(v, err)
						caught, byVerdict = caught || got, byVerdict || bv
					}
					if caught {
						d.vectors++
						if byVerdict {
							d.byVerdict++
						}
						if len(d.examples) < 3 {
							d.examples = append(d.examples, v.ID)
						}
					}
				}
				mu.Lock()
				results[c.Reason] = d
				mu.Unlock()
				if d.vectors == 0 {
					t.Errorf("mutant %s (%s) is detected by no vector: add one to the catalogue (vectors/*_vectors.go)", c.Reason, c.Description)
				}
			})
		}
	})
	var b strings.Builder
	fmt.Fprintf(&b, "%d mutants against %d request vectors and %d mtls vectors:\n", len(checks), len(requests), len(mtlsVectors))
	for _, c := range checks {
		d := results[c.Reason]
		fmt.Fprintf(&b, "  %-32s %-6s %3d vectors detect it (%3d by verdict)  e.g. %s\n",
			c.Reason+":", c.Level, d.vectors, d.byVerdict, strings.Join(d.examples, ", "))
	}
	t.Log("\n" + b.String())
}

// TestMutantChecksTable keeps mutant.Checks consistent with the reasons and
// the requirements table: every check is a defined reason, its requirements
// exist and are cited by a vector that expects that reason, and its level
// is the strongest of theirs.
func TestMutantChecksTable(t *testing.T) {
	s := loadSet(t)
	byID := map[string]vectors.Requirement{}
	for _, r := range vectors.Requirements {
		byID[r.ID] = r
	}
	cited := map[string]map[string]bool{} // reason -> requirement IDs
	for _, v := range s.Vectors() {
		if v.Expect.Reason == "" {
			continue
		}
		if cited[v.Expect.Reason] == nil {
			cited[v.Expect.Reason] = map[string]bool{}
		}
		for _, id := range v.Requirements {
			cited[v.Expect.Reason][id] = true
		}
	}
	level := func(l string) string {
		switch l {
		case vectors.MUST, vectors.MUSTNOT:
			return mutant.MUST
		}
		return mutant.SHOULD
	}
	checks := mutant.Checks()
	if !slices.IsSortedFunc(checks, func(a, b mutant.Check) int { return strings.Compare(a.Reason, b.Reason) }) {
		t.Error("mutant.Checks is not sorted by reason")
	}
	for i, c := range checks {
		if i > 0 && checks[i-1].Reason == c.Reason {
			t.Errorf("%s is listed twice", c.Reason)
		}
		if !wimse.Reason(c.Reason).Known() {
			t.Errorf("%s is not a defined reason", c.Reason)
		}
		if !mutant.Known(c.Reason) {
			t.Errorf("mutant.Known(%s) = false", c.Reason)
		}
		if c.Description == "" || strings.Contains(c.Description, "\n") {
			t.Errorf("%s: the description must be one line", c.Reason)
		}
		if len(c.Requirements) == 0 {
			t.Errorf("%s names no requirement", c.Reason)
		}
		want := mutant.SHOULD
		for _, id := range c.Requirements {
			r, ok := byID[id]
			if !ok {
				t.Errorf("%s: unknown requirement %s", c.Reason, id)
				continue
			}
			if !cited[c.Reason][id] {
				t.Errorf("%s: no vector expecting %s cites %s", c.Reason, c.Reason, id)
			}
			if level(r.Level) == mutant.MUST {
				want = mutant.MUST
			}
		}
		if c.Level != want {
			t.Errorf("%s: level %s, want %s from its requirements", c.Reason, c.Level, want)
		}
	}
}

// TestNilMutantDisablesNothing: a policy without a mutant (the only choice
// outside this module) and one with an empty set keep every check; the same
// vector with the check disabled is accepted.
func TestNilMutantDisablesNothing(t *testing.T) {
	s := loadSet(t)
	keys, err := vectors.DeriveKeys(vectors.DefaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	var v *vectors.Vector
	for _, x := range s.Vectors() {
		if x.ID == "wpt-wth-other-wit" {
			v = x
		}
	}
	if v == nil {
		t.Fatal("vector wpt-wth-other-wit not found")
	}
	for _, draft := range v.Drafts {
		for name, m := range map[string]*mutant.Set{"nil": nil, "empty": mutant.New(), "other": mutant.New("wit.expired")} {
			_, _, err := playOffline(t, v, draft, keys, m)
			if got := wimse.ReasonOf(err); err == nil || string(got) != v.Expect.Reason {
				t.Errorf("%s, %s mutant: %v, want %s", draft, name, err, v.Expect.Reason)
			}
		}
		if _, _, err := playOffline(t, v, draft, keys, mutant.New(v.Expect.Reason)); err != nil {
			t.Errorf("%s, %s disabled: %v, want accepted", draft, v.Expect.Reason, err)
		}
	}
}
