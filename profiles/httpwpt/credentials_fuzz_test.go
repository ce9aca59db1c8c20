package httpwpt

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/wimse-wg/wimse/internal/mutant"
	"github.com/wimse-wg/wimse/wimse"
)

// credentialsGrammar is RFC 9110 §11.4 credentials (with the OWS that
// surrounds a field value, §5.5, and the empty list elements a recipient
// tolerates, §5.6.1) as a regular expression over ASCII: the independent
// reading FuzzAuthorization compares parseAuthorization with.
var credentialsGrammar = func() *regexp.Regexp {
	const (
		ows     = `[ \t]*`
		token   = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]+"
		token68 = `[A-Za-z0-9\-._~+/]+=*`
		quoted  = `"(?:[\t !#-\[\]-~]|\\[\t -~])*"`
		param   = token + ows + "=" + ows + "(?:" + token + "|" + quoted + ")"
		params  = "(?:" + ows + ",)*" + ows + param + "(?:" + ows + ",(?:" + ows + param + ")?)*"
	)
	return regexp.MustCompile("^" + ows + "(" + token + ")(?: +(?:(" + token68 + ")|" + params + "))?" + ows + "$")
}()

// FuzzAuthorization checks the wpt-01 Authorization parser against the
// RFC 9110 §11.4 grammar: parseAuthorization accepts exactly the ASCII
// values credentialsGrammar matches and finds the same scheme and token68;
// accessToken returns a token only for Bearer or DPoP credentials with a
// token68, fails only with request.authorization_malformed and never
// quotes the value; with the check disabled (the mutant) it never fails.
func FuzzAuthorization(f *testing.F) {
	for _, s := range []string{
		"Bearer 16_mAd0GiwaZokU26_0902100", "Bearer\t16_mAd0GiwaZokU26_0902100", "Bearer  x", "bearer x",
		"dPoP x", "Bearer", "Bearer ", "", " ", "Bearer x, Bearer y", "Bearer x y", "Bearer x=", "Bearer =x",
		"Basic dXNlcjpwYXNz", `Digest username="a\"b", realm=r ,, qop = auth`, `Digest realm="r`,
		`Digest realm=, qop=auth`, `Bearer token="x"`, "Negotiate", "Bearerx", "WPT a.b.c", "x ,", "x a=b,",
		"x a = \"\\\t\"", "\tBearer x\t", "Bearer \tx", "B\x80 x", "Bearer \x80", "x y=\"\x80\"",
	} {
		f.Add(s)
	}
	malformed := mutant.New(string(wimse.ReasonRequestAuthorizationMalformed))
	f.Fuzz(func(t *testing.T, v string) {
		c, ok := parseAuthorization(v)
		if ok {
			if c.scheme == "" || tokenEnd(c.scheme, 0) != len(c.scheme) {
				t.Fatalf("%q: scheme %q is not a token", v, c.scheme)
			}
			if c.token68 != "" && (c.params || !isToken68(c.token68)) {
				t.Fatalf("%q: token68 %q (params %v)", v, c.token68, c.params)
			}
		}
		if isASCII(v) {
			m := credentialsGrammar.FindStringSubmatch(v)
			if (m != nil) != ok {
				t.Fatalf("%q: parseAuthorization ok=%v, the grammar says %v", v, ok, m != nil)
			}
			if ok && (m[1] != c.scheme || m[2] != c.token68) {
				t.Fatalf("%q: got scheme %q token68 %q, the grammar reads %q %q", v, c.scheme, c.token68, m[1], m[2])
			}
		}

		tok, err := accessToken(v, nil)
		switch {
		case err != nil:
			if r := wimse.ReasonOf(err); r != wimse.ReasonRequestAuthorizationMalformed {
				t.Fatalf("%q: reason %q", v, r)
			}
			if ok && !bearerLike(c.scheme) {
				t.Fatalf("%q: well-formed %s credentials refused", v, c.scheme)
			}
			if len(strings.TrimSpace(v)) >= 16 && strings.Contains(err.Error(), strings.TrimSpace(v)) {
				t.Fatalf("%q: the error quotes the value", v)
			}
		case tok != nil:
			if !ok || !bearerLike(c.scheme) || *tok != c.token68 || *tok == "" {
				t.Fatalf("%q: access token %q from scheme %q", v, *tok, c.scheme)
			}
		case ok && bearerLike(c.scheme):
			t.Fatalf("%q: Bearer or DPoP credentials without an access token or an error", v)
		}
		if _, err := accessToken(v, malformed); err != nil {
			t.Fatalf("%q: the mutant still refuses: %v", v, err)
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
