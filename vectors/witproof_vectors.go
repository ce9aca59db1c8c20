package vectors

import (
	"maps"
	"slices"
)

// SigDrafts are the HTTP signature revisions, in the order a vector lists
// them after the WPT carriages.
var SigDrafts = []string{Sig07, Sig06}

// witThroughProofs plays the WIT catalogue through every proof profile: a
// vector whose request carries the proof in the {{proof}} line (every WIT
// vector but those about the absence of a proof) also applies to
// http-signature-07 and -06, where that line becomes a valid WIMSE message
// signature by the WPT's key (carriage.go). The WIT is validated before
// the proof under every draft (creds-02 §5.1, wpt-02 §2, http-signature-07
// §3.3, -06 §3), so the expected verdict and reason are those of the WPT
// carriages; the signalling is the HTTP signature profile's: 200, or 400
// without a challenge (-07 §3.6, -06 §3.5). The vector's policy accepts
// both signature revisions besides its WPT carriages.
func witThroughProofs(vs []Vector) []Vector {
	for i := range vs {
		v := &vs[i]
		if v.Kind != KindRequest || !hasProofLine(v.Template) {
			continue
		}
		v.Drafts = append(slices.Clone(v.Drafts), SigDrafts...)
		p := *v.Policy
		p.Revisions = append(slices.Clone(p.Revisions), Sig06, Sig07)
		v.Policy = &p
		v.Expect.Signal = maps.Clone(v.Expect.Signal)
		for _, d := range SigDrafts {
			if v.Expect.Verdict == "accept" {
				v.Expect.Signal[d] = Signal{Status: 200}
			} else {
				v.Expect.Signal[d] = Signal{Status: 400}
			}
		}
	}
	return vs
}

// hasProofLine reports whether a request template carries its proof in the
// {{proof}} field line.
func hasProofLine(t *Template) bool {
	return t != nil && t.Request != nil && slices.ContainsFunc(t.Request.Fields, func(f [2]string) bool { return f[0] == "{{proof}}" })
}
