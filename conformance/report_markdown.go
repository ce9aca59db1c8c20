package conformance

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// reportMarkdownCell is the longest text a Markdown table cell gets, in
// runes: the page is for a PR comment or GITHUB_STEP_SUMMARY (1 MiB at
// most); the whole evidence is in the JSON and HTML reports.
const reportMarkdownCell = 200

// WriteMarkdown writes a compact report for a PR comment or
// GITHUB_STEP_SUMMARY: the verdict with the count of every status other than
// pass, a table of counts per status (the statuses and numbers of
// StatusLine, in its order), the target, the vector-set digest and the tool
// version; the source vectors to fix first when some vectors are blocked
// (BlockersSummary); one table row per result that is not pass (failures
// first: fail, xpass, error, unknown, blocked, unsupported, skip, warn,
// xfail; given order within a status) with ID, draft, status, expected,
// observed (with the problem detail or the start of the body) and message;
// the token requests of the token endpoint results among them (mdRequests);
// the text of the requirements those results cite, when the report carries
// it (Report.Requirements); and last StatusLine and SummaryLine. Every value
// is escaped so that text from the target cannot add Markdown or HTML, and
// cut to a cell's length. r itself is not modified.
func WriteMarkdown(w io.Writer, r *Report) error {
	v := reportView(r)
	var b bytes.Buffer
	b.WriteString("## WIMSE conformance report\n\n")
	if v.Conformant {
		b.WriteString("**Verdict: conformant**\n\n")
	} else {
		fmt.Fprintf(&b, "**Verdict: %s**\n\n", mdEscape(reportVerdict(v)))
	}

	b.WriteString("| status | count |\n|---|---:|\n")
	for _, c := range reportCountRows(v.Summary) {
		fmt.Fprintf(&b, "| %s | %d |\n", mdEscape(c.Name), c.N)
	}
	fmt.Fprintf(&b, "| **total** | **%d** |\n\n", v.Summary.Total)

	target := v.Target.URL
	if target == "" {
		target = "(none)"
	}
	if v.Target.InProcess {
		target += " (reference server, in process)"
	}
	fmt.Fprintf(&b, "- Target: %s\n", mdEscape(target))
	if v.Target.Draft != "" {
		fmt.Fprintf(&b, "- Draft: %s\n", mdEscape(v.Target.Draft))
	}
	if v.Target.Strict {
		b.WriteString("- Strict: SHOULD requirements scored as MUST\n")
	}
	fmt.Fprintf(&b, "- Vectors: %s (schema %s, %d vectors)\n",
		mdEscape(mdOrNone(v.Vectors.Digest)), mdEscape(mdOrNone(v.Vectors.Schema)), v.Vectors.Count)
	fmt.Fprintf(&b, "- Tool: %s %s\n", mdEscape(mdOrNone(v.Tool.Name)), mdEscape(mdOrNone(v.Tool.Version)))
	fmt.Fprintf(&b, "- Duration: %s\n\n", reportDuration(v.Duration))

	if bs := v.blockers(); len(bs) > 0 {
		fmt.Fprintf(&b, "### %s\n\n", mdEscape(reportBlockersHeadline(bs)))
		for _, x := range bs {
			fmt.Fprintf(&b, "- %s\n", mdEscape(reportBlockerLine(x)))
		}
		b.WriteString("\n")
	}

	idx := reportNonPassing(v.Results)
	if len(idx) == 0 {
		b.WriteString("All results passed.\n\n")
	} else {
		fmt.Fprintf(&b, "### Results other than pass (%d)\n\n", len(idx))
		b.WriteString("| ID | draft | status | expected | observed | message |\n|---|---|---|---|---|---|\n")
		for _, i := range idx {
			res := v.Results[i]
			id := res.ID
			if strings.TrimSpace(id) == "" {
				id = "result-" + strconv.Itoa(i+1)
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n",
				mdCell(id), mdCell(res.Draft), mdCell(string(res.Status)),
				mdCell(reportExpected(res.Expected)), mdCell(reportObserved(res.Observed)), mdCell(reportMessage(v, res)))
		}
		b.WriteString("\n")
		mdRequests(&b, v, idx)
		mdRequirements(&b, v, idx)
	}
	b.WriteString(v.StatusLine())
	b.WriteString("\n\n")
	b.WriteString(v.SummaryLine())
	b.WriteString("\n")
	_, err := w.Write(b.Bytes())
	if err != nil {
		return fmt.Errorf("conformance: write Markdown report: %w", err)
	}
	return nil
}

// mdRequirements writes the table of the requirements the given results
// cite, with their text, when the report carries it.
func mdRequirements(b *bytes.Buffer, v *Report, idx []int) {
	cites := map[string]bool{}
	for _, i := range idx {
		for _, id := range v.Results[i].Requirements {
			cites[id] = true
		}
	}
	var cited []RequirementInfo
	for _, q := range v.Requirements { // sorted by ID
		if cites[q.ID] {
			cited = append(cited, q)
		}
	}
	if len(cited) == 0 {
		return
	}
	fmt.Fprintf(b, "### Requirements behind these results (%d)\n\n", len(cited))
	b.WriteString("| requirement | level | document | text |\n|---|---|---|---|\n")
	for _, q := range cited {
		doc := q.Doc
		if q.Section != "" {
			doc += " §" + q.Section
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", mdCell(q.ID), mdCell(q.Level), mdCell(doc), mdCell(q.Text))
	}
	b.WriteString("\n")
}

func mdOrNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// mdCell escapes s for a table cell and cuts it to reportMarkdownCell runes.
func mdCell(s string) string {
	if utf8.RuneCountInString(s) > reportMarkdownCell {
		s = string([]rune(s)[:reportMarkdownCell-1]) + "…"
	}
	if s == "" {
		return " "
	}
	return mdEscape(s)
}

// mdEscape makes s plain text in GitHub-flavoured Markdown on one line:
// line breaks become spaces and every character that could start emphasis,
// code, a link, an image, HTML, an entity, strikethrough or a table column
// is backslash-escaped (CommonMark allows a backslash before any ASCII
// punctuation).
func mdEscape(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, c := range s {
		switch c {
		case '\r', '\n', '\t':
			b.WriteByte(' ')
		case '\\', '`', '*', '_', '[', ']', '<', '>', '|', '~', '&', '#', '!':
			b.WriteByte('\\')
			b.WriteRune(c)
		default:
			if c < 0x20 || c == 0x7f {
				b.WriteRune('\uFFFD')
				continue
			}
			b.WriteRune(c)
		}
	}
	return b.String()
}
