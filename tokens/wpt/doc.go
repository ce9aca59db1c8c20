// Package wpt implements the Workload Proof Token (WPT) of
// draft-ietf-wimse-wpt-01 Section 3 and draft-ietf-wimse-wpt-02 Section 2: a
// short-lived JWT signed with the key of a Workload Identity Token
// (cnf.jwk), proving possession of that key for one request.
//
// Signer mints WPTs; Verifier checks every rule of the wpt-01 validation
// list (§3) and of the wpt-02 one (§2; the same but for ath), except the
// carriage, against the already verified WIT and what the caller extracted from the request
// (Expect), and returns a *wimse.Error with a wpt.* reason on the first
// failure. Carriage (which header, how many) is the HTTP profile's job; see
// profiles/httpwpt.
//
//	tok, err := (&wpt.Verifier{Replay: cache}).Verify(raw, wpt.Expect{
//		Revision: wimse.RevisionWPT02,
//		Audience: "https://svc.example/path",
//		WIT:      verifiedWIT,
//	})
//
// # Validation order
//
// size, JWS structure, header (crit, key references, typ, alg), alg equal to
// cnf.jwk.alg, the signature, claim types, aud, exp (missing, passed, too
// far), nbf/iat, jti, wth, ath (wpt-01 only), tth, oth, and last the replay
// check, so only otherwise valid proofs are recorded.
//
// # Decisions where the drafts are silent
//
//   - aud must be a JSON string equal to Expect.Audience; an array is a type
//     error (the drafts define aud as "the" target URI).
//   - A tth (or wpt-01 ath) with no Txn-Token (access token) in the request is
//     rejected as a mismatch: the proof is bound to a token that is not there.
//   - nbf and iat are not defined for WPTs; when present they must not lie in
//     the future.
//   - The replay check is scoped per sender (WIT sub) and keeps each jti until
//     exp plus the clock skew.
//
// # Security considerations
//
// alg string-equals cnf.jwk.alg, as wpt-02 §2 says in so many words: EdDSA
// and Ed25519 (RFC 9864) are one algorithm for an Ed25519 key where a
// receiver compares with its own configuration (tokens/wit), but a WPT
// whose alg spells it otherwise than its WIT's cnf.jwk.alg is
// wpt.alg_mismatch. An Ed25519 signature whose S is not below L is
// wpt.signature_non_canonical (RFC 8032 §5.1.7). The confirmation key is
// checked again when used: an Ed25519 key of small order or not
// canonically encoded, in a wit.Token built in code, fails with the
// wit.cnf_key_* reason tokens/wit gives it.
//
// # Draft revisions
//
// wpt-01 and wpt-02 tokens are identical; the revision only decides whether
// ath is checked (wpt-01) or ignored as an unknown claim (wpt-02). typ is
// wpt+jwt or application/wpt+jwt; wimse-proof+jwt only when the policy lists
// wimse.RevisionS2S06.
package wpt
