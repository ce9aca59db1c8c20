package exchange

import (
	"errors"
	"net/http"
	"strings"

	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/wimse"
)

// codeServerError is the error code of a failure of the server (RFC 6749
// §4.1.2.1; used at token endpoints in practice).
const codeServerError = "server_error"

// invalid returns a client error with an OAuth code and a wimse reason.
func invalid(code string, reason wimse.Reason, format string, args ...any) *Error {
	we := wimse.Errorf(reason, "exchange: "+format, args...)
	return &Error{Code: code, Description: strings.TrimPrefix(we.Detail, "exchange: "), Err: we}
}

// serverError answers a failure of the server: 503 for wimse.ClassUnavailable
// (and ClassRateLimited: 429), 500 otherwise, with no description.
func serverError(cause error) *Error {
	status := http.StatusInternalServerError
	switch wimse.ClassOf(wimse.ReasonOf(cause)) {
	case wimse.ClassUnavailable:
		status = http.StatusServiceUnavailable
	case wimse.ClassRateLimited:
		status = http.StatusTooManyRequests
	}
	return &Error{Code: codeServerError, Status: status, Err: cause}
}

// serverFailure reports whether err is the server's failure, not the
// client's: a wimse reason of ClassUnavailable or ClassRateLimited, or
// server.internal.
func serverFailure(err error) bool {
	var we *wimse.Error
	if !errors.As(err, &we) {
		return false
	}
	switch wimse.ClassOf(we.Reason) {
	case wimse.ClassUnavailable, wimse.ClassRateLimited:
		return true
	}
	return we.Reason == wimse.ReasonInternal
}

// withReason returns err, given the reason r when it carries no wimse reason.
func withReason(err error, r wimse.Reason) error {
	var we *wimse.Error
	if errors.As(err, &we) {
		return err
	}
	return &wimse.Error{Reason: r, Detail: "exchange: " + err.Error(), Err: err}
}

// denial maps an Authorizer's error to the answer (see Authorizer).
func denial(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var we *wimse.Error
	if !errors.As(err, &we) || serverFailure(err) {
		return serverError(err)
	}
	code := oauth.ErrorInvalidRequest
	switch r := we.Reason; {
	case r == wimse.ReasonPolicyNoRule || r == wimse.ReasonExchangeDenied:
		code = oauth.ErrorUnauthorizedClient
	case r == wimse.ReasonPolicyTarget || r == wimse.ReasonExchangeTarget ||
		r == wimse.ReasonExchangeTooManyTargets || r == wimse.ReasonExchangeResourceMalformed:
		code = oauth.ErrorInvalidTarget
	case r == wimse.ReasonPolicyScope || strings.HasPrefix(string(r), "scope."):
		code = oauth.ErrorInvalidScope
	case r == wimse.ReasonPolicyMalformed:
		return serverError(err)
	}
	return &Error{Code: code, Description: describe(err), Err: err}
}

// asWire returns the *Error to send for err.
func asWire(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return serverError(err)
}

// codeReasons are the reasons of *Error values that carry none of their
// own: ParseRequest's.
var codeReasons = map[string]wimse.Reason{
	oauth.ErrorInvalidRequest:       wimse.ReasonExchangeRequest,
	oauth.ErrorUnsupportedGrantType: wimse.ReasonExchangeGrantType,
	oauth.ErrorInvalidTarget:        wimse.ReasonExchangeResourceMalformed,
	oauth.ErrorInvalidScope:         wimse.ReasonScopeMalformed,
	oauth.ErrorInvalidClient:        wimse.ReasonExchangeClient,
	oauth.ErrorUnauthorizedClient:   wimse.ReasonExchangeDenied,
}

// reasonOf returns the wimse reason of an answer: its cause's, or the one
// its code implies.
func reasonOf(e *Error) wimse.Reason {
	var we *wimse.Error
	if errors.As(e.Err, &we) {
		return we.Reason
	}
	if r, ok := codeReasons[e.Code]; ok {
		return r
	}
	return wimse.ReasonInternal
}
