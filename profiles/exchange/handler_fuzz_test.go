package exchange_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/wimse-wg/wimse/tokens/oauth"
)

// errorCodes are the codes the handler may answer (RFC 6749 §5.2, RFC 8707
// §2, and server_error).
var errorCodes = map[string]bool{
	oauth.ErrorInvalidRequest: true, oauth.ErrorInvalidClient: true, oauth.ErrorUnauthorizedClient: true,
	oauth.ErrorUnsupportedGrantType: true, oauth.ErrorInvalidScope: true, oauth.ErrorInvalidTarget: true,
	"server_error": true,
}

// FuzzHandler posts arbitrary form bodies: the handler never panics, and
// always answers JSON with no-store that is either a token response (200)
// or an error with a known code.
func FuzzHandler(f *testing.F) {
	valid := form(f)
	f.Add(valid.Encode(), uint8(0))
	f.Add(valid.Encode(), uint8(1))
	for _, k := range []string{"grant_type", "subject_token", "subject_token_type", "resource"} {
		g := url.Values{}
		for kk, vv := range valid {
			g[kk] = vv
		}
		g.Add(k, "x")
		f.Add(g.Encode(), uint8(0))
		g.Del(k)
		f.Add(g.Encode(), uint8(2))
	}
	f.Add("scope=a%20%20b&subject_token=%ff&grant_type="+url.QueryEscape(oauth.GrantTypeTokenExchange), uint8(0))
	f.Add("%zz=1&&==;", uint8(3))
	f.Add("actor_token=x&actor_token_type="+url.QueryEscape(oauth.TokenTypeAccessToken)+"&"+valid.Encode(), uint8(0))
	e := newEnv(f)
	f.Fuzz(func(t *testing.T, body string, mode uint8) {
		var mods []func(*http.Request)
		switch mode % 4 {
		case 1:
			mods = append(mods, noAuth)
		case 2:
			mods = append(mods, withBasic(hxWorkload, "pw-w"))
		case 3:
			mods = append(mods, func(r *http.Request) { r.Header.Set("Content-Type", "multipart/form-data") })
		}
		a := post(t, e.h, body, mods...) // fails unless the body is JSON
		if a.header.Get("Cache-Control") != "no-store" {
			t.Errorf("Cache-Control = %q", a.header.Get("Cache-Control"))
		}
		if a.status == http.StatusOK {
			if a.str("access_token") == "" || a.str("issued_token_type") == "" || a.str("token_type") == "" {
				t.Errorf("token response incomplete: %s", a.raw)
			}
			return
		}
		if !errorCodes[a.str("error")] {
			t.Errorf("status %d, error %q: %s", a.status, a.str("error"), a.raw)
		}
		if _, ok := a.body["access_token"]; ok {
			t.Errorf("error answer with a token: %s", a.raw)
		}
	})
}
