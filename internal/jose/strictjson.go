package jose

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"unicode/utf8"
)

// maxDepth bounds JSON nesting so hostile input cannot exhaust the stack.
const maxDepth = 32

var errDuplicate = errors.New("duplicate member name")

// checkObject reports whether data is exactly one JSON object, valid UTF-8,
// nested at most maxDepth deep, whose objects never repeat a member name
// (RFC 7515 §5.2 and RFC 7519 §4 say a parser MUST reject or use the last;
// we reject, since the two choices disagree between libraries).
func checkObject(data []byte) error {
	if !utf8.Valid(data) {
		return errors.New("invalid utf-8")
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return errors.New("not a json object")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := walk(dec, 0); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after json object")
	}
	return nil
}

func walk(dec *json.Decoder, depth int) error {
	if depth > maxDepth {
		return errors.New("json nested too deeply")
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	switch d {
	case '{':
		var seen map[string]struct{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return err
			}
			name, _ := k.(string)
			if seen == nil {
				seen = make(map[string]struct{}, 8)
			}
			if _, dup := seen[name]; dup {
				return errDuplicate
			}
			seen[name] = struct{}{}
			if err := walk(dec, depth+1); err != nil {
				return err
			}
		}
	case '[':
		for dec.More() {
			if err := walk(dec, depth+1); err != nil {
				return err
			}
		}
	}
	_, err = dec.Token() // closing delimiter
	return err
}
