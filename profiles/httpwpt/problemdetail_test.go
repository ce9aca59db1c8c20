package httpwpt_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wimse-wg/wimse/profiles/httpwpt"
	"github.com/wimse-wg/wimse/profiles/problem"
	"github.com/wimse-wg/wimse/tokens/wpt"
	"github.com/wimse-wg/wimse/wimse"
)

// TestMiddlewareProblemDetail is issue 9, item 7: problem details used to
// echo the expected audience back to any caller. A Verifier's zero value
// answers with type, title, status and reason only; ProblemDetail =
// problem.Full adds the detail, for receivers implementers test against.
func TestMiddlewareProblemDetail(t *testing.T) {
	f := newFixture(t)
	otherAud := f.signWPT(t, func(c *wpt.Claims) { c.Audience = "https://attacker.example/path" })
	for _, tt := range []struct {
		name       string
		d          problem.Disclosure
		wantDetail bool
	}{
		{"zero value is minimal", problem.Minimal, false},
		{"full", problem.Full, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := f.verifier(func(v *httpwpt.Verifier) { v.ProblemDetail = tt.d })
			h := v.Middleware(nil)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { t.Error("handler reached") }))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, request(header(hWIT, f.wit, hAuth, "WPT "+otherAud)))
			var p map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
				t.Fatal(err)
			}
			if p["reason"] != string(wimse.ReasonWPTAudMismatch) || p["status"] != float64(401) || p["title"] != "Unauthorized" || p["type"] == nil {
				t.Errorf("body %v: want type, title, status and reason %s", p, wimse.ReasonWPTAudMismatch)
			}
			_, hasDetail := p["detail"]
			echoes := strings.Contains(rec.Body.String(), testBase)
			if hasDetail != tt.wantDetail || echoes != tt.wantDetail {
				t.Errorf("detail present %v, expected audience echoed %v; want both %v: %s", hasDetail, echoes, tt.wantDetail, rec.Body.String())
			}
			if rec.Header().Get("WWW-Authenticate") != "WPT" {
				t.Errorf("challenge lost: %v", rec.Header())
			}
		})
	}
}
