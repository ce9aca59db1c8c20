package matrix

import (
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// table is one profile × draft of the matrix: clients in rows, servers in
// columns.
type table struct {
	Profile, Draft string
	Servers        []string
	Rows           []row
}

type row struct {
	Client string
	Cells  []*Cell // nil where the pair does not share the profile and draft
}

// tables arranges the cells, in registry order.
func tables(r *Result) []table {
	var out []table
	index := map[string]int{}
	for _, c := range r.Cells {
		key := c.Profile + "\x00" + c.Draft
		i, ok := index[key]
		if !ok {
			i = len(out)
			index[key] = i
			out = append(out, table{Profile: c.Profile, Draft: c.Draft})
		}
		t := &out[i]
		if !slices.Contains(t.Servers, c.Server) {
			t.Servers = append(t.Servers, c.Server)
		}
		if len(t.Rows) == 0 || t.Rows[len(t.Rows)-1].Client != c.Client {
			t.Rows = append(t.Rows, row{Client: c.Client})
		}
	}
	for i := range out {
		t := &out[i]
		for j := range t.Rows {
			t.Rows[j].Cells = make([]*Cell, len(t.Servers))
		}
	}
	for _, c := range r.Cells {
		t := &out[index[c.Profile+"\x00"+c.Draft]]
		for j := range t.Rows {
			if t.Rows[j].Client == c.Client {
				t.Rows[j].Cells[slices.Index(t.Servers, c.Server)] = c
			}
		}
	}
	slices.SortStableFunc(out, func(a, b table) int {
		return slices.Index(profiles(), a.Profile) - slices.Index(profiles(), b.Profile)
	})
	return out
}

var page = template.Must(template.New("matrix").Funcs(template.FuncMap{
	"ms": func(d Duration) string { return fmt.Sprintf("%.1f s", time.Duration(d).Seconds()) },
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>WIMSE interop matrix</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}
th,td{border:1px solid #999;padding:.35em .6em;text-align:center}
th.client{text-align:right}
td a{color:inherit;text-decoration:none;display:block}
.pass{background:#9be29b}.setup{background:#c9c9c9}.client-side{background:#f5a35b}
.server-side{background:#f07070}.disagreement{background:#c58ff0}.unknown{background:#f5e26b}
.known{outline:3px dashed #333;outline-offset:-4px}.none{background:#fff;color:#aaa}
small{color:#555}
</style></head><body>
<h1>WIMSE interop matrix</h1>
<p>{{if .OK}}<strong>OK</strong>: every cell passed or is a known disagreement.{{else}}<strong>NOT OK</strong>: some cells failed, a build failed or a known disagreement is stale.{{end}}
{{.Summary.Cells}} cells, {{range $k, $v := .Summary.Status}}{{$k}} {{$v}}; {{end}}known {{.Summary.Known}}.
Registry <code>{{.Registry}}</code>, reference <code>{{.Reference}}</code>, started {{.Started.Format "2006-01-02 15:04:05 UTC"}}, took {{ms .Duration}}.</p>
<p><small>Rows are clients, columns servers. Classes: <span class="pass">pass</span> <span class="client-side">client-side</span>
<span class="server-side">server-side</span> <span class="disagreement">disagreement</span> <span class="unknown">unknown</span>
<span class="setup">setup</span>; a dashed outline marks a known disagreement. A failing cell is judged by its controls: the
same client against the reference server and the reference client against the same server. Each cell links to its evidence.</small></p>
{{range .Tables}}<h2>{{.Profile}} · {{.Draft}}</h2>
<table><tr><th>client \ server</th>{{range .Servers}}<th>{{.}}</th>{{end}}</tr>
{{range .Rows}}<tr><th class="client">{{.Client}}</th>{{range .Cells}}{{if .}}<td class="{{.Status}}{{if .Known}} known{{end}}" title="{{.Detail}}"><a href="{{.Evidence}}">{{.Status}}{{if .Known}}<br><small>{{.Known.Finding}}</small>{{end}}</a></td>{{else}}<td class="none">–</td>{{end}}{{end}}</tr>
{{end}}</table>
{{end}}{{if .Stale}}<h2>Stale known disagreements</h2><ul>{{range .Stale}}<li>{{.Client}} → {{.Server}} {{.Profile}} {{.Draft}}: {{.Finding}} no longer fails</li>{{end}}</ul>{{end}}
<h2>Builds</h2><ul>{{range .Builds}}<li><code>{{.Package}}</code> as {{.Name}}: {{if .OK}}ok{{else}}<strong>failed</strong><pre>{{.Output}}</pre>{{end}} ({{ms .Duration}})</li>{{end}}</ul>
</body></html>
`))

// WriteHTML writes r as DIR/index.html: one page, a coloured table per
// profile and draft, each cell linking to its evidence file.
func WriteHTML(dir string, r *Result) error {
	f, err := os.Create(filepath.Join(dir, "index.html"))
	if err != nil {
		return fmt.Errorf("matrix: %w", err)
	}
	err = page.Execute(f, struct {
		*Result
		Tables []table
	}{r, tables(r)})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("matrix: html: %w", err)
	}
	return nil
}
