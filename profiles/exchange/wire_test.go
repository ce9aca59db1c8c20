package exchange

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/tokens/scope"
	"github.com/wimse-wg/wimse/wimse"
)

const (
	subjectJWT = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl"
	actorJWT   = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhZ2VudCJ9.c2lnbmF0dXJl"
)

// fullRequest has every field set.
func fullRequest() Request {
	return Request{
		GrantType:          oauth.GrantTypeTokenExchange,
		SubjectToken:       subjectJWT,
		SubjectTokenType:   oauth.TokenTypeJWT,
		ActorToken:         actorJWT,
		ActorTokenType:     oauth.TokenTypeJWT,
		RequestedTokenType: oauth.TokenTypeAccessToken,
		Resource:           []string{"https://backend.example.com/api", "https://other.example.com/app/?tenant=1"},
		Audience:           []string{"urn:example:cooperation-context", "backend"},
		Scope:              scope.MustParse("read write"),
	}
}

// baseForm is a valid minimal request.
func baseForm() url.Values {
	return url.Values{
		"grant_type":         {oauth.GrantTypeTokenExchange},
		"subject_token":      {subjectJWT},
		"subject_token_type": {oauth.TokenTypeJWT},
	}
}

var cmpRequest = cmp.Comparer(func(a, b scope.Set) bool { return a == b })

func TestRequestRoundTrip(t *testing.T) {
	for name, req := range map[string]Request{
		"full":    fullRequest(),
		"minimal": {GrantType: oauth.GrantTypeTokenExchange, SubjectToken: "opaque", SubjectTokenType: oauth.TokenTypeAccessToken},
	} {
		t.Run(name, func(t *testing.T) {
			// Through the encoded body, as a server would read it.
			form, err := url.ParseQuery(req.Form().Encode())
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseRequest(form)
			if err != nil {
				t.Fatalf("ParseRequest: %v", err)
			}
			if d := cmp.Diff(&req, got, cmpRequest, cmpopts.EquateEmpty()); d != "" {
				t.Errorf("round trip (-want +got):\n%s", d)
			}
		})
	}
}

func TestRequestFormDefaultsGrantType(t *testing.T) {
	r := Request{SubjectToken: "t", SubjectTokenType: oauth.TokenTypeJWT}
	f := r.Form()
	if got := f.Get("grant_type"); got != oauth.GrantTypeTokenExchange {
		t.Errorf("grant_type = %q, want %q", got, oauth.GrantTypeTokenExchange)
	}
	for _, name := range []string{"actor_token", "actor_token_type", "scope", "resource", "audience", "requested_token_type"} {
		if _, ok := f[name]; ok {
			t.Errorf("empty %s was sent", name)
		}
	}
}

func TestParseRequestStrict(t *testing.T) {
	for _, tc := range []struct {
		name     string
		mutate   func(url.Values)
		wantCode string // "" = accepted
	}{
		{"baseline", func(url.Values) {}, ""},
		{"unknown parameter ignored (TX-18)", func(f url.Values) { f.Set("foo", "bar") }, ""},
		{"client auth left alone", func(f url.Values) { f.Set("client_id", "c"); f.Set("client_secret", "s") }, ""},
		{"missing grant_type (TX-03)", func(f url.Values) { f.Del("grant_type") }, oauth.ErrorInvalidRequest},
		{"empty grant_type", func(f url.Values) { f.Set("grant_type", "") }, oauth.ErrorInvalidRequest},
		{"unknown grant_type (TX-04)", func(f url.Values) { f.Set("grant_type", "urn:example:unknown") }, oauth.ErrorUnsupportedGrantType},
		{"jwt-bearer grant_type", func(f url.Values) { f.Set("grant_type", oauth.GrantTypeJWTBearer) }, oauth.ErrorUnsupportedGrantType},
		{"grant_type twice", func(f url.Values) { f.Add("grant_type", oauth.GrantTypeTokenExchange) }, oauth.ErrorInvalidRequest},
		{"missing subject_token (TX-05)", func(f url.Values) { f.Del("subject_token") }, oauth.ErrorInvalidRequest},
		{"missing subject_token_type (TX-06)", func(f url.Values) { f.Del("subject_token_type") }, oauth.ErrorInvalidRequest},
		{"empty subject_token (TX-07)", func(f url.Values) { f.Set("subject_token", "") }, oauth.ErrorInvalidRequest},
		{"subject_token twice (TX-08)", func(f url.Values) { f.Add("subject_token", subjectJWT) }, oauth.ErrorInvalidRequest},
		{"subject_token_type twice", func(f url.Values) { f.Add("subject_token_type", oauth.TokenTypeJWT) }, oauth.ErrorInvalidRequest},
		{"actor_token without type (TX-09)", func(f url.Values) { f.Set("actor_token", actorJWT) }, oauth.ErrorInvalidRequest},
		{"actor_token_type without token (TX-10)", func(f url.Values) { f.Set("actor_token_type", oauth.TokenTypeJWT) }, oauth.ErrorInvalidRequest},
		{"actor pair", func(f url.Values) { f.Set("actor_token", actorJWT); f.Set("actor_token_type", oauth.TokenTypeJWT) }, ""},
		{"actor_token twice", func(f url.Values) {
			f["actor_token"] = []string{actorJWT, actorJWT}
			f.Set("actor_token_type", oauth.TokenTypeJWT)
		}, oauth.ErrorInvalidRequest},
		{"requested_token_type twice", func(f url.Values) {
			f["requested_token_type"] = []string{oauth.TokenTypeJWT, oauth.TokenTypeAccessToken}
		}, oauth.ErrorInvalidRequest},
		{"scope twice", func(f url.Values) { f["scope"] = []string{"a", "b"} }, oauth.ErrorInvalidRequest},
		{"client_secret twice", func(f url.Values) { f["client_secret"] = []string{"a", "b"} }, oauth.ErrorInvalidRequest},
		{"unknown parameter twice", func(f url.Values) { f["foo"] = []string{"a", "b"} }, oauth.ErrorInvalidRequest},
		{"resource twice", func(f url.Values) { f["resource"] = []string{"https://a.example/", "https://b.example/"} }, ""},
		{"audience twice", func(f url.Values) { f["audience"] = []string{"a", "b"} }, ""},
		{"resource with fragment (TG-01)", func(f url.Values) { f.Set("resource", "https://api.example.com/x#frag") }, oauth.ErrorInvalidTarget},
		{"resource with empty fragment", func(f url.Values) { f.Set("resource", "https://api.example.com/x#") }, oauth.ErrorInvalidTarget},
		{"relative resource (TG-02)", func(f url.Values) { f.Set("resource", "/relative/path") }, oauth.ErrorInvalidTarget},
		{"unparsable resource", func(f url.Values) { f.Set("resource", "https://%zz/") }, oauth.ErrorInvalidTarget},
		{"resource with query (TG-07)", func(f url.Values) { f.Set("resource", "https://api.example.com/app/?tenant=1") }, ""},
		{"second resource bad", func(f url.Values) { f["resource"] = []string{"https://a.example/", "b"} }, oauth.ErrorInvalidTarget},
		{"malformed scope", func(f url.Values) { f.Set("scope", "a  b") }, oauth.ErrorInvalidScope},
		{"duplicate scope token", func(f url.Values) { f.Set("scope", "a a") }, oauth.ErrorInvalidScope},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := baseForm()
			tc.mutate(f)
			r, err := ParseRequest(f)
			if tc.wantCode == "" {
				if err != nil {
					t.Fatalf("got error %v, want none", err)
				}
				if r == nil {
					t.Fatal("nil request")
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v (%T), want *Error %s", err, err, tc.wantCode)
			}
			if e.Code != tc.wantCode {
				t.Errorf("code = %s, want %s (%v)", e.Code, tc.wantCode, err)
			}
			if strings.Contains(err.Error(), subjectJWT) || strings.Contains(err.Error(), actorJWT) {
				t.Errorf("error text contains a token: %v", err)
			}
		})
	}
}

func TestParseRequestEmptyValuesAbsent(t *testing.T) {
	f := baseForm()
	f.Set("actor_token", "")
	f.Set("actor_token_type", "")
	f.Set("scope", "")
	f["resource"] = []string{"", "https://a.example/"}
	r, err := ParseRequest(f)
	if err != nil {
		t.Fatal(err)
	}
	if r.ActorToken != "" || !r.Scope.IsZero() || len(r.Resource) != 1 {
		t.Errorf("got %+v, want empty values treated as absent", r)
	}
}

func TestParseRequestScopeCause(t *testing.T) {
	f := baseForm()
	f.Set("scope", "a a")
	_, err := ParseRequest(f)
	if got := wimse.ReasonOf(err); got != wimse.ReasonScopeDuplicate {
		t.Errorf("reason = %q, want %q", got, wimse.ReasonScopeDuplicate)
	}
}

func TestRequestStringRedacts(t *testing.T) {
	r := fullRequest()
	for _, s := range []string{fmt.Sprint(r), fmt.Sprintf("%v %+v %s", r, r, &r)} {
		if strings.Contains(s, subjectJWT) || strings.Contains(s, actorJWT) {
			t.Errorf("String leaks a token: %s", s)
		}
	}
}

func TestResponseJSONRoundTrip(t *testing.T) {
	want := Response{
		AccessToken:     "eyJ.eyJ.sig",
		IssuedTokenType: oauth.TokenTypeAccessToken,
		TokenType:       oauth.AccessTokenTypeBearer,
		ExpiresIn:       300,
		Scope:           scope.MustParse("read"),
		RefreshToken:    "r",
	}
	b, err := json.Marshal(want) // the value, not a pointer
	if err != nil {
		t.Fatal(err)
	}
	const wire = `{"access_token":"eyJ.eyJ.sig","issued_token_type":"urn:ietf:params:oauth:token-type:access_token","token_type":"Bearer","expires_in":300,"scope":"read","refresh_token":"r"}`
	if string(b) != wire {
		t.Errorf("wire:\n got %s\nwant %s", b, wire)
	}
	var got Response
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got, cmpRequest); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	minimal, _ := json.Marshal(&Response{AccessToken: "a", IssuedTokenType: oauth.TokenTypeJWT, TokenType: oauth.AccessTokenTypeNA})
	if string(minimal) != `{"access_token":"a","issued_token_type":"urn:ietf:params:oauth:token-type:jwt","token_type":"N_A"}` {
		t.Errorf("minimal: %s", minimal)
	}
}

func TestResponseUnmarshalStrict(t *testing.T) {
	const ok = `"access_token":"a","issued_token_type":"urn:x","token_type":"Bearer"`
	for _, tc := range []struct {
		name, body string
		wantErr    bool
	}{
		{"minimal", `{` + ok + `}`, false},
		{"unknown member", `{` + ok + `,"x":[1]}`, false},
		{"empty scope is absent", `{` + ok + `,"scope":""}`, false},
		{"null expires_in", `{` + ok + `,"expires_in":null}`, false},
		{"no access_token", `{"issued_token_type":"urn:x","token_type":"Bearer"}`, true},
		{"no issued_token_type", `{"access_token":"a","token_type":"Bearer"}`, true},
		{"no token_type", `{"access_token":"a","issued_token_type":"urn:x"}`, true},
		{"access_token number", `{"access_token":1,"issued_token_type":"urn:x","token_type":"Bearer"}`, true},
		{"expires_in string", `{` + ok + `,"expires_in":"300"}`, true},
		{"expires_in negative", `{` + ok + `,"expires_in":-1}`, true},
		{"expires_in fraction", `{` + ok + `,"expires_in":1.5}`, true},
		{"expires_in huge", `{` + ok + `,"expires_in":99999999999999999999}`, true},
		{"scope array", `{` + ok + `,"scope":["a"]}`, true},
		{"scope malformed", `{` + ok + `,"scope":"a  b"}`, true},
		{"not an object", `[]`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r Response
			err := json.Unmarshal([]byte(tc.body), &r)
			if (err != nil) != tc.wantErr {
				t.Errorf("err = %v, wantErr %v", err, tc.wantErr)
			}
		})
	}
}

func TestResponseWrite(t *testing.T) {
	rec := httptest.NewRecorder()
	(&Response{AccessToken: "a", IssuedTokenType: oauth.TokenTypeJWT, TokenType: "N_A", ExpiresIn: 60}).Write(rec)
	if rec.Code != 200 || rec.Header().Get("Cache-Control") != "no-store" || rec.Header().Get("Content-Type") != "application/json" {
		t.Errorf("status %d, headers %v", rec.Code, rec.Header())
	}
	var got Response
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || got.ExpiresIn != 60 {
		t.Errorf("body %s: %v", rec.Body, err)
	}
	if s := fmt.Sprint(got); strings.Contains(s, "access_token=a") || !strings.Contains(s, "N_A") {
		t.Errorf("String = %s", s)
	}
}

func TestErrorJSON(t *testing.T) {
	e := &Error{Code: oauth.ErrorInvalidTarget, Description: `resource "x" \ é`, URI: "https://example.com/e", Status: 400}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	const wire = `{"error":"invalid_target","error_description":"resource 'x' / ?","error_uri":"https://example.com/e"}`
	if string(b) != wire {
		t.Errorf("wire:\n got %s\nwant %s", b, wire)
	}
	var got Error
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.Code != e.Code || got.URI != e.URI || got.Status != 0 {
		t.Errorf("got %+v", got)
	}
	for _, bad := range []string{`{}`, `{"error":""}`, `{"error":1}`, `{"error_description":"x"}`, `"invalid_request"`} {
		if err := json.Unmarshal([]byte(bad), &got); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
	if err := json.Unmarshal([]byte(`{"error":"x","foo":{}}`), &got); err != nil {
		t.Errorf("unknown member: %v", err)
	}
}

func TestErrorString(t *testing.T) {
	for _, tc := range []struct {
		e    *Error
		want string
	}{
		{&Error{Code: "invalid_request"}, "exchange: invalid_request"},
		{&Error{Code: "invalid_request", Description: "subject_token is missing"}, "exchange: invalid_request: subject_token is missing"},
		{&Error{Code: "invalid_client", Status: 401}, "exchange: invalid_client (HTTP 401)"},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

func TestErrorfWraps(t *testing.T) {
	cause := wimse.Errorf(wimse.ReasonScopeMalformed, "scope: bad")
	e := Errorf(oauth.ErrorInvalidScope, "scope: %w", cause)
	if !errors.Is(e, cause) || wimse.ReasonOf(e) != wimse.ReasonScopeMalformed {
		t.Errorf("cause not reachable: %v", e)
	}
	if e.Code != oauth.ErrorInvalidScope || e.Description == "" {
		t.Errorf("got %+v", e)
	}
}

func TestErrorWrite(t *testing.T) {
	for _, tc := range []struct {
		name       string
		e          *Error
		authz      string
		wantStatus int
		wantWWW    string
	}{
		{"default 400", &Error{Code: oauth.ErrorInvalidRequest}, "", 400, ""},
		{"explicit status", &Error{Code: oauth.ErrorInvalidClient, Status: 401}, "", 401, `Basic realm="token", error="invalid_client"`},
		{"invalid_client without Authorization", &Error{Code: oauth.ErrorInvalidClient}, "", 400, ""},
		{"invalid_client with Basic", &Error{Code: oauth.ErrorInvalidClient}, "Basic Zm9vOmJhcg==", 401, `Basic realm="token", error="invalid_client"`},
		{"invalid_client with Basic, status 400 overridden", &Error{Code: oauth.ErrorInvalidClient, Status: 400}, "Basic Zm9vOmJhcg==", 401, `Basic realm="token", error="invalid_client"`},
		{"invalid_client with another scheme", &Error{Code: oauth.ErrorInvalidClient}, "Bearer x", 401, `Bearer realm="token", error="invalid_client"`},
		{"invalid_client with a bad scheme", &Error{Code: oauth.ErrorInvalidClient}, `"x" y`, 401, `Basic realm="token", error="invalid_client"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/token", nil)
			if tc.authz != "" {
				r.Header.Set("Authorization", tc.authz)
			}
			rec := httptest.NewRecorder()
			tc.e.Write(rec, r)
			if rec.Code != tc.wantStatus {
				t.Errorf("status = %d, want %d", rec.Code, tc.wantStatus)
			}
			if got := rec.Header().Get("WWW-Authenticate"); got != tc.wantWWW {
				t.Errorf("WWW-Authenticate = %q, want %q", got, tc.wantWWW)
			}
			if rec.Header().Get("Cache-Control") != "no-store" || rec.Header().Get("Content-Type") != "application/json" {
				t.Errorf("headers %v", rec.Header())
			}
			var got Error
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || got.Code != tc.e.Code {
				t.Errorf("body %s: %v", rec.Body, err)
			}
		})
	}
}

func TestWriteError(t *testing.T) {
	rec := httptest.NewRecorder()
	WriteError(rec, nil, fmt.Errorf("wrapped: %w", Errorf(oauth.ErrorInvalidTarget, "no")))
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), `"invalid_target"`) {
		t.Errorf("%d %s", rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	WriteError(rec, nil, errors.New("database is down at 10.0.0.1"))
	if rec.Code != 500 || rec.Body.String() != `{"error":"server_error"}` {
		t.Errorf("%d %s", rec.Code, rec.Body)
	}
}
