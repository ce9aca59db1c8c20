package rfc9421

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// queryParam returns the value of the query parameter whose encoded name is
// name (RFC 9421 §2.2.8): the query is parsed as
// application/x-www-form-urlencoded (WHATWG URL §5.1), each name and value
// is re-encoded with formEncode, and the parameter must occur exactly once.
// RFC 9421 says a repeated name MUST NOT be covered; this is an error here
// rather than a silent choice.
func queryParam(rawQuery, name string) (string, error) {
	var (
		value string
		n     int
	)
	for _, seq := range strings.Split(rawQuery, "&") {
		if seq == "" {
			continue
		}
		k, v, _ := strings.Cut(seq, "=")
		if formEncode(formDecode(k)) != name {
			continue
		}
		n++
		value = formEncode(formDecode(v))
	}
	switch n {
	case 0:
		return "", fmt.Errorf("%w: query parameter %q", ErrMissingComponent, name)
	case 1:
		return value, nil
	}
	return "", fmt.Errorf("%w: query parameter %q occurs %d times (§2.2.8)", ErrInvalidComponent, name, n)
}

// formDecode decodes one name or value of an
// application/x-www-form-urlencoded string: "+" becomes a space, valid
// percent-escapes are decoded and others kept, and the bytes are decoded as
// UTF-8 with replacement (WHATWG URL §5.1 step 3).
func formDecode(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '+':
			b = append(b, ' ')
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return utf8DecodeWHATWG(b)
}

// formEncode is WHATWG URL's "percent-encode after encoding" with the
// application/x-www-form-urlencoded percent-encode set, a space encoded as
// %20 rather than "+", as RFC 9421 §2.2.8's examples show: only ASCII
// alphanumerics and "*-._" stay as they are.
func formEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '*' || c == '-' || c == '.' || c == '_' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// utf8DecodeWHATWG decodes b as UTF-8, replacing each maximal invalid
// subsequence with U+FFFD as the WHATWG Encoding Standard's UTF-8 decoder
// does (§4.1.1), which is what the urlencoded parser uses.
func utf8DecodeWHATWG(b []byte) string {
	var (
		out          []byte
		cp           rune
		needed, seen int
		lower, upper byte = 0x80, 0xbf
	)
	for i := 0; i < len(b); i++ {
		c := b[i]
		if needed == 0 {
			switch {
			case c <= 0x7f:
				out = append(out, c)
			case 0xc2 <= c && c <= 0xdf:
				needed, cp = 1, rune(c&0x1f)
			case 0xe0 <= c && c <= 0xef:
				if c == 0xe0 {
					lower = 0xa0
				}
				if c == 0xed {
					upper = 0x9f
				}
				needed, cp = 2, rune(c&0xf)
			case 0xf0 <= c && c <= 0xf4:
				if c == 0xf0 {
					lower = 0x90
				}
				if c == 0xf4 {
					upper = 0x8f
				}
				needed, cp = 3, rune(c&0x7)
			default:
				out = utf8.AppendRune(out, utf8.RuneError)
			}
			continue
		}
		if c < lower || c > upper {
			cp, needed, seen, lower, upper = 0, 0, 0, 0x80, 0xbf
			out = utf8.AppendRune(out, utf8.RuneError)
			i-- // reprocess c as the start of a new sequence
			continue
		}
		lower, upper = 0x80, 0xbf
		cp = cp<<6 | rune(c&0x3f)
		if seen++; seen == needed {
			out = utf8.AppendRune(out, cp)
			cp, needed, seen = 0, 0, 0
		}
	}
	if needed != 0 {
		out = utf8.AppendRune(out, utf8.RuneError)
	}
	return string(out)
}
