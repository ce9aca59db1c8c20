package delegation

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"
)

// maxNesting bounds JSON nesting before any decoding, whatever the actor
// limit, so hostile input costs no deep recursion in encoding/json.
const maxNesting = 64

type jsonError string

func (e jsonError) Error() string { return string(e) }

// checkJSON reports whether raw is one valid JSON value whose objects never
// repeat a member name and whose nesting stays below maxNesting.
func checkJSON(raw []byte) error {
	if !utf8.Valid(raw) || !json.Valid(raw) {
		return jsonError("not valid JSON")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	type frame struct {
		object bool
		names  map[string]bool
		key    bool
	}
	var stack []frame
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return jsonError("not valid JSON")
		}
		top := len(stack) - 1
		isKey := top >= 0 && stack[top].object && stack[top].key
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{', '[':
				if isKey {
					return jsonError("not valid JSON")
				}
				if top >= 0 && stack[top].object {
					stack[top].key = true
				}
				if len(stack) >= maxNesting {
					return jsonError("nested too deeply")
				}
				stack = append(stack, frame{object: v == '{', key: v == '{'})
			default:
				stack = stack[:top]
			}
			continue
		case string:
			if isKey {
				if stack[top].names == nil {
					stack[top].names = map[string]bool{}
				}
				if stack[top].names[v] {
					return jsonError("member " + strconv.Quote(v) + " appears twice")
				}
				stack[top].names[v] = true
				stack[top].key = false
				continue
			}
		}
		if top >= 0 && stack[top].object {
			stack[top].key = true
		}
	}
}
