// Package wit implements the Workload Identity Token (WIT) of
// draft-ietf-wimse-workload-creds-02, Section 5.1: a JWT, signed by the
// Identity Server of a trust domain, that binds one Workload Identifier
// (sub) to the workload's public key (cnf.jwk).
//
// Signer mints WITs; Verifier checks every rule of the digest's WIT
// validation procedure (W1–W11, shared/spec/wimse-w2w.md §3.5) and returns a
// *wimse.Error with a wit.* reason on the first failure. A WIT is never
// accepted alone: callers must then verify a proof of possession made with
// Token.Confirmation (a WPT, see tokens/wpt, or an HTTP message signature).
//
// It does not carry WITs over HTTP (see profiles/httpwpt) and does not fetch
// keys: trust anchors come from a wimse.TrustStore.
//
//	v := &wit.Verifier{Trust: store}
//	tok, err := v.Verify(raw)
//	if err != nil {
//		return wimse.ReasonOf(err) // e.g. wit.expired
//	}
//	_ = tok.Subject // the authenticated wimse.ID
//
// # Validation order
//
// The trust domain comes from sub, so sub is read before the signature is
// checked (creds-02 §5.1.3): size, JWS structure and unique JSON members,
// header (crit, key references, typ, alg), sub (present, a valid
// identifier, a trusted trust domain), the issuer key (kid), the signature,
// then claim types, exp, nbf/iat, cnf and iss. A token fails with the reason
// of the first rule it breaks, in this order.
//
// # Draft revisions
//
// typ is wit+jwt or application/wit+jwt (case-insensitive, RFC 7515 §4.1.9);
// the s2s-06 value wimse-id+jwt only when the policy lists
// wimse.RevisionS2S06. iat is accepted (creds-02's examples carry it, issue
// #257) and, like nbf, must not lie in the future.
//
// # Security considerations
//
// Only asymmetric algorithms from a closed list verify (never none or HMAC),
// and the key type must fit alg. Keys named by the token (jku, x5u, jwk,
// x5c) are a rejection. cnf.jwk must be a public key with an alg member.
package wit
