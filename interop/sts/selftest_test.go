package sts_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/interop/sts"
)

// TestSuitePassesReferenceSTS: the token endpoint vectors pass against the
// reference STS started in-process: nothing fails, errors or is blocked,
// and the report never shows the client secret.
func TestSuitePassesReferenceSTS(t *testing.T) {
	rep, err := sts.RunSuite(context.Background(), conformance.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Results {
		switch r.Status {
		case conformance.StatusPass:
			t.Logf("pass %s: %s", r.ID, r.Message)
		case conformance.StatusUnsupported, conformance.StatusWarn:
			t.Logf("%s %s: %s", r.Status, r.ID, r.Message)
		default:
			t.Errorf("%s %s: %s (observed %+v, request %+v)", r.Status, r.ID, r.Message, r.Observed, r.Request)
		}
	}
	t.Log(rep.SummaryLine())
	var b bytes.Buffer
	if err := conformance.WriteJSON(&b, rep); err != nil {
		t.Fatal(err)
	}
	if s := os.Getenv("STS_SECRET_DEMO_BASIC"); s == "" || strings.Contains(b.String(), s) {
		t.Error("the report shows the client secret")
	}
}
