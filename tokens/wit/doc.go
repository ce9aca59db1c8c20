// Package wit implements the Workload Identity Token (WIT) of
// draft-ietf-wimse-workload-creds-02, Section 5.1: a JWT, signed by the
// Identity Server of a trust domain, that binds one Workload Identifier
// (sub) to the workload's public key (cnf.jwk).
//
// Signer mints WITs; Verifier checks every rule creds-02 §5.1 sets for a
// WIT (the JOSE header, the claims, the trust anchors of §5.1.3; the draft
// has no single checklist, so the order below is this package's) and
// returns a *wimse.Error with a wit.* reason on the first failure. A WIT is never
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
// # Confirmation and issuer keys
//
// cnf holds jwk and nothing else: RFC 7800 §3.1 allows one
// proof-of-possession key, creds-02 defines only jwk, and with a second
// method (jkt, x5t#S256, ...) receivers may disagree on the key
// (wit.cnf_ambiguous). cnf.jwk's use, when present, is "sig" and its
// key_ops, when present, lists "verify" once (RFC 7517 §4.2, §4.3;
// wit.cnf_key_use). An Ed25519 key must be canonically encoded and not of
// small order (internal/eddsa says which points and why): in cnf.jwk
// wit.cnf_key_non_canonical and wit.cnf_key_small_order, for such a key
// lets anyone forge the proof and makes the WIT a bearer token; an issuer
// key (wimse.ParseJWKSet refuses it; one built in code fails as
// wit.signature). An Ed25519 signature whose S is not below L is
// wit.signature_non_canonical (RFC 8032 §5.1.7).
//
// For an Ed25519 key, EdDSA and Ed25519 (RFC 9864) are one algorithm
// wherever the WIT's algorithms meet the receiver's configuration: the
// anchor's alg, the trust domain's Algorithms and ProofAlgorithms, and
// Policy.Algorithms (RFC 9864 §2.2; http-signature-07's examples already
// spell it Ed25519, creds-02's EdDSA). A WPT's alg
// still string-equals cnf.jwk.alg, as wpt-02 §2 requires (tokens/wpt).
//
// # Draft revisions
//
// draft-ietf-wimse-workload-creds-02 (the WIT of wpt-01, wpt-02 and
// http-signature-06/-07 alike). typ is wit+jwt or application/wit+jwt (case-insensitive, RFC 7515 §4.1.9);
// the s2s-06 value wimse-id+jwt only when the policy lists
// wimse.RevisionS2S06. iat is accepted (creds-02's examples carry it, issue
// #257) and, like nbf, must not lie in the future.
//
// # WIT-SVID profile
//
// Signer.Profile and Verifier.Profile set to ProfileSVID switch to the
// SPIFFE WIT-SVID (spiffe/spiffe standards/WIT-SVID.md), a sub-profile of
// the WIT, so it lives here rather than in a sibling package: every WIT
// rule above still holds, and the profile adds typ exactly wit+jwt (no
// application/ prefix, case-sensitive, as go-spiffe compares it), kid
// present (wit.svid_kid_missing), alg RS/ES/PS (wit.svid_alg), sub a SPIFFE
// ID (wit.svid_sub, checked before sub is parsed), no aud of any value
// (wit.svid_aud) and cnf.jwk.alg RS/ES/PS (wit.svid_cnf_alg). RS384,
// RS512, PS384 and PS512 are WIT-SVID algorithms internal/jose does not
// implement; they fail as wit.alg. A Signer in this profile refuses to
// issue what the Verifier would reject. The tests cross-check with
// go-spiffe's exp/svid/witsvid.
//
// # Security considerations
//
// Only asymmetric algorithms from a closed list verify (never none or HMAC),
// and the key type must fit alg. Keys named by the token (jku, x5u, jwk,
// x5c) are a rejection. cnf.jwk must be a public key with an alg member.
//
// Issuer keys are bound to their trust domain: only the anchors of the
// subject's own trust domain verify its WITs (creds-02 §5.1.3). A kid that
// names no key of that trust domain but a key of another trusted one is
// rejected with wit.key_trust_domain (a configuration that gives every
// trust domain every key is the mistake this reason points at); the other
// domain's key is never tried.
package wit
