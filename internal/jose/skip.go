package jose

import "github.com/wimse-wg/wimse/internal/mutant"

// Skip names the checks of this package to skip, by failure code: a check
// whose code Skip reports true is passed over as if it had succeeded. Only
// the conformance self-test (internal/mutant) skips anything; a nil Skip
// skips nothing and costs one nil check.
type Skip func(Code) bool

func (s Skip) has(c Code) bool { return s != nil && s(c) }

// MutantSkip returns the Skip of a mutant set for a token kind whose codes
// map to reasons through table; nil (skip nothing) for a nil set.
func MutantSkip[R ~string](m *mutant.Set, table map[Code]R) Skip {
	if m == nil {
		return nil
	}
	return func(c Code) bool {
		r, ok := table[c]
		return ok && m.Off(string(r))
	}
}
