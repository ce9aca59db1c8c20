// Package scope implements OAuth 2.0 scope values (RFC 6749 §3.3) as the
// scope claim of JWT access tokens carries them (RFC 8693 §4.2, RFC 9068
// §2.2.3): a set of case-sensitive scope-tokens written as one string, the
// tokens separated by single spaces.
//
// A Set is a comparable value built only by Parse (or New): two Sets are
// equal with == exactly when they hold the same scope-tokens, in whatever
// order they were written. Covers and Narrow are the checks a token
// endpoint needs so that an exchange only narrows (RFC 8693 §2.1; RFC 6749
// §3.3: invalid_scope otherwise).
//
// It does not decide what a scope means: scope-tokens are opaque strings
// compared byte for byte (no case folding, no hierarchy, no wildcards), and
// a scope claim sent as a JSON array (the scp claim of some issuers) is
// not a scope.
//
//	granted, err := scope.Parse(tok.ScopeClaim)
//	requested, err := scope.Parse(r.PostForm.Get("scope"))
//	issued, err := granted.Narrow(requested) // scope.exceeds when not a subset
//
// # Security considerations
//
// Parse is strict: an empty value, a leading, trailing or doubled space, a
// character outside RFC 6749's scope-token alphabet (%x21 / %x23-5B /
// %x5D-7E: no space, no double quote, no backslash, nothing outside
// printable ASCII) and a repeated scope-token are rejected, never repaired,
// so two parties can never read one scope string as two different sets.
package scope

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/wimse-wg/wimse/wimse"
)

// Set is a set of scope-tokens. The zero value is the empty set (no scope
// claim). Sets are immutable and comparable with ==.
type Set struct {
	// canonical holds the tokens sorted and space-separated.
	canonical string
}

// Parse reads a scope value (RFC 6749 §3.3): scope-tokens separated by
// single spaces. Failures are *wimse.Error with scope.malformed or
// scope.duplicate.
func Parse(s string) (Set, error) {
	if s == "" {
		return Set{}, wimse.Errorf(wimse.ReasonScopeMalformed, "scope: empty value (omit the scope instead)")
	}
	return New(strings.Split(s, " ")...)
}

// MustParse is Parse for constants in tests and examples; it panics on an
// invalid value.
func MustParse(s string) Set {
	set, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return set
}

// New returns the set of the given scope-tokens; each must be a valid
// scope-token and none may repeat. New() is the empty set.
func New(tokens ...string) (Set, error) {
	sorted := slices.Clone(tokens)
	for i, t := range sorted {
		if err := checkToken(t); err != nil {
			return Set{}, wimse.Errorf(wimse.ReasonScopeMalformed, "scope: token %d %s", i+1, err.Error())
		}
	}
	slices.Sort(sorted)
	for i := 1; i < len(sorted); i++ {
		if sorted[i] == sorted[i-1] {
			return Set{}, wimse.Errorf(wimse.ReasonScopeDuplicate, "scope: token %q appears twice", sorted[i])
		}
	}
	return Set{canonical: strings.Join(sorted, " ")}, nil
}

type tokenError string

func (e tokenError) Error() string { return string(e) }

// checkToken applies scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
func checkToken(t string) error {
	if t == "" {
		return tokenError("is empty (a leading, trailing or doubled space)")
	}
	for i := 0; i < len(t); i++ {
		if c := t[i]; c < 0x21 || c == 0x22 || c == 0x5C || c > 0x7E {
			return tokenError("has a character outside the scope-token alphabet")
		}
	}
	return nil
}

// Tokens returns the scope-tokens, sorted.
func (s Set) Tokens() []string {
	if s.canonical == "" {
		return nil
	}
	return strings.Split(s.canonical, " ")
}

// Len returns the number of scope-tokens.
func (s Set) Len() int {
	if s.canonical == "" {
		return 0
	}
	return strings.Count(s.canonical, " ") + 1
}

// IsZero reports whether s is the empty set.
func (s Set) IsZero() bool { return s.canonical == "" }

// String returns the scope value: the tokens sorted and space-separated,
// "" for the empty set.
func (s Set) String() string { return s.canonical }

// Contains reports whether s holds the scope-token t.
func (s Set) Contains(t string) bool {
	_, found := slices.BinarySearch(s.Tokens(), t)
	return found
}

// Covers reports whether every scope-token of sub is in s (sub ⊆ s).
func (s Set) Covers(sub Set) bool {
	have := s.Tokens()
	for _, t := range sub.Tokens() {
		if _, found := slices.BinarySearch(have, t); !found {
			return false
		}
	}
	return true
}

// Narrow returns requested when it is a subset of s, the granted scope;
// otherwise a *wimse.Error with scope.exceeds naming the first extra token.
// An empty request is answered with s itself (RFC 6749 §3.3: the server
// uses a default; an exchange's default is what the input grants).
func (s Set) Narrow(requested Set) (Set, error) {
	if requested.IsZero() {
		return s, nil
	}
	have := s.Tokens()
	for _, t := range requested.Tokens() {
		if _, found := slices.BinarySearch(have, t); !found {
			return Set{}, wimse.Errorf(wimse.ReasonScopeExceeds, "scope: %q is not granted", t)
		}
	}
	return requested, nil
}

// Intersect returns the scope-tokens in both s and o.
func (s Set) Intersect(o Set) Set {
	var out []string
	have := s.Tokens()
	for _, t := range o.Tokens() {
		if _, found := slices.BinarySearch(have, t); found {
			out = append(out, t)
		}
	}
	return Set{canonical: strings.Join(out, " ")}
}

// MarshalText returns String; the empty set is "".
func (s Set) MarshalText() ([]byte, error) { return []byte(s.canonical), nil }

// UnmarshalText parses text with Parse.
func (s *Set) UnmarshalText(text []byte) error {
	v, err := Parse(string(text))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// UnmarshalJSON reads a JSON string with Parse; any other JSON type (an
// array of scopes, a number) is scope.malformed (RFC 8693 §4.2: the claim
// is a string).
func (s *Set) UnmarshalJSON(data []byte) error {
	var str string
	if len(data) == 0 || data[0] != '"' || json.Unmarshal(data, &str) != nil {
		return wimse.Errorf(wimse.ReasonScopeMalformed, "scope: not a JSON string")
	}
	return s.UnmarshalText([]byte(str))
}
