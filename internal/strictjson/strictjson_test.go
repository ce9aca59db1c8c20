package strictjson

import (
	"errors"
	"strings"
	"testing"
)

type sample struct {
	A int `json:"a"`
}

func TestDecode(t *testing.T) {
	var s sample
	if err := Decode([]byte(` {"a": 1} `+"\n"), &s); err != nil || s.A != 1 {
		t.Fatalf("valid: %v %+v", err, s)
	}
	cases := map[string]string{
		"unknown member": `{"a": 1, "b": 2}`,
		"trailing data":  `{"a": 1} {}`,
		"syntax":         `{"a": }`,
		"empty":          ``,
	}
	for name, in := range cases {
		if err := Decode([]byte(in), &s); err == nil {
			t.Errorf("%s: decoded %q", name, in)
		}
	}
	if err := Decode([]byte(`{} x`), &s); !errors.Is(err, ErrTrailingData) {
		t.Errorf("trailing data: %v, want ErrTrailingData", err)
	}
}

func TestWithoutCommentsKeepsLines(t *testing.T) {
	in := []byte("// a comment\n{\n  // another\n  \"a\": ,\n}")
	b := WithoutComments(in)
	if strings.Contains(string(b), "comment") || strings.Count(string(b), "\n") != strings.Count(string(in), "\n") {
		t.Fatalf("WithoutComments = %q", b)
	}
	if string(in[:2]) != "//" {
		t.Fatal("the input was modified")
	}
	var s sample
	err := WithLine(b, Decode(b, &s))
	if err == nil || !strings.HasPrefix(err.Error(), "line 4: ") {
		t.Fatalf("error %v, want it placed on line 4", err)
	}
	if _, ok := Line(b, errors.New("other")); ok {
		t.Error("Line placed an error that is not a syntax error")
	}
}
