package main

import (
	"strings"
	"testing"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/interop/server"
)

// TestSelftestVariantLines: one line per policy variant, "conformant" with
// its counts or "FALSE ALARM" with the vectors that did not pass and what
// they say, and a note for rejections with another reason code.
func TestSelftestVariantLines(t *testing.T) {
	res := func(id, draft string, s conformance.Status, msg string) conformance.Result {
		return conformance.Result{ID: id, Draft: draft, Status: s, Message: msg, Result: "invalid",
			Expected: conformance.Expected{Verdict: "reject", Reason: "wit.signature"}}
	}
	good := conformance.Report{Conformant: true, Results: []conformance.Result{
		res("wpt-valid-es256", "wpt-02", conformance.StatusPass, ""),
		res("wpt-exp-within-skew", "wpt-02", conformance.StatusPass, ""),
		res("wit-valid-issuer-es384", "wpt-02", conformance.StatusUnsupported, "not declared"),
	}}
	odd := res("wit-alg-kid-mismatch", "wpt-02", conformance.StatusPass, "")
	odd.Observed.Reason = "wit.key_unknown"
	good.Results = append(good.Results, odd)
	bad := conformance.Report{Results: []conformance.Result{
		res("wpt-valid-es256", "wpt-01", conformance.StatusPass, ""),
		res("wit-typ-legacy", "wpt-01", conformance.StatusFail, "expected the target to reject, but it answered 200"),
	}}
	var out strings.Builder
	n := printVariants(&out, []server.VariantResult{
		{Name: "clock skew 30 s", Reports: []*conformance.Report{&good}},
		{Name: "legacy typ", Reports: []*conformance.Report{&bad}},
	})
	if n != 1 {
		t.Errorf("%d variants counted conformant, want 1", n)
	}
	want := []string{
		"conformant  clock skew 30 s  3 pass, 1 unsupported",
		"            note: 1 rejections with the right verdict and another reason code, first wpt-02/wit-alg-kid-mismatch: observed wit.key_unknown, expected wit.signature",
		"FALSE ALARM legacy typ: wpt-01/wit-typ-legacy fail: expected the target to reject, but it answered 200",
	}
	if got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), strings.Join(want, "\n"))
	}
}
