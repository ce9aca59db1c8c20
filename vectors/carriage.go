package vectors

import (
	"slices"
	"strings"
)

// The {{proof}} field line of a request template is the proof of
// possession in the carriage of the draft played, so that one template
// serves every proof profile:
//
//   - wpt-01: a Workload-Proof-Token field with the WPT;
//   - wpt-02 (and no draft): Authorization: WPT <jwt>;
//   - http-signature-06 and -07: a valid WIMSE message signature of that
//     revision by the WPT template's key under its algorithm (the key and
//     algorithm the WIT's cnf.jwk names in a valid vector), preceded by the
//     Content-Digest of the body when the request has one and no
//     Content-Digest field of its own. The signature (label wimse, the
//     parameters of BaseSig) covers @method, the revision's target
//     components and every field the profile requires to be covered that
//     the request carries (proofCovered), so it is valid whatever the WIT
//     under test is.

// proofCovered are the request fields an HTTP signature must cover when
// present (http-signature-07 §3.2, -06 §3), in the order a signature lists
// them.
var proofCovered = []string{"workload-identity-token", "content-type", "content-digest", "authorization", "txn-token"}

// isSigDraft reports whether draft is an HTTP signature revision.
func isSigDraft(draft string) bool { return draft == Sig06 || draft == Sig07 }

// proofFields returns the field lines of {{proof}} under the draft played,
// and whether the request is to be signed (proofSignature) once all its
// fields are known.
func (m *materializer) proofFields(wpt string) ([][2]string, bool) {
	switch {
	case m.env.Draft == "wpt-01":
		return [][2]string{{"Workload-Proof-Token", wpt}}, false
	case isSigDraft(m.env.Draft):
		body := m.t.Request.Body
		hasDigest := slices.ContainsFunc(m.t.Request.Fields, func(f [2]string) bool { return strings.EqualFold(f[0], "Content-Digest") })
		if body == "" || hasDigest {
			return nil, true
		}
		digest, _ := m.expand("{{digest}}", nil)
		return [][2]string{{"Content-Digest", digest}}, true
	}
	return [][2]string{{"Authorization", "WPT " + wpt}}, false
}

// proofSignature is the WIMSE signature {{proof}} stands for under an HTTP
// signature revision, for the request r as materialised so far.
func (m *materializer) proofSignature(r *Request) *SigTemplate {
	st := BaseSig(m.env.Draft)
	st.Components = []string{`"@method"`, `"@path"`, `"@query"`}
	if m.env.Draft == Sig06 {
		st.Components = []string{`"@method"`, `"@request-target"`}
	}
	for _, name := range proofCovered {
		if r.HasField(name) {
			st.Components = append(st.Components, `"`+name+`"`)
		}
	}
	if wpt := m.t.WPT; wpt != nil {
		st.Key, st.Alg = wpt.Key, wpt.Alg
	}
	return st
}
