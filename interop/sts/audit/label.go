package audit

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxLabelLength is the longest Label, in bytes. It is long enough for an
// identifier, an issuer or resource URL, a scope value or a jti, and short
// enough that most tokens do not fit.
const MaxLabelLength = 512

// ErrInvalidRecord is wrapped by the errors of ParseLabel and Log.Append
// when a value cannot be recorded.
var ErrInvalidRecord = errors.New("audit: invalid record")

// Label is one short value the audit log may hold: a client identifier, an
// issuer, a subject, an actor, an audience, a resource, a scope value, an
// authentication method, a jti or a key ID. It is never a token: a Label
// is built only by ParseLabel (or UnmarshalText), which refuses any value
// that carries a JWS or JWE in compact serialisation, a control character,
// invalid UTF-8 or more than MaxLabelLength bytes. The zero Label is the
// absent value. Labels are comparable with ==.
type Label struct{ s string }

// ParseLabel returns s as a Label, or an error wrapping ErrInvalidRecord.
// The empty string gives the zero Label.
func ParseLabel(s string) (Label, error) {
	switch {
	case len(s) > MaxLabelLength:
		return Label{}, fmt.Errorf("%w: value of %d bytes exceeds %d", ErrInvalidRecord, len(s), MaxLabelLength)
	case !utf8.ValidString(s):
		return Label{}, fmt.Errorf("%w: value is not valid UTF-8", ErrInvalidRecord)
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return Label{}, fmt.Errorf("%w: value has a control character", ErrInvalidRecord)
	case looksLikeJOSE(s):
		return Label{}, fmt.Errorf("%w: value carries a JWS or JWE; tokens are never recorded", ErrInvalidRecord)
	}
	return Label{s}, nil
}

// MustParseLabel is ParseLabel that panics on error, for constants in
// tests and examples.
func MustParseLabel(s string) Label {
	l, err := ParseLabel(s)
	if err != nil {
		panic(err)
	}
	return l
}

// ParseLabels parses each value of ss; it returns nil for no values.
func ParseLabels(ss ...string) ([]Label, error) {
	if len(ss) == 0 {
		return nil, nil
	}
	out := make([]Label, len(ss))
	for i, s := range ss {
		l, err := ParseLabel(s)
		if err != nil {
			return nil, err
		}
		out[i] = l
	}
	return out, nil
}

// String returns the value.
func (l Label) String() string { return l.s }

// IsZero reports whether l is the absent value.
func (l Label) IsZero() bool { return l.s == "" }

// MarshalText implements encoding.TextMarshaler.
func (l Label) MarshalText() ([]byte, error) { return []byte(l.s), nil }

// UnmarshalText implements encoding.TextUnmarshaler with the checks of
// ParseLabel.
func (l *Label) UnmarshalText(b []byte) error {
	v, err := ParseLabel(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// looksLikeJOSE reports whether s contains a JWS or JWE in compact
// serialisation (RFC 7515 §7.1, RFC 7516 §7.1): a base64url JSON object
// (its encoding starts with "eyJ", the encoding of `{"`) of at least 16
// characters followed by at least two more dot-separated base64url
// segments. An opaque token cannot be recognised; see the package's
// security considerations.
func looksLikeJOSE(s string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], "eyJ")
		if j < 0 {
			return false
		}
		start := i + j
		end := start
		for end < len(s) && isB64URLOrDot(s[end]) {
			end++
		}
		parts := strings.Split(s[start:end], ".")
		if len(parts) >= 3 && len(parts[0]) >= 16 {
			head := parts[0][:len(parts[0])/4*4]
			if b, err := base64.RawURLEncoding.DecodeString(head); err == nil && len(b) >= 2 && b[0] == '{' && b[1] == '"' {
				return true
			}
		}
		i = start + 3
	}
}

func isB64URLOrDot(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
}
