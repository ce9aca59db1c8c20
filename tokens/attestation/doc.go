// Package attestation implements the HTTP fields, the Client Attestation
// JWT and the Client Attestation PoP JWT of
// draft-ietf-oauth-attestation-based-client-auth-11 (§4, §5.1, §6, §7.1,
// §7.2), as the spiffe_wit client authentication of
// draft-ietf-oauth-spiffe-client-auth-02 §3.3 uses them.
//
// FromHeader reads the two request fields (exactly one of each, token68);
// PoPVerifier checks a PoP against the attestation's cnf key, the server's
// identifier, an optional challenge and a replay cache; PoPSigner makes one
// for a client. Verifier and Signer handle the generic attestation JWT (typ
// oauth-client-attestation+jwt) with pre-shared attester keys. Challenges
// issues and checks stateless HMAC challenges.
//
// It does not verify WIT-SVIDs (tokens/wit with wit.ProfileSVID does), does
// not serve HTTP (profiles/exchange has the token endpoint's
// AttestationAuthenticator and challenge endpoint), and does not implement
// the DPoP combined mode (§5.2, attest_jwt_client_auth_dpop) or
// MAC-protected attestations.
//
//	att, pop, err := attestation.FromHeader(r.Header)
//	// ... verify att (a WIT-SVID: wit.Verifier{Profile: wit.ProfileSVID}) ...
//	v := &attestation.PoPVerifier{Audience: issuer, Replay: cache}
//	p, err := v.Verify(pop, attestation.Key{Public: w.Confirmation.Key, Alg: w.Confirmation.Alg}, w.Subject.String())
//	if err != nil {
//		return wimse.ReasonOf(err) // e.g. attestation.pop_aud_mismatch
//	}
//
// # Decisions
//
//   - aud is one value equal to the configured identifier byte for byte
//     (a trailing slash matters); a one-element array is accepted, two
//     values are attestation.pop_aud_mismatch (§5.1: one audience per PoP).
//   - alg: only the supported asymmetric algorithms; when cnf.jwk has an alg
//     member the PoP must use exactly it (a WIT's cnf.jwk.alg, creds-02
//     §5.1), otherwise any that fits the key.
//   - Window: iat no older than MaxAge (default five minutes) and not in the
//     future, both with the clock skew; a PoP that still carries exp (before
//     -06) or nbf is held to them too. iss (removed by -08) and unknown
//     claims are ignored.
//   - Replay: jti is required and recorded per client (the attestation's
//     sub) until iat + MaxAge + skew; the window is checked before the cache,
//     and only a PoP that passed every other check is recorded (§12.1).
//   - typ is compared as everywhere in this module: the media type with or
//     without "application/", case-insensitively (RFC 7515 §4.1.9).
//
// # Security considerations
//
// The PoP's key is never taken from the PoP: it is the attestation's cnf
// key, and a header naming a key (jku, x5u, jwk, x5c) or carrying crit is
// refused. A challenge from Challenges proves freshness only; single use
// comes from the replay cache, which a server should always set.
//
// # Draft revisions
//
// Experimental: draft-ietf-oauth-attestation-based-client-auth-11 (3 Sep
// 2026): no iss in either JWT (-08), PoP iat required (-07), challenge
// instead of nonce (-06). The error codes of §7.4 are defined here until
// they are registered.
package attestation
