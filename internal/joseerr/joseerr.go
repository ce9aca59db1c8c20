// Package joseerr turns the errors of the strict JOSE layer
// (internal/jose) into the wimse.Error of the package that parsed the
// token, with that package's reason for each failure code. It sits apart
// from internal/jose, which cannot import wimse (wimse imports it).
package joseerr

import (
	"errors"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/wimse"
)

// Wrap returns err as a *wimse.Error: the reason table gives for its
// jose.Code, the detail prefixed with pkg and ": " ("wpt: ..."). An error
// that is no *jose.Error, or whose code the table lacks, is
// wimse.ReasonInternal ("pkg: unexpected failure", err kept as the cause).
func Wrap(err error, table map[jose.Code]wimse.Reason, pkg string) error {
	var je *jose.Error
	if errors.As(err, &je) {
		if r, ok := table[je.Code]; ok {
			return &wimse.Error{Reason: r, Detail: pkg + ": " + je.Detail}
		}
	}
	return &wimse.Error{Reason: wimse.ReasonInternal, Detail: pkg + ": unexpected failure", Err: err}
}
