package exchange_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzIntrospectionRequest sends arbitrary bodies to the introspection and
// revocation endpoints: every answer is 200, 400, 401 or 405 (the list
// never fails here) with Cache-Control no-store, and every JSON answer of
// the introspection endpoint is an error or has a boolean active.
func FuzzIntrospectionRequest(f *testing.F) {
	f.Add("token=" + ownToken(f, nil))
	f.Add("token=abc&token_type_hint=access_token")
	f.Add("token=a&token=b")
	f.Add("token_type_hint=refresh_token")
	f.Add("%zz")
	f.Add("token=" + idToken(f))
	f.Fuzz(func(t *testing.T, body string) {
		e := newRvEnv(t)
		e.wire()
		for _, h := range []http.Handler{e.intro, e.revoke} {
			r := httptest.NewRequest(http.MethodPost, "https://sts.example.com/x", strings.NewReader(body))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			withBasic(hxClientA, "pw-a")(r)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			switch w.Code {
			case 200, 400, 401, 405:
			default:
				t.Fatalf("status %d for %q", w.Code, body)
			}
			if w.Header().Get("Cache-Control") != "no-store" {
				t.Fatal("no Cache-Control: no-store")
			}
			if h != http.Handler(e.intro) {
				continue
			}
			var m map[string]json.RawMessage
			if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
				t.Fatalf("body not JSON: %v", err)
			}
			if _, isErr := m["error"]; !isErr && string(m["active"]) != "true" && string(m["active"]) != "false" {
				t.Fatalf("answer without boolean active: %s", w.Body)
			}
		}
	})
}
