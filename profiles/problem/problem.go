// Package problem writes RFC 9457 problem details for the rejections of
// this module's HTTP profiles: the type is the reason's anchor in
// docs/reasons.md and the "reason" extension member is the stable reason
// code. The detail is the error's Detail, which never contains a raw token.
package problem

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/wimse-wg/wimse/wimse"
)

// TypeBase prefixes the reason code to form the problem type.
const TypeBase = "https://github.com/wimse-wg/wimse/blob/main/docs/reasons.md#"

// Details is an RFC 9457 problem details object with the reason member.
type Details struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	// Reason is the stable reason code (wimse.Reason).
	Reason string `json:"reason"`
}

// For returns the problem details of err under status.
func For(status int, err error) Details {
	reason := wimse.ReasonOf(err)
	d := Details{Type: TypeBase + string(reason), Title: http.StatusText(status), Status: status, Reason: string(reason)}
	var we *wimse.Error
	if errors.As(err, &we) {
		d.Detail = we.Detail
	}
	return d
}

// Write answers with status and the application/problem+json body of err.
// Headers set on w before (a challenge, say) are kept.
func Write(w http.ResponseWriter, status int, err error) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(For(status, err))
}
