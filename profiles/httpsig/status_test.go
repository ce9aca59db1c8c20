package httpsig_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/wimse-wg/wimse/profiles/httpsig"
	"github.com/wimse-wg/wimse/wimse"
)

// TestStatusEveryReason checks the status of every reason of the closed
// set against its class, so a reason added later cannot fall through to an
// unplanned status: 429 for a sender over its replay-cache quota, 503 for a
// full cache, 500 for internal failures, 413 for a body over the limit, 400
// otherwise (-07 §3.6).
func TestStatusEveryReason(t *testing.T) {
	for _, r := range wimse.AllReasons() {
		want := http.StatusBadRequest
		switch wimse.ClassOf(r) {
		case wimse.ClassRateLimited:
			want = http.StatusTooManyRequests
		case wimse.ClassUnavailable:
			want = http.StatusServiceUnavailable
		case wimse.ClassInternal:
			want = http.StatusInternalServerError
		}
		if r == wimse.ReasonRequestBodyTooLarge {
			want = http.StatusRequestEntityTooLarge
		}
		if got := httpsig.Status(&wimse.Error{Reason: r}); got != want {
			t.Errorf("%s: got %d, want %d", r, got, want)
		}
	}
	if got := httpsig.Status(errors.New("boom")); got != http.StatusInternalServerError {
		t.Errorf("plain error: got %d, want 500", got)
	}
}
