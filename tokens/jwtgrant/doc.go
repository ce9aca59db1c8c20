// Package jwtgrant implements the JWT Profile for OAuth 2.0 Client
// Authentication and Authorization Grants of RFC 7523 (§2.1 grants, §2.2
// client authentication, §3 the processing rules), within the assertion
// framework of RFC 7521 (§4.1, §4.2, §5.2), with the updates of
// draft-ietf-oauth-rfc7523bis (-10 editor's copy: the audience and
// explicit-typing rules), and JWT-SVIDs as client assertions of
// draft-ietf-oauth-spiffe-client-auth-02 §3.1 (client_assertion_type
// urn:ietf:params:oauth:client-assertion-type:jwt-spiffe).
//
// Signer builds grants and client assertions; Verifier checks them at an
// authorization server (VerifyGrant, VerifyClientAssertion) with keys per
// issuer from a KeySource; SPIFFEVerifier checks JWT-SVIDs with keys from
// a go-spiffe jwtbundle.Source. Every rejection is a *wimse.Error with a
// jwtgrant.* reason. The package parses no HTTP request and decides no
// policy: reading the form, answering invalid_grant (grants, RFC 7523
// §3.1) or invalid_client (client assertions, §3.2), and deciding whether
// an authenticated client or subject may have a token are the token
// endpoint's job. The identifiers (grant and assertion type URNs) are in
// tokens/oauth.
//
//	v := &jwtgrant.Verifier{Issuer: "https://as.example", Keys: clients, Replay: cache}
//	a, err := v.VerifyClientAssertion(ctx, r.PostForm.Get("client_assertion"), r.PostForm.Get("client_id"))
//
// # Which rule comes from where
//
// Every use (RFC 7523 §3): one JWS (§2.1, §2.2), signed by the issuer with
// a key agreed out of band (item 9, §5); iss (item 1) and sub (item 2)
// present; aud identifies this authorization server (item 3); exp present
// and not passed (item 4); nbf and iat not in the future (items 5, 6);
// claims of the right JSON types (item 10, RFC 7519 §4.1). Strict JOSE
// (internal/jose, RFC 8725): no none nor MAC algorithms, no crit, no keys
// named by the header (jku, x5u, jwk, x5c).
//
// Client assertions: iss and sub are both the client_id (RFC 7521 §5.2,
// RFC 7523 §3 item 2); a client_id parameter, if sent, names the same
// client (RFC 7521 §4.2); aud is the issuer identifier as its sole value,
// never the token endpoint URL (rfc7523bis); typ client-authentication+jwt
// is accepted, and so is an untyped JWT (rfc7523bis: rejecting them is NOT
// RECOMMENDED).
//
// JWT-SVIDs (spiffe-client-auth-02 §3.1 and the SPIFFE JWT-SVID
// specification): sub is a SPIFFE ID of a workload, kid is required, keys
// come from the JWT bundle of that SPIFFE ID's trust domain and of no other
// (§6), alg is RS, ES or PS, typ is absent, JWT or JOSE, aud is the issuer
// identifier as sole value, exp is required; iss and jti are not required.
// The SPIFFE ID is the client_id.
//
// # Decisions where the documents leave a choice
//
//   - aud as a string or as an array with exactly that one value: both are
//     accepted. rfc7523bis's final text requires the issuer identifier "as
//     its sole value", which a one-element array is (an earlier revision
//     required a string; the spiffe-client-auth-02 examples send an
//     array). Two values, even both ours, are jwtgrant.aud_multiple.
//     Values are compared as exact strings: a trailing slash matters.
//   - Grants get the sole-audience rule too (RFC 7523 §3 item 3 only asks
//     that aud contain the AS; identity-chaining-17 §2.3.3 RECOMMENDS a
//     single AS, ID-JAG requires it). A grant's aud may also be one of
//     Verifier.GrantAudiences (for example the token endpoint URL,
//     rfc7523bis); a client assertion's may not.
//   - typ: a client assertion may carry client-authentication+jwt, JWT or
//     nothing; any other type is jwtgrant.typ. A grant may carry JWT or
//     nothing (RFC 7523 defines no type), or exactly Verifier.GrantType
//     when a profile defines one; client-authentication+jwt is refused for
//     a grant, so a client assertion cannot be replayed as a grant.
//   - jti is required in client assertions (RFC 7523 §3 item 7 makes it
//     optional) so that each is single-use: Verifier.Replay records (iss,
//     jti) until exp plus the skew. A grant's jti is optional and, when
//     present, replay-checked the same way. A JWT-SVID's is checked only if
//     SPIFFEVerifier.Replay is set (agents reuse JWT-SVIDs).
//   - Lifetime: exp may lie at most MaxLifetime (default one hour) ahead,
//     and exp - iat may not exceed it (RFC 7523 §3 items 4 and 6 allow
//     rejecting an unreasonably far exp or old iat).
//   - jwt-spiffe does not call go-spiffe's jwtsvid.ParseAndValidate: it
//     reads the clock with time.Now and accepts any one of several
//     audiences. This package applies jwtsvid's rules itself (algorithms,
//     typ, kid, sub, exp) through the strict JOSE layer with the injected
//     clock and the sole-audience rule, and takes keys from go-spiffe's
//     jwtbundle; a test checks that jwtsvid accepts what it accepts.
//
// # Security considerations
//
// The sole-audience rule is the defence against audience injection
// (rfc7523bis): an assertion naming several audiences, or a token endpoint
// URL another server can also claim, could be harvested by one
// authorization server and replayed at another. Keys are looked up by the
// unverified iss (or the SPIFFE ID's trust domain), so a KeySource must
// answer from configuration only; iss-based discovery of keys is what
// spiffe-client-auth-02 §8 warns against. An assertion is a bearer
// credential until it expires: keep lifetimes short and the replay cache
// on; a full replay cache fails closed (server.replay_cache_full). Details
// of a rejection never quote the token; do not log the token either.
//
// # Draft revisions
//
// draft-ietf-oauth-rfc7523bis is read at its -10 editor's copy;
// draft-ietf-oauth-spiffe-client-auth at -02 (client_id optional: the
// unpublished post-02 text that requires it is the caller's to enforce).
package jwtgrant
