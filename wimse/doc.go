// Package wimse holds the shared vocabulary of the WIMSE workload-to-workload
// protocols: Workload Identifiers and trust domains
// (draft-ietf-wimse-identifier-03), the trust store that binds each trust
// domain to its issuer keys, the verification Policy, the replay cache, and
// the one error shape (*Error with a stable Reason) that every rejection in
// this module carries.
//
// It does no HTTP and no JOSE of its own; the token packages (tokens/wit,
// tokens/wpt) and the HTTP profiles (profiles/httpwpt) build on it.
//
//	id, err := wimse.ParseID("wimse://trust.example.com/service/payment")
//	if err != nil {
//		log.Println(wimse.ReasonOf(err)) // e.g. id.not_canonical
//	}
//
// # Security considerations
//
// Identifiers are validated once, in ParseID, and compared byte for byte
// afterwards (identifier-03 §3.2); a non-canonical value is rejected, never
// repaired. Trust anchors are configured out of band: nothing in this package
// fetches keys named by a token.
package wimse
