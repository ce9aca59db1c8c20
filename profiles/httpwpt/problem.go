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

// WriteProblem answers with an application/problem+json body for err, and
// "WWW-Authenticate: WPT" when challenge is set. The detail is the error's
// Detail, which never contains a raw token.
func WriteProblem(w http.ResponseWriter, status int, challenge bool, err error) {
	if challenge {
		w.Header().Set("WWW-Authenticate", Scheme)
	}
	problem.Write(w, status, err)
}
