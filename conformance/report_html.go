package conformance

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
	"time"
)

// WriteHTML writes the report as one self-contained HTML page: no external
// asset of any kind (no stylesheet link, no script, no font, no image; a
// Content-Security-Policy meta element forbids loading any), inline CSS and
// no JavaScript. The summary comes first: verdict, summary line, counts per
// status, target, draft, vector-set digest, tool version, start time and
// duration. Then every result other than pass (failures first, as in
// WriteMarkdown) in its own <details> element: expected vs observed, the
// vector's comment, requirements with levels, flags, labels, the
// expected-failures entry, the request sent (method, URL, fields as a table,
// body) and the reproduce command. Last, a compact table of all results in
// the order given, with a CSS-only status filter. Every value is escaped by
// html/template. r itself is not modified.
func WriteHTML(w io.Writer, r *Report) error {
	v := reportView(r)
	page := htmlPage{
		R:       v,
		Verdict: reportVerdict(v),
		Line:    v.SummaryLine(),
		Counts:  reportCountRows(v.Summary),
	}
	page.Name = v.Tool.Name
	if page.Name == "" {
		page.Name = "(unnamed tool)"
	}
	page.Duration = reportDuration(v.Duration)
	if !v.StartedAt.IsZero() {
		page.Started = v.StartedAt.UTC().Format(time.RFC3339)
	}
	for _, c := range page.Counts[:len(reportStatusOrder)] {
		if c.N > 0 {
			page.Filters = append(page.Filters, c.Status)
		}
	}
	all := make([]htmlResult, len(v.Results))
	for i, res := range v.Results {
		all[i] = htmlResultOf(res, i)
	}
	page.All = all
	for _, i := range reportNonPassing(v.Results) {
		page.Problems = append(page.Problems, all[i])
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
	R        *Report
	Name     string
	Verdict  string
	Line     string
	Counts   []reportCount
	Filters  []Status
	Started  string
	Duration string
	Problems []htmlResult
	All      []htmlResult
}

type htmlResult struct {
	Anchor       string
	Name         string
	Group        string
	Res          Result
	Requirements string
	Duration     string
	Compare      []htmlCompare
}

type htmlCompare struct {
	Item, Expected, Observed string
}

func htmlResultOf(res Result, index int) htmlResult {
	h := htmlResult{
		Anchor:       "r" + strconv.Itoa(index+1),
		Name:         reportTestName(res, index),
		Group:        reportGroup(res),
		Res:          res,
		Requirements: reportRequirements(res),
		Duration:     reportDuration(res.Duration),
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
}).Parse(reportHTMLSource))

const reportHTMLSource = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>WIMSE conformance report: {{.Verdict}}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5em auto;max-width:72em;padding:0 1em;color:#1f2328;background:#fff}
h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #d0d7de;padding:.2em .5em;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.n{text-align:right}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.92em}
pre{background:#f6f8fa;padding:.5em;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
.verdict{font-size:1.25em;font-weight:bold;padding:.3em .6em;display:inline-block;border-radius:4px}
.verdict.ok{background:#dafbe1;color:#116329}.verdict.bad{background:#ffebe9;color:#82071e}
dl{display:grid;grid-template-columns:max-content auto;gap:.1em 1em}dt{font-weight:bold}dd{margin:0;word-break:break-all}
details{border:1px solid #d0d7de;border-radius:4px;margin:.4em 0;padding:.2em .6em}
details[open]{padding-bottom:.6em}summary{cursor:pointer}
.st{display:inline-block;min-width:6.5em;font-weight:bold;font-family:ui-monospace,monospace}
.s-pass .st,.st.s-pass{color:#116329}.s-fail .st,.st.s-fail,.s-xpass .st,.st.s-xpass{color:#cf222e}
.s-error .st,.st.s-error{color:#8250df}.s-warn .st,.st.s-warn,.s-xfail .st,.st.s-xfail{color:#9a6700}
.s-skip .st,.st.s-skip,.s-unsupported .st,.st.s-unsupported{color:#656d76}
.filter label{margin-right:.8em;white-space:nowrap}
body:has(#f-np:checked) #all tr.s-pass{display:none}
body:has(#f-pass:checked) #all tbody tr:not(.s-pass),body:has(#f-warn:checked) #all tbody tr:not(.s-warn),
body:has(#f-xfail:checked) #all tbody tr:not(.s-xfail),body:has(#f-fail:checked) #all tbody tr:not(.s-fail),
body:has(#f-xpass:checked) #all tbody tr:not(.s-xpass),body:has(#f-error:checked) #all tbody tr:not(.s-error),
body:has(#f-unsupported:checked) #all tbody tr:not(.s-unsupported),body:has(#f-skip:checked) #all tbody tr:not(.s-skip){display:none}
</style>
</head>
<body>
<header id="summary">
<h1>WIMSE conformance report</h1>
<p class="verdict {{if .R.Conformant}}ok{{else}}bad{{end}}">{{.Verdict}}</p>
<p><strong>{{.Line}}</strong></p>
<table class="counts">
<thead><tr><th>status</th><th>count</th></tr></thead>
<tbody>
{{- range .Counts}}
<tr class="s-{{.Status}}"><td><span class="st">{{.Status}}</span></td><td class="n">{{.N}}</td></tr>
{{- end}}
<tr><th>total</th><th class="n">{{.R.Summary.Total}}</th></tr>
</tbody>
</table>
<dl>
<dt>Target</dt><dd>{{if .R.Target.URL}}{{.R.Target.URL}}{{else}}(none){{end}}{{if .R.Target.InProcess}} (reference server, in process){{end}}</dd>
{{- if .R.Target.Draft}}
<dt>Draft</dt><dd>{{.R.Target.Draft}}</dd>
{{- end}}
{{- if .R.Target.Audience}}
<dt>Audience</dt><dd>{{.R.Target.Audience}}</dd>
{{- end}}
<dt>Strict</dt><dd>{{if .R.Target.Strict}}yes: SHOULD requirements scored as MUST{{else}}no{{end}}</dd>
<dt>Vector set</dt><dd><code>{{.R.Vectors.Digest}}</code> (schema {{.R.Vectors.Schema}}, {{.R.Vectors.Count}} vectors)</dd>
<dt>Tool</dt><dd>{{.Name}} {{.R.Tool.Version}}</dd>
{{- if .Started}}
<dt>Started</dt><dd>{{.Started}}</dd>
{{- end}}
<dt>Duration</dt><dd>{{.Duration}}</dd>
{{- if .R.ReportSchema}}
<dt>Report schema</dt><dd>{{.R.ReportSchema}}</dd>
{{- end}}
</dl>
</header>
<main>
<section id="problems">
<h2>Results other than pass ({{len .Problems}})</h2>
{{- if not .Problems}}
<p>All results passed.</p>
{{- end}}
{{- range .Problems}}
<details id="{{.Anchor}}" class="s-{{.Res.Status}}">
<summary><span class="st">{{.Res.Status}}</span> <code>{{.Name}}</code> {{.Res.Message}}</summary>
{{- if .Res.Comment}}
<p>{{.Res.Comment}}</p>
{{- end}}
<table class="compare">
<thead><tr><th></th><th>expected</th><th>observed</th></tr></thead>
<tbody>
{{- range .Compare}}
<tr><th>{{.Item}}</th><td>{{.Expected}}</td><td>{{.Observed}}</td></tr>
{{- end}}
</tbody>
</table>
<dl>
<dt>Group</dt><dd>{{.Group}}</dd>
<dt>Vector result</dt><dd>{{.Res.Result}}</dd>
{{- if .Requirements}}
<dt>Requirements</dt><dd>{{.Requirements}}</dd>
{{- end}}
{{- if .Res.Flags}}
<dt>Flags</dt><dd>{{join .Res.Flags ", "}}</dd>
{{- end}}
{{- if .Res.Labels}}
<dt>Labels</dt><dd>{{join .Res.Labels ", "}}</dd>
{{- end}}
{{- if .Res.ExpectedFailure}}
<dt>Expected failure</dt><dd>{{.Res.ExpectedFailure}}</dd>
{{- end}}
<dt>Duration</dt><dd>{{.Duration}}</dd>
</dl>
{{- with .Res.Request}}
<p>Request sent: <code>{{.Method}} {{.URL}}</code></p>
{{- if .Fields}}
<table class="fields">
<thead><tr><th>field</th><th>value</th></tr></thead>
<tbody>
{{- range .Fields}}
<tr><td><code>{{index . 0}}</code></td><td><code>{{index . 1}}</code></td></tr>
{{- end}}
</tbody>
</table>
{{- end}}
{{- if .Body}}
<pre>{{.Body}}</pre>
{{- end}}
{{- end}}
{{- if .Res.Reproduce}}
<p>Reproduce:</p>
<pre>{{.Res.Reproduce}}</pre>
{{- end}}
</details>
{{- end}}
</section>
<section id="all">
<h2>All results ({{len .All}})</h2>
<p class="filter">Show:
<label><input type="radio" name="f" id="f-all" checked> all</label>
<label><input type="radio" name="f" id="f-np"> all but pass</label>
{{- range .Filters}}
<label><input type="radio" name="f" id="f-{{.}}"> {{.}}</label>
{{- end}}
</p>
<table>
<thead><tr><th>ID</th><th>group</th><th>status</th><th>requirements</th><th>time</th><th>message</th></tr></thead>
<tbody>
{{- range .All}}
<tr class="s-{{.Res.Status}}"><td>{{if eq .Res.Status "pass"}}<code>{{.Name}}</code>{{else}}<a href="#{{.Anchor}}"><code>{{.Name}}</code></a>{{end}}</td><td>{{.Group}}</td><td><span class="st">{{.Res.Status}}</span></td><td>{{.Requirements}}</td><td class="n">{{.Duration}}</td><td>{{.Res.Message}}</td></tr>
{{- end}}
</tbody>
</table>
</section>
</main>
<footer><p><strong>{{.Line}}</strong></p></footer>
</body>
</html>
`
