package rfc9421

import (
	"crypto"
	"fmt"
	"net/http"
	"strings"

	"github.com/dunglas/httpsfv"
)

// Field names of RFC 9421 §4.
const (
	SignatureInputField = "Signature-Input"
	SignatureField      = "Signature"
)

// Signature is one signature carried by a message: a member of
// Signature-Input and the member of Signature under the same label
// (RFC 9421 §4).
type Signature struct {
	// Label is the dictionary key shared by both fields.
	Label string
	// Components are the covered components, in order, as parsed. They are
	// checked for syntax only: a foreign signature may cover components
	// this package cannot derive, which SignatureBase then reports.
	Components []Component
	// Params are the signature parameters, in order.
	Params Params
	// SignatureParams is the "@signature-params" value: the Signature-Input
	// member re-serialised from its parsed form (RFC 9421 §3.2 step 7).
	SignatureParams string
	// Value is the signature (the sf-binary of the Signature member).
	Value []byte

	// parsed is set by ParseSignatures: Components and SignatureParams
	// come from the same parse, so Base need not check them against each
	// other again (a caller-built Signature is checked; a caller that
	// edits a parsed one's fields gets the base of what it wrote).
	parsed bool
}

// Base returns the signature base of s over m (SignatureBase with the
// parsed components and parameters).
func (s Signature) Base(m Message) ([]byte, error) {
	if s.parsed {
		// ParseSignatures built Components and the canonical
		// SignatureParams from one parse: no need to parse them again.
		return buildBase(m, s.Components, s.SignatureParams)
	}
	return SignatureBase(m, s.Components, s.SignatureParams)
}

// Verify rebuilds the signature base over m and verifies s.Value with pub
// under alg (RFC 9421 §3.2 steps 7 and 8). It checks neither the
// parameters (created, expires, tag...) nor which components are covered:
// that is the application's policy (§3.2.1).
func (s Signature) Verify(m Message, alg string, pub crypto.PublicKey) error {
	base, err := s.Base(m)
	if err != nil {
		return err
	}
	return Verify(base, s.Value, alg, pub)
}

// ParseSignatures parses the Signature-Input and Signature fields of h
// (RFC 9421 §4.1, §4.2). Each is a Dictionary; several field lines are
// combined. Every Signature-Input member must be an Inner List of
// component identifiers with parameters, every Signature member a Byte
// Sequence, and each label must be in both fields: otherwise the whole
// parse fails with ErrMalformed. A label that occurs twice is rejected too,
// although RFC 8941 §4.2.2 would keep the last value: an appended duplicate
// could otherwise replace a signature unnoticed.
//
// The result follows the order of Signature-Input. No fields at all is not
// an error: the result is empty.
func ParseSignatures(h http.Header) ([]Signature, error) {
	inLines, sigLines := h.Values(SignatureInputField), h.Values(SignatureField)
	inputs, inKeys, err := parseDictionary(SignatureInputField, inLines)
	if err != nil {
		return nil, err
	}
	sigs, sigKeys, err := parseDictionary(SignatureField, sigLines)
	if err != nil {
		return nil, err
	}
	if len(inKeys) != len(sigKeys) {
		return nil, fmt.Errorf("%w: %d Signature-Input labels, %d Signature labels", ErrMalformed, len(inKeys), len(sigKeys))
	}
	out := make([]Signature, 0, len(inKeys))
	for _, label := range inKeys {
		in, _ := inputs.Get(label)
		sm, ok := sigs.Get(label)
		if !ok {
			return nil, fmt.Errorf("%w: label %q is in Signature-Input but not in Signature", ErrMalformed, label)
		}
		il, ok := in.(httpsfv.InnerList)
		if !ok {
			return nil, fmt.Errorf("%w: Signature-Input %q is not an Inner List", ErrMalformed, label)
		}
		si, ok := sm.(httpsfv.Item)
		if !ok {
			return nil, fmt.Errorf("%w: Signature %q is not an Item", ErrMalformed, label)
		}
		value, ok := si.Value.([]byte)
		if !ok {
			return nil, fmt.Errorf("%w: Signature %q is not a Byte Sequence", ErrMalformed, label)
		}
		s := Signature{Label: label, Value: value, Components: make([]Component, 0, len(il.Items)), parsed: true}
		for _, it := range il.Items {
			c, err := componentFromItem(it)
			if err != nil {
				return nil, fmt.Errorf("%w: Signature-Input %q: %w", ErrMalformed, label, err)
			}
			s.Components = append(s.Components, c)
		}
		if s.Params, err = paramsFromSF(il.Params); err != nil {
			return nil, fmt.Errorf("signature %q: %w", label, err)
		}
		if s.SignatureParams, err = httpsfv.Marshal(il); err != nil {
			return nil, fmt.Errorf("%w: Signature-Input %q: %w", ErrMalformed, label, err)
		}
		out = append(out, s)
	}
	return out, nil
}

// parseDictionary parses the combined field lines as a Dictionary and
// returns its keys in order, rejecting duplicate keys.
func parseDictionary(field string, lines []string) (*httpsfv.Dictionary, []string, error) {
	if len(lines) == 0 {
		return httpsfv.NewDictionary(), nil, nil
	}
	d, err := httpsfv.UnmarshalDictionary(lines)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %s: %w", ErrMalformed, field, err)
	}
	keys := dictionaryKeys(strings.Join(lines, ", "))
	if len(keys) != len(d.Names()) {
		return nil, nil, fmt.Errorf("%w: %s repeats a label", ErrMalformed, field)
	}
	return d, d.Names(), nil
}

// dictionaryKeys returns the keys of a Dictionary that httpsfv has already
// accepted, duplicates included: it splits at commas outside strings and
// Inner Lists and reads each member's key.
func dictionaryKeys(s string) []string {
	var (
		keys    []string
		depth   int
		inStr   bool
		escaped bool
		start   = 0
	)
	member := func(end int) {
		m := strings.TrimLeft(s[start:end], " \t")
		if i := strings.IndexAny(m, "=;, \t"); i >= 0 {
			m = m[:i]
		}
		keys = append(keys, m)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inStr && escaped:
			escaped = false
		case inStr && c == '\\':
			escaped = true
		case c == '"':
			inStr = !inStr
		case inStr:
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == ',' && depth == 0:
			member(i)
			start = i + 1
		}
	}
	if strings.TrimSpace(s[start:]) != "" {
		member(len(s))
	}
	return keys
}

// AddSignature adds a signature to h as one new Signature-Input field line
// `label=<params>` and one new Signature field line `label=:<base64>:`
// (RFC 9421 §4.1, §4.2). params is the "@signature-params" value the
// signature was computed with (SignatureParams). The label must be a valid
// Dictionary key not already used in h.
func AddSignature(h http.Header, label, params string, sig []byte) error {
	il, err := parseSignatureParams(params)
	if err != nil {
		return err
	}
	existing, err := ParseSignatures(h)
	if err != nil {
		return err
	}
	for _, s := range existing {
		if s.Label == label {
			return fmt.Errorf("%w: label %q is already used", ErrMalformed, label)
		}
	}
	in := httpsfv.NewDictionary()
	in.Add(label, il)
	inLine, err := httpsfv.Marshal(in)
	if err != nil {
		return fmt.Errorf("%w: label %q: %w", ErrMalformed, label, err)
	}
	sd := httpsfv.NewDictionary()
	sd.Add(label, httpsfv.NewItem(sig))
	sigLine, err := httpsfv.Marshal(sd)
	if err != nil {
		return fmt.Errorf("%w: label %q: %w", ErrMalformed, label, err)
	}
	h.Add(SignatureInputField, inLine)
	h.Add(SignatureField, sigLine)
	return nil
}
