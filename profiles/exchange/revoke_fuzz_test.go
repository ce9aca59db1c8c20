package exchange

import (
	"errors"
	"net/url"
	"testing"

	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/wimse"
)

// FuzzParseTokenRequest: the parser of revocation and introspection
// requests (RFC 7009 §2.1, RFC 7662 §2.1) either returns a request with a
// token, taken from the only token parameter, or an invalid_request *Error
// with a known reason.
func FuzzParseTokenRequest(f *testing.F) {
	for _, s := range []string{
		"token=abc", "token=abc&token_type_hint=access_token", "token=a&token=b", "token_type_hint=refresh_token",
		"", "token=", "token=%zz", "token=a;b", "token=x&foo=1&foo=2",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		req, err := parseTokenRequest(form, wimse.ReasonRevocationTokenMissing)
		if err == nil {
			if req.token == "" || req.token != form.Get(ParamToken) || len(form[ParamToken]) != 1 {
				t.Fatalf("accepted %q as token %q", body, req.token)
			}
			return
		}
		var e *Error
		if !errors.As(err, &e) || e.Code != oauth.ErrorInvalidRequest {
			t.Fatalf("error %v is not invalid_request", err)
		}
		if r := reasonOf(e); r != wimse.ReasonRevocationTokenMissing && r != wimse.ReasonExchangeRequest {
			t.Fatalf("reason %q", r)
		}
	})
}
