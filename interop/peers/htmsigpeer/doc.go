// Package htmsigpeer is an independent HTTP-message-signature peer for the
// interop matrix: a client and a server of draft-ietf-wimse-http-signature-07
// built on github.com/lestrrat-go/htmsig (RFC 9421) for Signature-Input
// parsing, signature definitions, component identifiers and component
// resolution, on lestrrat-go/sfv for structured fields, and on
// lestrrat-go/jwx/v3 for the WIT (through jwxpeer) and for the RFC 9421
// §3.3.7 "JWS algorithm" signing primitive (jws/jwsbb). It imports nothing
// from this module's tokens/, profiles/ or internal/jose.
//
// # What htmsig v1.0.0 cannot express, written here instead
//
//   - The @signature-params line of the signature base: htmsig rebuilds it
//     from created, expires, keyid, alg, nonce and tag only, dropping every
//     other parameter, so wimse-aud, wimse-sign-response and
//     wimse-req-nonce would be sent in Signature-Input but not signed.
//     signatureBase uses the inner list exactly as serialized in the field.
//   - @query of a request without a query: htmsig errors out; RFC 9421
//     §2.2.7 and -07 §3.2 want "?".
//   - @path: htmsig takes the decoded path; RFC 9421 §2.2.6 wants the
//     target URI's path as sent (percent-encoding kept).
//   - A field sent on several lines: htmsig signs the first value; RFC 9421
//     §2.1 wants the values joined with ", ".
//   - Signing without keyid and alg parameters (-07 §3.3 forbids them) with
//     the WIT's cnf.jwk.alg: htmsig's own signer picks an RFC 9421 algorithm
//     from the key type (RSA keys always rsa-pss-sha512); the JWS algorithm
//     is applied with jwx's jwsbb instead.
//   - Selecting the WIMSE signature by tag among several (-07 §3.3): htmsig
//     verifies every signature of the message with one key.
//
// # What it checks (-07 §3, the receiver list of the digest, R1-R11)
//
// The WIT first (jwxpeer.WITVerifier), then exactly one signature tagged
// wimse-workload-to-workload, created, expires, nonce and wimse-aud present
// and keyid and alg absent, @method, @path and @query covered along with
// each of content-type, content-digest, authorization, txn-token and
// workload-identity-token that the message carries, a body bound by a
// covered Content-Digest recomputed over the bytes received, the signature
// with cnf.jwk and cnf.jwk.alg, now within [created, expires] with skew and
// expires at most MaxLifetime ahead, wimse-aud equal to the configured base
// URL plus the path, and an unseen nonce. Failures are answered 400 (-07
// §3.6: 401 NOT RECOMMENDED); a request asking for a signed response from a
// server without credentials to sign is answered 501.
package htmsigpeer
