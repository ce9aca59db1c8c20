package conformance

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/wimse-wg/wimse/vectors"
)

func TestExchangeRedaction(t *testing.T) {
	tok := "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
	for _, tc := range []struct{ name, value, want string }{
		{"client_secret", "s3cret-value", "[redacted]"},
		{"subject_token", tok, tok[:12] + "…[redacted]"},
		{"client_assertion", tok, tok[:12] + "…[redacted]"},
		{"Authorization", "Basic abc", "[redacted]"},
		{"DPoP", tok, tok[:12] + "…[redacted]"},
		{"resource", "https://backend.example.com/api", "https://backend.example.com/api"},
		{"subject_token", "", ""},
	} {
		if got := redactValue(tc.name, tc.value); got != tc.want {
			t.Errorf("redactValue(%s) = %q, want %q", tc.name, got, tc.want)
		}
	}
	body := redactParams([][2]string{{"subject_token", tok}, {"client_secret", "s3cret-value"}})
	if strings.Contains(body, "s3cret") || strings.Contains(body, tok) {
		t.Errorf("redactParams shows a secret: %s", body)
	}
}

func TestExchangeEncodings(t *testing.T) {
	params := [][2]string{{"resource", "a b"}, {"resource", "c"}, {"scope", ""}}
	if got := formEncode(params); got != "resource=a+b&resource=c&scope=" {
		t.Errorf("formEncode = %q", got)
	}
	b, err := jsonEncode(params)
	if err != nil || string(b) != `{"resource":["a b","c"],"scope":""}` {
		t.Errorf("jsonEncode = %s, %v", b, err)
	}
}

// jwtOf is an unsigned compact JWS with the given claims (the runner reads
// issued tokens without verifying them).
func jwtOf(t *testing.T, claims map[string]any) string {
	t.Helper()
	b, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"ES256","typ":"at+jwt"}`)) + "." + enc(b) + "." + enc([]byte("sig"))
}

func answerOf(t *testing.T, header http.Header, body map[string]any) *answer {
	t.Helper()
	raw, _ := json.Marshal(body)
	if header == nil {
		header = http.Header{"Content-Type": {"application/json"}, "Cache-Control": {"no-store"}}
	}
	return readAnswer(&http.Response{StatusCode: 200, Header: header}, raw)
}

func reqIDs(ps []problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.req)
	}
	return out
}

// TestExchangeCheckIssued: every 200 is checked against the request: the
// act chain, scope, aud, sub, exp and the token response's members.
func TestExchangeCheckIssued(t *testing.T) {
	v := &vectors.Vector{Exchange: &vectors.ExchangeCase{}}
	m := &vectors.ExchangeRequest{
		Params: [][2]string{{"resource", "https://backend.example.com/api"}, {"subject_token", "s"}, {"actor_token", "a"}, {"scope", "orders:read"}},
		Tokens: map[string]string{"subject": "s", "actor": "a"},
		Claims: map[string]map[string]any{
			"subject": {"sub": "user@example.net", "exp": json.Number("2000"), "scope": "orders:read orders:write",
				"act": map[string]any{"sub": "https://service77.example.com"}},
			"actor": {"sub": "admin@example.net", "exp": json.Number("1500")},
		},
	}
	good := jwtOf(t, map[string]any{"sub": "user@example.net", "aud": "https://backend.example.com/api", "exp": 1400, "scope": "orders:read",
		"act": map[string]any{"sub": "admin@example.net", "act": map[string]any{"sub": "https://service77.example.com"}}})
	ok := answerOf(t, nil, map[string]any{"access_token": good, "issued_token_type": vectors.TokenTypeAccess, "token_type": "Bearer", "expires_in": 60})
	if ps := checkIssued(v, m, ok); len(ps) > 0 {
		t.Errorf("a right token response: %v", ps)
	}
	bad := jwtOf(t, map[string]any{"sub": "root", "aud": "https://evil.example", "exp": 9999, "scope": "orders:read admin",
		"act": map[string]any{"sub": "admin@example.net", "exp": 1}, "may_act": map[string]any{"sub": "x"}})
	wrong := answerOf(t, http.Header{"Content-Type": {"text/plain"}}, map[string]any{"access_token": bad, "refresh_token": "r"})
	got := reqIDs(checkIssued(v, m, wrong))
	for _, want := range []string{"TX-JSON", "TX-NO-STORE", "TX-ISSUED-TYPE", "TX-TOKEN-TYPE-NA", "TX-EXPIRES-IN", "TX-NO-REFRESH",
		"TG-SCOPE-SUBSET", "TG-SCOPE-RESPONSE", "TX-AUD-TARGET", "TX-SUB", "TX-EXP-BOUND", "DG-ACT", "DG-ACT-MEMBERS"} {
		if !slices.Contains(got, want) {
			t.Errorf("a wrong token response: no %s problem (got %v)", want, got)
		}
	}
	echo := answerOf(t, nil, map[string]any{"access_token": "s", "issued_token_type": vectors.TokenTypeAccess, "token_type": "Bearer", "expires_in": 60})
	if got := reqIDs(checkIssued(v, m, echo)); !slices.Contains(got, "TX-NO-ECHO") {
		t.Errorf("the subject token echoed: %v", got)
	}
}

// TestExchangeCheckError: error codes are judged against the expected one,
// the accepted alternatives and the recorded deviations.
func TestExchangeCheckError(t *testing.T) {
	v := &vectors.Vector{Result: vectors.ResultInvalid, Requirements: []string{"TX-SUBJECT-INVALID"},
		Exchange: &vectors.ExchangeCase{Accept: []string{"invalid_target"}, Deviations: []string{"invalid_grant"}},
		Expect:   vectors.Expect{Verdict: "reject", Reason: "invalid_request", Signal: map[string]vectors.Signal{vectors.SignalExchange: {Status: 400}}}}
	answerWith := func(status int, code string, noStore bool) *answer {
		h := http.Header{"Content-Type": {"application/json"}}
		if noStore {
			h.Set("Cache-Control", "no-store")
		}
		raw, _ := json.Marshal(map[string]string{"error": code})
		return readAnswer(&http.Response{StatusCode: status, Header: h}, raw)
	}
	for _, tc := range []struct {
		a    *answer
		want string // a substring of the one problem; "" for none
	}{
		{answerWith(400, "invalid_request", true), ""},
		{answerWith(400, "invalid_target", true), ""},
		{answerWith(400, "invalid_grant", true), "recorded deviation"},
		{answerWith(400, "server_error", true), "instead of invalid_request (or invalid_target)"},
		{answerWith(400, "invalid_request", false), "no-store"},
		{answerWith(401, "invalid_request", true), "WWW-Authenticate"},
	} {
		ps := checkError(v, tc.a)
		var msgs []string
		for _, p := range ps {
			msgs = append(msgs, p.msg)
		}
		joined := strings.Join(msgs, "; ")
		if (tc.want == "") != (len(ps) == 0) || !strings.Contains(joined, tc.want) {
			t.Errorf("status %d %s: problems %q, want %q", tc.a.status, tc.a.body["error"], joined, tc.want)
		}
	}
}

// TestExchangeCheckUnbound: with Issued.Unbound, a token bound to a key
// (token_type DPoP, or cnf in the JWT) misses WI-NO-UPGRADE; a bearer
// token does not.
func TestExchangeCheckUnbound(t *testing.T) {
	v := &vectors.Vector{Exchange: &vectors.ExchangeCase{Issued: &vectors.IssuedExpect{Unbound: true}}}
	m := &vectors.ExchangeRequest{Tokens: map[string]string{}, Claims: map[string]map[string]any{}}
	for _, tc := range []struct {
		tokenType string
		claims    map[string]any
		want      int
	}{
		{"Bearer", map[string]any{"sub": "x"}, 0},
		{"DPoP", map[string]any{"sub": "x"}, 1},
		{"Bearer", map[string]any{"sub": "x", "cnf": map[string]any{"jkt": "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"}}, 1},
	} {
		a := answerOf(t, nil, map[string]any{"access_token": jwtOf(t, tc.claims), "issued_token_type": vectors.TokenTypeAccess, "token_type": tc.tokenType, "expires_in": 60})
		got := reqIDs(checkIssued(v, m, a))
		if n := len(slices.DeleteFunc(got, func(id string) bool { return id != "WI-NO-UPGRADE" })); n != tc.want {
			t.Errorf("token_type %s, claims %v: %d WI-NO-UPGRADE problems, want %d", tc.tokenType, tc.claims, n, tc.want)
		}
	}
}
