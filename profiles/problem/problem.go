// Package problem writes RFC 9457 problem details for the rejections of
// this module's HTTP profiles: the type is the reason's anchor in
// docs/reasons.md and the "reason" extension member is the stable reason
// code. The drafts allow such a body without defining its members or any
// error codes (draft-ietf-wimse-wpt-02 §2.1,
// draft-ietf-wimse-http-signature-07 §3.6, draft-ietf-wimse-workload-creds-02
// §5.2); the reason member is this module's.
//
// How much a body tells the caller is a Disclosure. Minimal, the zero value
// and what Write and For give, is type, title, status and reason. Full adds
// the "detail" member: the error's Detail, which never contains a raw token
// but may name the receiver's configuration, such as the audience it
// expected (wpt.aud_mismatch, httpsig.aud_mismatch), the algorithms or the
// limits it applies. Full is meant for receivers that implementers test
// against, such as the reference server of `wimse serve`.
package problem

import (
	"encoding/json"
	"errors"
	"fmt"
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

// Disclosure says how much a problem body tells the caller. The zero value
// is Minimal.
type Disclosure uint8

const (
	// Minimal bodies carry type, title, status and the reason code.
	Minimal Disclosure = iota
	// Full bodies add the detail: a human explanation that may name the
	// receiver's configuration (its expected audience, say).
	Full
)

// String returns "minimal" or "full".
func (d Disclosure) String() string {
	if d == Full {
		return "full"
	}
	return "minimal"
}

// ParseDisclosure parses "minimal" or "full".
func ParseDisclosure(s string) (Disclosure, error) {
	switch s {
	case "minimal":
		return Minimal, nil
	case "full":
		return Full, nil
	}
	return Minimal, fmt.Errorf("problem: unknown disclosure %q (want minimal or full)", s)
}

// For returns the problem details of err under status, as disclosed by d.
func (d Disclosure) For(status int, err error) Details {
	reason := wimse.ReasonOf(err)
	p := Details{Type: TypeBase + string(reason), Title: http.StatusText(status), Status: status, Reason: string(reason)}
	var we *wimse.Error
	if d == Full && errors.As(err, &we) {
		p.Detail = we.Detail
	}
	return p
}

// Write answers with status and the application/problem+json body of err,
// as disclosed by d. Headers set on w before (a challenge, say) are kept.
func (d Disclosure) Write(w http.ResponseWriter, status int, err error) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(d.For(status, err))
}

// For returns the Minimal problem details of err under status.
func For(status int, err error) Details { return Minimal.For(status, err) }

// Write answers with status and the Minimal application/problem+json body
// of err. Headers set on w before (a challenge, say) are kept.
func Write(w http.ResponseWriter, status int, err error) { Minimal.Write(w, status, err) }
