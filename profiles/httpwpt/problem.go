package httpwpt

import (
	"net/http"

	"github.com/wimse-wg/wimse/profiles/problem"
)

// ProblemTypeBase prefixes the reason code to form an RFC 9457 problem type.
const ProblemTypeBase = problem.TypeBase

// Problem is an RFC 9457 problem details object with the reason extension
// member.
type Problem = problem.Details

// WriteProblem answers with an application/problem+json body for err, as
// disclosed by d, and "WWW-Authenticate: WPT" when challenge is set. With
// problem.Full the detail is the error's Detail, which never contains a raw
// token but may name the receiver's expected audience.
func WriteProblem(w http.ResponseWriter, status int, challenge bool, err error, d problem.Disclosure) {
	if challenge {
		w.Header().Set("WWW-Authenticate", Scheme)
	}
	d.Write(w, status, err)
}
