// Package reasontest asserts the reasons of this module's errors in tests:
// a reason compared by code, never by message text (STYLE item 4).
package reasontest

import (
	"errors"
	"strings"
	"testing"

	"github.com/wimse-wg/wimse/wimse"
)

// CheckReason fails t unless err carries want ("" means success). Every
// error must be a *wimse.Error with a known reason, and its text must not
// leak the raw token (wimse.Error: "Detail never contains a raw token").
func CheckReason(t testing.TB, err error, want wimse.Reason, raw string) {
	t.Helper()
	if got := wimse.ReasonOf(err); got != want {
		t.Fatalf("reason: got %q, want %q (err: %v)", got, want, err)
	}
	if err == nil {
		return
	}
	var e *wimse.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *wimse.Error", err, err)
	}
	if !e.Reason.Known() {
		t.Errorf("reason %q is not a known reason", e.Reason)
	}
	if raw != "" && strings.Contains(err.Error(), raw) {
		t.Errorf("error text leaks the raw token: %v", err)
	}
}
