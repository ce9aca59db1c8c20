// Package brokenhandler_test runs the adapter, as a user's module would,
// against deliberately broken handlers, in a Ginkgo suite of its own, and
// checks what the failures say and where they point.
package brokenhandler_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/conformance/suite"
	"github.com/wimse-wg/wimse/vectors"
)

// acceptAll authenticates nobody and answers everything.
func acceptAll(suite.Env) (http.Handler, error) {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "hello") }), nil
}

// rejectAll refuses everything, with the WPT challenge.
func rejectAll(suite.Env) (http.Handler, error) {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("WWW-Authenticate", "WPT")
		http.Error(w, "go away", http.StatusUnauthorized)
	}), nil
}

// unbuildable cannot be built.
func unbuildable(suite.Env) (http.Handler, error) { return nil, errors.New("no configuration") }

func line() int {
	_, _, l, _ := runtime.Caller(1)
	return l
}

// Each Describe on the line that records its number.
var (
	acceptLine, _ = line(), suite.Describe(suite.Options{Name: "accept-all", Draft: "wpt-02", Handler: acceptAll, Profile: conformance.DefaultProfile()})
	rejectLine, _ = line(), suite.Describe(suite.Options{Name: "reject-all", Draft: "wpt-02", Handler: rejectAll, Profile: conformance.DefaultProfile()})
	typoLine, _   = line(), suite.Describe(suite.Options{Name: "typo", Draft: "wpt02", Handler: acceptAll})
	buildLine, _  = line(), suite.Describe(suite.Options{Name: "unbuildable", Draft: "http-signature-07", Handler: unbuildable})
)

var report ginkgo.Report

var _ = ginkgo.ReportAfterSuite("capture", func(r ginkgo.Report) { report = r })

// recorder stands in for the *testing.T of RunSpecs: the suite is meant to
// fail.
type recorder struct{ failed bool }

func (r *recorder) Fail() { r.failed = true }

func TestBrokenHandlers(t *testing.T) {
	var rec recorder
	passed := ginkgo.RunSpecs(&rec, "WIMSE conformance against broken handlers")
	if c := report.SuiteConfig; len(c.FocusStrings)+len(c.SkipStrings) > 0 || c.LabelFilter != "" {
		return // a filtered run: the reproduce check below, or a user's
	}
	if passed || !rec.failed {
		t.Fatal("the suite passed against broken handlers")
	}
	set, err := vectors.Load(vectors.FS)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*vectors.Vector{}
	for _, f := range set.Files {
		for i := range f.Tests {
			byID[f.Tests[i].ID] = &f.Tests[i]
		}
	}
	_, file, _, _ := runtime.Caller(0)
	counts := map[string]map[types.SpecState]int{}
	var reproduce string
	for _, s := range report.SpecReports {
		if s.LeafNodeType != types.NodeTypeIt {
			continue
		}
		container := s.ContainerHierarchyTexts[0]
		if counts[container] == nil {
			counts[container] = map[types.SpecState]int{}
		}
		counts[container][s.State]++
		id, _, _ := strings.Cut(s.LeafNodeText, ":")
		want := map[string]int{
			"WIMSE conformance accept-all wpt-02":             acceptLine,
			"WIMSE conformance reject-all wpt-02":             rejectLine,
			"WIMSE conformance typo wpt02":                    typoLine,
			"WIMSE conformance unbuildable http-signature-07": buildLine,
		}[container]
		if s.LeafNodeLocation.FileName != file || s.LeafNodeLocation.LineNumber != want {
			t.Errorf("%s: spec located at %s, want %s:%d", s.FullText(), s.LeafNodeLocation, file, want)
		}
		if container == "WIMSE conformance unbuildable http-signature-07" && s.State == types.SpecStateSkipped &&
			!strings.HasPrefix(s.Failure.Message, "not played: suite: Options.Handler: no configuration") {
			t.Errorf("%s: skipped with %q", s.FullText(), s.Failure.Message)
		}
		if s.State != types.SpecStateFailed {
			if v := byID[id]; container == "WIMSE conformance accept-all wpt-02" && s.State == types.SpecStatePassed &&
				v.Expect.Verdict == "reject" && v.Result == vectors.ResultInvalid && !slices.Contains(v.Flags, "ShouldLevel") && v.Template.Sends < 2 {
				t.Errorf("%s passed against a handler that accepts everything", s.FullText())
			}
			continue
		}
		msg := s.Failure.Message
		if loc := s.Failure.Location; loc.FileName != file || loc.LineNumber != want {
			t.Errorf("%s: failure reported at %s, want %s:%d", s.FullText(), loc, file, want)
		}
		if strings.Contains(msg, "( ") || strings.Contains(msg, " )") || strings.Contains(msg, " ,") {
			t.Errorf("%s: spacing glitch in %q", s.FullText(), msg)
		}
		switch container {
		case "WIMSE conformance typo wpt02":
			if id != "setup" || !strings.Contains(msg, `suite: Options.Draft "wpt02" is not one of wpt-01, wpt-02, http-signature-06, http-signature-07, mtls`) {
				t.Errorf("typo: got spec %q failing with %q", s.LeafNodeText, msg)
			}
			continue
		case "WIMSE conformance unbuildable http-signature-07":
			if msg != "DeferCleanup callback returned error: suite: Options.Handler: no configuration" {
				t.Errorf("unbuildable: %s: %q", s.LeafNodeText, msg)
			}
			continue
		case "WIMSE conformance accept-all wpt-02":
			if v := byID[id]; v.Expect.Verdict == "accept" {
				t.Errorf("%s: a valid vector failed against a handler that accepts everything: %s", id, msg)
			}
			for _, part := range []string{"fail " + id + ": ", "\n  answered:  status 200, body \"hello\"\n", "\n  requires:  ", "\n  reproduce: go test ./conformance/suite/internal/brokenhandler -run '^TestBrokenHandlers$' -ginkgo.focus="} {
				if !strings.Contains(msg, part) {
					t.Errorf("%s: the failure message lacks %q:\n%s", id, part, msg)
				}
			}
			if reproduce == "" {
				reproduce = msg[strings.Index(msg, "reproduce: ")+len("reproduce: "):]
			}
		case "WIMSE conformance reject-all wpt-02":
			v := byID[id]
			switch {
			case v.Expect.Verdict == "accept":
				if !strings.Contains(msg, "fail "+id+": expected the target to accept") || !strings.Contains(msg, "answered:  status 401, WWW-Authenticate WPT, body \"go away\\n\"") {
					t.Errorf("%s: %s", id, msg)
				}
			case v.Mutation != nil && v.Template.Sends < 2: // a replay fails on its first send
				if !strings.Contains(msg, "blocked "+id+": ") || !strings.Contains(msg, "\n  fix first: "+v.Mutation.From+": go test ") {
					t.Errorf("%s: want blocked behind %s: %s", id, v.Mutation.From, msg)
				}
			}
		}
	}
	t.Logf("specs per container and state: %v", counts)
	if c := counts["WIMSE conformance accept-all wpt-02"]; c[types.SpecStateFailed] == 0 || c[types.SpecStatePassed] == 0 {
		t.Errorf("accept-all: %v, want failures and passes", c)
	}
	// Every valid vector fails, and every negative one is blocked behind it.
	if c := counts["WIMSE conformance reject-all wpt-02"]; c[types.SpecStateFailed] == 0 || c[types.SpecStatePassed] != 0 {
		t.Errorf("reject-all: %v, want failures only", c)
	}
	if counts["WIMSE conformance typo wpt02"][types.SpecStateFailed] != 1 {
		t.Errorf("typo: %v, want one failed setup spec", counts["WIMSE conformance typo wpt02"])
	}
	// The first spec says why the handler could not be served; the others
	// are skipped for it.
	if c := counts["WIMSE conformance unbuildable http-signature-07"]; c[types.SpecStateFailed] != 1 || c[types.SpecStateSkipped] == 0 || c[types.SpecStatePassed] != 0 {
		t.Errorf("unbuildable: %v, want one failure, the rest skipped", c)
	}
	if reproduce == "" {
		t.Fatal("no reproduce line")
	}
	checkReproduce(t, reproduce)
}

// checkReproduce checks that a failure's reproduce line plays that vector
// alone: its `go test` names this package from the module root, and its
// flags, given to this test binary (what `go test` would build), run one
// spec.
func checkReproduce(t *testing.T, line string) {
	id := regexp.MustCompile(`focus='WIMSE conformance accept-all wpt-02 ([a-z0-9-]+):'$`).FindStringSubmatch(line)
	if id == nil {
		t.Fatalf("reproduce line %q does not focus on one vector", line)
	}
	pkg, flags, ok := strings.Cut(strings.TrimPrefix(line, "go test "), " ")
	here, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if root, _ := filepath.Abs("../../../.."); !ok || !strings.HasPrefix(line, "go test ") || filepath.Join(root, pkg) != here {
		t.Fatalf("reproduce line %q does not name this package (%s) from the module root", line, here)
	}
	flags, ok = strings.CutPrefix(flags, "-run ")
	if !ok {
		t.Fatalf("reproduce line %q has no -run", line)
	}
	t.Logf("reproduce: %s", line)
	out := filepath.Join(t.TempDir(), "report.json")
	cmd := exec.Command("sh", "-c", "'"+os.Args[0]+"' -test.run "+flags+" -ginkgo.json-report="+out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", line, err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var reports []types.Report
	if err := json.Unmarshal(b, &reports); err != nil {
		t.Fatal(err)
	}
	var ran []string
	for _, r := range reports {
		for _, s := range r.SpecReports {
			if s.LeafNodeType == types.NodeTypeIt && s.State != types.SpecStateSkipped {
				ran = append(ran, s.FullText())
			}
		}
	}
	if len(ran) != 1 || !strings.HasPrefix(ran[0], "WIMSE conformance accept-all wpt-02 "+id[1]+": ") {
		t.Errorf("%s ran %q, want the one spec of %s", line, ran, id[1])
	}
}
