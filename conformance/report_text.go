package conformance

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
)

// WriteText writes the console summary of a run, the one `wimse conformance
// run` prints:
//
//   - one line per result other than pass, the least severe first so that
//     the failures end up right above the summary: the status in capitals,
//     the vector ID and the message ("FAIL        wit-typ-jwt: expected
//     ..."), and under it, indented, what the target answered (status,
//     reason, challenge, problem detail or the start of the body) when it
//     answered;
//   - the blockers (BlockersSummary): the source vectors to fix first;
//   - the target, the verdict, the wall-clock duration and the vector-set
//     digest on one line;
//   - StatusLine: every status by name with its count, in the order of the
//     Markdown and HTML count tables;
//   - last, SummaryLine: "N passed, N failed, N skipped", for CI parsers.
//
// r itself is not modified.
func WriteText(w io.Writer, r *Report) error {
	v := reportView(r)
	var b bytes.Buffer
	idx := reportNonPassing(v.Results)
	// Least severe first; the given order within a status.
	slices.SortStableFunc(idx, func(a, c int) int {
		return reportSeverity(v.Results[c].Status) - reportSeverity(v.Results[a].Status)
	})
	for _, i := range idx {
		res := v.Results[i]
		fmt.Fprintf(&b, "%-11s %s: %s\n", strings.ToUpper(reportStatusName(res.Status)), res.ID, reportMessage(v, res))
		if res.Observed.Status != 0 {
			fmt.Fprintf(&b, "%-11s answered %s\n", "", reportObserved(res.Observed))
		}
	}
	if len(idx) > 0 {
		b.WriteByte('\n')
	}
	if s := v.BlockersSummary(); s != "" {
		b.WriteString(s)
		b.WriteByte('\n')
	}
	verdict := "NOT conformant"
	if v.Conformant {
		verdict = "conformant"
	}
	target := v.Target.URL
	if target == "" {
		target = "(none)"
	}
	if v.Target.Draft != "" {
		target += " (" + v.Target.Draft + ")"
	}
	fmt.Fprintf(&b, "target %s: %s in %s; vectors %s\n", target, verdict, reportDuration(v.Duration), mdOrNone(v.Vectors.Digest))
	b.WriteString(v.StatusLine() + "\n")
	b.WriteString(v.SummaryLine() + "\n")
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("conformance: write summary: %w", err)
	}
	return nil
}

// reportMessage is the message a report shows for a result: its own, or
// for a blocked result without one, the source it waits for.
func reportMessage(r *Report, res Result) string {
	if res.Status == StatusBlocked && res.Message == "" {
		return reportBlockedMessage(r, res)
	}
	return res.Message
}
