package dpop

import (
	"errors"
	"net/url"
	"strings"
)

// NormalizeHTU returns the form in which htu values and target URIs are
// compared (RFC 9449 §4.3 check 9): an absolute http or https URI with a
// host and without user information, its query and fragment removed, then
// normalized per RFC 3986 §6.2.2 (scheme and host in lower case, hex digits
// of percent-encodings in upper case, percent-encoded unreserved characters
// decoded, dot segments removed) and §6.2.3 (the scheme's default port
// removed, an empty path made "/").
func NormalizeHTU(s string) (string, error) {
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return "", errors.New("dpop: htu is not a URI")
	case u.Opaque != "" || u.Hostname() == "":
		return "", errors.New("dpop: htu is not an absolute URI with a host")
	case u.User != nil:
		return "", errors.New("dpop: htu has user information")
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return "", errors.New("dpop: htu is not an http or https URI")
	}
	host := strings.ToLower(u.Hostname())
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	switch port := u.Port(); {
	case port == "", scheme == "http" && port == "80", scheme == "https" && port == "443":
	default:
		host += ":" + port
	}
	p, err := normalizePercent(u.EscapedPath())
	if err != nil {
		return "", err
	}
	p = removeDotSegments(p)
	if p == "" {
		p = "/"
	}
	return scheme + "://" + host + p, nil
}

// normalizePercent decodes percent-encoded unreserved characters and
// upper-cases the hex digits of the others (RFC 3986 §6.2.2.1, §6.2.2.2).
func normalizePercent(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			return "", errors.New("dpop: htu has a malformed percent-encoding")
		}
		c := unhex(s[i+1])<<4 | unhex(s[i+2])
		if isUnreserved(c) {
			b.WriteByte(c)
		} else {
			b.WriteByte('%')
			b.WriteString(strings.ToUpper(s[i+1 : i+3]))
		}
		i += 2
	}
	return b.String(), nil
}

// removeDotSegments is RFC 3986 §5.2.4.
func removeDotSegments(in string) string {
	var out []string
	for in != "" {
		switch {
		case strings.HasPrefix(in, "../"):
			in = in[3:]
		case strings.HasPrefix(in, "./"):
			in = in[2:]
		case strings.HasPrefix(in, "/./"):
			in = in[2:]
		case in == "/.":
			in = "/"
		case strings.HasPrefix(in, "/../"):
			in = in[3:]
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		case in == "/..":
			in = "/"
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		case in == "." || in == "..":
			in = ""
		default:
			start := 0
			if in[0] == '/' {
				start = 1
			}
			end := strings.IndexByte(in[start:], '/')
			if end < 0 {
				end = len(in)
			} else {
				end += start
			}
			out = append(out, in[:end])
			in = in[end:]
		}
	}
	return strings.Join(out, "")
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// isUnreserved reports whether c is an RFC 3986 §2.3 unreserved character.
func isUnreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}
