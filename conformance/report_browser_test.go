package conformance

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// reportBrowserProbe runs in the page after the page's own script: it opens
// every <details> and measures whether anything is wider than the window
// (long tokens must wrap), then works the filter as a user would and writes
// what it sees into data-probe-* attributes of <body>, which --dump-dom
// prints. Visible means laid out (offsetParent), so the CSS that hides a
// filtered element is checked too.
const reportBrowserProbe = `
(function () {
  var b = document.body;
  function mark(k, v) { b.setAttribute("data-probe-" + k, String(v)); }
  function visible(q) {
    var n = 0, els = document.querySelectorAll(q);
    for (var i = 0; i < els.length; i++) { if (els[i].offsetParent !== null) { n++; } }
    return n;
  }
  function change(el) { el.dispatchEvent(new Event("change", {bubbles: true})); }
  mark("ran", "yes");
  mark("rows-initial", visible("#all tbody tr"));
  var ds = document.querySelectorAll("details");
  for (var i = 0; i < ds.length; i++) { ds[i].open = true; }
  var de = document.documentElement;
  mark("overflow", de.scrollWidth - de.clientWidth);
  var form = document.getElementById("filter");
  var pass = form.querySelector("input[value=pass]");
  pass.checked = false; change(pass);
  mark("rows-nopass", visible("#all tbody tr"));
  mark("shown-nopass", document.getElementById("shown").textContent);
  var group = form.querySelector("select[name=group]");
  group.value = "wpt"; change(group);
  mark("rows-wpt", visible("#all tbody tr"));
  mark("entries-wpt", visible("#problems > details.entry"));
  mark("grp-wpt", document.querySelector("details.grp .cnt").textContent);
  var warn = form.querySelector("input[value=warn]");
  warn.checked = false; change(warn);
  mark("grp-hidden-nowarn", document.querySelector("details.grp").hidden);
  mark("entries-wpt-nowarn", visible("#problems > details.entry"));
})();
`

// TestWriteHTMLChromium loads the page in headless Chromium (Debian package
// chromium; .ci/run installs it) and checks what only a browser shows: the
// page's script runs under its own Content-Security-Policy (the filter
// appears), the filter hides and shows entries and rows, the group entry
// counts what is left, and long tokens wrap instead of widening the page.
// It skips when Chromium is not installed. With WIMSE_HTML_SCREENSHOT=path
// it also writes a screenshot of the page there.
func TestWriteHTMLChromium(t *testing.T) {
	bin := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		t.Skip("chromium not installed (Debian: apt-get install chromium): the HTML report's script and layout are not checked in a browser")
	}
	r := reportFixture()
	long := strings.Repeat("eyJhbGciOiJFUzI1NiIsInR5cCI6IndpdCtqd3QifQ", 60) // 2,520 bytes without a break opportunity
	r.Results[1].Request.Fields[0][1] = long
	r.Results[1].Request.Body = long
	r.Results[1].Observed.Body = long[:200]
	page := writeHTML(t, r)

	// Add the probe after the page's script, and allow it by its hash too.
	sum := sha256.Sum256([]byte(reportBrowserProbe))
	probeHash := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	csp := regexp.MustCompile(`script-src [^"]*`).FindString(page)
	if csp == "" {
		t.Fatal("the page's Content-Security-Policy has no script-src")
	}
	probed := strings.Replace(page, csp, csp+" "+probeHash, 1)
	probed = strings.Replace(probed, "</body>", "<script>"+reportBrowserProbe+"</script>\n</body>", 1)

	dir := t.TempDir()
	file := filepath.Join(dir, "report.html")
	if err := os.WriteFile(file, []byte(probed), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (stdout, stderr string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, append([]string{
			"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync",
			"--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=1024,768",
			"--enable-logging=stderr", "--v=0",
			"--user-data-dir=" + filepath.Join(dir, "profile"),
		}, args...)...)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		start := time.Now()
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s: %v\n%s", bin, err, errb.String())
		}
		t.Logf("chromium %s: %v", args[0], time.Since(start).Round(time.Millisecond))
		return out.String(), errb.String()
	}
	out, logs := run("--dump-dom", "file://"+file)
	for _, bad := range []string{"Uncaught", "Content Security Policy", "Refused to"} {
		for _, line := range strings.Split(logs, "\n") {
			if strings.Contains(line, bad) {
				t.Errorf("console: %s", line)
			}
		}
	}
	d := parseDOM(t, out)
	body := d.all(d.root, sel("body", ""))
	if len(body) != 1 || attr(body[0], "data-probe-ran") != "yes" {
		t.Fatalf("the probe did not run (was it refused?); Chromium said:\n%s", logs)
	}
	if form := d.ids["filter"]; form == nil || hasAttr(form, "hidden") {
		t.Error("the filter is still hidden: the page's own script did not run")
	}
	n := len(r.Results)
	for k, want := range map[string]string{
		"rows-initial":       strconv.Itoa(n),
		"overflow":           "0",
		"rows-nopass":        strconv.Itoa(n - 1),
		"shown-nopass":       strconv.Itoa(n-1) + " of " + strconv.Itoa(n) + " results shown",
		"rows-wpt":           "7",
		"entries-wpt":        "7",
		"grp-wpt":            "1 of 2 vectors",
		"grp-hidden-nowarn":  "true",
		"entries-wpt-nowarn": "6",
	} {
		if got := attr(body[0], "data-probe-"+k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if shot := os.Getenv("WIMSE_HTML_SCREENSHOT"); shot != "" {
		if err := os.WriteFile(file, []byte(page), 0o600); err != nil {
			t.Fatal(err)
		}
		abs, err := filepath.Abs(shot)
		if err != nil {
			t.Fatal(err)
		}
		run("--screenshot="+abs, "--window-size=1280,2400", "file://"+file)
	}
}
