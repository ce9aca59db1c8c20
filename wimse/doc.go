// Package wimse holds the shared vocabulary of the WIMSE workload-to-workload
// protocols: Workload Identifiers and trust domains
// (draft-ietf-wimse-identifier-03), the trust store that binds each trust
// domain to its issuer keys, the verification Policy, the replay cache, and
// the one error shape (*Error with a stable Reason) that every rejection in
// this module carries.
//
// It does no HTTP and no JOSE of its own; the token packages (tokens/wit,
// tokens/wpt) and the profiles (profiles/httpwpt, profiles/httpsig,
// profiles/mtls) build on it. ParsePrivateJWK and LoadPrivateJWK read the
// private JWK files of a workload's or an issuer's signing key.
//
//	id, err := wimse.ParseID("wimse://trust.example.com/service/payment")
//	if err != nil {
//		log.Println(wimse.ReasonOf(err)) // e.g. id.not_canonical
//	}
//
// # Security considerations
//
// Identifiers are validated once, in ParseID, and compared byte for byte
// afterwards (identifier-03 "The wimse URI Scheme"); a non-canonical value is rejected, never
// repaired. Trust anchors are configured out of band, each bound to its own
// trust domain (workload-creds-02 §5.1.3, §6.1): nothing in this package
// fetches keys named by a token.
//
// # Draft revisions
//
// Identifiers follow draft-ietf-wimse-identifier-03 (spiffe:// ones the
// SPIFFE-ID specification); the trust store, draft-ietf-wimse-workload-creds-02.
// A Policy accepts the revisions it lists (Revision): draft-ietf-wimse-wpt-01
// and -02, draft-ietf-wimse-http-signature-06 and -07, and, for the legacy
// typ values only, draft-ietf-wimse-s2s-protocol-06. Experimental: the
// revisions follow the drafts.
package wimse
