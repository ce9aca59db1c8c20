package vectors

import "sort"

// Coverage summarises which requirements the vectors exercise.
type Coverage struct {
	Total, Negative int
	// PerDoc counts vectors per document of their requirements.
	PerDoc map[string]int
	// PerLevel counts requirements per document and level, and how many of
	// those have at least one vector: doc -> level -> [covered, total].
	PerLevel map[string]map[string][2]int
	// Missing lists requirements (MUST/MUST NOT first) without a vector.
	Missing []Requirement
}

// ComputeCoverage computes the coverage of a set.
func ComputeCoverage(s *Set) Coverage {
	c := Coverage{PerDoc: map[string]int{}, PerLevel: map[string]map[string][2]int{}}
	byID := map[string]Requirement{}
	for _, r := range s.Requirements.Requirements {
		byID[r.ID] = r
	}
	covered := map[string]bool{}
	for _, v := range s.Vectors() {
		c.Total++
		if v.IsNegative() {
			c.Negative++
		}
		docs := map[string]bool{}
		for _, id := range v.Requirements {
			covered[id] = true
			docs[byID[id].Doc] = true
		}
		for d := range docs {
			c.PerDoc[d]++
		}
	}
	for _, r := range s.Requirements.Requirements {
		m := c.PerLevel[r.Doc]
		if m == nil {
			m = map[string][2]int{}
			c.PerLevel[r.Doc] = m
		}
		x := m[r.Level]
		x[1]++
		if covered[r.ID] {
			x[0]++
		} else {
			c.Missing = append(c.Missing, r)
		}
		m[r.Level] = x
	}
	rank := func(l string) int {
		if l == MUST || l == MUSTNOT {
			return 0
		}
		return 1
	}
	sort.SliceStable(c.Missing, func(i, j int) bool { return rank(c.Missing[i].Level) < rank(c.Missing[j].Level) })
	return c
}
