package rfc9421

import (
	"net/http"
	"strings"
)

// Message is the signature context of RFC 9421 §2: the parts of one HTTP
// message (request or response) that component values are derived from. It
// does not depend on how the message travels; FromRequest and FromResponse
// build one from net/http values, and a proxy or a test can fill the fields
// directly.
//
// A Message is a response when Status is non-zero, otherwise a request.
type Message struct {
	// Method is the request method, case-sensitive (@method, §2.2.1).
	Method string
	// Scheme is the target URI's scheme (@scheme, §2.2.4); it is
	// lower-cased when derived.
	Scheme string
	// Authority is host[:port] of the target URI (@authority, §2.2.3); it is
	// normalised when derived (lower-case host, default port removed).
	Authority string
	// Path is the absolute path of the target URI as sent, percent-encoding
	// intact (@path, §2.2.6). Empty means "/".
	Path string
	// RawQuery is the query of the target URI as sent, without the leading
	// "?" and percent-encoding intact (@query, §2.2.7; @query-param, §2.2.8).
	RawQuery string
	// RequestTarget is the request-target of the HTTP/1.1 request line
	// (@request-target, §2.2.5). Empty means origin-form: Path, then "?" and
	// RawQuery when RawQuery is not empty.
	RequestTarget string

	// Status is the three-digit status code of a response (@status,
	// §2.2.9); zero for a request.
	Status int

	// Header holds the header fields, one slice element per field line, in
	// the order received; keys are in canonical form as net/http keeps them
	// (http.Header.Values is used for look-ups). Trailers are not modelled.
	Header http.Header

	// Types declares the structured-field type of fields for ";sf" and
	// ";key" beyond the built-in table (Signature-Input, Signature,
	// Content-Digest and Accept-Signature are Dictionaries). Keys are
	// lower-case field names. Nil means only the built-in table.
	Types map[string]FieldType

	// Request is the request that triggered this response, the source of
	// every component with the ";req" parameter (§2.4). Nil for requests and
	// for responses whose request is not known.
	Request *Message
}

// IsResponse reports whether m is a response (Status is non-zero).
func (m Message) IsResponse() bool { return m.Status != 0 }

// FromRequest returns the signature context of r.
//
// The scheme is a parameter because a server cannot observe it: behind a
// TLS-terminating proxy r.TLS is nil and r.URL.Scheme is empty although the
// client used https. Pass the scheme the client used; an empty scheme falls
// back to r.URL.Scheme (client side), then to "https" if r.TLS is set and
// "http" otherwise.
//
// The authority is r.Host, or r.URL.Host when r.Host is empty. On the server
// side the path, query and @request-target come from r.RequestURI exactly as
// the request line carried them; on the client side from r.URL
// (EscapedPath, RawQuery and RequestURI, that is origin-form). net/http moves
// the Host field out of r.Header, so cover @authority rather than "host"
// (RFC 9421 §2.2.3, §7.2.4). The header is cloned: later changes to r do not
// affect the Message.
func FromRequest(r *http.Request, scheme string) Message {
	m := Message{Method: r.Method, Scheme: scheme, Authority: r.Host, Header: r.Header.Clone()}
	if m.Method == "" {
		m.Method = http.MethodGet
	}
	if m.Header == nil {
		m.Header = http.Header{}
	}
	if m.Scheme == "" && r.URL != nil {
		m.Scheme = r.URL.Scheme
	}
	if m.Scheme == "" {
		m.Scheme = "http"
		if r.TLS != nil {
			m.Scheme = "https"
		}
	}
	if m.Authority == "" && r.URL != nil {
		m.Authority = r.URL.Host
	}
	switch {
	case r.RequestURI != "":
		m.RequestTarget = r.RequestURI
		if strings.HasPrefix(r.RequestURI, "/") {
			m.Path, m.RawQuery, _ = strings.Cut(r.RequestURI, "?")
		} else if r.URL != nil {
			m.Path, m.RawQuery = r.URL.EscapedPath(), r.URL.RawQuery
		}
	case r.URL != nil:
		m.Path, m.RawQuery = r.URL.EscapedPath(), r.URL.RawQuery
		m.RequestTarget = r.URL.RequestURI()
	}
	return m
}

// FromResponse returns the signature context of a response with the given
// status and header fields, answering req (the source of ";req"
// components, RFC 9421 §2.4). The header is cloned.
func FromResponse(status int, h http.Header, req Message) Message {
	hc := h.Clone()
	if hc == nil {
		hc = http.Header{}
	}
	return Message{Status: status, Header: hc, Request: &req}
}
