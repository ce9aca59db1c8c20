// Package dpop implements OAuth 2.0 Demonstrating Proof of Possession
// (DPoP) proofs of RFC 9449: the proof JWT (§4.2), its verification by a
// receiver (§4.3), server nonces (§8) and the key thumbprint that binds a
// token to the proof key (cnf.jkt, §6.1).
//
// Signer makes proofs with a client's key; Verifier checks one against
// the request it came with and returns a *Proof or a *wimse.Error with a
// dpop.* reason; FromHeader takes the one DPoP header field of a request;
// NonceSource issues and checks nonces without state. Binding a token to
// the proof key and checking a token's cnf are the issuer's and the
// receiver's job (tokens/confirmation, profiles/exchange).
//
//	proof, err := dpop.FromHeader(r.Header)
//	p, err := v.Verify(proof, r.Method, "https://as.example/token", "")
//	cnf, err := confirmation.JKT(p.Key) // bind the issued token
//
// It does not implement the resource server's WWW-Authenticate challenge
// (§7.1) nor the authorization request's dpop_jkt (§10).
//
// # Decisions where RFC 9449 is silent or leaves a choice
//
//   - typ must be exactly dpop+jwt: not case-folded, not
//     application/dpop+jwt (§4.3 check 4 names that one value).
//   - The key comes only from jwk: a header with jku, x5u or x5c is
//     dpop.header_key even beside a jwk; a kid beside the jwk is ignored,
//     a kid without one is dpop.jwk. When jwk has an alg member it must
//     name the header's alg.
//   - The allow-list defaults to ES256, EdDSA, RS256 and PS256 (§5.1
//     leaves it to the server); EdDSA and Ed25519 (RFC 9864) admit each
//     other. Only algorithms the module's JOSE layer supports can be
//     enabled, so none and MAC algorithms never are.
//   - htm compares exactly (methods are case-sensitive, RFC 9110 §9.1);
//     htu and the target URI compare after NormalizeHTU, without query and
//     fragment. The target URI is the caller's configuration, never built
//     from Host.
//   - iat is accepted while now < iat + MaxAge + skew and iat <= now +
//     skew; the replay cache keeps (jkt, jti) until iat + MaxAge + skew,
//     so a jti is single-use per key for as long as the proof could be
//     accepted.
//   - Without an access token (a token endpoint) an ath claim is read but
//     not checked: Proof.BindsAccessToken checks it when the caller binds
//     a token later (a DPoP-bound subject token in token exchange).
//   - With a NonceChecker the nonce is required on every proof, not only
//     after a use_dpop_nonce answer: a stateless server cannot tell.
//
// # Security considerations
//
// An Ed25519 jwk of small order or not canonically encoded, or an RSA key
// below 2048 bits, is dpop.jwk; an Ed25519 signature whose S is not below
// L is dpop.signature (internal/eddsa, RFC 8032 §5.1.7). ath and nonces
// compare in constant time. NonceSource nonces are the same for every
// client within a period: they bound a proof's age, the replay cache its
// reuse.
package dpop
