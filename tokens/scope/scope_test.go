package scope_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wimse-wg/wimse/internal/reasontest"
	"github.com/wimse-wg/wimse/tokens/scope"
	"github.com/wimse-wg/wimse/wimse"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		want       []string
		wantReason wimse.Reason
	}{
		{name: "one", in: "read", want: []string{"read"}},
		{name: "several sorted", in: "write read admin", want: []string{"admin", "read", "write"}},
		{name: "full alphabet", in: "!#[]~ https://api.example.com/x:read", want: []string{"!#[]~", "https://api.example.com/x:read"}},
		{name: "case sensitive", in: "Read read", want: []string{"Read", "read"}},
		{name: "empty", in: "", wantReason: wimse.ReasonScopeMalformed},
		{name: "leading space", in: " read", wantReason: wimse.ReasonScopeMalformed},
		{name: "trailing space", in: "read ", wantReason: wimse.ReasonScopeMalformed},
		{name: "double space", in: "read  write", wantReason: wimse.ReasonScopeMalformed},
		{name: "tab", in: "read\twrite", wantReason: wimse.ReasonScopeMalformed},
		{name: "double quote", in: `re"ad`, wantReason: wimse.ReasonScopeMalformed},
		{name: "backslash", in: `re\ad`, wantReason: wimse.ReasonScopeMalformed},
		{name: "letters", in: "lecture", want: []string{"lecture"}},
		{name: "utf-8", in: "lectüre", wantReason: wimse.ReasonScopeMalformed},
		{name: "del", in: "read\x7f", wantReason: wimse.ReasonScopeMalformed},
		{name: "duplicate", in: "read write read", wantReason: wimse.ReasonScopeDuplicate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := scope.Parse(tt.in)
			reasontest.CheckReason(t, err, tt.wantReason, "")
			if err != nil || tt.want == nil {
				return
			}
			if diff := cmp.Diff(tt.want, got.Tokens()); diff != "" {
				t.Errorf("Tokens (-want +got):\n%s", diff)
			}
			if again, err := scope.Parse(got.String()); err != nil || again != got {
				t.Errorf("String does not round-trip: %q", got.String())
			}
		})
	}
}

func TestSetComparable(t *testing.T) {
	if scope.MustParse("a b c") != scope.MustParse("c a b") {
		t.Error("order changed equality")
	}
	if scope.MustParse("a b") == scope.MustParse("a b c") {
		t.Error("different sets are equal")
	}
	var zero scope.Set
	if !zero.IsZero() || zero.Len() != 0 || zero.Tokens() != nil || zero.String() != "" {
		t.Errorf("zero set: %+v", zero)
	}
}

func TestNarrow(t *testing.T) {
	granted := scope.MustParse("read write admin")
	tests := []struct {
		name       string
		requested  scope.Set
		want       scope.Set
		wantReason wimse.Reason
	}{
		{name: "subset", requested: scope.MustParse("read"), want: scope.MustParse("read")},
		{name: "equal", requested: scope.MustParse("admin read write"), want: granted},
		{name: "empty request keeps grant", requested: scope.Set{}, want: granted},
		{name: "extra token", requested: scope.MustParse("read delete"), wantReason: wimse.ReasonScopeExceeds},
		{name: "case differs", requested: scope.MustParse("READ"), wantReason: wimse.ReasonScopeExceeds},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := granted.Narrow(tt.requested)
			reasontest.CheckReason(t, err, tt.wantReason, "")
			if err == nil && got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if covers := granted.Covers(tt.requested); covers != (tt.wantReason == "") {
				t.Errorf("Covers = %v", covers)
			}
		})
	}
	if got := granted.Intersect(scope.MustParse("read delete")); got != scope.MustParse("read") {
		t.Errorf("Intersect: got %q", got)
	}
	if !granted.Contains("write") || granted.Contains("delete") {
		t.Error("Contains")
	}
}

func TestJSON(t *testing.T) {
	var v struct {
		Scope scope.Set `json:"scope"`
	}
	if err := json.Unmarshal([]byte(`{"scope":"b a"}`), &v); err != nil || v.Scope != scope.MustParse("a b") {
		t.Fatalf("got %v, %v", v.Scope, err)
	}
	out, err := json.Marshal(v)
	if err != nil || string(out) != `{"scope":"a b"}` {
		t.Errorf("Marshal: %s, %v", out, err)
	}
	for _, in := range []string{`{"scope":["a","b"]}`, `{"scope":1}`, `{"scope":""}`, `{"scope":"a  b"}`} {
		err := json.Unmarshal([]byte(in), &v)
		reasontest.CheckReason(t, err, wimse.ReasonScopeMalformed, "")
	}
}

// FuzzParseScope: Parse never panics, rejects with a scope.* reason, and
// what it accepts round-trips through String.
func FuzzParseScope(f *testing.F) {
	for _, s := range []string{"read", "a b c", " a", "a  b", `a"b`, "a a", "", "\x00", "ü"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		set, err := scope.Parse(s)
		if err != nil {
			if r := wimse.ReasonOf(err); r != wimse.ReasonScopeMalformed && r != wimse.ReasonScopeDuplicate {
				t.Fatalf("reason %q", r)
			}
			return
		}
		again, err := scope.Parse(set.String())
		if err != nil || again != set || set.Len() != len(set.Tokens()) {
			t.Fatalf("%q does not round-trip: %q, %v", s, set, err)
		}
	})
}
