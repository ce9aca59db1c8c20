package conformance

import (
	"bytes"
	"strings"
	"sync"
	"testing"
)

func TestWriteText(t *testing.T) {
	r := reportFixture()
	var buf bytes.Buffer
	if err := WriteText(&buf, r); err != nil {
		t.Fatal(err)
	}
	got := buf.String()
	want := `XFAIL       wit-kid-unknown: accepted a WIT signed with an unknown key
            answered 200
WARN        wit-aud-alias: right verdict, status 403 where the draft says 401
            answered 403, wit.audience, urn:example:aud
WARN        wpt-aud-alias: right verdict, status 403 where the draft says 401
            answered 403, wit.audience
SKIP        wpt-ext: flag Extension not accepted
UNSUPPORTED wpt-ath: the target profile declares ath unsupported
BLOCKED     wpt-exp-past: blocked: source wpt-valid was not accepted (fail)
            answered 400, body: "bad request"
ERROR       wpt-replay: timeout after 5s
XPASS       wpt-wth-mismatch: listed as an expected failure but passed: remove it from the expected-failures file
            answered 401, wpt.wth_mismatch
FAIL        wit-expired: accepted an expired WIT: got <b>200</b> | "ok" & [link](https://evil.example) *x*
            answered 200
FAIL        wpt-valid: expected the target to accept (status 200), but it answered 400
            answered 400, detail: "typ must be <wpt+jwt>"

Fix this one and re-run: 1 vector is blocked behind it
  wpt-valid [wpt-02]: fail, blocks 1

target https://host.example/x (wpt-02): NOT conformant in 1.5s; vectors sha256:3f1c0ffee
pass 1, warn 2, xfail 1, fail 2, xpass 1, error 1, blocked 1, unsupported 1, skip 1
4 passed, 4 failed, 3 skipped
`
	if got != want {
		t.Errorf("WriteText:\n%s\nwant:\n%s", got, want)
	}
	if strings.Contains(got, "pass@") {
		t.Error("the summary shows the password of --target")
	}
}

func TestBlockersSummary(t *testing.T) {
	r := &Report{
		Results: []Result{{ID: "x", Status: StatusBlocked, Source: "v1", Draft: "wpt-02"}},
		Blockers: []Blocker{
			{ID: "v1", Draft: "wpt-02", Status: StatusFail, Blocks: 40},
			{ID: "v2", Draft: "wpt-02", Status: StatusError, Blocks: 17},
		},
	}
	want := "Fix these 2 and re-run: 57 vectors are blocked behind them\n" +
		"  v1 [wpt-02]: fail, blocks 40\n" +
		"  v2 [wpt-02]: error, blocks 17\n"
	if got := r.BlockersSummary(); got != want {
		t.Errorf("BlockersSummary() =\n%s\nwant:\n%s", got, want)
	}
	// Without Report.Blockers (a JSON report from before, or built by
	// hand), the blocked results name their sources.
	r = &Report{Results: []Result{
		{ID: "s1", Status: StatusFail}, {ID: "s2", Status: StatusError},
		{ID: "a", Status: StatusBlocked, Source: "s2"}, {ID: "b", Status: StatusBlocked, Source: "s1"},
		{ID: "c", Status: StatusBlocked, Source: "s1"}, {ID: "d", Status: StatusBlocked, Source: "gone"},
		{ID: "e", Status: StatusBlocked},
	}}
	want = "Fix these 3 and re-run: 4 vectors are blocked behind them\n" +
		"  s1: fail, blocks 2\n" +
		"  s2: error, blocks 1\n" +
		"  gone: not played, blocks 1\n"
	if got := r.BlockersSummary(); got != want {
		t.Errorf("derived BlockersSummary() =\n%s\nwant:\n%s", got, want)
	}
	if got := (&Report{Results: []Result{{ID: "a", Status: StatusPass}}}).BlockersSummary(); got != "" {
		t.Errorf("nothing blocked: %q", got)
	}
}

func TestProgressLine(t *testing.T) {
	var buf bytes.Buffer
	var mu sync.Mutex
	w := writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return buf.Write(p) })
	progress := ProgressLine(w)
	statuses := []Status{StatusPass, StatusFail, StatusPass, StatusWarn, StatusPass, "odd", StatusBlocked}
	var wg sync.WaitGroup
	for i, s := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			progress(i+1, len(statuses), Result{Status: s})
		}()
	}
	wg.Wait()
	lines := strings.Split(buf.String(), "\r")
	if lines[0] != "" || len(lines) != len(statuses)+1 {
		t.Fatalf("progress output %q: want one \\r-led line per result", buf.String())
	}
	if got, want := lines[len(lines)-1], "[7/7] pass 3 warn 1 fail 1 blocked 1 odd 1"; got != want {
		t.Errorf("last progress line %q, want %q", got, want)
	}
	for i := 2; i < len(lines); i++ {
		if len(lines[i]) < len(lines[i-1]) {
			t.Errorf("line %q is shorter than the one before, %q: it would not cover it", lines[i], lines[i-1])
		}
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
