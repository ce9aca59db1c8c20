package conformance_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/wimse-wg/wimse/conformance"
)

// A receiver that authenticates nobody: it accepts the valid request, and
// the request whose WPT names another endpoint as well, which must be
// rejected. Play plays a negative vector's valid source first, as Run does.
func ExampleRunner_Play() {
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "hello")
	}))
	defer broken.Close()

	r, err := conformance.NewRunner(conformance.Config{
		Target: broken.URL + "/path",
		Draft:  "wpt-02",
		IDs:    []string{"wpt-valid-es256", "wpt-aud-other-path"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, v := range r.Selected() {
		res, err := r.Play(context.Background(), v.ID)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: %s, answered %d\n", res.ID, res.Status, res.Observed.Status)
		if res.Message != "" {
			fmt.Println("  " + res.Message)
		}
	}
	// Output:
	// wpt-valid-es256: pass, answered 200
	// wpt-aud-other-path: fail, answered 200
	//   expected the target to reject (status 401, reason wpt.aud_mismatch), but it answered 200
}
