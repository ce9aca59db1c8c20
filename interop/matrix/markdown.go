package matrix

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// WriteMarkdown writes r as DIR/matrix.md: the verdict, then one table per
// profile and draft (clients in rows, servers in columns), each cell
// linking to its evidence; for a pull-request comment or a CI step
// summary.
func WriteMarkdown(dir string, r *Result) error {
	var b strings.Builder
	verdict := "OK: every cell passed or is a known disagreement"
	if !r.OK {
		verdict = "NOT OK: some cells failed, a build failed or a known disagreement is stale"
	}
	var counts []string
	for _, s := range Statuses() {
		if n := r.Summary.Status[s]; n > 0 {
			counts = append(counts, fmt.Sprintf("%s %d", s, n))
		}
	}
	fmt.Fprintf(&b, "# WIMSE interop matrix\n\n**%s.** %d cells (%s), %d known disagreements, %.1f s; reference `%s`.\n",
		verdict, r.Summary.Cells, strings.Join(counts, ", "), r.Summary.Known, time.Duration(r.Duration).Seconds(), r.Reference)
	for _, t := range tables(r) {
		fmt.Fprintf(&b, "\n## %s · %s\n\n| client \\ server | %s |\n|---|%s\n", t.Profile, t.Draft,
			strings.Join(t.Servers, " | "), strings.Repeat("---|", len(t.Servers)))
		for _, row := range t.Rows {
			cells := make([]string, len(row.Cells))
			for i, c := range row.Cells {
				switch {
				case c == nil:
					cells[i] = "–"
				case c.Status == StatusPass:
					cells[i] = fmt.Sprintf("[pass](%s)", c.Evidence)
				case c.Known != nil:
					cells[i] = fmt.Sprintf("[%s](%s) (known: %s)", c.Status, c.Evidence, c.Known.Finding)
				default:
					cells[i] = fmt.Sprintf("**[%s](%s)**", c.Status, c.Evidence)
				}
			}
			fmt.Fprintf(&b, "| %s | %s |\n", row.Client, strings.Join(cells, " | "))
		}
	}
	for _, k := range r.Stale {
		fmt.Fprintf(&b, "\nStale known disagreement: %s → %s %s %s (%s) no longer fails.\n", k.Client, k.Server, k.Profile, k.Draft, k.Finding)
	}
	for _, bl := range r.Builds {
		if !bl.OK {
			fmt.Fprintf(&b, "\nBuild `%s` (%s) failed.\n", bl.Package, bl.Name)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "matrix.md"), []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("matrix: %w", err)
	}
	return nil
}
