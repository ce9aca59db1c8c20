// Package confirmation implements the confirmation (cnf) claim of
// sender-constrained access tokens: RFC 7800 §3.1, with the methods jwk
// (RFC 7800 §3.2: the public key itself), jkt (RFC 9449 §6.1: the RFC 7638
// SHA-256 JWK thumbprint of a DPoP key) and x5t#S256 (RFC 8705 §3.1: the
// SHA-256 hash of an mTLS client certificate).
//
// An issuer builds a Claim with JKT, X5TS256 or JWK; a receiver reads one
// with Parse and checks it against what the presenter proved possession of
// for this request with a Proof: Key (the key of a verified DPoP proof, or
// a WIMSE workload's key from its verified WIT and proof) or Certificate
// (the client certificate of the mutual TLS connection).
//
//	c, err := confirmation.Parse(claims["cnf"]) // cnf.* reasons
//	err = confirmation.Key(dpopProofKey)(c)    // cnf.mismatch
//
// It does not verify the proofs themselves (the DPoP proof, the TLS
// handshake, the WPT): a Proof is built from their already verified result.
//
// # Security considerations
//
// cnf names exactly one proof-of-possession key (RFC 7800 §3.1): a claim
// with two methods is rejected (cnf.ambiguous), since two receivers could
// each check a different one. A claim with only kid, jku, jwe or an
// unknown member names no key this package can check (cnf.method); jku is
// never fetched.
//
// A sender-constrained token presented without its proof is rejected
// (cnf.unconfirmed: a DPoP-bound token sent as Bearer, RFC 9449 §7.2);
// a proof never upgrades a bearer token (cnf.missing). Thumbprints and
// hashes are compared in constant time, as exact base64url strings of 32
// bytes; a value that is not the canonical unpadded base64url of 32 bytes
// is cnf.malformed (RFC 8705 §3.1's own example value, whose last
// character carries non-zero padding bits, is one: it could never match).
package confirmation
