package clientrole_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/conformance/clientrole"
	"github.com/wimse-wg/wimse/conformance/internal/reportschema"
	"github.com/wimse-wg/wimse/vectors"
)

// TestReports: a client-role report, with passes, failures, blocked and
// unsupported results, validates against the published report schema and
// renders in every format conformance run writes.
func TestReports(t *testing.T) {
	sch, err := reportschema.Compile()
	if err != nil {
		t.Fatal(err)
	}
	cmd, err := clientrole.NewCommand("false --url {{url}} --body {{body}}")
	if err != nil {
		t.Fatal(err)
	}
	defer cmd.Close()
	reports := []*conformance.Report{
		run(t, clientrole.Config{Profile: vectors.ClientProfileHTTPSig, Client: clientrole.InProcess{}}),
		run(t, clientrole.Config{Profile: vectors.ClientProfileHTTPSig, Client: cmd}), // error and unsupported
		run(t, clientrole.Config{Profile: vectors.ClientProfileHTTPSig, Client: funcClient(func(ctx context.Context, c *clientrole.Call) error {
			_ = clientrole.InProcess{}.Call(ctx, c)
			return errors.New("exit 1")
		})}), // fail and blocked
	}
	seen := map[conformance.Status]bool{}
	for _, rep := range reports {
		for _, r := range rep.Results {
			seen[r.Status] = true
		}
	}
	for _, s := range []conformance.Status{conformance.StatusPass, conformance.StatusFail, conformance.StatusBlocked, conformance.StatusUnsupported, conformance.StatusError} {
		if !seen[s] {
			t.Errorf("no %s result among the reports", s)
		}
	}
	for i, rep := range reports {
		var buf bytes.Buffer
		if err := conformance.WriteJSON(&buf, rep); err != nil {
			t.Fatal(err)
		}
		inst, err := jsonschema.UnmarshalJSON(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(inst); err != nil {
			t.Errorf("report %d does not validate: %v", i, err)
		}
		for name, write := range map[string]func(*bytes.Buffer, *conformance.Report) error{
			"junit":    func(b *bytes.Buffer, r *conformance.Report) error { return conformance.WriteJUnit(b, r) },
			"markdown": func(b *bytes.Buffer, r *conformance.Report) error { return conformance.WriteMarkdown(b, r) },
			"html":     func(b *bytes.Buffer, r *conformance.Report) error { return conformance.WriteHTML(b, r) },
		} {
			var out bytes.Buffer
			want := "client-"
			if name == "markdown" {
				want = rep.SummaryLine() // it lists only the results other than pass
			}
			if err := write(&out, rep); err != nil || !strings.Contains(out.String(), want) {
				t.Errorf("report %d, %s: %v", i, name, err)
			}
		}
	}
}
