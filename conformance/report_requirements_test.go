package conformance

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wimse-wg/wimse/vectors"
)

func TestRequirementsFor(t *testing.T) {
	reqs := map[string]vectors.Requirement{
		"WPT-EXP": {ID: "WPT-EXP", Doc: "draft-ietf-wimse-wpt-02", Section: "2", Level: vectors.MUST, Text: "exp is present and not passed"},
		"WIT-TYP": {ID: "WIT-TYP", Doc: "draft-ietf-wimse-workload-creds-02", Section: "5.1.1", Level: vectors.MUST, Text: "typ is wit+jwt"},
		"UNUSED":  {ID: "UNUSED", Level: vectors.SHOULD, Text: "not cited"},
	}
	results := []Result{
		{ID: "a", Requirements: []string{"WPT-EXP", "WIT-TYP"}},
		{ID: "b", Requirements: []string{"WIT-TYP", "NO-TEXT", ""}},
		{ID: "c"},
	}
	want := []RequirementInfo{
		{ID: "NO-TEXT"}, // cited but unknown: listed, so that a link to it resolves
		{ID: "WIT-TYP", Level: "MUST", Doc: "draft-ietf-wimse-workload-creds-02", Section: "5.1.1", Text: "typ is wit+jwt"},
		{ID: "WPT-EXP", Level: "MUST", Doc: "draft-ietf-wimse-wpt-02", Section: "2", Text: "exp is present and not passed"},
	}
	if diff := cmp.Diff(want, requirementsFor(reqs, results)); diff != "" {
		t.Errorf("requirementsFor (-want +got):\n%s", diff)
	}
	if got := requirementsFor(reqs, nil); got != nil {
		t.Errorf("requirementsFor(no results) = %v, want nil (omitted from the JSON report)", got)
	}
}

// TestRequirementsForVectors: with the real requirements table, every
// requirement the vectors cite comes with its text.
func TestRequirementsForVectors(t *testing.T) {
	set, err := vectors.Load(vectors.FS)
	if err != nil {
		t.Fatal(err)
	}
	reqs := map[string]vectors.Requirement{}
	for _, q := range set.Requirements.Requirements {
		reqs[q.ID] = q
	}
	var results []Result
	for _, f := range set.Files {
		for _, v := range f.Tests {
			results = append(results, Result{ID: v.ID, Requirements: v.Requirements})
		}
	}
	got := requirementsFor(reqs, results)
	if len(got) == 0 {
		t.Fatal("no requirement cited by the vectors")
	}
	for i, q := range got {
		if q.Text == "" || q.Level == "" || q.Doc == "" {
			t.Errorf("requirement %s has no text, level or document: %+v", q.ID, q)
		}
		if i > 0 && got[i-1].ID >= q.ID {
			t.Errorf("not sorted: %s before %s", got[i-1].ID, q.ID)
		}
	}
}
