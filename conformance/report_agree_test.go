package conformance

import (
	"bytes"
	"encoding/xml"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestReportsAgree renders one report in every format and checks that the
// counts agree: the status line of the console (WriteText) and of the
// Markdown, the Markdown count table, the HTML count table, the JSON
// summary and the JUnit "statuses" property all give the same statuses, in
// the same order, with the same numbers; and every format that has the
// closing line ends with the same SummaryLine.
func TestReportsAgree(t *testing.T) {
	for name, r := range map[string]*Report{
		"fixture": reportFixture(),
		"odd status": {Results: []Result{
			{ID: "a", Status: StatusPass}, {ID: "b", Status: "bogus"}, {ID: "c", Status: ""}, {ID: "d", Status: StatusBlocked, Source: "a"},
		}},
		"empty": {},
	} {
		t.Run(name, func(t *testing.T) {
			want := r.StatusLine()
			if name == "fixture" && want != "pass 1, warn 2, xfail 1, fail 2, xpass 1, error 1, blocked 1, unsupported 1, skip 1" {
				t.Errorf("StatusLine() = %q", want)
			}
			total := 0
			for _, part := range strings.Split(want, ", ") {
				n, err := strconv.Atoi(part[strings.LastIndexByte(part, ' ')+1:])
				if err != nil {
					t.Fatalf("status line %q: %v", want, err)
				}
				total += n
			}
			if total != len(r.Results) {
				t.Errorf("status line %q adds up to %d, want %d results", want, total, len(r.Results))
			}

			// Console: the status line right above the summary line, last.
			var console bytes.Buffer
			if err := WriteText(&console, r); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(console.String(), "\n"), "\n")
			if n := len(lines); n < 2 || lines[n-2] != want || lines[n-1] != r.SummaryLine() {
				t.Errorf("console ends %q, want %q then %q", lines[max(0, n-2):], want, r.SummaryLine())
			}

			// Markdown: count table and closing lines.
			md := writeMarkdown(t, r)
			var mdRows []string
			for _, m := range regexp.MustCompile(`(?m)^\| (.+?) \| (\d+) \|$`).FindAllStringSubmatch(md, -1) {
				mdRows = append(mdRows, strings.ReplaceAll(m[1], `\`, "")+" "+m[2])
			}
			if got := strings.Join(mdRows, ", "); got != want {
				t.Errorf("Markdown count table %q, status line %q", got, want)
			}
			if !strings.HasSuffix(md, "\n"+want+"\n\n"+r.SummaryLine()+"\n") {
				t.Errorf("Markdown does not end with the status line and the summary line:\n%s", md)
			}

			// HTML: count table.
			if got := strings.Join(htmlCountRows(t, parseDOM(t, writeHTML(t, r))), ", "); got != want {
				t.Errorf("HTML count table %q, status line %q", got, want)
			}

			// JSON: summary counts in the same numbers.
			var js bytes.Buffer
			if err := WriteJSON(&js, r); err != nil {
				t.Fatal(err)
			}
			back, err := ReadJSON(&js)
			if err != nil {
				t.Fatal(err)
			}
			var jsRows []string
			for _, c := range reportCountRows(back.Summary) {
				jsRows = append(jsRows, c.Name+" "+strconv.Itoa(c.N))
			}
			if got := strings.Join(jsRows, ", "); got != want {
				t.Errorf("JSON summary %q, status line %q", got, want)
			}

			// JUnit: the run's properties carry both lines.
			var doc junitParsedSuites
			if err := xml.Unmarshal(writeJUnit(t, r), &doc); err != nil {
				t.Fatal(err)
			}
			for _, s := range doc.Suites {
				props := map[string]string{}
				for _, p := range s.Properties {
					props[p.Name] = p.Value
				}
				if props["statuses"] != want || props["summary"] != r.SummaryLine() {
					t.Errorf("JUnit suite %s: statuses %q summary %q", s.Name, props["statuses"], props["summary"])
				}
			}
		})
	}
}
