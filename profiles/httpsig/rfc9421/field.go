package rfc9421

import (
	"fmt"
	"strings"

	"github.com/dunglas/httpsfv"
)

// FieldType is the top-level type of a structured field (RFC 8941 §3),
// needed to re-serialise it under ";sf" (RFC 9421 §2.1.1).
type FieldType int

// Structured field types.
const (
	// FieldList is an sf-list (RFC 8941 §3.1).
	FieldList FieldType = iota + 1
	// FieldDictionary is an sf-dictionary (RFC 8941 §3.2).
	FieldDictionary
	// FieldItem is an sf-item (RFC 8941 §3.3).
	FieldItem
)

// knownType returns the type of the structured fields this package knows
// without being told: RFC 9421 §4.1, §4.2, §5.1 and RFC 9530 §2.
func knownType(name string) (FieldType, bool) {
	switch name {
	case "signature-input", "signature", "accept-signature", "content-digest":
		return FieldDictionary, true
	}
	return 0, false
}

// fieldType returns the declared type of a field: the built-in table first,
// then the Types of each message in order.
func fieldType(name string, msgs ...*Message) (FieldType, bool) {
	if t, ok := knownType(name); ok {
		return t, true
	}
	for _, m := range msgs {
		if m == nil {
			continue
		}
		if t, ok := m.Types[name]; ok {
			return t, true
		}
	}
	return 0, false
}

// fieldValue derives the value of an HTTP field component (RFC 9421 §2.1)
// from ctx; outer is the target message, consulted for Types when ctx is its
// related request.
func fieldValue(ctx, outer *Message, c Component, sp spec) (string, error) {
	// Copy: Values returns the header's own slice.
	lines := append([]string(nil), ctx.Header.Values(c.name)...)
	if len(lines) == 0 {
		return "", fmt.Errorf("%w: field %q", ErrMissingComponent, c.name)
	}
	for i, l := range lines {
		v, err := canonicalLine(l)
		if err != nil {
			return "", fmt.Errorf("%w: field %q: %w", ErrInvalidComponent, c.name, err)
		}
		lines[i] = v
	}
	switch {
	case sp.bs:
		return byteSequences(lines)
	case sp.hasKey:
		return dictionaryMember(c.name, lines, sp.key, ctx, outer)
	case sp.sf:
		return strictSerialization(c.name, lines, ctx, outer)
	}
	// §2.1: combine the field lines with a comma and a single space.
	return strings.Join(lines, ", "), nil
}

// canonicalLine strips leading and trailing whitespace from one field line,
// replaces obsolete line folding with a single space (RFC 9421 §2.1 steps 2
// and 3; RFC 9112 §5.2) and rejects what cannot appear in field-content
// (control characters other than HTAB, including CR and LF that would forge
// signature base lines).
func canonicalLine(v string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '\r' || c == '\n' {
			// obs-fold = OWS CRLF RWS: fold the whitespace around the line
			// break into one space.
			j := i
			if c == '\r' {
				if j+1 >= len(v) || v[j+1] != '\n' {
					return "", fmt.Errorf("bare CR in field value")
				}
				j++
			}
			if j+1 >= len(v) || (v[j+1] != ' ' && v[j+1] != '\t') {
				return "", fmt.Errorf("line break in field value")
			}
			for j+1 < len(v) && (v[j+1] == ' ' || v[j+1] == '\t') {
				j++
			}
			s := strings.TrimRight(b.String(), " \t")
			b.Reset()
			b.WriteString(s)
			b.WriteByte(' ')
			i = j
			continue
		}
		if (c < 0x20 && c != '\t') || c == 0x7f {
			return "", fmt.Errorf("control character %#x in field value", c)
		}
		b.WriteByte(c)
	}
	return strings.Trim(b.String(), " \t"), nil
}

// byteSequences wraps each field line as an sf-binary and serialises the
// list (RFC 9421 §2.1.3).
func byteSequences(lines []string) (string, error) {
	l := make(httpsfv.List, 0, len(lines))
	for _, v := range lines {
		l = append(l, httpsfv.NewItem([]byte(v)))
	}
	s, err := httpsfv.Marshal(l)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrInvalidComponent, err)
	}
	return s, nil
}

// strictSerialization re-serialises a structured field of known type
// (RFC 9421 §2.1.1); multiple field lines are combined first.
func strictSerialization(name string, lines []string, ctx, outer *Message) (string, error) {
	t, ok := fieldType(name, ctx, outer)
	if !ok {
		return "", fmt.Errorf("%w: %q has no known structured type for sf (declare it in Message.Types)", ErrInvalidComponent, name)
	}
	var (
		v   httpsfv.StructuredFieldValue
		err error
	)
	switch t {
	case FieldList:
		v, err = httpsfv.UnmarshalList(lines)
	case FieldDictionary:
		v, err = httpsfv.UnmarshalDictionary(lines)
	case FieldItem:
		v, err = httpsfv.UnmarshalItem(lines)
	default:
		return "", fmt.Errorf("%w: %q declared with unknown FieldType %d", ErrInvalidComponent, name, t)
	}
	if err != nil {
		return "", fmt.Errorf("%w: %q is not a valid structured field: %w", ErrInvalidComponent, name, err)
	}
	s, err := httpsfv.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("%w: %q: %w", ErrInvalidComponent, name, err)
	}
	return s, nil
}

// dictionaryMember serialises one member of a Dictionary field
// (RFC 9421 §2.1.2). The key parameter itself says the field is a
// Dictionary; a field declared with another type is an error.
func dictionaryMember(name string, lines []string, key string, ctx, outer *Message) (string, error) {
	if t, ok := fieldType(name, ctx, outer); ok && t != FieldDictionary {
		return "", fmt.Errorf("%w: key on %q, which is not a Dictionary", ErrInvalidComponent, name)
	}
	d, err := httpsfv.UnmarshalDictionary(lines)
	if err != nil {
		return "", fmt.Errorf("%w: %q is not a valid Dictionary: %w", ErrInvalidComponent, name, err)
	}
	m, ok := d.Get(key)
	if !ok {
		return "", fmt.Errorf("%w: member %q of field %q", ErrMissingComponent, key, name)
	}
	var sfv httpsfv.StructuredFieldValue
	switch m := m.(type) {
	case httpsfv.Item:
		sfv = m
	case httpsfv.InnerList:
		sfv = m
	default:
		return "", fmt.Errorf("%w: member %q of field %q", ErrInvalidComponent, key, name)
	}
	s, err := httpsfv.Marshal(sfv)
	if err != nil {
		return "", fmt.Errorf("%w: member %q of field %q: %w", ErrInvalidComponent, key, name, err)
	}
	return s, nil
}
