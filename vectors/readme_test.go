package vectors_test

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/wimse-wg/wimse/vectors"
)

var updateReadme = flag.Bool("update-readme", false, "rewrite the generated tables of v1/README.md")

// TestReadmeTables keeps the tables of v1/README.md (vector counts per
// file, the requirements table) equal to the committed files. Run
// go test ./vectors -run TestReadmeTables -update-readme after a change.
func TestReadmeTables(t *testing.T) {
	const path = "v1/README.md"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := loadSet(t)
	text := string(b)
	for _, sec := range []struct{ name, body string }{
		{"counts", countsTable(s)},
		{"requirements", requirementsTable(s)},
	} {
		begin, end := "<!-- "+sec.name+":begin -->\n", "<!-- "+sec.name+":end -->"
		i, j := strings.Index(text, begin), strings.Index(text, end)
		if i < 0 || j < i {
			t.Fatalf("%s has no %s…%s section", path, strings.TrimSpace(begin), end)
		}
		text = text[:i+len(begin)] + sec.body + text[j:]
	}
	if text == string(b) {
		return
	}
	if *updateReadme {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s is out of date: run go test ./vectors -run TestReadmeTables -update-readme", path)
}

// countsTable is one row per vector file: vectors by result, and request
// vectors by draft.
func countsTable(s *vectors.Set) string {
	drafts := []string{"wpt-01", "wpt-02", vectors.Sig07, vectors.Sig06}
	var b strings.Builder
	b.WriteString("| file | vectors | valid | acceptable | invalid |")
	for _, d := range drafts {
		b.WriteString(" " + d + " |")
	}
	b.WriteString("\n|---|--:|--:|--:|--:|" + strings.Repeat("--:|", len(drafts)) + "\n")
	total := 0
	for _, f := range s.Files {
		n := map[string]int{}
		for _, v := range f.Tests {
			n[v.Result]++
			for _, d := range v.Drafts {
				n[d]++
			}
		}
		total += len(f.Tests)
		fmt.Fprintf(&b, "| `%s.json` | %d | %d | %d | %d |", f.Group, len(f.Tests), n[vectors.ResultValid], n[vectors.ResultAcceptable], n[vectors.ResultInvalid])
		for _, d := range drafts {
			fmt.Fprintf(&b, " %d |", n[d])
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "| all | %d |%s\n", total, strings.Repeat(" |", 3+len(drafts)))
	return b.String()
}

// requirementsTable is one row per requirement, in the order of
// requirements.json, with the number of vectors citing it.
func requirementsTable(s *vectors.Set) string {
	cited := map[string]int{}
	for _, v := range s.Vectors() {
		for _, r := range slices.Compact(slices.Sorted(slices.Values(v.Requirements))) {
			cited[r]++
		}
	}
	var b strings.Builder
	b.WriteString("| ID | level | document | § | requirement | vectors |\n|---|---|---|---|---|--:|\n")
	for _, r := range s.Requirements.Requirements {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %d |\n", r.ID, r.Level, r.Doc, r.Section, strings.ReplaceAll(r.Text, "|", `\|`), cited[r.ID])
	}
	return b.String()
}
