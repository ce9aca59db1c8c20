package httpwpt

import (
	"strings"

	"github.com/wimse-wg/wimse/internal/mutant"
	"github.com/wimse-wg/wimse/wimse"
)

// credentials is an Authorization field value parsed as RFC 9110 §11.4
// credentials:
//
//	credentials = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
//	auth-scheme = token
//	auth-param  = token BWS "=" BWS ( token / quoted-string )
//
// The scheme is kept as sent; schemes compare case-insensitively.
type credentials struct {
	scheme string
	// token68 is the credentials' token68, "" when there is none (scheme
	// only, or auth-params).
	token68 string
	// params reports credentials in the auth-param form.
	params bool
}

// parseAuthorization parses an Authorization field value (its leading and
// trailing OWS are not part of the value, RFC 9110 §5.5, and are ignored).
// It reports false for anything the grammar above does not produce: an
// empty value, a scheme followed by HTAB or any separator other than SP, a
// token68 followed by more text, a malformed auth-param list. It runs in
// time linear in len(v) and never allocates.
func parseAuthorization(v string) (credentials, bool) {
	v = strings.Trim(v, " \t")
	i := tokenEnd(v, 0)
	if i == 0 {
		return credentials{}, false
	}
	c := credentials{scheme: v[:i]}
	if i == len(v) {
		return c, true
	}
	if v[i] != ' ' {
		return credentials{}, false
	}
	rest := strings.TrimLeft(v[i:], " ")
	if isToken68(rest) {
		c.token68 = rest
		return c, true
	}
	if !isAuthParams(rest) {
		return credentials{}, false
	}
	c.params = true
	return c, true
}

// bearerLike reports whether scheme carries an OAuth access token that
// wpt-01 ath binds: Bearer (RFC 6750) or DPoP (RFC 9449), in any case.
func bearerLike(scheme string) bool {
	return strings.EqualFold(scheme, "Bearer") || strings.EqualFold(scheme, "DPoP")
}

// accessToken returns the OAuth access token of a wpt-01 request's
// Authorization value, nil when it carries credentials of another scheme.
// A value that is not RFC 9110 credentials, or Bearer or DPoP credentials
// that are not one token68 (RFC 6750 §2.1, RFC 9449 §7.1), is
// request.authorization_malformed: ignoring it would let a token that a
// more lenient parser downstream reads as an access token go unbound by
// ath. With that check disabled (mutant m), the field is read the way it
// used to be: the scheme up to the first SP, the rest left-trimmed.
func accessToken(v string, m *mutant.Set) (*string, error) {
	c, ok := parseAuthorization(v)
	if ok && bearerLike(c.scheme) && c.token68 == "" {
		ok = false
	}
	if !ok {
		if off(m, wimse.ReasonRequestAuthorizationMalformed) {
			return lenientAccessToken(v), nil
		}
		// Never quote the value: it may hold a credential.
		return nil, wimse.Errorf(wimse.ReasonRequestAuthorizationMalformed,
			"httpwpt: the Authorization field is not auth-scheme 1*SP token68 (RFC 9110 §11.4; Bearer and DPoP: one token68)")
	}
	if !bearerLike(c.scheme) {
		return nil, nil
	}
	return &c.token68, nil
}

// lenientAccessToken is the pre-RFC 9110 reading the mutant restores.
func lenientAccessToken(v string) *string {
	scheme, cred, _ := strings.Cut(v, " ")
	if !bearerLike(scheme) {
		return nil
	}
	cred = strings.TrimLeft(cred, " ")
	return &cred
}

// isTchar reports an RFC 9110 §5.6.2 tchar.
func isTchar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// tokenEnd returns the end of the token starting at v[i:] (i when none).
func tokenEnd(v string, i int) int {
	for i < len(v) && isTchar(v[i]) {
		i++
	}
	return i
}

// skipOWS skips SP and HTAB from v[i:].
func skipOWS(v string, i int) int {
	for i < len(v) && (v[i] == ' ' || v[i] == '\t') {
		i++
	}
	return i
}

// isAuthParams reports whether s is a non-empty #auth-param list (RFC 9110
// §5.6.1, empty list elements tolerated as a recipient must).
func isAuthParams(s string) bool {
	i, params := 0, 0
	for {
		i = skipOWS(s, i)
		if i < len(s) && s[i] != ',' {
			j := tokenEnd(s, i)
			if j == i {
				return false
			}
			j = skipOWS(s, j)
			if j == len(s) || s[j] != '=' {
				return false
			}
			j = skipOWS(s, j+1)
			if j < len(s) && s[j] == '"' {
				if j = quotedStringEnd(s, j); j < 0 {
					return false
				}
			} else if k := tokenEnd(s, j); k > j {
				j = k
			} else {
				return false
			}
			i = skipOWS(s, j)
			params++
		}
		if i == len(s) {
			return params > 0
		}
		if s[i] != ',' {
			return false
		}
		i++
	}
}

// quotedStringEnd returns the index after the RFC 9110 §5.6.4
// quoted-string starting at s[i] (a DQUOTE), or -1.
func quotedStringEnd(s string, i int) int {
	for i++; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			return i + 1
		case c == '\\':
			if i++; i == len(s) || !isQuotedPairChar(s[i]) {
				return -1
			}
		case !isQdtext(c):
			return -1
		}
	}
	return -1
}

// isQdtext: HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text.
func isQdtext(c byte) bool {
	return c == '\t' || c == ' ' || c == 0x21 || 0x23 <= c && c <= 0x5B || 0x5D <= c && c <= 0x7E || c >= 0x80
}

// isQuotedPairChar: HTAB / SP / VCHAR / obs-text.
func isQuotedPairChar(c byte) bool {
	return c == '\t' || c == ' ' || 0x21 <= c && c <= 0x7E || c >= 0x80
}
