// Package exchange implements OAuth 2.0 Token Exchange (RFC 8693) with
// Resource Indicators (RFC 8707): the wire format of the token request,
// the success response and the error response (RFC 8693 §2.1-§2.2, RFC
// 6749 §5.1-§5.2), a client that posts requests to a token endpoint, and an
// oauth2.TokenSource that keeps an exchanged token fresh.
//
// The wire types are shared by both halves: a server parses a request with
// ParseRequest and answers with Response.Write or Error.Write; a client
// builds a Request, sends it with Client.Exchange and gets a *Response or
// an error that is an *Error (the server's RFC 6749 §5.2 answer) or a
// *ResponseError (an answer that is not one).
//
// It does not validate the subject or actor tokens, decide policy, or mint
// tokens: those belong to the server handler and its policy. ParseRequest
// checks only what the wire format itself requires.
//
//	c := &exchange.Client{
//		TokenURL: "https://sts.example.com/token",
//		Auth:     &exchange.PrivateKeyJWT{ClientID: id, Audience: issuer, Signer: signer},
//	}
//	resp, err := c.Exchange(ctx, exchange.Request{
//		SubjectToken:     wit,
//		SubjectTokenType: oauth.TokenTypeJWT,
//		Resource:         []string{"https://backend.example.com/api"},
//	})
//	var oe *exchange.Error
//	if errors.As(err, &oe) && oe.Code == oauth.ErrorInvalidTarget { ... }
//
// # Decisions
//
// These settle the questions RFC 8693 leaves open (shared spec
// exchange-and-agents.md §14):
//
//   - A repeated parameter other than resource and audience is
//     invalid_request (RFC 6749 §3.2), including client authentication
//     and unknown parameters; a parameter sent without a value is absent.
//   - A missing grant_type is invalid_request; a grant_type other than
//     token exchange is unsupported_grant_type (RFC 6749 §5.2).
//   - A resource that is not an absolute URI or carries a fragment is
//     invalid_target (RFC 8707 §2), not invalid_request.
//   - A malformed scope is invalid_scope (RFC 6749 §5.2).
//
// # Security considerations
//
// Tokens and client secrets are never part of an Error's description or of
// any error string this package builds, and Request, the ClientAuth
// implementations and Response do not print their secrets through fmt
// (their String methods redact them). Responses and errors are written with
// Cache-Control: no-store (RFC 6749 §5.1).
package exchange
