package conformance

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// blockers returns the source vectors to fix first, most blocking first:
// Report.Blockers when the runner filled it, otherwise the sources named by
// the blocked results (Result.Source), each with the status it had in the
// same run under the same draft ("" when the source is not among the
// results) and the number of blocked results behind it. Blocked results
// that name no source are not counted.
func (r *Report) blockers() []Blocker {
	if len(r.Blockers) > 0 {
		return r.Blockers
	}
	type key struct{ id, draft string }
	n := map[key]int{}
	var order []key
	for _, res := range r.Results {
		if res.Status != StatusBlocked || res.Source == "" {
			continue
		}
		k := key{res.Source, res.Draft}
		if n[k] == 0 {
			order = append(order, k)
		}
		n[k]++
	}
	out := make([]Blocker, len(order))
	for i, k := range order {
		out[i] = Blocker{ID: k.id, Draft: k.draft, Blocks: n[k], Status: reportStatusOf(r.Results, k.id, k.draft)}
	}
	slices.SortStableFunc(out, func(a, b Blocker) int { return cmp.Compare(b.Blocks, a.Blocks) })
	return out
}

// reportStatusOf is the status of the result with that ID and draft, or ""
// when there is none.
func reportStatusOf(results []Result, id, draft string) Status {
	for _, res := range results {
		if res.ID == id && res.Draft == draft {
			return res.Status
		}
	}
	return ""
}

// reportSourceStatus is the status of the source a blocked result waits
// for: from Report.Blockers, else from the results.
func reportSourceStatus(r *Report, res Result) Status {
	for _, b := range r.Blockers {
		if b.ID == res.Source && (b.Draft == "" || b.Draft == res.Draft) {
			return b.Status
		}
	}
	return reportStatusOf(r.Results, res.Source, res.Draft)
}

// reportBlockedMessage says why a result is blocked, naming its source:
// "blocked: source wit-valid-es256 was not accepted (fail)".
func reportBlockedMessage(r *Report, res Result) string {
	if res.Source == "" {
		if res.Message != "" {
			return "blocked: " + res.Message
		}
		return "blocked: its valid source vector was not accepted in this run"
	}
	msg := "blocked: source " + res.Source + " was not accepted"
	if st := reportSourceStatus(r, res); st != "" {
		msg += " (" + reportStatusName(st) + ")"
	}
	return msg
}

// reportBlockersHeadline is the line above the list of blockers:
// "Fix these 2 and re-run: 57 vectors are blocked behind them". It is empty
// when there is no blocker.
func reportBlockersHeadline(bs []Blocker) string {
	if len(bs) == 0 {
		return ""
	}
	m := 0
	for _, b := range bs {
		m += b.Blocks
	}
	these, them := "these "+strconv.Itoa(len(bs)), "them"
	if len(bs) == 1 {
		these, them = "this one", "it"
	}
	vecs := strconv.Itoa(m) + " vectors are"
	if m == 1 {
		vecs = "1 vector is"
	}
	return fmt.Sprintf("Fix %s and re-run: %s blocked behind %s", these, vecs, them)
}

// BlockersSummary is the "fix these first" paragraph of the console summary
// (WriteText), also in the Markdown and HTML reports: a headline
//
//	Fix these 2 and re-run: 57 vectors are blocked behind them
//
// then one indented line per source vector, most blocking first, with its
// status and the number of vectors blocked behind it
// ("  wit-valid-es256 [wpt-02]: fail, blocks 40"). It is empty when nothing
// is blocked.
func (r *Report) BlockersSummary() string {
	bs := r.blockers()
	if len(bs) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(reportBlockersHeadline(bs))
	b.WriteByte('\n')
	for _, x := range bs {
		b.WriteString("  " + reportBlockerLine(x) + "\n")
	}
	return b.String()
}

// reportBlockerLine is one blocker as a line of text:
// "wit-valid-es256 [wpt-02]: fail, blocks 40".
func reportBlockerLine(b Blocker) string {
	name := b.ID
	if b.Draft != "" {
		name += " [" + b.Draft + "]"
	}
	st := reportStatusName(b.Status)
	if b.Status == "" {
		st = "not played"
	}
	return name + ": " + st + ", blocks " + strconv.Itoa(b.Blocks)
}
