package httpwpt

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/wimse-wg/wimse/wimse"
)

// ProblemTypeBase prefixes the reason code to form an RFC 9457 problem type.
const ProblemTypeBase = "https://github.com/wimse-wg/wimse/blob/main/docs/reasons.md#"

// Problem is an RFC 9457 problem details object with the reason extension
// member.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	// Reason is the stable reason code (wimse.Reason).
	Reason string `json:"reason"`
}

// WriteProblem answers with an application/problem+json body for err, and
// "WWW-Authenticate: WPT" when challenge is set. The detail is the error's
// Detail, which never contains a raw token.
func WriteProblem(w http.ResponseWriter, status int, challenge bool, err error) {
	reason := wimse.ReasonOf(err)
	detail := ""
	var we *wimse.Error
	if errors.As(err, &we) {
		detail = we.Detail
	}
	if challenge {
		w.Header().Set("WWW-Authenticate", Scheme)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(Problem{
		Type:   ProblemTypeBase + string(reason),
		Title:  http.StatusText(status),
		Status: status,
		Detail: detail,
		Reason: string(reason),
	})
}
