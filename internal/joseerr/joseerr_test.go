package joseerr

import (
	"errors"
	"testing"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/wimse"
)

// TestWrap: a code in the table becomes its reason with the package's
// prefix; a code outside it, or another error, is internal with the cause.
func TestWrap(t *testing.T) {
	table := map[jose.Code]wimse.Reason{jose.CodeTyp: wimse.ReasonWPTTyp}
	var we *wimse.Error
	if err := Wrap(&jose.Error{Code: jose.CodeTyp, Detail: "typ is x"}, table, "wpt"); !errors.As(err, &we) || we.Reason != wimse.ReasonWPTTyp || we.Detail != "wpt: typ is x" {
		t.Errorf("mapped: %#v", err)
	}
	other := errors.New("boom")
	for _, in := range []error{&jose.Error{Code: jose.CodeAlg}, other} {
		if err := Wrap(in, table, "wpt"); !errors.As(err, &we) || we.Reason != wimse.ReasonInternal || we.Detail != "wpt: unexpected failure" || !errors.Is(err, in) {
			t.Errorf("unmapped %v: %#v", in, err)
		}
	}
}
