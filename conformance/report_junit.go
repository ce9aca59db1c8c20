package conformance

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// WriteJUnit writes the report as JUnit XML that validates against the
// Jenkins xUnit "junit-10.xsd" (Surefire/Ant format; a copy is in
// testdata/junit/junit.xsd and the tests check it with xmllint):
//
//   - one <testsuites> (name, tests, failures, errors, time = run duration;
//     the schema allows no "skipped" here);
//   - one <testsuite> per Result.Group, in order of first appearance, with
//     tests, failures (fail + xpass), errors (error, and any unknown status),
//     skipped (skip + unsupported + blocked), time (sum of its test cases),
//     timestamp,
//     and <properties> describing the run (tool, vector set, target);
//   - one <testcase name="ID [draft]" classname="wimse.<group>" time="...">
//     per result, in the order given; name and classname are never empty;
//   - fail and xpass: <failure type="fail|xpass" message="..."> whose body
//     gives expected vs observed, the requirements, the request sent and the
//     reproduce command; error: <error type="error" ...> likewise; skip and
//     unsupported: <skipped message="..."/>; blocked: <skipped> whose message
//     names the source vector that was not accepted ("blocked: source
//     wit-valid-es256 was not accepted (fail)"); warn and xfail pass, with
//     the remark in <system-out>.
//
// The schema allows no <properties> inside a <testcase>, so each test case's
// requirement IDs (with levels), flags and labels go into its <system-out>.
// r itself is not modified.
func WriteJUnit(w io.Writer, r *Report) error {
	v := reportView(r)
	doc := junitTestsuites{
		Name:     junitSuitesName(v),
		Tests:    len(v.Results),
		Time:     junitSeconds(v.Duration),
		Failures: 0,
		Errors:   0,
	}
	props := junitRunProperties(v)
	suiteIndex := map[string]int{}
	for i, res := range v.Results {
		group := reportGroup(res)
		si, ok := suiteIndex[group]
		if !ok {
			si = len(doc.Suites)
			suiteIndex[group] = si
			doc.Suites = append(doc.Suites, junitTestsuite{
				Name:       group,
				Timestamp:  junitTimestamp(v.StartedAt),
				Properties: &junitProperties{Property: props},
			})
		}
		suite := &doc.Suites[si]
		tc := junitCase(v, res, i)
		suite.Tests++
		suite.duration += max(res.Duration, 0)
		switch {
		case tc.Failure != nil:
			suite.Failures++
			doc.Failures++
		case tc.Error != nil:
			suite.Errors++
			doc.Errors++
		case tc.Skipped != nil:
			suite.Skipped++
		}
		suite.Cases = append(suite.Cases, tc)
	}
	for i := range doc.Suites {
		doc.Suites[i].Time = junitSeconds(doc.Suites[i].duration)
	}

	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("conformance: write JUnit report: %w", err)
	}
	buf.WriteByte('\n')
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("conformance: write JUnit report: %w", err)
	}
	return nil
}

type junitTestsuites struct {
	XMLName  xml.Name         `xml:"testsuites"`
	Name     string           `xml:"name,attr"`
	Tests    int              `xml:"tests,attr"`
	Failures int              `xml:"failures,attr"`
	Errors   int              `xml:"errors,attr"`
	Time     string           `xml:"time,attr"`
	Suites   []junitTestsuite `xml:"testsuite"`
}

type junitTestsuite struct {
	Name       string           `xml:"name,attr"`
	Tests      int              `xml:"tests,attr"`
	Failures   int              `xml:"failures,attr"`
	Errors     int              `xml:"errors,attr"`
	Skipped    int              `xml:"skipped,attr"`
	Time       string           `xml:"time,attr"`
	Timestamp  string           `xml:"timestamp,attr,omitempty"`
	Properties *junitProperties `xml:"properties,omitempty"`
	Cases      []junitTestcase  `xml:"testcase"`
	duration   time.Duration
}

type junitProperties struct {
	Property []junitProperty `xml:"property"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitTestcase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitProblem `xml:"skipped,omitempty"`
	SystemOut junitText     `xml:"system-out,omitempty"`
}

// junitProblem is a <failure>, <error> or <skipped> element. It marshals its
// body with real line breaks (encoding/xml would write "&#xA;" for each in a
// ",chardata" field) so that CI pages show it as written.
type junitProblem struct {
	Message string
	Type    string
	Body    string
}

func (p junitProblem) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if p.Message != "" {
		start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Local: "message"}, Value: p.Message})
	}
	if p.Type != "" {
		start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Local: "type"}, Value: p.Type})
	}
	return junitElement(e, start, p.Body)
}

// junitText is element text written with real line breaks.
type junitText string

func (t junitText) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return junitElement(e, start, string(t))
}

func junitElement(e *xml.Encoder, start xml.StartElement, text string) error {
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	if text != "" {
		if err := e.EncodeToken(xml.CharData(text)); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}

func junitCase(v *Report, res Result, index int) junitTestcase {
	tc := junitTestcase{
		Name:      reportTestName(res, index),
		Classname: "wimse." + reportGroup(res),
		Time:      junitSeconds(res.Duration),
	}
	message := res.Message
	switch res.Status {
	case StatusPass:
	case StatusWarn:
		if message == "" {
			message = "right verdict, wrong signalling or a SHOULD missed"
		}
	case StatusXFail:
		if message == "" {
			message = "failed as the expected-failures file says"
		}
	case StatusFail, StatusXPass:
		if message == "" {
			message = string(res.Status)
		}
		tc.Failure = &junitProblem{Message: message, Type: string(res.Status), Body: junitEvidence(res)}
	case StatusError:
		if message == "" {
			message = "infrastructure error"
			if res.Observed.Error != "" {
				message = res.Observed.Error
			}
		}
		tc.Error = &junitProblem{Message: message, Type: string(res.Status), Body: junitEvidence(res)}
	case StatusSkip, StatusUnsupported:
		if message == "" {
			message = string(res.Status)
			if res.Status == StatusUnsupported {
				message = "declared unsupported by the target profile"
			}
		}
		tc.Skipped = &junitProblem{Message: string(res.Status) + ": " + message}
	case StatusBlocked:
		tc.Skipped = &junitProblem{Message: reportBlockedMessage(v, res)}
	default:
		// Unknown: never let it read as a pass.
		message = "unknown status " + strconv.Quote(string(res.Status)) + ": " + message
		tc.Error = &junitProblem{Message: message, Type: string(res.Status), Body: junitEvidence(res)}
	}

	var out strings.Builder
	switch res.Status {
	case StatusWarn:
		fmt.Fprintf(&out, "WARN: %s\n", message)
	case StatusXFail:
		fmt.Fprintf(&out, "XFAIL: expected failure, still failing: %s\n", message)
		if res.ExpectedFailure != "" {
			fmt.Fprintf(&out, "expected-failures entry: %s\n", res.ExpectedFailure)
		}
	case StatusBlocked:
		if message != "" {
			fmt.Fprintf(&out, "BLOCKED: %s\n", message)
		}
		if res.Source != "" {
			fmt.Fprintf(&out, "source: %s (fix it first: this vector is judged only behind it)\n", res.Source)
		}
	}
	if s := reportRequirements(res); s != "" {
		fmt.Fprintf(&out, "requirements: %s\n", s)
	}
	if len(res.Flags) > 0 {
		fmt.Fprintf(&out, "flags: %s\n", strings.Join(res.Flags, ", "))
	}
	if len(res.Labels) > 0 {
		fmt.Fprintf(&out, "labels: %s\n", strings.Join(res.Labels, ", "))
	}
	if res.Status == StatusWarn || res.Status == StatusXFail || (res.Status == StatusBlocked && res.Observed.Status != 0) {
		fmt.Fprintf(&out, "expected: %s\nobserved: %s\n", reportExpected(res.Expected), reportObserved(res.Observed))
		if res.Reproduce != "" {
			fmt.Fprintf(&out, "reproduce: %s\n", res.Reproduce)
		}
	}
	tc.SystemOut = junitText(out.String())
	return tc
}

// junitEvidence is the body of a <failure> or <error>: expected vs observed,
// what the vector is about, the request sent and how to reproduce it.
func junitEvidence(res Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "expected: %s\n", reportExpected(res.Expected))
	fmt.Fprintf(&b, "observed: %s\n", reportObserved(res.Observed))
	if res.Observed.ContentType != "" {
		fmt.Fprintf(&b, "observed content type: %s\n", res.Observed.ContentType)
	}
	if res.Comment != "" {
		fmt.Fprintf(&b, "vector: %s\n", res.Comment)
	}
	if s := reportRequirements(res); s != "" {
		fmt.Fprintf(&b, "requirements: %s\n", s)
	}
	if res.ExpectedFailure != "" {
		fmt.Fprintf(&b, "expected-failures entry: %s\n", res.ExpectedFailure)
	}
	if req := res.Request; req != nil {
		fmt.Fprintf(&b, "request: %s %s\n", req.Method, req.URL)
		for _, f := range req.Fields {
			fmt.Fprintf(&b, "  %s: %s\n", f[0], f[1])
		}
		if req.Body != "" {
			fmt.Fprintf(&b, "  body: %s\n", req.Body)
		}
	}
	if res.Reproduce != "" {
		fmt.Fprintf(&b, "reproduce: %s\n", res.Reproduce)
	}
	return b.String()
}

func junitRunProperties(v *Report) []junitProperty {
	props := []junitProperty{
		{"tool", strings.TrimSpace(v.Tool.Name + " " + v.Tool.Version)},
		{"vectors.schema", v.Vectors.Schema},
		{"vectors.digest", v.Vectors.Digest},
		{"vectors.count", strconv.Itoa(v.Vectors.Count)},
		{"target.url", v.Target.URL},
		{"target.draft", v.Target.Draft},
		{"target.audience", v.Target.Audience},
		{"target.strict", strconv.FormatBool(v.Target.Strict)},
		{"target.inProcess", strconv.FormatBool(v.Target.InProcess)},
		{"conformant", strconv.FormatBool(v.Conformant)},
		{"statuses", v.StatusLine()},
		{"summary", v.SummaryLine()},
	}
	return props
}

func junitSuitesName(*Report) string {
	return "WIMSE conformance"
}

// junitSeconds formats a duration as the schema's SUREFIRE_TIME: seconds
// with three decimals, never negative.
func junitSeconds(d time.Duration) string {
	return strconv.FormatFloat(max(d, 0).Seconds(), 'f', 3, 64)
}

// junitTimestamp is the Ant timestamp: ISO 8601 in UTC without a zone.
func junitTimestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05")
}
