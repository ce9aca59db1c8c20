// Package accesstoken implements JWT access tokens, RFC 9068: the
// sender-constrained or bearer tokens the reference STS issues (RFC 8693
// token exchange, profiles/exchange) and resource servers verify.
//
// Signer issues a token from Claims: the header typ at+jwt (§2.1), the
// required claims iss, exp, aud, sub, client_id, iat and jti (§2.2), and
// optionally scope (§2.2.3, RFC 8693 §4.2), act and may_act (RFC 8693 §4.1,
// §4.4: tokens/delegation), cnf (RFC 7800; RFC 9449 §6.1 jkt, RFC 8705
// §3.1 x5t#S256: tokens/confirmation), auth_time and acr (§2.2.1).
//
// Verifier applies the validation of §4 and returns a *wimse.Error with an
// accesstoken.* reason on the first failure, or the reason of the claim
// type (act.*, may_act.*, scope.*, cnf.*) when a delegation, scope or cnf
// claim is malformed: the same reason in every token that carries it.
//
//	v := &accesstoken.Verifier{Trust: stsKeys, Audiences: []string{"https://api.example.com"}}
//	tok, err := v.Verify(raw, confirmation.Key(dpopProofKey)) // nil proof: presented as Bearer
//	if err != nil {
//		return wimse.ReasonOf(err) // e.g. accesstoken.expired, cnf.mismatch
//	}
//	actor, delegated := tok.Act.Current()
//
// It does not carry tokens over HTTP, verify DPoP proofs or TLS handshakes
// (a confirmation.Proof is built from their verified result), decide
// authorization from scope, or fetch keys.
//
// # Trust: issuers and their keys
//
// Trust is a wimse.TrustStore of the authorization servers whose tokens are
// accepted, keyed by each server's trust domain: an entry's
// Anchors.Issuers lists the server's issuer identifiers and its Keys are
// the server's signing keys. A token's iss selects the one entry whose
// Issuers lists it, compared as exact strings (§4 step 3); only that
// entry's keys verify the token (§4 step 5), through kid or, without kid,
// its only key; an entry's Algorithms restricts alg. An entry with nil
// Issuers names no authorization server. Give access tokens a TrustStore
// of their own: WIT anchors (whose nil Issuers means "iss unchecked") are
// never access token issuers.
//
// # Validation order
//
// Size, JWS structure and unique JSON members; header (crit, key
// references, typ, alg); iss (present, a string, a trusted issuer); alg
// for that issuer; the key (kid); the signature; claim types; the required
// claims sub, client_id, jti, exp, iat and aud; exp, nbf, iat and
// auth_time against the clock (Policy.Now, Policy.ClockSkew); the lifetime
// exp - iat against MaxLifetime; aud against Audiences; act, may_act, scope
// and cnf; then the cnf binding against the presentation's proof.
//
// # Decisions
//
// typ must be at+jwt or application/at+jwt, compared case-insensitively
// (§2.1, §4 step 1; RFC 7515 §4.1.9); an untyped JWT is rejected, which
// keeps ID tokens and grants out (§5). aud is a string or a non-empty
// array of strings, and one member must equal a configured audience (§4
// step 4); a Verifier with no Audiences accepts no token unless AnyAudience
// is set (for the STS reading back its own tokens). scope is a string
// (RFC 8693 §4.2); an array (scp) is accesstoken.claim_type. The lifetime
// is bounded (MaxLifetime, default DefaultMaxLifetime) since RFC 9068 sets
// no number and a token's exp is the only revocation many receivers have.
//
// # Security considerations
//
// Only asymmetric algorithms from the module's closed list verify (never
// none or HMAC), bound to the key type; keys named by the token (jku, x5u,
// jwk, x5c) and crit are rejected. A token with cnf presented without a
// proof is rejected (cnf.unconfirmed: a DPoP-bound token sent as Bearer,
// RFC 9449 §7.2), and a proof never makes a bearer token sender-constrained
// (cnf.missing). For access control consider only the top-level claims
// and the current actor (Act.Current); prior actors are informational (RFC
// 8693 §4.1). Errors never quote the token.
package accesstoken
