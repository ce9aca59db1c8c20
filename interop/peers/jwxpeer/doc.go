// Package jwxpeer is an independent WIT/WPT peer for the interop matrix: a
// client and a server of draft-ietf-wimse-workload-creds-02 (the Workload
// Identity Token) and draft-ietf-wimse-wpt-01/-02 (the Workload Proof
// Token), written directly on github.com/lestrrat-go/jwx/v3 (jws, jwk,
// jwt). It deliberately imports nothing from this module's tokens/,
// profiles/ or internal/jose, so that a disagreement with them shows up in
// the matrix instead of being shared.
//
// The server (Server) verifies the WIT in Workload-Identity-Token first,
// then the WPT of either carriage: wpt-02's "Authorization: WPT <jwt>" or
// wpt-01's Workload-Proof-Token field (both at once is refused). The client
// (Client) adds the WIT and a fresh WPT to a request, wpt-02 by default.
//
// What it checks, with the draft text it follows:
//
//   - WIT (creds-02 §5.1): compact JWS, typ wit+jwt (application/wit+jwt
//     too, RFC 7515 §4.1.9), an asymmetric alg on the allow-list, no crit,
//     the issuer key by kid (or the only key), the signature, exp (and
//     nbf/iat as RFC 7519), sub a Workload Identifier of the configured trust
//     domain, cnf.jwk a public key with an asymmetric alg that fits it.
//   - WPT (wpt-02 §2, wpt-01 §3): exactly one carriage field, a single
//     compact JWT, typ wpt+jwt, alg string-equal to cnf.jwk.alg, the
//     signature with cnf.jwk, aud (a string) equal to the configured base
//     URL plus the request path, exp present, not passed and not more than
//     MaxLifetime ahead, wth the hash of the WIT sent, jti unseen (per
//     sender, until exp), tth when a Txn-Token is sent, ath on a wpt-01
//     request with a Bearer or DPoP access token, and no oth entry (this
//     peer binds no other context token, so any entry is unknown: reject).
//
// Errors: wpt-02 requests (and requests with no proof) are answered 401 with
// "WWW-Authenticate: WPT" (wpt-02 §2.1), WIT failures included; wpt-01
// requests 400 (wpt-01 §3: 401 NOT RECOMMENDED); a request mixing both
// carriages 400.
package jwxpeer
