package conformance

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// WriteHTML writes the report as one self-contained HTML page: no external
// asset of any kind (no stylesheet link, no script file, no font, no image;
// a Content-Security-Policy meta element forbids loading any and allows only
// the page's own inline script, by its hash). The page reads in full
// without JavaScript; the script only adds the filter.
//
// The summary comes first: the verdict badge with the count of every status
// other than pass, the summary line, the count table (the statuses and
// numbers of StatusLine, in its order), target, draft, vector-set digest,
// tool version, start time and durations (the run's wall-clock time, and
// each vector's own time). When vectors are blocked, the source vectors to
// fix first come next. Then the results other than pass, failures first:
// results with the same status and the same message are one entry ("89
// vectors: right verdict, but status 400 instead of 401") listing their IDs;
// each entry's one-line summary shows what the target answered, and each
// result opens onto expected vs observed, the vector's comment, its
// requirements (linked to their text), flags, labels, the expected-failures
// entry, the request sent and the reproduce command. Then a compact table of
// all results in the order given, and last the text of every requirement
// cited (Report.Requirements), each with an id ("req-ID") the requirement
// links point to. A filter by status and by vector group (inline
// JavaScript) applies to the entries and the table. Long values wrap. Every
// value is escaped by html/template. r itself is not modified.
func WriteHTML(w io.Writer, r *Report) error {
	v := reportView(r)
	page := htmlPage{
		R:          v,
		Verdict:    reportVerdict(v),
		Line:       v.SummaryLine(),
		StatusLine: v.StatusLine(),
		Counts:     reportCountRows(v.Summary),
		ScriptHash: reportHTMLScriptHash,
	}
	page.Name = v.Tool.Name
	if page.Name == "" {
		page.Name = "(unnamed tool)"
	}
	page.Duration = reportDuration(v.Duration)
	if !v.StartedAt.IsZero() {
		page.Started = v.StartedAt.UTC().Format(time.RFC3339)
	}
	var busy time.Duration
	for _, res := range v.Results {
		busy += max(res.Duration, 0)
	}
	if busy > 0 {
		page.Busy = reportDuration(busy)
	}
	for _, c := range page.Counts {
		if c.N > 0 {
			page.Filters = append(page.Filters, c)
		}
	}
	reqs := reportRequirementIndex(v.Requirements)
	for _, q := range v.Requirements {
		page.Requirements = append(page.Requirements, htmlRequirement{RequirementInfo: q, Anchor: reportRequirementAnchor(q.ID)})
	}
	anchors := map[[2]string]string{} // ID, draft -> anchor of its result
	all := make([]htmlResult, len(v.Results))
	groups := map[string]int{}
	for i, res := range v.Results {
		all[i] = htmlResultOf(v, res, i, reqs)
		if _, ok := anchors[[2]string{res.ID, res.Draft}]; !ok {
			anchors[[2]string{res.ID, res.Draft}] = all[i].Anchor
		}
		if groups[all[i].Group] == 0 {
			page.Groups = append(page.Groups, htmlGroup{Name: all[i].Group})
		}
		groups[all[i].Group]++
	}
	for i := range page.Groups {
		page.Groups[i].N = groups[page.Groups[i].Name]
	}
	page.All = all
	idx := reportNonPassing(v.Results)
	page.Problems = len(idx)
	page.Entries = htmlEntries(all, idx)
	if bs := v.blockers(); len(bs) > 0 {
		page.BlockersHeadline = reportBlockersHeadline(bs)
		for _, b := range bs {
			name := b.ID
			if b.Draft != "" {
				name += " [" + b.Draft + "]"
			}
			page.Blockers = append(page.Blockers, htmlBlocker{Blocker: b, Name: name,
				StatusName: reportStatusName(b.Status), Anchor: anchors[[2]string{b.ID, b.Draft}]})
		}
	}

	var b bytes.Buffer
	if err := reportHTMLTemplate.Execute(&b, page); err != nil {
		return fmt.Errorf("conformance: write HTML report: %w", err)
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("conformance: write HTML report: %w", err)
	}
	return nil
}

type htmlPage struct {
	R                *Report
	Name             string
	Verdict          string
	Line             string
	StatusLine       string
	Counts           []reportCount
	Filters          []reportCount
	Groups           []htmlGroup
	Started          string
	Duration         string
	Busy             string
	BlockersHeadline string
	Blockers         []htmlBlocker
	Problems         int
	Entries          []htmlEntry
	All              []htmlResult
	Requirements     []htmlRequirement
	ScriptHash       string
}

type htmlGroup struct {
	Name string
	N    int
}

type htmlBlocker struct {
	Blocker
	Name, StatusName, Anchor string
}

type htmlRequirement struct {
	RequirementInfo
	Anchor string
}

// htmlEntry is one entry of the list of results other than pass: the
// results with one status and one message.
type htmlEntry struct {
	Anchor  string
	Status  Status
	Message string
	// Answer is what the target answered, when all the members got the
	// same answer.
	Answer      string
	AnswersVary bool
	Members     []htmlResult
}

type htmlResult struct {
	Anchor     string
	Name       string
	Group      string
	StatusName string
	Res        Result
	Message    string
	Answer     string
	Reqs       []htmlReq
	Duration   string
	Compare    []htmlCompare
	// InGroup is set for a result shown inside a group entry, whose
	// summary already gives the status and the message.
	InGroup bool
}

// htmlReq is a requirement ID as a result cites it; Anchor is empty when
// the report does not carry its text.
type htmlReq struct {
	ID, Level, Anchor, Title string
}

type htmlCompare struct {
	Item, Expected, Observed string
}

// htmlEntries groups the results at idx (severity order) by status and
// message, keeping the order of first appearance.
func htmlEntries(all []htmlResult, idx []int) []htmlEntry {
	var out []htmlEntry
	at := map[[2]string]int{}
	for _, i := range idx {
		h := all[i]
		k := [2]string{string(h.Res.Status), h.Message}
		j, ok := at[k]
		if !ok {
			j = len(out)
			at[k] = j
			out = append(out, htmlEntry{Anchor: "g" + strconv.Itoa(j+1), Status: h.Res.Status, Message: h.Message, Answer: h.Answer})
		}
		e := &out[j]
		e.Members = append(e.Members, h)
		if e.Answer != h.Answer {
			e.Answer, e.AnswersVary = "", true
		}
	}
	for j := range out {
		if len(out[j].Members) > 1 {
			for k := range out[j].Members {
				out[j].Members[k].InGroup = true
			}
		}
	}
	return out
}

// htmlAnswerMax is the longest answer an entry's one-line summary shows,
// in runes; the evidence inside has it whole.
const htmlAnswerMax = 120

// htmlAnswer is reportAnswer as the one-line summary of an entry says it:
// "answered 401 wit.expired", "no answer: timeout ...".
func htmlAnswer(o Observed) string {
	a := reportAnswer(o)
	if utf8.RuneCountInString(a) > htmlAnswerMax {
		a = string([]rune(a)[:htmlAnswerMax-1]) + "…"
	}
	if a == "" || o.Error != "" {
		return a
	}
	return "answered " + a
}

func htmlResultOf(v *Report, res Result, index int, reqs map[string]RequirementInfo) htmlResult {
	h := htmlResult{
		Anchor:     "r" + strconv.Itoa(index+1),
		Name:       reportTestName(res, index),
		Group:      reportGroup(res),
		StatusName: reportStatusName(res.Status),
		Res:        res,
		Message:    reportMessage(v, res),
		Answer:     htmlAnswer(res.Observed),
		Duration:   reportDuration(res.Duration),
	}
	if res.Duration <= 0 {
		h.Duration = "not measured"
	}
	for i, id := range res.Requirements {
		q := htmlReq{ID: id}
		if i < len(res.Levels) {
			q.Level = res.Levels[i]
		}
		if info, ok := reqs[id]; ok {
			q.Anchor = reportRequirementAnchor(id)
			q.Title = strings.TrimSpace(info.Level + ": " + info.Text)
			if q.Level == "" {
				q.Level = info.Level
			}
		}
		h.Reqs = append(h.Reqs, q)
	}
	status := func(n int) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	e, o := res.Expected, res.Observed
	// The observed verdict as the runner scores it: 2xx accepts, any other
	// answer rejects; no answer (an error) has no verdict.
	verdict := ""
	switch {
	case o.Status >= 200 && o.Status < 300:
		verdict = "accept"
	case o.Status != 0:
		verdict = "reject"
	}
	for _, c := range []htmlCompare{
		{"verdict", e.Verdict, verdict},
		{"status", status(e.Status), status(o.Status)},
		{"reason", e.Reason, o.Reason},
		{"WWW-Authenticate", e.WWWAuthenticate, o.WWWAuthenticate},
		{"problem type", "", o.ProblemType},
		{"problem detail", "", o.Detail},
		{"body", "", o.Body},
		{"content type", "", o.ContentType},
		{"error", "", o.Error},
	} {
		if c.Expected != "" || c.Observed != "" {
			h.Compare = append(h.Compare, c)
		}
	}
	return h
}

var reportHTMLTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"join": strings.Join,
	"plural": func(n int, one, many string) string {
		if n == 1 {
			return one
		}
		return many
	},
}).Parse(reportHTMLSource))

// reportHTMLScriptHash is the CSP source that allows the page's inline
// script and nothing else.
var reportHTMLScriptHash = func() string {
	sum := sha256.Sum256([]byte(reportHTMLScript))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}()
