package rfc9421

import (
	"slices"
	"testing"

	"github.com/dunglas/httpsfv"
)

// FuzzDictionaryKeys checks the duplicate-label scan against httpsfv: for
// every Dictionary httpsfv accepts, dictionaryKeys finds the same keys in
// the same order (first occurrences), so a valid field is never rejected
// as repeating a label and a repeated label is never missed.
func FuzzDictionaryKeys(f *testing.F) {
	for _, s := range []string{
		`sig1=("@method" "x";key="a,b");created=1, sig2=:AQID:`,
		`a=1,    b=2;x=1;y=2,   c=(a   b   c), d`,
		`a="x\",(", b=%"%2c,", c=(("), d`,
		`a=1, a=2`,
		`a=(), b=("" ")") ;p="(", c`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := httpsfv.UnmarshalDictionary([]string{s})
		if err != nil {
			return
		}
		keys := dictionaryKeys(s)
		var first []string
		for _, k := range keys {
			if !slices.Contains(first, k) {
				first = append(first, k)
			}
		}
		if !slices.Equal(first, d.Names()) {
			t.Fatalf("dictionaryKeys(%q) = %q, httpsfv names %q", s, keys, d.Names())
		}
	})
}

// TestDictionaryKeysDuplicates pins the cases ParseSignatures relies on.
func TestDictionaryKeysDuplicates(t *testing.T) {
	for s, want := range map[string][]string{
		`a=1, a=2`:                 {"a", "a"},
		`a=(1 "x,y"), b;p, a`:      {"a", "b", "a"},
		`a="\"", b`:                {"a", "b"},
		"a=1,\tb=2":                {"a", "b"},
		`sig1=:AA==:, sig2=:AA==:`: {"sig1", "sig2"},
	} {
		if got := dictionaryKeys(s); !slices.Equal(got, want) {
			t.Errorf("dictionaryKeys(%q) = %q, want %q", s, got, want)
		}
	}
}
