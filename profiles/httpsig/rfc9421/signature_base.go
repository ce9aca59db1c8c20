package rfc9421

import (
	"bytes"
	"fmt"

	"github.com/dunglas/httpsfv"
)

// SignatureBase returns the signature base of RFC 9421 §2.5: one line
// `<component identifier>: <value>` per covered component, in order, each
// ended by LF, then the `"@signature-params": <params>` line without a
// trailing LF.
//
// params is the "@signature-params" value (SignatureParams, or
// Signature.SignatureParams from ParseSignatures). It must be an Inner List
// whose items are exactly components, in order; it is re-serialised from
// its parsed form, so the last line is the canonical serialisation RFC 9421
// §3.2 step 7 requires even if params was not.
//
// Errors wrap ErrMissingComponent (a component the message does not carry),
// ErrUnknownComponent (an unimplemented derived component) or
// ErrInvalidComponent (see its doc, including duplicate identifiers), or
// ErrMalformed when params is not such an Inner List.
func SignatureBase(m Message, components []Component, params string) ([]byte, error) {
	sp, err := parseSignatureParams(params)
	if err != nil {
		return nil, err
	}
	if len(sp.Items) != len(components) {
		return nil, fmt.Errorf("%w: signature params list %d components, %d given", ErrMalformed, len(sp.Items), len(components))
	}
	for i, c := range components {
		it, err := componentFromItem(sp.Items[i])
		if err != nil {
			return nil, fmt.Errorf("%w: signature params item %d: %w", ErrMalformed, i, err)
		}
		if it.ser != c.ser {
			return nil, fmt.Errorf("%w: signature params item %d is %s, component is %s", ErrMalformed, i, it.ser, c.ser)
		}
	}
	last, err := httpsfv.Marshal(sp)
	if err != nil {
		return nil, fmt.Errorf("%w: signature params: %w", ErrMalformed, err)
	}
	return buildBase(m, components, last)
}

// buildBase writes the signature base of components over m, ending with
// the canonical "@signature-params" value last (RFC 9421 §2.5). The caller
// has checked that last lists exactly components.
func buildBase(m Message, components []Component, last string) ([]byte, error) {
	for i, c := range components {
		for _, prev := range components[:i] {
			if prev.Equal(c) {
				return nil, fmt.Errorf("%w: %s is covered twice (§2)", ErrInvalidComponent, c.ser)
			}
		}
	}
	var b bytes.Buffer
	for _, c := range components {
		v, err := componentValue(&m, c)
		if err != nil {
			return nil, err
		}
		b.WriteString(c.ser)
		b.WriteString(": ")
		b.WriteString(v)
		b.WriteByte('\n')
	}
	b.WriteString(`"@signature-params": `)
	b.WriteString(last)
	return b.Bytes(), nil
}

// componentValue derives the value of one covered component from m
// (RFC 9421 §2.5 step 2.4).
func componentValue(m *Message, c Component) (string, error) {
	sp, err := c.spec()
	if err != nil {
		return "", err
	}
	ctx := m
	if sp.req {
		if !m.IsResponse() {
			return "", fmt.Errorf("%w: %s: req on a request (§2.4)", ErrInvalidComponent, c.ser)
		}
		if m.Request == nil {
			return "", fmt.Errorf("%w: %s: the related request is not known", ErrMissingComponent, c.ser)
		}
		ctx = m.Request
	}
	if c.IsDerived() {
		return derivedValue(ctx, c, sp)
	}
	return fieldValue(ctx, m, c, sp)
}

// parseSignatureParams parses a "@signature-params" value: one Inner List
// with parameters (RFC 9421 §2.3).
func parseSignatureParams(s string) (httpsfv.InnerList, error) {
	l, err := httpsfv.UnmarshalList([]string{s})
	if err != nil {
		return httpsfv.InnerList{}, fmt.Errorf("%w: signature params: %w", ErrMalformed, err)
	}
	if len(l) != 1 {
		return httpsfv.InnerList{}, fmt.Errorf("%w: signature params must be one Inner List", ErrMalformed)
	}
	il, ok := l[0].(httpsfv.InnerList)
	if !ok {
		return httpsfv.InnerList{}, fmt.Errorf("%w: signature params must be an Inner List", ErrMalformed)
	}
	if il.Params == nil {
		il.Params = httpsfv.NewParams()
	}
	return il, nil
}
