package conformance

// reportHTMLScript is the page's only script: it shows the filter (hidden
// without JavaScript, so that the page reads in full without it), applies
// it to every element that carries data-status and data-group (entries,
// grouped results, rows of the table of all results), and opens the
// <details> around the target of a link. The page's Content-Security-Policy
// allows exactly this text, by its SHA-256.
const reportHTMLScript = `
(function () {
  "use strict";
  var form = document.getElementById("filter");
  function apply() {
    var off = {};
    var boxes = form.querySelectorAll("input[name=status]");
    for (var i = 0; i < boxes.length; i++) { off[boxes[i].value] = !boxes[i].checked; }
    var group = form.querySelector("select[name=group]").value;
    var items = document.querySelectorAll("[data-status][data-group]");
    for (var j = 0; j < items.length; j++) {
      var it = items[j];
      it.hidden = off[it.getAttribute("data-status")] === true ||
        (group !== "" && it.getAttribute("data-group") !== group);
    }
    var grps = document.querySelectorAll("details.grp");
    for (var k = 0; k < grps.length; k++) {
      var n = grps[k].querySelectorAll("li[data-group]:not([hidden])").length;
      var cnt = grps[k].querySelector(".cnt");
      var total = cnt.getAttribute("data-n");
      cnt.textContent = (String(n) === total ? total : n + " of " + total) + " vectors";
      grps[k].hidden = n === 0;
    }
    var rows = document.querySelectorAll("#all tbody tr[data-group]");
    var shown = 0;
    for (var m = 0; m < rows.length; m++) { if (!rows[m].hidden) { shown++; } }
    document.getElementById("shown").textContent = shown + " of " + rows.length + " results shown";
  }
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id === "" ? null : document.getElementById(id);
    for (var p = el; p; p = p.parentElement) {
      if (p.tagName === "DETAILS") { p.open = true; }
    }
    if (el) { el.scrollIntoView(); }
  }
  if (form) {
    form.hidden = false;
    form.addEventListener("change", apply);
    apply();
  }
  window.addEventListener("hashchange", reveal);
  reveal();
})();
`

const reportHTMLStyle = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5em auto;max-width:72em;padding:0 1em;color:#1f2328;background:#fff}
[hidden]{display:none!important}
h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;margin:.5em 0;max-width:100%}th,td{border:1px solid #d0d7de;padding:.2em .5em;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.n,th.n{text-align:right;white-space:nowrap}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.92em}
code,pre,td,dd,summary,li{overflow-wrap:anywhere}
pre{background:#f6f8fa;padding:.5em;white-space:pre-wrap}
table.fields,table.compare{table-layout:fixed;width:100%}
.fields th:first-child{width:16em}.compare th:first-child{width:10em}.compare th:nth-child(2){width:35%}
.verdict{font-size:1.25em;font-weight:bold;padding:.3em .6em;display:inline-block;border-radius:4px}
.verdict.ok{background:#dafbe1;color:#116329}.verdict.bad{background:#ffebe9;color:#82071e}
dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.1em 1em}dt{font-weight:bold}dd{margin:0}
details{border:1px solid #d0d7de;border-radius:4px;margin:.4em 0;padding:.2em .6em}
details[open]{padding-bottom:.6em}summary{cursor:pointer}
details details{margin-left:1em}
.st{display:inline-block;min-width:6.5em;font-weight:bold;font-family:ui-monospace,monospace;white-space:nowrap;overflow-wrap:normal}
#filter .st,#blockers .st,td .st{min-width:0}
.ans{color:#57606a}
.s-pass .st,.st.s-pass{color:#116329}.s-fail .st,.st.s-fail,.s-xpass .st,.st.s-xpass{color:#cf222e}
.s-error .st,.st.s-error{color:#8250df}.s-warn .st,.st.s-warn,.s-xfail .st,.st.s-xfail{color:#9a6700}
.s-blocked .st,.st.s-blocked{color:#bc4c00}
.s-skip .st,.st.s-skip,.s-unsupported .st,.st.s-unsupported{color:#656d76}
#filter{position:sticky;top:0;background:#fff;border-bottom:1px solid #d0d7de;padding:.4em 0;z-index:1}
#filter fieldset{display:inline;border:0;margin:0;padding:0}#filter label{margin-right:.8em;white-space:nowrap}
ul.ids{columns:20em;margin:.4em 0}
#blockers{border-left:4px solid #bc4c00;padding-left:.8em}
tr:target,details:target>summary{background:#fff8c5}
`

// reportHTMLSource is the page template. A result opens onto the same
// evidence whether it is an entry of its own or one of a group.
const reportHTMLSource = `{{define "result" -}}
<details id="{{.Anchor}}" class="{{if .InGroup}}result{{else}}entry result{{end}} s-{{.Res.Status}}" data-status="{{.Res.Status}}" data-group="{{.Group}}">
<summary>{{if not .InGroup}}<span class="st">{{.StatusName}}</span> {{end}}<code>{{.Name}}</code>{{if not .InGroup}} {{.Message}}{{end}}{{if .Answer}} <span class="ans">{{.Answer}}</span>{{end}}</summary>
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
{{- if .Res.Source}}
<dt>Source vector</dt><dd><code>{{.Res.Source}}</code></dd>
{{- end}}
{{- if .Reqs}}
<dt>Requirements</dt><dd>{{template "reqs" .Reqs}}</dd>
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
{{- define "reqs"}}{{range $i, $q := .}}{{if $i}}, {{end}}{{if $q.Anchor}}<a class="req" href="#{{$q.Anchor}}" title="{{$q.Title}}">{{$q.ID}}</a>{{else}}{{$q.ID}}{{end}}{{if $q.Level}} ({{$q.Level}}){{end}}{{end}}{{end -}}
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src {{.ScriptHash}}">
<title>WIMSE conformance report: {{.Verdict}}</title>
<style>` + reportHTMLStyle + `</style>
</head>
<body>
<header id="summary">
<h1>WIMSE conformance report</h1>
<p class="verdict {{if .R.Conformant}}ok{{else}}bad{{end}}">{{.Verdict}}</p>
<p><strong>{{.Line}}</strong></p>
<table class="counts">
<thead><tr><th>status</th><th class="n">count</th></tr></thead>
<tbody>
{{- range .Counts}}
<tr class="s-{{.Status}}"><td><span class="st">{{.Name}}</span></td><td class="n">{{.N}}</td></tr>
{{- end}}
</tbody>
<tfoot><tr><th>total</th><th class="n">{{.R.Summary.Total}}</th></tr></tfoot>
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
<dt>Duration</dt><dd>{{.Duration}} (wall clock){{if .Busy}}; the vectors' own times add up to {{.Busy}} (they run in parallel){{end}}</dd>
{{- if .R.ReportSchema}}
<dt>Report schema</dt><dd>{{.R.ReportSchema}}</dd>
{{- end}}
</dl>
</header>
<main>
{{- if .Blockers}}
<section id="blockers">
<h2>{{.BlockersHeadline}}</h2>
<p>A negative vector is judged only behind its valid source vector: the target must first accept the valid request it is derived from.</p>
<ul>
{{- range .Blockers}}
<li>{{if .Anchor}}<a href="#{{.Anchor}}"><code>{{.Name}}</code></a>{{else}}<code>{{.Name}}</code>{{end}} <span class="st s-{{.Status}}">{{if .Status}}{{.StatusName}}{{else}}not played{{end}}</span> blocks {{.Blocks}} {{plural .Blocks "vector" "vectors"}}</li>
{{- end}}
</ul>
</section>
{{- end}}
<form id="filter" hidden>
<fieldset><legend>Show</legend>
{{- range .Filters}}
<label><input type="checkbox" name="status" value="{{.Status}}" checked> <span class="st s-{{.Status}}">{{.Name}}</span> ({{.N}})</label>
{{- end}}
</fieldset>
<label>group <select name="group"><option value="">all groups</option>
{{- range .Groups}}
<option value="{{.Name}}">{{.Name}} ({{.N}})</option>
{{- end}}
</select></label>
<output id="shown"></output>
</form>
<section id="problems">
<h2>Results other than pass ({{.Problems}})</h2>
{{- if not .Entries}}
<p>All results passed.</p>
{{- end}}
{{- range .Entries}}
{{- if eq (len .Members) 1}}
{{template "result" index .Members 0}}
{{- else}}
<details id="{{.Anchor}}" class="entry grp s-{{.Status}}" data-status="{{.Status}}">
<summary><span class="st">{{(index .Members 0).StatusName}}</span> <strong class="cnt" data-n="{{len .Members}}">{{len .Members}} vectors</strong>: {{.Message}}{{if .Answer}} <span class="ans">{{.Answer}}</span>{{else if .AnswersVary}} <span class="vary">(the answers differ: see each vector)</span>{{end}}</summary>
<ul class="ids">
{{- range .Members}}
<li data-status="{{.Res.Status}}" data-group="{{.Group}}"><a href="#{{.Anchor}}"><code>{{.Name}}</code></a></li>
{{- end}}
</ul>
{{- range .Members}}
{{template "result" .}}
{{- end}}
</details>
{{- end}}
{{- end}}
</section>
<section id="all">
<h2>All results ({{len .All}})</h2>
<table>
<thead><tr><th>ID</th><th>group</th><th>status</th><th>requirements</th><th class="n">time</th><th>message</th></tr></thead>
<tbody>
{{- range .All}}
<tr class="s-{{.Res.Status}}" data-status="{{.Res.Status}}" data-group="{{.Group}}"><td>{{if eq .Res.Status "pass"}}<code>{{.Name}}</code>{{else}}<a href="#{{.Anchor}}"><code>{{.Name}}</code></a>{{end}}</td><td>{{.Group}}</td><td><span class="st">{{.StatusName}}</span></td><td>{{template "reqs" .Reqs}}</td><td class="n">{{.Duration}}</td><td>{{.Message}}</td></tr>
{{- end}}
</tbody>
</table>
</section>
{{- if .Requirements}}
<section id="requirements">
<h2>Requirements cited ({{len .Requirements}})</h2>
<table>
<thead><tr><th>requirement</th><th>level</th><th>document</th><th>text</th></tr></thead>
<tbody>
{{- range .Requirements}}
<tr id="{{.Anchor}}"><td><code>{{.ID}}</code></td><td>{{.Level}}</td><td>{{.Doc}}{{if .Section}} §{{.Section}}{{end}}</td><td>{{.Text}}</td></tr>
{{- end}}
</tbody>
</table>
</section>
{{- end}}
</main>
<footer>
<p>{{.StatusLine}}</p>
<p><strong>{{.Line}}</strong></p>
</footer>
<script>` + reportHTMLScript + `</script>
</body>
</html>
`
