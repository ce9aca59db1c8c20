package conformance

import (
	"crypto/sha256"
	"encoding/base64"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func writeHTML(t *testing.T, r *Report) string {
	t.Helper()
	var buf strings.Builder
	if err := WriteHTML(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// dom is a parsed HTML page with the few queries the tests need.
type dom struct {
	root *html.Node
	ids  map[string]*html.Node
}

func parseDOM(t testing.TB, page string) *dom {
	t.Helper()
	root, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatalf("not HTML: %v", err)
	}
	d := &dom{root: root, ids: map[string]*html.Node{}}
	for _, n := range d.all(root, func(n *html.Node) bool { return attr(n, "id") != "" }) {
		id := attr(n, "id")
		if _, dup := d.ids[id]; dup {
			t.Errorf("duplicate id %q", id)
		}
		d.ids[id] = n
	}
	return d
}

// all returns the elements under n (n included) that match, in document
// order.
func (d *dom) all(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

// sel matches an element by tag (or "" for any) and, optionally, a class.
func sel(tag, class string) func(*html.Node) bool {
	return func(n *html.Node) bool {
		return (tag == "" || n.Data == tag) && (class == "" || hasClass(n, class))
	}
}

// children returns the element children of n that match.
func children(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && match(c) {
			out = append(out, c)
		}
	}
	return out
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, name string) bool {
	return slices.ContainsFunc(n.Attr, func(a html.Attribute) bool { return a.Key == name })
}

func hasClass(n *html.Node, class string) bool {
	return slices.Contains(strings.Fields(attr(n, "class")), class)
}

// text is the text content of n with white space collapsed; block and
// cell elements are apart, as a reader sees them.
func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		block := n.Type == html.ElementNode && slices.Contains([]string{"td", "th", "tr", "dt", "dd", "li", "p", "pre", "h1", "h2", "summary", "table"}, n.Data)
		if block {
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if block {
			b.WriteByte(' ')
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// htmlCountRows reads the count table of the page as "name n" pairs.
func htmlCountRows(t testing.TB, d *dom) []string {
	t.Helper()
	tables := d.all(d.root, sel("table", "counts"))
	if len(tables) != 1 {
		t.Fatalf("%d count tables, want 1", len(tables))
	}
	var rows []string
	for _, tb := range children(tables[0], sel("tbody", "")) {
		for _, tr := range children(tb, sel("tr", "")) {
			cells := children(tr, sel("td", ""))
			if len(cells) != 2 {
				t.Fatalf("count row %q has %d cells", text(tr), len(cells))
			}
			rows = append(rows, text(cells[0])+" "+text(cells[1]))
		}
	}
	return rows
}

// TestWriteHTMLDOM checks the structure of the page as a browser's parser
// sees it: summary first, the count table, the verdict badge, blockers,
// grouped entries with the observed answer, the filter controls, the table
// of all results, and requirement links that resolve to the embedded text.
func TestWriteHTMLDOM(t *testing.T) {
	r := reportFixture()
	page := writeHTML(t, r)
	d := parseDOM(t, page)

	// Self-contained: no external resource, one inline script allowed by
	// its hash, nothing else executable.
	for _, n := range d.all(d.root, func(*html.Node) bool { return true }) {
		switch n.Data {
		case "link", "img", "iframe", "object", "embed", "frame", "audio", "video", "source", "base":
			t.Errorf("page has a <%s> element", n.Data)
		}
		for _, a := range n.Attr {
			switch {
			case a.Key == "href" && !strings.HasPrefix(a.Val, "#"):
				t.Errorf("<%s href=%q> is not a link within the page", n.Data, a.Val)
			case a.Key == "src" || a.Key == "srcset" || a.Key == "action" || a.Key == "poster" || a.Key == "style":
				t.Errorf("<%s %s=%q>", n.Data, a.Key, a.Val)
			case strings.HasPrefix(a.Key, "on"):
				t.Errorf("<%s> has an event handler attribute %s", n.Data, a.Key)
			}
		}
	}
	for _, st := range d.all(d.root, sel("style", "")) {
		if s := strings.ToLower(text(st)); strings.Contains(s, "url(") || strings.Contains(s, "@import") || strings.Contains(s, "@font-face") {
			t.Error("the style sheet loads something")
		}
	}
	scripts := d.all(d.root, sel("script", ""))
	if len(scripts) != 1 || scripts[0].FirstChild == nil {
		t.Fatalf("%d <script> elements, want one inline script", len(scripts))
	}
	sum := sha256.Sum256([]byte(scripts[0].FirstChild.Data))
	var csp string
	for _, m := range d.all(d.root, sel("meta", "")) {
		if strings.EqualFold(attr(m, "http-equiv"), "Content-Security-Policy") {
			csp = attr(m, "content")
		}
	}
	if want := "script-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !strings.Contains(csp, want) || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("Content-Security-Policy %q does not allow exactly the inline script (%s) and deny the rest", csp, want)
	}

	// Summary first, then the results.
	header, main := d.ids["summary"], d.all(d.root, sel("main", ""))
	if header == nil || len(main) != 1 {
		t.Fatal("no header#summary or no <main>")
	}
	head := text(header)
	for _, want := range []string{"not conformant", "4 passed, 4 failed, 3 skipped", "sha256:3f1c0ffee", "v0.9.0", reportRedactedURL, "1.5s (wall clock)", "add up to 5.043s"} {
		if !strings.Contains(head, want) {
			t.Errorf("the summary lacks %q: %s", want, head)
		}
	}

	// The badge counts every status other than pass, most severe first.
	badge := d.all(header, sel("p", "verdict"))
	if len(badge) != 1 {
		t.Fatalf("%d verdict badges", len(badge))
	}
	if got, want := text(badge[0]), "not conformant (2 fail, 1 xpass, 1 error, 1 blocked, 1 unsupported, 1 skip, 2 warn, 1 xfail)"; got != want {
		t.Errorf("badge %q, want %q", got, want)
	}

	// The count table has every status, in the order of StatusLine.
	if got, want := strings.Join(htmlCountRows(t, d), ", "), r.StatusLine(); got != want {
		t.Errorf("count table %q, status line %q", got, want)
	}

	// Blockers: the source to fix first, linked to its result.
	blk := d.ids["blockers"]
	if blk == nil {
		t.Fatal("no #blockers section")
	}
	if h := d.all(blk, sel("h2", "")); len(h) != 1 || text(h[0]) != "Fix this one and re-run: 1 vector is blocked behind it" {
		t.Errorf("blockers headline: %s", text(blk))
	}
	items := d.all(blk, sel("li", ""))
	if len(items) != 1 || text(items[0]) != "wpt-valid [wpt-02] fail blocks 1 vector" {
		t.Errorf("blockers list: %q", text(blk))
	} else if a := d.all(items[0], sel("a", "")); len(a) != 1 || !strings.Contains(text(d.ids[strings.TrimPrefix(attr(a[0], "href"), "#")]), "wpt-valid [wpt-02]") {
		t.Error("the blocker does not link to the result of wpt-valid")
	}

	// Entries: one per status and message, failures first; the two warnings
	// with the same message are one entry.
	problems := d.ids["problems"]
	entries := children(problems, sel("details", "entry"))
	var got []string
	for _, e := range entries {
		sum := children(e, sel("summary", ""))
		if len(sum) != 1 {
			t.Fatalf("entry without one <summary>: %s", text(e))
		}
		got = append(got, attr(e, "data-status")+": "+text(sum[0]))
	}
	want := []string{
		`fail: fail wit-expired [wpt-02] accepted an expired WIT: got <b>200</b> | "ok" & [link](https://evil.example) *x* answered 200`,
		`fail: fail wpt-valid [wpt-02] expected the target to accept (status 200), but it answered 400 answered 400 "typ must be <wpt+jwt>"`,
		`xpass: xpass wpt-wth-mismatch [wpt-02] listed as an expected failure but passed: remove it from the expected-failures file answered 401 wpt.wth_mismatch`,
		`error: error wpt-replay [wpt-02] timeout after 5s no answer: Post "https://host.example/x": context deadline exceeded`,
		`blocked: blocked wpt-exp-past [wpt-02] blocked: source wpt-valid was not accepted (fail) answered 400 "bad request"`,
		`unsupported: unsupported wpt-ath [wpt-02] the target profile declares ath unsupported`,
		`skip: skip wpt-ext [wpt-02] flag Extension not accepted`,
		`warn: warn 2 vectors: right verdict, status 403 where the draft says 401 answered 403 wit.audience`,
		`xfail: xfail wit-kid-unknown [wpt-02] accepted a WIT signed with an unknown key answered 200`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("entries:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := len(d.all(d.root, sel("b", ""))); n != 0 {
		t.Errorf("text from the target became %d <b> elements", n)
	}
	grp := entries[7]
	if !hasClass(grp, "grp") {
		t.Fatalf("the warn entry is not a group: %s", text(grp))
	}
	var members []string
	for _, li := range d.all(grp, sel("li", "")) {
		a := d.all(li, sel("a", ""))
		if len(a) != 1 {
			t.Fatalf("group member %q has no link", text(li))
		}
		target := d.ids[strings.TrimPrefix(attr(a[0], "href"), "#")]
		if target == nil || target.Data != "details" || !slices.Contains(children(grp, sel("details", "")), target) {
			t.Errorf("group member %q does not link to its own evidence inside the group", text(li))
		}
		members = append(members, attr(li, "data-group")+" "+text(li))
	}
	if want := "wit wit-aud-alias [wpt-02]|wpt wpt-aud-alias [wpt-02]"; strings.Join(members, "|") != want {
		t.Errorf("group members %q, want %q", strings.Join(members, "|"), want)
	}

	// Each result's evidence: expected vs observed (with the problem detail
	// or body), request, reproduce command.
	for i, res := range r.Results {
		if res.Status == StatusPass {
			continue
		}
		ev := d.ids["r"+strconv.Itoa(i+1)]
		if ev == nil || ev.Data != "details" {
			t.Errorf("%s: no <details id=r%d>", res.ID, i+1)
			continue
		}
		s := text(ev)
		for _, want := range []string{res.Requirements[0], "Duration"} {
			if !strings.Contains(s, want) {
				t.Errorf("%s: evidence lacks %q: %s", res.ID, want, s)
			}
		}
		if res.Request != nil && !strings.Contains(s, "Workload-Proof-Token") {
			t.Errorf("%s: evidence lacks the request fields", res.ID)
		}
		if res.Reproduce != "" && !strings.Contains(s, "wimse conformance run --target "+reportRedactedURL) {
			t.Errorf("%s: evidence lacks the reproduce command", res.ID)
		}
		if res.Observed.Detail != "" && !strings.Contains(s, "problem detail "+res.Observed.Detail) {
			t.Errorf("%s: evidence lacks the problem detail: %s", res.ID, s)
		}
		if res.Observed.Body != "" && !strings.Contains(s, "body "+res.Observed.Body) {
			t.Errorf("%s: evidence lacks the body: %s", res.ID, s)
		}
	}

	// Filter: hidden without JavaScript; a checkbox per status present, all
	// checked; a group selector with every group.
	form := d.ids["filter"]
	if form == nil || form.Data != "form" || !hasAttr(form, "hidden") {
		t.Fatal("no <form id=filter hidden>")
	}
	var boxes []string
	for _, in := range d.all(form, sel("input", "")) {
		if attr(in, "type") != "checkbox" || attr(in, "name") != "status" || !hasAttr(in, "checked") {
			t.Errorf("filter input %v is not a checked status checkbox", in.Attr)
		}
		boxes = append(boxes, attr(in, "value"))
	}
	if want := []string{"pass", "warn", "xfail", "fail", "xpass", "error", "blocked", "unsupported", "skip"}; !slices.Equal(boxes, want) {
		t.Errorf("status checkboxes %v, want %v", boxes, want)
	}
	var opts []string
	for _, o := range d.all(form, sel("option", "")) {
		opts = append(opts, attr(o, "value"))
	}
	if want := []string{"", "wit", "wpt"}; !slices.Equal(opts, want) {
		t.Errorf("group options %q, want %q", opts, want)
	}
	if d.ids["shown"] == nil {
		t.Error("no #shown output")
	}

	// Every result in the table of all results, filterable.
	rows := d.all(d.ids["all"], func(n *html.Node) bool { return n.Data == "tr" && n.Parent.Data == "tbody" })
	if len(rows) != len(r.Results) {
		t.Fatalf("%d rows in the table of all results, want %d", len(rows), len(r.Results))
	}
	for i, tr := range rows {
		res := r.Results[i]
		if attr(tr, "data-status") != string(res.Status) || attr(tr, "data-group") != res.Group || !strings.Contains(text(tr), res.ID) {
			t.Errorf("row %d = %v %q, want %s %s %s", i, tr.Attr, text(tr), res.ID, res.Status, res.Group)
		}
	}

	// Every link within the page resolves; requirement links point to the
	// embedded text; WPT-1, whose text the report does not carry, is not a
	// link.
	for _, a := range d.all(d.root, sel("a", "")) {
		id := strings.TrimPrefix(attr(a, "href"), "#")
		if d.ids[id] == nil {
			t.Errorf("link %q to #%s resolves to nothing", text(a), id)
		}
	}
	reqLinks := d.all(d.root, sel("a", "req"))
	linked := map[string]bool{}
	for _, a := range reqLinks {
		target := d.ids[strings.TrimPrefix(attr(a, "href"), "#")]
		if target == nil || target.Data != "tr" || !strings.HasPrefix(text(target), text(a)+" ") {
			t.Errorf("requirement link %q does not point to its row", text(a))
			continue
		}
		if attr(a, "title") == "" {
			t.Errorf("requirement link %q has no title", text(a))
		}
		linked[text(a)] = true
	}
	for _, q := range r.Requirements {
		if !linked[q.ID] {
			t.Errorf("requirement %s is never linked", q.ID)
		}
		row := d.ids["req-"+q.ID]
		if row == nil || !strings.Contains(text(row), q.Text) || !strings.Contains(text(row), q.Doc+" §"+q.Section) {
			t.Errorf("requirement %s: row %q lacks its text", q.ID, text(row))
		}
	}
	if linked["WPT-1"] || !strings.Contains(text(d.ids["all"]), "WPT-1 (MAY)") {
		t.Error("WPT-1 (no text in the report) should be listed but not linked")
	}

	// The page ends with the status line and the summary line.
	foot := d.all(d.root, sel("footer", ""))
	if len(foot) != 1 {
		t.Fatal("no <footer>")
	}
	ps := children(foot[0], sel("p", ""))
	if len(ps) != 2 || text(ps[0]) != r.StatusLine() || text(ps[1]) != r.SummaryLine() {
		t.Errorf("footer %q, want %q then %q", text(foot[0]), r.StatusLine(), r.SummaryLine())
	}
}

// TestWriteHTMLLongTokens: long values wrap instead of widening the page.
func TestWriteHTMLLongTokens(t *testing.T) {
	page := writeHTML(t, reportFixture())
	d := parseDOM(t, page)
	css := text(d.all(d.root, sel("style", ""))[0])
	rule := regexp.MustCompile(`(?m)(^|\})\s*([^{}]*)\{[^}]*overflow-wrap:anywhere`).FindStringSubmatch(css)
	if rule == nil {
		t.Fatal("no overflow-wrap:anywhere rule")
	}
	for _, s := range []string{"code", "pre", "td"} {
		if !slices.Contains(strings.Split(rule[2], ","), s) {
			t.Errorf("overflow-wrap:anywhere does not apply to %s (selectors %q)", s, rule[2])
		}
	}
}

// TestWriteHTMLEmpty: a report with no results, and one where everything
// passed, still render a page with its summary and count table.
func TestWriteHTMLEmpty(t *testing.T) {
	for name, r := range map[string]*Report{
		"empty":  {},
		"passed": {Results: []Result{{ID: "a", Status: StatusPass}, {ID: "b", Status: StatusPass, Group: "g"}}},
	} {
		d := parseDOM(t, writeHTML(t, r))
		if got := strings.Join(htmlCountRows(t, d), ", "); got != r.StatusLine() {
			t.Errorf("%s: count table %q, status line %q", name, got, r.StatusLine())
		}
		if !strings.Contains(text(d.ids["problems"]), "All results passed.") {
			t.Errorf("%s: %q", name, text(d.ids["problems"]))
		}
		if d.ids["blockers"] != nil || d.ids["requirements"] != nil {
			t.Errorf("%s: blockers or requirements section without content", name)
		}
	}
}
