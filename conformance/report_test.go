package conformance

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The -update flag rewrites the golden files. Another test file of this
// package may define a flag of the same name at package level: package
// variables are initialised before any init function runs, so registering
// it here only when it is absent reuses that flag instead of panicking.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files")
	}
}

func updateGolden() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

const (
	reportSecretURL   = "https://user:pass@host.example/x"
	reportRedactedURL = "https://host.example/x"
)

// reportFixture has at least one result per status, in two groups, with
// text that needs escaping in every format, a target URL with a password, a
// blocked vector behind a failed source, two warnings with the same message
// (one entry in the HTML report) and the text of the requirements cited
// (all but WPT-1).
func reportFixture() *Report {
	req := func(id string) *SentRequest {
		return &SentRequest{
			Method: "POST",
			URL:    reportSecretURL + "?case=" + id,
			Fields: [][2]string{
				{"Workload-Identity-Token", "eyJhbGciOiJFUzI1NiJ9.e30.c2ln"},
				{"Workload-Proof-Token", "eyJ0eXAiOiJ3cHQrand0In0.e30.c2ln"},
				{"Authorization", "[redacted]"},
			},
			Body: `{"op":"x"}`,
		}
	}
	repro := func(id string) string {
		return "wimse conformance run --target " + reportSecretURL + " --draft wpt-02 --id " + id
	}
	ms := time.Millisecond
	return &Report{
		ReportSchema: "wimse_conformance_report_v1",
		Tool:         Tool{Name: "wimse conformance", Version: "v0.9.0"},
		Vectors:      VectorSet{Schema: "wimse_vectors_v1", Digest: "sha256:3f1c0ffee", Count: 11},
		Target:       Target{URL: reportSecretURL, Draft: "wpt-02", Audience: reportRedactedURL},
		StartedAt:    time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
		Duration:     1500 * ms,
		Results: []Result{
			{
				ID: "wit-valid-es256", Group: "wit", Comment: "a valid WIT", Result: "valid",
				Requirements: []string{"WIT-1"}, Levels: []string{"MUST"}, Draft: "wpt-02", Status: StatusPass,
				Expected: Expected{Verdict: "accept", Status: 200},
				Observed: Observed{Status: 200, ContentType: "text/plain"},
				Duration: 12 * ms, Reproduce: repro("wit-valid-es256"), Request: req("wit-valid-es256"),
			},
			{
				ID: "wit-expired", Group: "wit", Comment: "expired WIT", Result: "invalid",
				Requirements: []string{"WIT-7", "WIT-8"}, Levels: []string{"MUST", "MUST"},
				Flags: []string{"Expired"}, Labels: []string{"time"}, Draft: "wpt-02", Status: StatusFail,
				Expected: Expected{Verdict: "reject", Status: 401, Reason: "wit.expired", WWWAuthenticate: "Workload"},
				Observed: Observed{Status: 200, ContentType: "text/html"},
				Message:  `accepted an expired WIT: got <b>200</b> | "ok" & [link](https://evil.example) *x*`,
				Duration: 7 * ms, Reproduce: repro("wit-expired"), Request: req("wit-expired"),
			},
			{
				ID: "wit-aud-alias", Group: "wit", Comment: "audience alias", Result: "invalid",
				Requirements: []string{"WIT-3"}, Levels: []string{"SHOULD"}, Draft: "wpt-02", Status: StatusWarn,
				Expected: Expected{Verdict: "reject", Status: 401, WWWAuthenticate: "Workload"},
				Observed: Observed{Status: 403, Reason: "wit.audience", ProblemType: "urn:example:aud"},
				Message:  "right verdict, status 403 where the draft says 401",
				Duration: 5 * ms, Reproduce: repro("wit-aud-alias"), Request: req("wit-aud-alias"),
			},
			{
				ID: "wit-kid-unknown", Group: "wit", Result: "invalid", Requirements: []string{"WIT-9"},
				Levels: []string{"MUST"}, Draft: "wpt-02", Status: StatusXFail,
				Expected:        Expected{Verdict: "reject", Status: 401},
				Observed:        Observed{Status: 200},
				Message:         "accepted a WIT signed with an unknown key",
				ExpectedFailure: "tracked in issue 42",
				Duration:        4 * ms, Reproduce: repro("wit-kid-unknown"),
			},
			{
				ID: "wpt-wth-mismatch", Group: "wpt", Result: "invalid", Requirements: []string{"WPT-4"},
				Levels: []string{"MUST"}, Draft: "wpt-02", Status: StatusXPass,
				Expected:        Expected{Verdict: "reject", Status: 401, Reason: "wpt.wth_mismatch"},
				Observed:        Observed{Status: 401, Reason: "wpt.wth_mismatch"},
				Message:         "listed as an expected failure but passed: remove it from the expected-failures file",
				ExpectedFailure: "old bug",
				Duration:        6 * ms, Reproduce: repro("wpt-wth-mismatch"), Request: req("wpt-wth-mismatch"),
			},
			{
				ID: "wpt-replay", Group: "wpt", Result: "invalid", Requirements: []string{"WPT-9"},
				Levels: []string{"MUST"}, Draft: "wpt-02", Status: StatusError,
				Expected: Expected{Verdict: "reject", Status: 401, Reason: "wpt.replay"},
				Observed: Observed{Error: `Post "` + reportSecretURL + `": context deadline exceeded`},
				Message:  "timeout after 5s",
				Duration: 5000 * ms, Reproduce: repro("wpt-replay"), Request: req("wpt-replay"),
			},
			{
				ID: "wpt-ath", Group: "wpt", Result: "invalid", Requirements: []string{"WPT-6"},
				Levels: []string{"MUST"}, Draft: "wpt-02", Status: StatusUnsupported,
				Expected: Expected{Verdict: "reject", Status: 401},
				Message:  "the target profile declares ath unsupported",
			},
			{
				ID: "wpt-ext", Group: "wpt", Result: "acceptable", Requirements: []string{"WPT-1"},
				Levels: []string{"MAY"}, Flags: []string{"Extension"}, Draft: "wpt-02", Status: StatusSkip,
				Expected: Expected{Verdict: "accept"},
				Message:  "flag Extension not accepted",
			},
			{
				ID: "wpt-valid", Group: "wpt", Comment: "a valid WPT", Result: "valid",
				Requirements: []string{"WPT-TYP"}, Levels: []string{"MUST"}, Draft: "wpt-02", Status: StatusFail,
				Expected: Expected{Verdict: "accept", Status: 200},
				Observed: Observed{Status: 400, ContentType: "application/problem+json", Detail: "typ must be <wpt+jwt>"},
				Message:  "expected the target to accept (status 200), but it answered 400",
				Duration: 3 * ms, Reproduce: repro("wpt-valid"), Request: req("wpt-valid"),
			},
			{
				ID: "wpt-exp-past", Group: "wpt", Comment: "expired WPT", Result: "invalid",
				Requirements: []string{"WPT-EXP"}, Levels: []string{"MUST"}, Draft: "wpt-02", Status: StatusBlocked,
				Expected: Expected{Verdict: "reject", Status: 401, Reason: "wpt.expired"},
				Observed: Observed{Status: 400, Body: "bad request"},
				Source:   "wpt-valid",
				Duration: 2 * ms, Reproduce: repro("wpt-exp-past"), Request: req("wpt-exp-past"),
			},
			{
				ID: "wpt-aud-alias", Group: "wpt", Comment: "WPT audience alias", Result: "invalid",
				Requirements: []string{"WIT-3"}, Levels: []string{"SHOULD"}, Draft: "wpt-02", Status: StatusWarn,
				Expected: Expected{Verdict: "reject", Status: 401, WWWAuthenticate: "Workload"},
				Observed: Observed{Status: 403, Reason: "wit.audience"},
				Message:  "right verdict, status 403 where the draft says 401",
				Duration: 4 * ms, Reproduce: repro("wpt-aud-alias"), Request: req("wpt-aud-alias"),
			},
		},
		Requirements: []RequirementInfo{
			{ID: "WIT-1", Level: "MUST", Doc: "draft-ietf-wimse-workload-creds-02", Section: "5.1", Text: "the WIT is a JWT"},
			{ID: "WIT-3", Level: "SHOULD", Doc: "draft-ietf-wimse-workload-creds-02", Section: "5.1", Text: "audience <aliases> & such"},
			{ID: "WIT-7", Level: "MUST", Doc: "draft-ietf-wimse-workload-creds-02", Section: "5.1.2", Text: "exp is present"},
			{ID: "WIT-8", Level: "MUST", Doc: "draft-ietf-wimse-workload-creds-02", Section: "5.1.2", Text: "exp has not passed"},
			{ID: "WIT-9", Level: "MUST", Doc: "draft-ietf-wimse-workload-creds-02", Section: "5.1.3", Text: "the key is known"},
			{ID: "WPT-4", Level: "MUST", Doc: "draft-ietf-wimse-wpt-02", Section: "2", Text: "wth matches"},
			{ID: "WPT-6", Level: "MUST", Doc: "draft-ietf-wimse-wpt-02", Section: "2", Text: "ath matches"},
			{ID: "WPT-9", Level: "MUST", Doc: "draft-ietf-wimse-wpt-02", Section: "3.1", Text: "no replay"},
			{ID: "WPT-EXP", Level: "MUST", Doc: "draft-ietf-wimse-wpt-02", Section: "2", Text: "exp is present and not passed"},
			{ID: "WPT-TYP", Level: "MUST", Doc: "draft-ietf-wimse-wpt-02", Section: "2", Text: "typ is wpt+jwt"},
		},
	}
}

func TestFinalize(t *testing.T) {
	r := reportFixture()
	r.Finalize()
	want := Summary{Total: 11, Counts: map[Status]int{
		StatusPass: 1, StatusFail: 2, StatusWarn: 2, StatusXFail: 1,
		StatusXPass: 1, StatusError: 1, StatusBlocked: 1, StatusUnsupported: 1, StatusSkip: 1,
	}}
	if diff := cmp.Diff(want, r.Summary); diff != "" {
		t.Errorf("Summary (-want +got):\n%s", diff)
	}
	if r.Conformant {
		t.Error("Conformant = true with fail, xpass, error, blocked, unsupported and skip results")
	}
	if r.Target.URL != reportRedactedURL {
		t.Errorf("Target.URL = %q, want %q", r.Target.URL, reportRedactedURL)
	}
	for _, res := range r.Results {
		if res.Request != nil && strings.Contains(res.Request.URL, "pass@") {
			t.Errorf("%s: Request.URL = %q keeps the userinfo", res.ID, res.Request.URL)
		}
		for _, s := range []string{res.Reproduce, res.Observed.Error} {
			if strings.Contains(s, "pass@") {
				t.Errorf("%s: %q keeps the userinfo", res.ID, s)
			}
		}
	}
	// Idempotent.
	again := reportFixture()
	again.Finalize()
	again.Finalize()
	if diff := cmp.Diff(r, again); diff != "" {
		t.Errorf("Finalize twice differs from once (-once +twice):\n%s", diff)
	}
}

func TestFinalizeConformant(t *testing.T) {
	for _, tc := range []struct {
		statuses []Status
		want     bool
	}{
		{nil, false}, // nothing shown is not conformance
		{[]Status{StatusPass}, true},
		{[]Status{StatusPass, StatusWarn, StatusXFail}, true},
		{[]Status{StatusPass, StatusFail}, false},
		{[]Status{StatusPass, StatusXPass}, false},
		{[]Status{StatusPass, StatusError}, false},
		{[]Status{StatusPass, StatusSkip}, false},
		{[]Status{StatusPass, StatusBlocked}, false},    // a blocked vector was not judged
		{[]Status{StatusPass, StatusUnsupported}, true}, // unsupported is outside the claimed profile
		{[]Status{StatusUnsupported}, false},            // nothing in the claimed profile
		{[]Status{StatusPass, "bogus"}, false},
		{[]Status{StatusPass, ""}, false},
	} {
		r := &Report{}
		for i, s := range tc.statuses {
			r.Results = append(r.Results, Result{ID: strconv.Itoa(i), Status: s})
		}
		r.Finalize()
		if r.Conformant != tc.want {
			t.Errorf("statuses %v: Conformant = %v, want %v", tc.statuses, r.Conformant, tc.want)
		}
		if r.Summary.Total != len(tc.statuses) {
			t.Errorf("statuses %v: Total = %d", tc.statuses, r.Summary.Total)
		}
		for _, s := range reportStatusOrder {
			if _, ok := r.Summary.Counts[s]; !ok {
				t.Errorf("statuses %v: Counts has no %q key", tc.statuses, s)
			}
		}
	}
}

func TestSummaryLine(t *testing.T) {
	r := reportFixture()
	if got, want := r.SummaryLine(), "4 passed, 4 failed, 3 skipped"; got != want {
		t.Errorf("SummaryLine() = %q, want %q", got, want)
	}
	r.Results = append(r.Results, Result{ID: "odd", Status: "bogus"})
	if got, want := r.SummaryLine(), "4 passed, 5 failed, 3 skipped"; got != want {
		t.Errorf("with an unknown status: SummaryLine() = %q, want %q", got, want)
	}
	if got, want := (&Report{}).SummaryLine(), "0 passed, 0 failed, 0 skipped"; got != want {
		t.Errorf("empty: SummaryLine() = %q, want %q", got, want)
	}
}

func TestRedactURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"https://host/x", "https://host/x"},
		{"https://user:pass@host/x", "https://host/x"},
		{"https://user@host:8443/x?q=1#f", "https://host:8443/x?q=1#f"},
		{"https://us%40er:p@ss@host/x", "https://host/x"},
		{"http://user:pass@host", "http://host"},
		{"https://host/x?mail=a@b", "https://host/x?mail=a@b"},
		{"https://host/a@b", "https://host/a@b"},
		{"wimse://td.example/svc", "wimse://td.example/svc"},
		{"not a url, mail me@example.com", "not a url, mail me@example.com"},
		{`Post "https://u:p@h/x": EOF`, `Post "https://h/x": EOF`},
		{"--target https://u:p@h/x --id a", "--target https://h/x --id a"},
		{"a https://u:p@h1/ b http://v:q@h2/", "a https://h1/ b http://h2/"},
	} {
		if got := redactURL(tc.in); got != tc.want {
			t.Errorf("redactURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestWriteJSONRoundTrip(t *testing.T) {
	in := reportFixture()
	var buf bytes.Buffer
	if err := WriteJSON(&buf, in); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(reportFixture(), in); diff != "" {
		t.Errorf("WriteJSON modified its argument (-before +after):\n%s", diff)
	}
	got, err := ReadJSON(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	want := reportFixture()
	want.Finalize()
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("decoded report differs from the finalized input (-want +got):\n%s", diff)
	}
	// Exactly json.Marshal of the finalized Report, indented.
	exact, err := json.MarshalIndent(want, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(append(exact, '\n'), buf.Bytes()) {
		t.Error("WriteJSON output is not the indented json.Marshal of the finalized report")
	}
	// Order as given.
	for i, res := range got.Results {
		if res.ID != want.Results[i].ID {
			t.Fatalf("result %d is %s, want %s", i, res.ID, want.Results[i].ID)
		}
	}
	if _, err := ReadJSON(strings.NewReader(buf.String() + "{}")); err == nil {
		t.Error("ReadJSON accepted data after the report")
	}
}

// JUnit as parsed back, with only what the tests look at.
type junitParsedSuites struct {
	XMLName  xml.Name           `xml:"testsuites"`
	Name     string             `xml:"name,attr"`
	Tests    string             `xml:"tests,attr"`
	Failures string             `xml:"failures,attr"`
	Errors   string             `xml:"errors,attr"`
	Time     string             `xml:"time,attr"`
	Skipped  *string            `xml:"skipped,attr"`
	Suites   []junitParsedSuite `xml:"testsuite"`
}

type junitParsedSuite struct {
	Name       string `xml:"name,attr"`
	Tests      string `xml:"tests,attr"`
	Failures   string `xml:"failures,attr"`
	Errors     string `xml:"errors,attr"`
	Skipped    string `xml:"skipped,attr"`
	Time       string `xml:"time,attr"`
	Properties []struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	} `xml:"properties>property"`
	Cases []junitParsedCase `xml:"testcase"`
}

type junitParsedCase struct {
	Name      string              `xml:"name,attr"`
	Classname string              `xml:"classname,attr"`
	Time      string              `xml:"time,attr"`
	Failure   []junitParsedDetail `xml:"failure"`
	Error     []junitParsedDetail `xml:"error"`
	Skipped   []junitParsedDetail `xml:"skipped"`
	SystemOut []string            `xml:"system-out"`
	// Anything the schema does not allow in a testcase.
	Properties []struct{} `xml:"properties"`
}

type junitParsedDetail struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",chardata"`
}

func writeJUnit(t *testing.T, r *Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestWriteJUnitStructure(t *testing.T) {
	out := writeJUnit(t, reportFixture())
	var doc junitParsedSuites
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, out)
	}
	if doc.Tests != "11" || doc.Failures != "3" || doc.Errors != "1" || doc.Time != "1.500" {
		t.Errorf("testsuites tests=%s failures=%s errors=%s time=%s, want 11 3 1 1.500", doc.Tests, doc.Failures, doc.Errors, doc.Time)
	}
	if doc.Skipped != nil {
		t.Error(`testsuites has a "skipped" attribute, which junit-10.xsd does not allow`)
	}
	if len(doc.Suites) != 2 || doc.Suites[0].Name != "wit" || doc.Suites[1].Name != "wpt" {
		t.Fatalf("suites = %+v, want wit then wpt", doc.Suites)
	}
	wantSuites := map[string][5]string{ // tests, failures, errors, skipped, time
		"wit": {"4", "1", "0", "0", "0.028"},
		"wpt": {"7", "2", "1", "3", "5.015"},
	}
	byName := map[string]junitParsedCase{}
	for _, s := range doc.Suites {
		got := [5]string{s.Tests, s.Failures, s.Errors, s.Skipped, s.Time}
		if got != wantSuites[s.Name] {
			t.Errorf("suite %s: tests/failures/errors/skipped/time = %v, want %v", s.Name, got, wantSuites[s.Name])
		}
		// The attributes agree with the test cases.
		var f, e, sk int
		for _, c := range s.Cases {
			f += len(c.Failure)
			e += len(c.Error)
			sk += len(c.Skipped)
		}
		if strconv.Itoa(len(s.Cases)) != s.Tests || strconv.Itoa(f) != s.Failures || strconv.Itoa(e) != s.Errors || strconv.Itoa(sk) != s.Skipped {
			t.Errorf("suite %s: attributes disagree with its %d test cases (%d failures, %d errors, %d skipped)", s.Name, len(s.Cases), f, e, sk)
		}
		props := map[string]string{}
		for _, p := range s.Properties {
			props[p.Name] = p.Value
		}
		if props["vectors.digest"] != "sha256:3f1c0ffee" || props["target.url"] != reportRedactedURL || props["tool"] != "wimse conformance v0.9.0" {
			t.Errorf("suite %s: properties = %v", s.Name, props)
		}
		for _, c := range s.Cases {
			if strings.TrimSpace(c.Name) == "" || strings.TrimSpace(c.Classname) == "" {
				t.Errorf("suite %s: testcase with empty name or classname: %+v", s.Name, c)
			}
			if c.Classname != "wimse."+s.Name {
				t.Errorf("%s: classname %q, want wimse.%s", c.Name, c.Classname, s.Name)
			}
			if len(c.Properties) > 0 {
				t.Errorf("%s: <properties> inside a testcase", c.Name)
			}
			if len(c.Failure)+len(c.Error)+len(c.Skipped) > 1 {
				t.Errorf("%s: more than one of failure, error, skipped", c.Name)
			}
			byName[c.Name] = c
		}
	}

	check := func(name, elem, typ string, contains ...string) {
		t.Helper()
		c, ok := byName[name]
		if !ok {
			t.Errorf("no testcase %q", name)
			return
		}
		var d []junitParsedDetail
		switch elem {
		case "failure":
			d = c.Failure
		case "error":
			d = c.Error
		case "skipped":
			d = c.Skipped
		case "":
			if len(c.Failure)+len(c.Error)+len(c.Skipped) != 0 {
				t.Errorf("%s: want a passing testcase, got %+v", name, c)
			}
		}
		if elem != "" {
			if len(d) != 1 {
				t.Errorf("%s: want one <%s>, got %+v", name, elem, c)
				return
			}
			if d[0].Type != typ || d[0].Message == "" {
				t.Errorf("%s: <%s type=%q message=%q>, want type %q and a message", name, elem, d[0].Type, d[0].Message, typ)
			}
		}
		text := strings.Join(c.SystemOut, "\n")
		if len(d) == 1 {
			text += "\n" + d[0].Body
		}
		for _, s := range contains {
			if !strings.Contains(text, s) {
				t.Errorf("%s: body and system-out do not contain %q:\n%s", name, s, text)
			}
		}
	}
	check("wit-valid-es256 [wpt-02]", "", "", "requirements: WIT-1 (MUST)")
	check("wit-expired [wpt-02]", "failure", "fail",
		"expected: reject, 401, wit.expired, WWW-Authenticate: Workload", "observed: 200",
		"requirements: WIT-7 (MUST), WIT-8 (MUST)", "flags: Expired", "Authorization: [redacted]", "reproduce: wimse conformance run")
	check("wit-aud-alias [wpt-02]", "", "", "WARN: right verdict, status 403", "requirements: WIT-3 (SHOULD)", "observed: 403")
	check("wit-kid-unknown [wpt-02]", "", "", "XFAIL: expected failure", "tracked in issue 42")
	check("wpt-wth-mismatch [wpt-02]", "failure", "xpass", "expected: reject, 401, wpt.wth_mismatch", "observed: 401")
	check("wpt-replay [wpt-02]", "error", "error", "context deadline exceeded")
	check("wpt-ath [wpt-02]", "skipped", "", "requirements: WPT-6 (MUST)")
	check("wpt-ext [wpt-02]", "skipped", "", "flags: Extension")
	check("wpt-valid [wpt-02]", "failure", "fail", `observed: 400, detail: "typ must be <wpt+jwt>"`)
	check("wpt-exp-past [wpt-02]", "skipped", "", "source: wpt-valid", "requirements: WPT-EXP (MUST)", `observed: 400, body: "bad request"`)
	if msg, want := byName["wpt-exp-past [wpt-02]"].Skipped[0].Message, "blocked: source wpt-valid was not accepted (fail)"; msg != want {
		t.Errorf("blocked skipped message %q, want %q", msg, want)
	}
	if msg := byName["wpt-ath [wpt-02]"].Skipped[0].Message; !strings.Contains(msg, "unsupported") {
		t.Errorf("unsupported skipped message %q does not say unsupported", msg)
	}
}

func TestWriteJUnitNamesNeverEmpty(t *testing.T) {
	r := &Report{Results: []Result{
		{Status: StatusPass},
		{ID: "x", Status: "bogus"},
	}}
	var doc junitParsedSuites
	if err := xml.Unmarshal(writeJUnit(t, r), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Suites) != 1 || doc.Suites[0].Name != "ungrouped" || len(doc.Suites[0].Cases) != 2 {
		t.Fatalf("suites = %+v", doc.Suites)
	}
	c := doc.Suites[0].Cases
	if c[0].Name != "result-1" || c[0].Classname != "wimse.ungrouped" {
		t.Errorf("unnamed result: name=%q classname=%q", c[0].Name, c[0].Classname)
	}
	if len(c[1].Error) != 1 || doc.Suites[0].Errors != "1" {
		t.Errorf("unknown status not reported as an error: %+v", c[1])
	}
}

// TestWriteJUnitSchema validates the JUnit report against the Jenkins
// junit-10.xsd with xmllint; it skips only when xmllint is not installed
// (Debian: apt-get install libxml2-utils).
func TestWriteJUnitSchema(t *testing.T) {
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint not installed (Debian package libxml2-utils): JUnit schema validation not run")
	}
	dir := t.TempDir()
	reports := map[string]*Report{
		"fixture": reportFixture(),
		"empty":   {},
		"odd":     {Results: []Result{{Status: StatusPass}, {ID: "x\x01<y>", Group: "g]]>", Status: "bogus", Message: "a\nb"}}},
	}
	for name, r := range reports {
		path := filepath.Join(dir, name+".xml")
		if err := os.WriteFile(path, writeJUnit(t, r), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(xmllint, "--noout", "--nonet", "--schema", filepath.Join("testdata", "junit", "junit.xsd"), path).CombinedOutput()
		if err != nil {
			t.Errorf("%s: xmllint --schema junit.xsd: %v\n%s", name, err, out)
		}
	}
}

func TestWriteJUnitGolden(t *testing.T) {
	checkGolden(t, filepath.Join("testdata", "junit", "report.golden.xml"), writeJUnit(t, reportFixture()))
}

func writeMarkdown(t *testing.T, r *Report) string {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestWriteMarkdown(t *testing.T) {
	r := reportFixture()
	md := writeMarkdown(t, r)
	lines := strings.Split(strings.TrimRight(md, "\n"), "\n")
	if last := lines[len(lines)-1]; last != r.SummaryLine() {
		t.Errorf("last line = %q, want the summary line %q", last, r.SummaryLine())
	}
	for _, want := range []string{"**Verdict: not conformant", "sha256:3f1c0ffee", "v0.9.0", "| fail | 2 |", "| blocked | 1 |", "| **total** | **11** |",
		"### Fix this one and re-run: 1 vector is blocked behind it\n\n- wpt-valid \\[wpt-02\\]: fail, blocks 1\n",
		"| WPT-TYP | MUST | draft-ietf-wimse-wpt-02 §2 | typ is wpt+jwt |",
		"blocked: source wpt-valid was not accepted (fail)",
		r.StatusLine() + "\n\n" + r.SummaryLine() + "\n"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
	// One table row per non-passing result, failures first; no pass row.
	var rows []string
	for _, l := range lines {
		if strings.HasPrefix(l, "| wit") || strings.HasPrefix(l, "| wpt") {
			rows = append(rows, l)
		}
	}
	wantOrder := []string{"wit-expired", "wpt-valid", "wpt-wth-mismatch", "wpt-replay", "wpt-exp-past", "wpt-ath", "wpt-ext", "wit-aud-alias", "wpt-aud-alias", "wit-kid-unknown"}
	if len(rows) != len(wantOrder) {
		t.Fatalf("got %d result rows, want %d:\n%s", len(rows), len(wantOrder), strings.Join(rows, "\n"))
	}
	for i, id := range wantOrder {
		if !strings.HasPrefix(rows[i], "| "+id+" | wpt-02 | ") {
			t.Errorf("row %d = %q, want %s", i, rows[i], id)
		}
		if cells := strings.Count(strings.ReplaceAll(rows[i], `\|`, ""), "|"); cells != 7 {
			t.Errorf("row %d has %d unescaped pipes, want 7 (6 cells): %q", i, cells, rows[i])
		}
	}
	if strings.Contains(md, "<b>") || !strings.Contains(md, `\[link\](https://evil`) || !strings.Contains(md, `\| "ok" \&`) {
		t.Errorf("target text not escaped:\n%s", md)
	}

	ok := &Report{Results: []Result{{ID: "a", Status: StatusPass}, {ID: "b", Status: StatusWarn, Message: "m"}}}
	md = writeMarkdown(t, ok)
	if !strings.Contains(md, "**Verdict: conformant**") || !strings.HasSuffix(md, "2 passed, 0 failed, 0 skipped\n") {
		t.Errorf("conformant report:\n%s", md)
	}
}

func TestWriteMarkdownGolden(t *testing.T) {
	checkGolden(t, filepath.Join("testdata", "junit", "report.golden.md"), []byte(writeMarkdown(t, reportFixture())))
}

// TestReportsRedact: no format prints the password of --target, and the
// field values the runner redacted stay redacted.
func TestReportsRedact(t *testing.T) {
	r := reportFixture()
	var js bytes.Buffer
	if err := WriteJSON(&js, r); err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{
		"json":     js.String(),
		"junit":    string(writeJUnit(t, r)),
		"markdown": writeMarkdown(t, r),
		"html":     writeHTML(t, r),
	}
	for format, out := range outputs {
		for _, secret := range []string{"user:pass", "pass@", "user@"} {
			if strings.Contains(out, secret) {
				t.Errorf("%s report contains %q", format, secret)
			}
		}
		if !strings.Contains(out, reportRedactedURL) {
			t.Errorf("%s report lacks the target URL", format)
		}
		if format != "markdown" && !strings.Contains(out, "[redacted]") {
			t.Errorf("%s report lacks the redacted field value", format)
		}
	}
	if diff := cmp.Diff(reportFixture(), r); diff != "" {
		t.Errorf("renderers modified the report (-before +after):\n%s", diff)
	}
}

func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if updateGolden() {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run Golden -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-golden +got; go test -run Golden -update rewrites it):\n%s", path, diff)
	}
}
