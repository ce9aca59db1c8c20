// Package exchange implements OAuth 2.0 Token Exchange (RFC 8693) with
// Resource Indicators (RFC 8707): the wire format of the token request,
// the success response and the error response (RFC 8693 §2.1-§2.2, RFC
// 6749 §5.1-§5.2), a client that posts requests to a token endpoint, and an
// oauth2.TokenSource that keeps an exchanged token fresh, and the token
// endpoint itself: Handler.
//
// The wire types are shared by both halves: a server parses a request with
// ParseRequest and answers with Response.Write or Error.Write; a client
// builds a Request, sends it with Client.Exchange and gets a *Response or
// an error that is an *Error (the server's RFC 6749 §5.2 answer) or a
// *ResponseError (an answer that is not one).
//
// ParseRequest checks only what the wire format itself requires; Handler
// authenticates the client, validates the subject and actor tokens, asks
// the policy and mints the token. It does not decide policy (an Authorizer
// does: interop/sts/policy), authenticate clients by itself (a
// ClientAuthenticator does) or keep an audit log (OnDecision feeds one).
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
// These settle the questions RFC 8693 and RFC 6749 leave open:
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
// # Server: the token endpoint
//
// Handler answers each request in these steps, stopping at the first
// failure with its OAuth error code (Error) and a wimse reason (recorded in
// Decision.Reason, never sent):
//
//  1. POST only (405 invalid_request, exchange.method), body
//     application/x-www-form-urlencoded in UTF-8 (exchange.content_type),
//     at most MaxBodySize; parameters from the body only, never the query
//     (RFC 6749 §3.2, Appendix B; RFC 8693 §2.1); ParseRequest.
//  2. Client authentication through the ClientAuthenticator (RFC 6749
//     §2.3): invalid_client, 401 with WWW-Authenticate when the client used
//     the Authorization field (§5.2). No authenticator: every request is
//     invalid_client (RFC 8693 §5: authenticate clients).
//  3. The subject token, then the actor token, each by the TokenValidator
//     of its declared type URI: an unknown type is exchange.token_type; a
//     token that fails is invalid_request with the validator's reason (RFC
//     8693 §2.2.2), so a token of another type than declared fails (its typ
//     does not fit the validator).
//  4. requested_token_type: access_token (the default) or jwt; else
//     exchange.requested_token_type.
//  5. Targets: at most MaxTargets resource and audience values together
//     (exchange.too_many_targets); a resource must be an absolute URI
//     without fragment (exchange.resource_malformed), both invalid_target
//     (RFC 8707 §2).
//  6. Delegation: with an actor token the issued act is the subject's chain
//     with the actor pushed as the current, outermost actor (RFC 8693
//     §4.1): sub and iss only, never exp, nbf or aud. A subject's may_act
//     must name the actor (§4.4, may_act.mismatch); an actor token that
//     itself carries act is refused (exchange.actor_delegated); a chain
//     beyond delegation.MaxDepth is act.too_deep, never truncated. Without
//     an actor token the subject's own chain is kept: an exchange never
//     erases who acted.
//  7. The Authorizer (nil: unauthorized_client, exchange.denied) returns
//     a Grant or a denial. The grant must allow delegation when an actor
//     token was sent (exchange.delegation) and impersonation when none was
//     and the subject is not the client (exchange.impersonation), both
//     invalid_request (RFC 8693 §1.1, §2.2.2).
//  8. Issuance: aud is the grant's audience (none: invalid_target,
//     exchange.target); scope as below; exp as below; a fresh 128-bit jti;
//     signed with Signer as RFC 9068 at+jwt (issued_token_type access_token,
//     token_type Bearer, or DPoP when bound to a DPoP key: see
//     sender-constrained results below) or, for requested_token_type jwt,
//     typ JWT (token_type N_A, RFC 8693 §2.2.1). client_id is the authenticated
//     client (§4.3); may_act is not copied. The response carries scope
//     whenever the token has one, and Cache-Control: no-store.
//  9. OnDecision is called with the record; if it fails on an issuance the
//     token is withheld and server_error answered.
//
// # Server decisions
//
// The questions RFC 8693 and RFC 8707 leave to the implementation, settled
// for Handler:
//
//   - Error code for bad tokens: an invalid or unacceptable subject or
//     actor token is invalid_request, as RFC 8693 §2.2.2 requires, never
//     invalid_grant.
//   - Malformed resource: invalid_target (RFC 8707 §2), not
//     invalid_request.
//   - Scope overreach: scope only narrows, by refusal: the issued scope is the
//     requested one when it lies within the grant's Scope and, for a
//     scoped subject token (an access token: its scope claim, empty when
//     absent), within that token's scope; otherwise invalid_scope
//     (scope.exceeds), never a silently narrowed token. Without a scope
//     request the issued scope is the grant's Scope within the subject
//     token's. Identity tokens (WIT, JWT-SVID) carry no scope: the grant
//     alone bounds it.
//   - No target: a request without resource or audience is passed to the
//     Authorizer, which may grant a default audience; with none granted it
//     is invalid_target.
//   - Several targets: one target per request by default (MaxTargets 1);
//     more is invalid_target (exchange.too_many_targets; RFC 8707 §3).
//   - Client as actor: the client is never added as an actor on its own: act
//     comes only from an actor token (and the subject's existing chain).
//   - Lifetime: exp is the earliest of now + MaxLifetime (default one
//     hour), now + Grant.Lifetime, the subject token's exp and the actor
//     token's exp (RFC 8693 §5: an exchange never extends a credential); a
//     token with no whole second left is exchange.lifetime.
//   - No passthrough: the answer is always a newly signed token with its own
//     jti, checked never to equal an input (RFC 8693 §2.2.1).
//   - A WIT is accepted as subject or actor token only with proof that the
//     caller holds its key (draft-ietf-wimse-workload-creds-02 §5.1): the
//     client authenticated with that very key (ClientIdentity.Key, e.g.
//     spiffe_wit), or the request carries one Workload-Proof-Token field
//     (draft-ietf-wimse-wpt-01 §3 carriage; the Authorization field belongs
//     to client authentication) whose WPT has aud = the token endpoint URL
//     from configuration and wth = the WIT's hash, single-use by its replay
//     cache (WITValidator). No proof is exchange.proof_missing.
//   - X.509 certificate to access token (subject_token_type mtls,
//     draft-mccracken-wimse-x509-to-access-token-exchange-profile): the
//     subject is the client certificate that spiffe_x509 verified
//     (X509SubjectValidator; subject_token mtls_client_certificate, or an
//     x5c chain whose leaf is that certificate byte for byte), and the
//     issued token expires no later than its notAfter. The Handler adds
//     the profile's request rules: audience REQUIRED
//     (exchange.audience_required) and requested_token_type access_token
//     (exchange.requested_token_type), both invalid_request.
//   - Access tokens this server issued are read with an accesstoken.Verifier
//     that trusts only this server; a cnf-bound one needs the client's proof
//     of that key or certificate. JWT-SVIDs must name this server as sole
//     audience (jwtgrant.SPIFFEVerifier), the confused-deputy check of RFC
//     8693 §5; for access tokens read with AnyAudience the Authorizer sees
//     Party.Audience and decides whether this client may present them.
//   - Sender-constrained results (RFC 9449 §5, RFC 8705 §3): with
//     Handler.DPoP set, a request's DPoP proof is verified after client
//     authentication (htm POST, htu DPoPConfig.TokenURL from
//     configuration; dpop.* reasons, invalid_dpop_proof; a missing or
//     stale nonce is use_dpop_nonce with a fresh DPoP-Nonce) and the
//     issued token carries cnf.jkt of its key, token_type DPoP. With
//     BindCertificate, a client that authenticated with mutual TLS gets
//     cnf x5t#S256 of its certificate, token_type Bearer. A DPoP proof
//     wins over a certificate (the client asked for it; cnf has one
//     method); Decision.Binding records dpop, mtls or "". Without
//     Handler.DPoP a DPoP header is ignored, as RFC 9449 §5 allows. A
//     DPoP-bound subject token needs the request's proof with its key and
//     ath = its hash (the Client sends ath for an access-token subject);
//     an issued token never extends a binding on its own: the Authorizer
//     sees the subject's cnf in Party.Claims.
//   - Failures of the server (a full replay cache, an audit log down, a
//     policy that does not load) answer server_error (500, 503 or 429) with
//     no description; client errors carry the detail of their reason, which
//     never quotes a token.
//
// # SPIFFE client authentication
//
// draft-ietf-oauth-spiffe-client-auth-02 names three methods, each with a
// server half (a ClientAuthenticator for Methods) and a client half (a
// ClientAuth): spiffe_jwt, a JWT-SVID as client assertion
// (JWTSPIFFEAuthenticator, JWTSPIFFE); spiffe_x509, mutual TLS with an
// X.509-SVID (X509SVIDAuthenticator, which re-verifies the peer chain with
// profiles/mtls against the trust domain's own roots; SPIFFEX509, whose TLS
// is the http.Client's); and spiffe_wit, a WIT-SVID as the client
// attestation of draft-ietf-oauth-attestation-based-client-auth-11 with a
// PoP signed by its cnf key (AttestationAuthenticator, SPIFFEWIT; the JWT
// rules are in tokens/attestation). The client is the SVID's SPIFFE ID; a
// client_id, when sent (required with spiffe_x509), must be that ID
// (exchange.client_id_mismatch). spiffe_wit can require attestation
// challenges (ChallengeSource, ChallengeHandler for the challenge
// endpoint): a PoP without a valid one is answered 400
// use_attestation_challenge with a fresh challenge in
// OAuth-Client-Attestation-Challenge (Error.Header), which
// SPIFFEWIT.Transport uses to retry once. Every other failure is
// invalid_client with the reason recorded (wit.*, attestation.*, mtls.*).
// Metadata lists the methods (Methods.Names) and, with spiffe_wit, the
// attestation algorithms (WITSVIDAlgorithms) and challenge_endpoint.
// Experimental: both drafts may change.
//
// # Revocation, introspection and federation
//
// RevocationHandler (RFC 7009) and IntrospectionHandler (RFC 7662) serve
// the access tokens this STS issued, with the token endpoint's request
// rules and client authentication: only the client a token was issued to
// may revoke it (another client gets unauthorized_client, the token stays
// valid); invalid tokens are 200 with no effect or {"active":false}; the
// revocation list (Revocations) is also consulted by AccessTokenValidator.
// OIDCValidator accepts ID tokens and platform JWTs of configured OpenID
// Connect issuers (workload identity federation): iss is matched against
// configuration before any fetch, keys come from configuration or bounded,
// cached discovery, and typ must be JWT or absent.
//
// # Security considerations
//
// Tokens and client secrets are never part of an Error's description or of
// any error string this package builds, and Request, the ClientAuth
// implementations and Response do not print their secrets through fmt
// (their String methods redact them). Responses and errors are written with
// Cache-Control: no-store (RFC 6749 §5.1).
package exchange
