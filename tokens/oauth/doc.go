// Package oauth holds the OAuth 2.0 identifiers that the token packages,
// the token endpoint and its client share: grant types, client assertion
// types, token type identifiers, access token types, client authentication
// method names and token endpoint error codes. Each constant names the
// document and section that defines it.
//
// It holds identifiers only: no parsing, no HTTP. The values are exact
// strings compared with ==, as RFC 6749 §3.2 (parameter values), RFC 8693
// §3 (token type URIs are compared as strings) and RFC 7521 §4.2 require;
// only access token types (token_type, RFC 6749 §7.1) are compared
// case-insensitively, which EqualAccessTokenType does.
//
//	if r.PostForm.Get("grant_type") == oauth.GrantTypeJWTBearer { ... }
package oauth
