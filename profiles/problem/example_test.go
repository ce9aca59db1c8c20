package problem_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/wimse-wg/wimse/profiles/problem"
	"github.com/wimse-wg/wimse/wimse"
)

// A rejection answered with an RFC 9457 body: minimal by default, with the
// detail only for a receiver that implementers test against.
func ExampleDisclosure_Write() {
	err := wimse.Errorf(wimse.ReasonWPTAudMismatch, "wpt: aud %q is not %q", "https://a.example/x", "https://svc.example/x")
	for _, d := range []problem.Disclosure{problem.Minimal, problem.Full} {
		w := httptest.NewRecorder()
		d.Write(w, http.StatusUnauthorized, err)
		fmt.Println(w.Code, w.Header().Get("Content-Type"))
		fmt.Println(w.Body.String())
	}
	// Output:
	// 401 application/problem+json
	// {"type":"https://github.com/wimse-wg/wimse/blob/main/docs/reasons.md#wpt.aud_mismatch","title":"Unauthorized","status":401,"reason":"wpt.aud_mismatch"}
	//
	// 401 application/problem+json
	// {"type":"https://github.com/wimse-wg/wimse/blob/main/docs/reasons.md#wpt.aud_mismatch","title":"Unauthorized","status":401,"detail":"wpt: aud \"https://a.example/x\" is not \"https://svc.example/x\"","reason":"wpt.aud_mismatch"}
}
