package policy

import (
	"os"
	"testing"

	"github.com/wimse-wg/wimse/wimse"
)

// FuzzParse: Parse never panics, fails only with policy.malformed, and
// what it accepts validates and evaluates without panicking.
func FuzzParse(f *testing.F) {
	if b, err := os.ReadFile("testdata/policy.json"); err == nil {
		f.Add(b)
	}
	f.Add(policyWith(validRule()))
	f.Add([]byte(`{"version":1,"rules":[]}`))
	f.Add([]byte("// c\n{\"version\":1,\"rules\":[{\"name\":\"a\"}]}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Parse(b)
		if err != nil {
			if r := wimse.ReasonOf(err); r != wimse.ReasonPolicyMalformed {
				t.Fatalf("reason %q: %v", r, err)
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("accepted policy fails Validate: %v", err)
		}
		d := p.Evaluate(baseline())
		if len(d.Trace) > len(p.Rules) || d.Allowed != (d.Reason == "") {
			t.Fatalf("inconsistent decision %+v", d)
		}
		_ = d.Explain()
	})
}
