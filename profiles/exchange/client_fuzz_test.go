package exchange

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"testing"
)

// FuzzParseResponse feeds arbitrary token endpoint answers to the client's
// parser: it never panics, returns exactly one of a response or an error,
// the error is an *Error or a *ResponseError, and a parsed response
// survives a JSON round trip.
func FuzzParseResponse(f *testing.F) {
	f.Add(200, "application/json", []byte(`{"access_token":"a","issued_token_type":"urn:x","token_type":"Bearer","expires_in":60,"scope":"a b"}`))
	f.Add(200, "application/json; charset=utf-8", []byte(`{"access_token":"a","issued_token_type":"urn:x","token_type":"N_A","expires_in":"60"}`))
	f.Add(400, "application/json", []byte(`{"error":"invalid_request","error_description":"x","error_uri":"https://e"}`))
	f.Add(401, "application/json", []byte(`{"error":""}`))
	f.Add(502, "text/html", []byte("<html>\x00\xff</html>"))
	f.Add(302, "", []byte(nil))
	f.Fuzz(func(t *testing.T, status int, ctype string, body []byte) {
		h := http.Header{}
		h.Set("Content-Type", ctype)
		resp, err := parseResponse(status, h, body)
		if (resp == nil) == (err == nil) {
			t.Fatalf("resp %v, err %v", resp, err)
		}
		if err != nil {
			var e *Error
			var re *ResponseError
			if !errors.As(err, &e) && !errors.As(err, &re) {
				t.Fatalf("error %T", err)
			}
			if re != nil && status == http.StatusOK && re.Body != "" {
				t.Fatal("excerpt of a 200 body")
			}
			_ = err.Error()
			return
		}
		b, err := json.Marshal(resp)
		if err != nil {
			t.Fatal(err)
		}
		var again Response
		if err := json.Unmarshal(b, &again); err != nil || again != *resp {
			t.Fatalf("round trip: %v\n%+v\n%+v", err, resp, again)
		}
	})
}

// FuzzParseRequest checks that a request ParseRequest accepts survives
// Form and ParseRequest again unchanged.
func FuzzParseRequest(f *testing.F) {
	f.Add("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&subject_token=a&subject_token_type=urn%3Ax&resource=https%3A%2F%2Fa%2F&resource=https%3A%2F%2Fb%2F&scope=a+b&audience=x")
	f.Add("grant_type=x&subject_token=a&subject_token=b")
	f.Fuzz(func(t *testing.T, body string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		r, err := ParseRequest(form)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code == "" {
				t.Fatalf("error %T %v", err, err)
			}
			return
		}
		again, err := ParseRequest(r.Form())
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		if again.String() != r.String() || again.SubjectToken != r.SubjectToken || again.ActorToken != r.ActorToken {
			t.Fatalf("round trip:\n%v\n%v", r, again)
		}
	})
}
