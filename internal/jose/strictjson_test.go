package jose

import (
	"errors"
	"strings"
	"testing"
)

// nestObjects returns n objects nested in one another; the innermost holds
// the value 1 at depth n.
func nestObjects(n int) string {
	return strings.Repeat(`{"a":`, n) + "1" + strings.Repeat("}", n)
}

// nestArrays returns an object holding n nested arrays; the innermost is at
// depth n.
func nestArrays(n int) string {
	return `{"a":` + strings.Repeat("[", n) + strings.Repeat("]", n) + "}"
}

func TestCheckObject(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr bool
		wantDup bool
	}{
		{name: "empty object", in: `{}`},
		{name: "surrounding whitespace", in: " \t\r\n{}\n "},
		{name: "nested values", in: `{"a":[1,"x",true,null,{"b":{}}],"c":-1.5e3}`},
		{name: "same name in different objects", in: `{"a":{"b":1},"c":{"b":2}}`},
		{name: "names differing in case", in: `{"a":1,"A":2}`},
		{name: "lone surrogate escape", in: `{"a":"\ud800"}`},
		{name: "objects nested at the limit", in: nestObjects(maxDepth)},
		{name: "arrays nested at the limit", in: nestArrays(maxDepth)},

		{name: "objects nested one too deep", in: nestObjects(maxDepth + 1), wantErr: true},
		{name: "arrays nested one too deep", in: nestArrays(maxDepth + 1), wantErr: true},
		{name: "duplicate", in: `{"a":1,"a":1}`, wantErr: true, wantDup: true},
		{name: "duplicate via escape", in: `{"a":1,"\u0061":2}`, wantErr: true, wantDup: true},
		{name: "duplicate in nested object", in: `{"a":{"b":1,"b":2}}`, wantErr: true, wantDup: true},
		{name: "duplicate in object inside array", in: `{"a":[{},{"b":1,"b":2}]}`, wantErr: true, wantDup: true},
		{name: "empty input", in: ``, wantErr: true},
		{name: "whitespace only", in: "  ", wantErr: true},
		{name: "array", in: `[]`, wantErr: true},
		{name: "string", in: `"{}"`, wantErr: true},
		{name: "number", in: `1`, wantErr: true},
		{name: "null", in: `null`, wantErr: true},
		{name: "byte order mark", in: "\xef\xbb\xbf{}", wantErr: true},
		{name: "invalid UTF-8 in value", in: "{\"a\":\"\xff\"}", wantErr: true},
		{name: "invalid UTF-8 in name", in: "{\"\xc0\xaf\":1}", wantErr: true},
		{name: "trailing object", in: `{}{}`, wantErr: true},
		{name: "trailing garbage", in: `{} x`, wantErr: true},
		{name: "unterminated", in: `{"a":1`, wantErr: true},
		{name: "unbalanced close", in: `{"a":[1}}`, wantErr: true},
		{name: "trailing comma", in: `{"a":1,}`, wantErr: true},
		{name: "single quotes", in: `{'a':1}`, wantErr: true},
		{name: "bad escape", in: `{"a":"\x"}`, wantErr: true},
		{name: "NaN", in: `{"a":NaN}`, wantErr: true},
		{name: "leading zero", in: `{"a":01}`, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := checkObject([]byte(tc.in))
			if (err != nil) != tc.wantErr {
				t.Fatalf("checkObject(%q) = %v, want error: %v", tc.in, err, tc.wantErr)
			}
			if got := errors.Is(err, errDuplicate); got != tc.wantDup {
				t.Errorf("checkObject(%q) = %v, duplicate: got %v, want %v", tc.in, err, got, tc.wantDup)
			}
		})
	}
}

// TestCheckObjectHostileDepth: a megabyte of '[' is rejected quickly, by the
// depth limit, without growing the stack.
func TestCheckObjectHostileDepth(t *testing.T) {
	for _, in := range []string{
		`{"a":` + strings.Repeat("[", 1<<20),
		strings.Repeat(`{"a":`, 1<<18),
		`{"a":` + strings.Repeat(`[{"b":`, 1<<18),
	} {
		if err := checkObject([]byte(in)); err == nil {
			t.Errorf("checkObject accepted %d bytes of nesting", len(in))
		}
	}
	raw := compact(okHeader, `{"a":`+strings.Repeat("[", 1<<16)+strings.Repeat("]", 1<<16)+`}`, "AA")
	_, err := Parse(raw, len(raw))
	checkCode(t, err, CodeMalformed)
}
