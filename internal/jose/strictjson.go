package jose

import (
	"bytes"
	"encoding/json"
	"errors"
	"unicode/utf8"
)

// maxDepth bounds JSON nesting so hostile input cannot exhaust the stack.
const maxDepth = 32

var errDuplicate = errors.New("duplicate member name")

// checkObject reports whether data is exactly one JSON object, valid UTF-8,
// nested at most maxDepth deep, whose objects never repeat a member name
// (RFC 7515 §5.2 and RFC 7519 §4 let a parser reject or keep the last;
// libraries disagree, so we reject).
//
// json.Valid checks the syntax first; the scan that follows can then assume
// well-formed input and only track nesting, strings and member names.
func checkObject(data []byte) error { return checkObjectSkip(data, false) }

// checkObjectSkip is checkObject, except that allowDup lets member names
// repeat (the conformance self-test's duplicate-member mutant).
func checkObjectSkip(data []byte, allowDup bool) error {
	if !utf8.Valid(data) {
		return errors.New("invalid utf-8")
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return errors.New("not a json object")
	}
	if !json.Valid(data) {
		return errors.New("invalid json")
	}
	return scanMembers(data, allowDup)
}

// scanMembers walks syntactically valid JSON and fails on a repeated member
// name within one object (compared after unescaping) or on nesting deeper
// than maxDepth.
func scanMembers(data []byte, allowDup bool) error {
	type frame struct {
		object bool
		names  map[string]struct{}
		// expectName is true where the next string in an object is a name.
		expectName bool
	}
	var stack []frame
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '{', '[':
			// The top-level object is depth 0; a value at depth d sits
			// inside d containers besides it.
			if len(stack) > maxDepth {
				return errors.New("json nested too deeply")
			}
			stack = append(stack, frame{object: c == '{', expectName: c == '{'})
		case '}', ']':
			stack = stack[:len(stack)-1]
		case ',':
			if top := &stack[len(stack)-1]; top.object {
				top.expectName = true
			}
		case '"':
			end := stringEnd(data, i)
			if top := len(stack) - 1; top >= 0 && stack[top].object && stack[top].expectName {
				name := data[i+1 : end]
				key := string(name)
				if bytes.IndexByte(name, '\\') >= 0 {
					if err := json.Unmarshal(data[i:end+1], &key); err != nil {
						return err
					}
				}
				f := &stack[top]
				if f.names == nil {
					f.names = make(map[string]struct{}, 8)
				}
				if _, dup := f.names[key]; dup && !allowDup {
					return errDuplicate
				}
				f.names[key] = struct{}{}
				f.expectName = false
			} else if len(stack) > maxDepth {
				return errors.New("json nested too deeply")
			}
			i = end
		case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 't', 'f', 'n':
			// A scalar value one level below the deepest allowed container.
			if len(stack) > maxDepth {
				return errors.New("json nested too deeply")
			}
		}
	}
	return nil
}

// stringEnd returns the index of the closing quote of the string that
// starts at data[start] (valid JSON assumed).
func stringEnd(data []byte, start int) int {
	for i := start + 1; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return len(data) - 1
}
