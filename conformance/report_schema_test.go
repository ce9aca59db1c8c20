package conformance_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/conformance/internal/reportschema"
	"github.com/wimse-wg/wimse/interop/server"
	"github.com/wimse-wg/wimse/vectors"
)

func reportSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	sch, err := reportschema.Compile()
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// TestReportSchema: the JSON reports of real runs validate against the
// published schema, a run with every kind of outcome included (blocked,
// unsupported, fail, error), and a report with an unknown status does not.
func TestReportSchema(t *testing.T) {
	sch := reportSchema(t)
	validate := func(t *testing.T, rep *conformance.Report) {
		t.Helper()
		var buf bytes.Buffer
		if err := conformance.WriteJSON(&buf, rep); err != nil {
			t.Fatal(err)
		}
		inst, err := jsonschema.UnmarshalJSON(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(inst); err != nil {
			t.Fatalf("report does not validate: %v", err)
		}
	}
	set, err := vectors.Load(vectors.FS)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	t.Run("reference server", func(t *testing.T) {
		rep, err := server.RunSuite(ctx, conformance.Config{Draft: "wpt-02", Set: set, LabelFilter: "baseline || time || kid"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		validate(t, rep)
	})
	t.Run("every outcome", func(t *testing.T) {
		rep := &conformance.Report{ReportSchema: conformance.ReportSchema, Results: []conformance.Result{
			{ID: "a", Status: conformance.StatusFail, Result: "valid", Expected: conformance.Expected{Verdict: "accept"}},
			{ID: "b", Status: conformance.StatusBlocked, Source: "a", Result: "invalid", Expected: conformance.Expected{Verdict: "reject"}},
			{ID: "c", Status: conformance.StatusUnsupported, Result: "valid", Expected: conformance.Expected{Verdict: "accept"}},
			{ID: "d", Status: conformance.StatusError, Result: "valid", Observed: conformance.Observed{Error: "transport: refused"}},
		}}
		rep.Finalize()
		if len(rep.Blockers) != 1 || rep.Blockers[0].ID != "a" || rep.Blockers[0].Blocks != 1 {
			t.Fatalf("blockers %+v, want a blocking 1", rep.Blockers)
		}
		validate(t, rep)
	})
	t.Run("unknown status is invalid", func(t *testing.T) {
		rep := &conformance.Report{ReportSchema: conformance.ReportSchema, Results: []conformance.Result{{ID: "a", Status: "passed-ish"}}}
		rep.Finalize()
		var buf bytes.Buffer
		if err := conformance.WriteJSON(&buf, rep); err != nil {
			t.Fatal(err)
		}
		inst, _ := jsonschema.UnmarshalJSON(strings.NewReader(buf.String()))
		if sch.Validate(inst) == nil {
			t.Fatal("a report with an unknown status validates")
		}
	})
}
