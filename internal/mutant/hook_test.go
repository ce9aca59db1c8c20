package mutant_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/wimse-wg/wimse/internal/mutant"
	"github.com/wimse-wg/wimse/wimse"
)

// TestPolicyHook: a Set put into a wimse.Policy travels with copies of it,
// and nothing of the hook is exported from wimse.Policy.
func TestPolicyHook(t *testing.T) {
	var p wimse.Policy
	if got := mutant.Of(&p); got != nil {
		t.Fatalf("zero Policy carries %v", got)
	}
	s := mutant.New("wpt.expired")
	mutant.Put(&p, s)
	q := p // verifiers copy the policy they are given
	if !mutant.Of(&q).Off("wpt.expired") || mutant.Of(&q).Off("wpt.typ") {
		t.Errorf("the copy carries %v, want %v", mutant.Of(&q), s)
	}
	mutant.Put(&q, nil)
	if mutant.Of(&q) != nil || mutant.Of(&p) != s {
		t.Error("Put on a copy changed the original, or did not clear the copy")
	}

	typ := reflect.TypeFor[wimse.Policy]()
	for f := range typ.Fields() {
		if !f.IsExported() {
			continue
		}
		if strings.Contains(f.Name, "Mutant") || strings.Contains(f.Type.PkgPath(), "/internal/") {
			t.Errorf("wimse.Policy exports %s %s", f.Name, f.Type)
		}
	}
	for m := range reflect.PointerTo(typ).Methods() {
		if strings.Contains(m.Name, "Mutant") || strings.Contains(m.Name, "Hook") {
			t.Errorf("*wimse.Policy exports the method %s", m.Name)
		}
	}
}
