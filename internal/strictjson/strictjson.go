// Package strictjson decodes the project's own configuration files
// (target profiles, STS configuration and policy, vector files) strictly:
// unknown members and data after the one JSON value are errors, never
// ignored, and a syntax error names its line.
//
// It does not check for repeated member names; callers that must refuse
// them run internal/jose.CheckObject as well.
package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// ErrTrailingData is returned when data follows the JSON value.
var ErrTrailingData = errors.New("trailing data after the JSON object")

// Decode decodes exactly one JSON value from b into v, refusing members v
// does not have and anything after the value but white space. A syntax
// error is returned as is, so that Line can place it.
func Decode(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return ErrTrailingData
	}
	return nil
}

// WithoutComments returns b with every line whose first non-blank
// characters are "//" emptied, keeping the line count, so that error
// lines still match the file. b is not modified.
func WithoutComments(b []byte) []byte {
	lines := bytes.Split(b, []byte("\n"))
	for i, l := range lines {
		if bytes.HasPrefix(bytes.TrimSpace(l), []byte("//")) {
			lines[i] = nil
		}
	}
	return bytes.Join(lines, []byte("\n"))
}

// Line returns the 1-based line of b on which err, a *json.SyntaxError
// from decoding b, occurred; ok is false for any other error.
func Line(b []byte, err error) (line int, ok bool) {
	var se *json.SyntaxError
	if !errors.As(err, &se) || se.Offset > int64(len(b)) {
		return 0, false
	}
	return 1 + bytes.Count(b[:se.Offset], []byte("\n")), true
}

// WithLine prefixes a syntax error with its line ("line 3: ..."); other
// errors are returned unchanged.
func WithLine(b []byte, err error) error {
	if n, ok := Line(b, err); ok {
		return fmt.Errorf("line %d: %w", n, err)
	}
	return err
}
