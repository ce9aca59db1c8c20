package conformance

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Statuses in the order reports show them: first the three that count as
// passed, then the three that count as failed, then the three that count as
// skipped (see SummaryLine). StatusLine, the console, the Markdown and the
// HTML count tables all list them in this order.
var reportStatusOrder = []Status{
	StatusPass, StatusWarn, StatusXFail,
	StatusFail, StatusXPass, StatusError,
	StatusBlocked, StatusUnsupported, StatusSkip,
}

// reportBucket says which of the three SummaryLine numbers a status adds to:
//
//	passed  = pass + warn + xfail
//	failed  = fail + xpass + error (and any status this package does not know)
//	skipped = skip + unsupported + blocked
//
// warn is a right verdict with wrong signalling (or a SHOULD missed without
// --strict) and xfail is a failure the user's expected-failures file
// accepts: neither breaks conformance, so both count as passed. An xpass is
// an expected failure that no longer fails: the ratchet must be tightened, so
// it counts as failed, like an infrastructure error (no verdict was reached).
// unsupported, blocked and skip are neither passes nor failures (blocked: a
// negative vector whose source was not accepted could not be judged). An
// unknown status is counted as failed so that nothing unknown can read as a
// pass.
func reportBucket(s Status) string {
	switch s {
	case StatusPass, StatusWarn, StatusXFail:
		return "passed"
	case StatusSkip, StatusUnsupported, StatusBlocked:
		return "skipped"
	default:
		return "failed"
	}
}

// reportSeverity orders results in the Markdown and HTML problem lists: the
// ones that break conformance first, then those that leave it incomplete,
// then those that pass with a remark, then passes.
func reportSeverity(s Status) int {
	switch s {
	case StatusFail:
		return 0
	case StatusXPass:
		return 1
	case StatusError:
		return 2
	case StatusBlocked:
		return 3
	case StatusUnsupported:
		return 4
	case StatusSkip:
		return 5
	case StatusWarn:
		return 6
	case StatusXFail:
		return 7
	case StatusPass:
		return 8
	default: // unknown: as bad as a failure, listed right after them
		return 2
	}
}

// Finalize makes the report ready to publish, in place:
//
//   - it removes the userinfo ("user:password@") of every URL the report
//     carries: Target.URL and each Request.URL, and of URLs quoted in the
//     free text the runner writes (Reproduce, Message, Observed.Error,
//     ExpectedFailure, Target.Audience), so that no renderer, JSON included,
//     can print a credential given in --target;
//   - it fills Summary: Total is len(Results), Counts has one entry for each
//     of the nine statuses (zero included, so consumers can rely on every key)
//     plus one for any other status found;
//   - it sets Conformant: true only if at least one result is in the claimed
//     profile and every such result is pass, warn or xfail. Any fail, xpass,
//     error, blocked or skip makes the run non-conformant. unsupported results are
//     outside the claimed profile (the target's profile declared them so)
//     and neither make nor break conformance. The runner leaves unselected
//     vectors out of Results, so a skip that is present is one inside the
//     claimed profile (a skip must never look like a pass). A run with no
//     results in the claimed profile is not
//     conformant: nothing was shown (exit code 5, nothing matched).
//
// Finalize is idempotent. It never reorders Results. The Write* renderers
// render a finalized copy, so they are safe on a report nobody finalized,
// and they do not modify their argument.
func (r *Report) Finalize() {
	r.Target.URL = redactURL(r.Target.URL)
	r.Target.Audience = redactText(r.Target.Audience)
	counts := make(map[Status]int, len(reportStatusOrder))
	for _, s := range reportStatusOrder {
		counts[s] = 0
	}
	conformant, claimed := true, 0
	for i := range r.Results {
		res := &r.Results[i]
		res.Reproduce = redactText(res.Reproduce)
		res.Message = redactText(res.Message)
		res.Observed.Error = redactText(res.Observed.Error)
		res.ExpectedFailure = redactText(res.ExpectedFailure)
		if res.Request != nil {
			res.Request.URL = redactURL(res.Request.URL)
		}
		counts[res.Status]++
		if res.Status == StatusUnsupported {
			continue
		}
		claimed++
		if reportBucket(res.Status) != "passed" { // blocked and skip included
			conformant = false
		}
	}
	r.Summary = Summary{Total: len(r.Results), Counts: counts}
	r.Blockers = blockersOf(r.Results)
	r.Conformant = conformant && claimed > 0
}

// SummaryLine is the one line a console, a Markdown summary and an HTML page
// end (or start) with: exactly "N passed, N failed, N skipped", where
//
//	passed  = pass + warn + xfail
//	failed  = fail + xpass + error (+ any unknown status)
//	skipped = skip + unsupported + blocked
//
// The three numbers always add up to the number of results. It counts the
// Results themselves, so it is right even before Finalize. CI parsers read
// this line: its shape never changes. StatusLine, printed right above it,
// gives every status by name.
func (r *Report) SummaryLine() string {
	var passed, failed, skipped int
	for _, res := range r.Results {
		switch reportBucket(res.Status) {
		case "passed":
			passed++
		case "skipped":
			skipped++
		default:
			failed++
		}
	}
	return strconv.Itoa(passed) + " passed, " + strconv.Itoa(failed) + " failed, " + strconv.Itoa(skipped) + " skipped"
}

// StatusLine gives every status by name with its count, in the order of the
// count tables of the Markdown and HTML reports, for example
//
//	pass 212, warn 3, xfail 0, fail 1, xpass 0, error 0, blocked 5, unsupported 9, skip 0
//
// followed by any status this package does not know (sorted). Every status
// of the vocabulary is named, zero included; the numbers add up to the
// number of results. Like SummaryLine it counts the Results themselves.
func (r *Report) StatusLine() string {
	rows := reportCountRows(Summary{Counts: reportCounts(r.Results)})
	parts := make([]string, len(rows))
	for i, c := range rows {
		parts[i] = c.Name + " " + strconv.Itoa(c.N)
	}
	return strings.Join(parts, ", ")
}

// reportCounts counts results per status: one entry for each status of the
// vocabulary (zero included) and one for any other status found.
func reportCounts(results []Result) map[Status]int {
	counts := make(map[Status]int, len(reportStatusOrder))
	for _, s := range reportStatusOrder {
		counts[s] = 0
	}
	for _, res := range results {
		counts[res.Status]++
	}
	return counts
}

// reportView returns a finalized deep copy of r, leaving r untouched: every
// renderer works from it.
func reportView(r *Report) *Report {
	v := *r
	v.Blockers = slices.Clone(r.Blockers)
	v.Requirements = slices.Clone(r.Requirements)
	v.Results = make([]Result, len(r.Results))
	for i, res := range r.Results {
		res.Requirements = slices.Clone(res.Requirements)
		res.Levels = slices.Clone(res.Levels)
		res.Flags = slices.Clone(res.Flags)
		res.Labels = slices.Clone(res.Labels)
		if res.Request != nil {
			req := *res.Request
			req.Fields = slices.Clone(req.Fields)
			res.Request = &req
		}
		v.Results[i] = res
	}
	v.Finalize()
	return &v
}

// reportUserinfo matches the scheme, "//" and userinfo of a URL: the
// userinfo runs from "//" to the last "@" before the authority ends (at "/",
// "?", "#", white space, a quote or an angle bracket).
var reportUserinfo = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.\-]*://)[^/?#\s"'<>` + "`" + `]*@`)

// redactURL returns the URL u without its userinfo:
// "https://user:pass@host/x" becomes "https://host/x". Everything else is
// kept byte for byte (no parsing and re-encoding), and a string that is not
// a URL with userinfo is returned unchanged. Every report format prints URLs
// through it (Finalize applies it, and every renderer renders a finalized
// copy).
func redactURL(u string) string {
	return redactText(u)
}

// redactText removes the userinfo of every URL quoted in free text, for
// example in a reproduce command or in an error message from net/http.
func redactText(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	return reportUserinfo.ReplaceAllString(s, "$1")
}

// reportTestName is the name a result goes by in JUnit and the tables:
// "ID [draft]", the draft keeping apart one vector played under two drafts.
// It is never empty.
func reportTestName(res Result, index int) string {
	id := res.ID
	if strings.TrimSpace(id) == "" {
		id = "result-" + strconv.Itoa(index+1)
	}
	if res.Draft == "" {
		return id
	}
	return id + " [" + res.Draft + "]"
}

// reportGroup is res.Group, or "ungrouped" when it is empty.
func reportGroup(res Result) string {
	if strings.TrimSpace(res.Group) == "" {
		return "ungrouped"
	}
	return res.Group
}

// reportExpected says in one line what the vector expected.
func reportExpected(e Expected) string {
	var parts []string
	if e.Verdict != "" {
		parts = append(parts, e.Verdict)
	}
	if e.Status != 0 {
		parts = append(parts, strconv.Itoa(e.Status))
	}
	if e.Reason != "" {
		parts = append(parts, e.Reason)
	}
	if e.WWWAuthenticate != "" {
		parts = append(parts, "WWW-Authenticate: "+e.WWWAuthenticate)
	}
	return strings.Join(parts, ", ")
}

// reportObserved says in one line what the target answered: status,
// reason, problem type, challenge, problem detail or the start of the body,
// and the infrastructure error.
func reportObserved(o Observed) string {
	var parts []string
	if o.Status != 0 {
		parts = append(parts, strconv.Itoa(o.Status))
	}
	if o.Reason != "" {
		parts = append(parts, o.Reason)
	}
	if o.ProblemType != "" {
		parts = append(parts, o.ProblemType)
	}
	if o.WWWAuthenticate != "" {
		parts = append(parts, "WWW-Authenticate: "+o.WWWAuthenticate)
	}
	if o.Detail != "" {
		parts = append(parts, "detail: "+strconv.Quote(o.Detail))
	}
	if o.Body != "" {
		parts = append(parts, "body: "+strconv.Quote(o.Body))
	}
	if o.Error != "" {
		parts = append(parts, "error: "+o.Error)
	}
	return strings.Join(parts, ", ")
}

// reportAnswer is the short form of what the target answered, for the
// one-line summary of a report entry: the status and the first of the
// problem reason, the problem detail and the start of the body, on one line
// (`401 wit.expired`, `400 "typ must be wpt+jwt"`), or "no answer: ..." for
// an infrastructure error. It is empty when nothing was sent (unsupported,
// skip, a blocked vector that was not played).
func reportAnswer(o Observed) string {
	switch {
	case o.Error != "":
		return "no answer: " + o.Error
	case o.Status == 0:
		return ""
	}
	s := strconv.Itoa(o.Status)
	switch {
	case o.Reason != "":
		s += " " + o.Reason
	case o.Detail != "":
		s += " " + reportOneLine(o.Detail)
	case o.Body != "":
		s += " " + reportOneLine(o.Body)
	}
	return s
}

// reportOneLine quotes text from the target on one line: white space and
// control characters collapse to single spaces.
func reportOneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return `"` + strings.Join(strings.Fields(s), " ") + `"`
}

// reportRequirements lists the requirement IDs with their levels:
// "R1 (MUST), R2 (SHOULD)".
func reportRequirements(res Result) string {
	parts := make([]string, len(res.Requirements))
	for i, req := range res.Requirements {
		parts[i] = req
		if i < len(res.Levels) && res.Levels[i] != "" {
			parts[i] += " (" + res.Levels[i] + ")"
		}
	}
	return strings.Join(parts, ", ")
}

// reportDuration prints a duration rounded for people.
func reportDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "0s"
	case d < time.Millisecond:
		return d.Round(time.Microsecond).String()
	default:
		return d.Round(time.Millisecond).String()
	}
}

// reportNonPassing returns the results that are not pass, ordered by
// severity (reportSeverity), keeping the given order within a status.
func reportNonPassing(results []Result) []int {
	var idx []int
	for i, res := range results {
		if res.Status != StatusPass {
			idx = append(idx, i)
		}
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		return reportSeverity(results[a].Status) - reportSeverity(results[b].Status)
	})
	return idx
}

// reportCountRows lists the statuses with their counts in display order,
// followed by any status this package does not know (sorted). StatusLine
// and the Markdown and HTML count tables are made from it, so they agree.
func reportCountRows(s Summary) []reportCount {
	rows := make([]reportCount, 0, len(s.Counts))
	for _, st := range reportStatusOrder {
		rows = append(rows, reportCount{Status: st, Name: string(st), N: s.Counts[st]})
	}
	var extra []Status
	for st := range s.Counts {
		if !slices.Contains(reportStatusOrder, st) {
			extra = append(extra, st)
		}
	}
	slices.Sort(extra)
	for _, st := range extra {
		rows = append(rows, reportCount{Status: st, Name: reportStatusName(st), N: s.Counts[st]})
	}
	return rows
}

type reportCount struct {
	Status Status
	// Name is the status as printed: "(empty)" for an empty status.
	Name string
	N    int
}

// reportStatusName is a status as reports print it; an empty status (a
// result nobody scored) would otherwise print as nothing.
func reportStatusName(s Status) string {
	if s == "" {
		return "(empty)"
	}
	return string(s)
}

// reportVerdict is the human verdict, the badge of the HTML page, with the
// count of every status other than pass, most severe first:
// "not conformant (2 fail, 1 blocked, 3 warn)", "conformant (3 warn)",
// "conformant".
func reportVerdict(r *Report) string {
	if len(r.Results) == 0 {
		return "not conformant: no results"
	}
	rows := reportCountRows(r.Summary)
	slices.SortStableFunc(rows, func(a, b reportCount) int {
		return reportSeverity(a.Status) - reportSeverity(b.Status)
	})
	var counts []string
	for _, c := range rows {
		if c.N > 0 && c.Status != StatusPass {
			counts = append(counts, strconv.Itoa(c.N)+" "+c.Name)
		}
	}
	verdict := "not conformant"
	if r.Conformant {
		verdict = "conformant"
	}
	if len(counts) == 0 {
		return verdict
	}
	return verdict + " (" + strings.Join(counts, ", ") + ")"
}
