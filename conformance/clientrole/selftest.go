package clientrole

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/internal/mutant"
	"github.com/wimse-wg/wimse/vectors"
)

// Play is one profile and draft the self-test plays.
type Play struct{ Profile, Draft string }

// Plays are every profile and draft of the client role.
var Plays = []Play{
	{vectors.ClientProfileWPT, "wpt-02"},
	{vectors.ClientProfileWPT, "wpt-01"},
	{vectors.ClientProfileHTTPSig, vectors.Sig07},
	{vectors.ClientProfileHTTPSig, vectors.Sig06},
	{vectors.ClientProfileMTLS, ""},
}

// Detection is what the client-role suite made of one client mutant.
type Detection struct {
	Check mutant.Check
	// Failed are the scenarios that failed or warned ("ID [draft]").
	Failed []string
	// Detected: at least one of them failed on a requirement of the
	// check (its message names one of Check.Requirements), not merely as a
	// side effect.
	Detected bool
}

// SelfTest plays every profile and draft with this module's own client
// (InProcess) broken by one client mutant at a time (internal/mutant
// ClientChecks), under Strict so that SHOULD-level mutants count, and
// reports which scenarios caught each. A baseline run without a mutant
// must pass everything first: otherwise SelfTest returns an error. now
// is the clock of the suite and the client.
func SelfTest(ctx context.Context, now func() time.Time) ([]Detection, error) {
	set, err := vectors.Load(vectors.FS)
	if err != nil {
		return nil, err
	}
	play := func(m *mutant.Set) (failed, messages []string, err error) {
		for _, p := range Plays {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				return nil, nil, err
			}
			rep, err := Run(ctx, Config{Profile: p.Profile, Draft: p.Draft, Listener: ln, Client: InProcess{Mutants: m},
				Strict: true, Set: set, Now: now, Timeout: 10 * time.Second})
			if err != nil {
				return nil, nil, err
			}
			for _, res := range rep.Results {
				switch res.Status {
				case conformance.StatusPass, conformance.StatusBlocked:
				case conformance.StatusFail, conformance.StatusWarn:
					failed = append(failed, res.ID+" ["+res.Draft+"]")
					messages = append(messages, res.Message)
				default:
					return nil, nil, fmt.Errorf("clientrole: self-test: %s [%s] is %s: %s", res.ID, res.Draft, res.Status, res.Message)
				}
			}
		}
		return failed, messages, nil
	}
	base, _, err := play(nil)
	if err != nil {
		return nil, err
	}
	if len(base) > 0 {
		return nil, fmt.Errorf("clientrole: self-test: the unbroken client fails %s", strings.Join(base, ", "))
	}
	var out []Detection
	for _, c := range mutant.ClientChecks() {
		failed, messages, err := play(mutant.New(c.Reason))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.Reason, err)
		}
		slices.Sort(failed)
		byRequirement := slices.ContainsFunc(messages, func(msg string) bool {
			return slices.ContainsFunc(c.Requirements, func(q string) bool { return strings.Contains(msg, q) })
		})
		out = append(out, Detection{Check: c, Failed: failed, Detected: byRequirement})
	}
	return out, nil
}

// SelfTestSummary is "K of N client mutants detected".
func SelfTestSummary(ds []Detection) string {
	k := 0
	for _, d := range ds {
		if d.Detected {
			k++
		}
	}
	return fmt.Sprintf("%d of %d client mutants detected", k, len(ds))
}
