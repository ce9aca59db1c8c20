package problem_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wimse-wg/wimse/profiles/problem"
	"github.com/wimse-wg/wimse/wimse"
)

// audErr is a rejection whose detail names the receiver's expected
// audience, as wpt.aud_mismatch and httpsig.aud_mismatch do.
var audErr = wimse.Errorf(wimse.ReasonWPTAudMismatch, `wpt: aud "https://evil.example/path" is not "https://internal.example:8443/path"`)

func decode(t *testing.T, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("body %q: %v", rec.Body.String(), err)
	}
	return m
}

// TestWriteIsMinimal: the package-level Write (what a library user gets)
// keeps type, title, status and reason, and never the detail: it may echo
// the receiver's configuration (issue 9, item 7).
func TestWriteIsMinimal(t *testing.T) {
	rec := httptest.NewRecorder()
	problem.Write(rec, http.StatusUnauthorized, audErr)
	want := map[string]any{
		"type":   problem.TypeBase + "wpt.aud_mismatch",
		"title":  "Unauthorized",
		"status": float64(401),
		"reason": "wpt.aud_mismatch",
	}
	if diff := cmp.Diff(want, decode(t, rec)); diff != "" {
		t.Errorf("body (-want +got):\n%s", diff)
	}
	if strings.Contains(rec.Body.String(), "internal.example") {
		t.Errorf("minimal body echoes the expected audience: %s", rec.Body.String())
	}
}

// TestDisclosure: Full adds the detail to what Minimal writes; the zero
// value is Minimal; headers set before (a challenge) are kept.
func TestDisclosure(t *testing.T) {
	var zero problem.Disclosure
	if zero != problem.Minimal {
		t.Fatalf("zero value is %v, want minimal", zero)
	}
	for _, tt := range []struct {
		d          problem.Disclosure
		wantDetail any
	}{
		{problem.Minimal, nil},
		{problem.Full, audErr.Detail},
	} {
		t.Run(tt.d.String(), func(t *testing.T) {
			rec := httptest.NewRecorder()
			rec.Header().Set("WWW-Authenticate", "WPT")
			tt.d.Write(rec, http.StatusUnauthorized, audErr)
			got := decode(t, rec)
			if got["detail"] != tt.wantDetail {
				t.Errorf("detail: got %v, want %v", got["detail"], tt.wantDetail)
			}
			if got["reason"] != "wpt.aud_mismatch" || got["status"] != float64(401) || got["title"] != "Unauthorized" {
				t.Errorf("body %v lacks reason, status or title", got)
			}
			for name, want := range map[string]string{"Content-Type": "application/problem+json", "Cache-Control": "no-store", "WWW-Authenticate": "WPT"} {
				if v := rec.Header().Get(name); v != want {
					t.Errorf("%s: got %q, want %q", name, v, want)
				}
			}
		})
	}
	// An error that is no *wimse.Error has no detail to give.
	if p := problem.Full.For(500, errNotWimse{}); p.Detail != "" || p.Reason != "server.internal" {
		t.Errorf("Full.For(plain error) = %+v", p)
	}
}

type errNotWimse struct{}

func (errNotWimse) Error() string { return "secret internals" }

func TestParseDisclosure(t *testing.T) {
	for in, want := range map[string]problem.Disclosure{"minimal": problem.Minimal, "full": problem.Full} {
		got, err := problem.ParseDisclosure(in)
		if err != nil || got != want || got.String() != in {
			t.Errorf("ParseDisclosure(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "Full", "verbose"} {
		if _, err := problem.ParseDisclosure(in); err == nil {
			t.Errorf("ParseDisclosure(%q) accepted", in)
		}
	}
}
