package exchange

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/wimse-wg/wimse/tokens/oauth"
)

// Error is an error response of the token endpoint (RFC 6749 §5.2, RFC
// 8693 §2.2.2), the wire error of this package in the manner of
// oauth2.RetrieveError. The Client returns it when the server answered
// with one; a server builds it (ParseRequest does, or Errorf) and sends
// it with Write.
//
// Compare Code with the oauth.Error* constants; never match Error() text.
type Error struct {
	// Code is the error member: oauth.ErrorInvalidRequest and the like.
	Code string `json:"error"`
	// Description is error_description: human-readable, ASCII, optional.
	// It must never contain a token or a secret.
	Description string `json:"error_description,omitempty"`
	// URI is error_uri: a page about the error, optional.
	URI string `json:"error_uri,omitempty"`
	// Status is the HTTP status code: the one received, for a client; the
	// one to send, for a server, where 0 means 400 (see StatusCode).
	Status int `json:"-"`
	// Err is the cause, for the server's logs; it is never sent.
	Err error `json:"-"`
	// Header holds header fields a server sends with the error, added by
	// Write: the fresh OAuth-Client-Attestation-Challenge of
	// use_attestation_challenge (attestation-based-client-auth-11 §6.2,
	// §7.4). Write's own fields (Content-Type, Cache-Control, Pragma,
	// WWW-Authenticate) take precedence. The Client does not fill it.
	Header http.Header `json:"-"`

	// dpopNonce is the DPoP-Nonce header received with it (RFC 9449 §8).
	dpopNonce string
}

// Errorf returns an *Error with the given code and a description formatted
// as fmt.Errorf does: a %w verb also sets Err, so the cause stays
// reachable through errors.Is and errors.As. The description must carry no
// token or secret: Write sends it to the client.
func Errorf(code, format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	return &Error{Code: code, Description: err.Error(), Err: errors.Unwrap(err)}
}

// DPoPNonce returns the DPoP-Nonce header the server sent with the error,
// or "": with use_dpop_nonce, the nonce to put in the next proof (RFC 9449
// §8).
func (e *Error) DPoPNonce() string { return e.dpopNonce }

// Error returns "exchange: CODE: DESCRIPTION", with the HTTP status when
// known.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("exchange: ")
	b.WriteString(e.Code)
	if e.Description != "" {
		b.WriteString(": ")
		b.WriteString(e.Description)
	}
	if e.Status != 0 {
		b.WriteString(" (HTTP ")
		b.WriteString(strconv.Itoa(e.Status))
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }

// StatusCode returns the HTTP status to answer r with: 401 for
// invalid_client when r carries an Authorization header (RFC 6749 §5.2:
// MUST), otherwise Status, or 400 when Status is 0.
func (e *Error) StatusCode(r *http.Request) int {
	if e.Code == oauth.ErrorInvalidClient && r != nil && r.Header.Get("Authorization") != "" {
		return http.StatusUnauthorized
	}
	if e.Status != 0 {
		return e.Status
	}
	return http.StatusBadRequest
}

// Realm is the realm of the WWW-Authenticate challenge that Write sends
// with a 401.
const Realm = "token"

// Write sends the error as the answer to r (RFC 6749 §5.2): a JSON body,
// Content-Type application/json, Cache-Control no-store and the status of
// StatusCode. With a 401 it adds a WWW-Authenticate challenge in the
// scheme of r's Authorization header (RFC 6749 §5.2), or Basic. Headers
// the caller set before, such as DPoP-Nonce for use_dpop_nonce (RFC 9449
// §8), are kept. r may be nil.
func (e *Error) Write(w http.ResponseWriter, r *http.Request) {
	status := e.StatusCode(r)
	h := w.Header()
	if status == http.StatusUnauthorized {
		scheme := "Basic"
		if r != nil {
			if s, _, _ := strings.Cut(r.Header.Get("Authorization"), " "); isToken(s) {
				scheme = s
			}
		}
		h.Set("WWW-Authenticate", fmt.Sprintf(`%s realm=%q, error=%q`, scheme, Realm, sanitize(e.Code)))
	}
	for k, vs := range e.Header {
		if h.Get(k) == "" {
			for _, v := range vs {
				h.Add(k, v)
			}
		}
	}
	body, _ := json.Marshal(e) // cannot fail: three strings
	writeJSON(w, status, body)
}

// WriteError writes err as the token endpoint's answer to r: an *Error in
// its chain with its Write, anything else as 500 server_error with no
// description (the cause is the server's, not the client's, to read).
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	var e *Error
	if !errors.As(err, &e) {
		e = &Error{Code: "server_error", Status: http.StatusInternalServerError}
	}
	e.Write(w, r)
}

// MarshalJSON writes the error object, with the characters that RFC 6749
// §5.2 does not allow in error and error_description (outside %x20-21 /
// %x23-5B / %x5D-7E: a double quote, a backslash, control and non-ASCII
// characters) replaced, so any description can be sent.
func (e Error) MarshalJSON() ([]byte, error) {
	return json.Marshal(&struct {
		Code        string `json:"error"`
		Description string `json:"error_description,omitempty"`
		URI         string `json:"error_uri,omitempty"`
	}{sanitize(e.Code), sanitize(e.Description), e.URI})
}

// UnmarshalJSON reads an error object; the error member must be a
// non-empty string. Unknown members are ignored (RFC 6749 §5.1).
func (e *Error) UnmarshalJSON(data []byte) error {
	var w struct {
		Code        *string `json:"error"`
		Description string  `json:"error_description"`
		URI         string  `json:"error_uri"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return fmt.Errorf("exchange: error response: %w", err)
	}
	if w.Code == nil || *w.Code == "" {
		return errors.New("exchange: error response: no error member")
	}
	e.Code, e.Description, e.URI = *w.Code, w.Description, w.URI
	return nil
}

// sanitize maps the characters RFC 6749 §5.2 excludes from error and
// error_description: a double quote to an apostrophe, a backslash to a slash,
// anything else to a question mark.
func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '"':
			return '\''
		case r == '\\':
			return '/'
		case r < 0x20 || r > 0x7e:
			return '?'
		}
		return r
	}, s)
}

// isToken reports whether s is an RFC 9110 §5.6.2 token (an auth-scheme).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

// writeJSON sends body with the headers of RFC 6749 §5.1.
func writeJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
