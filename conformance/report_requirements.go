package conformance

import (
	"slices"
	"strings"

	"github.com/wimse-wg/wimse/vectors"
)

// requirementsFor returns the requirements the results cite, each once,
// sorted by ID, with their text from reqs (the vector set's requirements
// table), for Report.Requirements. A cited ID missing from reqs is listed
// with its ID only, so that every link a report makes has a target.
func requirementsFor(reqs map[string]vectors.Requirement, results []Result) []RequirementInfo {
	seen := map[string]bool{}
	var out []RequirementInfo
	for _, res := range results {
		for _, id := range res.Requirements {
			if id == "" || seen[id] {
				continue
			}
			seen[id] = true
			q := reqs[id]
			out = append(out, RequirementInfo{ID: id, Level: q.Level, Doc: q.Doc, Section: q.Section, Text: q.Text})
		}
	}
	slices.SortFunc(out, func(a, b RequirementInfo) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// reportRequirementIndex maps the IDs of Report.Requirements to their
// entries.
func reportRequirementIndex(reqs []RequirementInfo) map[string]RequirementInfo {
	m := make(map[string]RequirementInfo, len(reqs))
	for _, q := range reqs {
		m[q.ID] = q
	}
	return m
}

// reportRequirementAnchor is the HTML id of a requirement's entry. The
// requirement IDs of the vectors are [A-Z0-9-]; any other byte is replaced
// so that the id stays one token.
func reportRequirementAnchor(id string) string {
	b := []byte("req-" + id)
	for i := 4; i < len(b); i++ {
		c := b[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			b[i] = '_'
		}
	}
	return string(b)
}
