package mutant

import (
	"slices"
	"strings"
	"testing"
)

func TestNilSetDisablesNothing(t *testing.T) {
	var s *Set
	for _, c := range Checks() {
		if s.Off(c.Reason) {
			t.Errorf("nil set disables %s", c.Reason)
		}
		if (&Set{}).Off(c.Reason) {
			t.Errorf("zero set disables %s", c.Reason)
		}
		if New().Off(c.Reason) {
			t.Errorf("empty set disables %s", c.Reason)
		}
	}
	if s.Reasons() != nil || s.String() != "none" {
		t.Errorf("nil set: Reasons %v, String %q", s.Reasons(), s.String())
	}
}

func TestSetDisablesOnlyItsReasons(t *testing.T) {
	s := New("wpt.replayed", "wit.expired")
	for _, c := range Checks() {
		want := c.Reason == "wpt.replayed" || c.Reason == "wit.expired"
		if got := s.Off(c.Reason); got != want {
			t.Errorf("Off(%s) = %v, want %v", c.Reason, got, want)
		}
	}
	if got := s.Reasons(); !slices.Equal(got, []string{"wit.expired", "wpt.replayed"}) {
		t.Errorf("Reasons() = %v", got)
	}
	if got := s.String(); got != "wit.expired,wpt.replayed" {
		t.Errorf("String() = %q", got)
	}
}

func TestChecks(t *testing.T) {
	cs := Checks()
	if len(cs) == 0 {
		t.Fatal("no checks")
	}
	for i, c := range cs {
		if i > 0 && cs[i-1].Reason >= c.Reason {
			t.Errorf("checks not sorted and unique at %s", c.Reason)
		}
		if c.Level != MUST && c.Level != SHOULD {
			t.Errorf("%s: level %q", c.Reason, c.Level)
		}
		if c.Description == "" || strings.Contains(c.Description, "\n") {
			t.Errorf("%s: description must be one line", c.Reason)
		}
		if !Known(c.Reason) {
			t.Errorf("Known(%s) = false", c.Reason)
		}
		for _, pre := range []string{"wit.malformed", "wpt.malformed", "wit.missing", "wpt.missing", "server."} {
			if strings.HasPrefix(c.Reason, pre) {
				t.Errorf("%s cannot be skipped meaningfully", c.Reason)
			}
		}
	}
	// Checks returns a copy.
	cs[0].Requirements[0] = "changed"
	if Checks()[0].Requirements[0] == "changed" {
		t.Error("Checks shares its requirements slices")
	}
	if Known("wit.malformed") {
		t.Error("Known(wit.malformed) = true")
	}
}
