// Package jose is the one small JOSE layer of this module: strict parsing of
// JWS compact serialization (RFC 7515 §7.1), an algorithm allow-list bound to
// key types, signing and verification over lestrrat-go/jwx/v3's jwsbb
// building blocks, and public-key JWK handling.
//
// It is deliberately stricter than a general JWT library, because the WIMSE
// drafts are: only asymmetric algorithms from a closed list (never none or
// HMAC), every JSON object must be valid UTF-8 with unique member names, no
// base64 padding or whitespace, crit is never understood, and keys named by
// the token itself (jku, x5u, jwk, x5c) are a rejection, not a hint
// (RFC 8725 §3.1, §3.10, §3.11).
//
// Errors are *Error values with a Code; the token packages map codes to their
// own stable reasons.
package jose
