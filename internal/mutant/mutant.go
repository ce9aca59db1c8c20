// Package mutant switches single checks of the reference verifier off, so
// the conformance self-test can prove that the vectors catch every broken
// check: a verifier built with one check disabled (a "mutant") must fail at
// least one vector.
//
// A Set is keyed by reason code (the strings of wimse.Reason): disabling a
// reason skips every rejection site that would report it, as if the check
// had passed.
//
// A Set travels inside wimse.Policy without showing in its API: the policy
// embeds a Hook under an unexported name, and only this package reaches it
// (Put, Of), through Hook's unexported method. Code outside the module
// cannot name, read or set it; a copied Policy carries its Set along. The
// package imports nothing of this module, so wimse can embed Hook without
// an import cycle.
package mutant

import "sort"

// Hook is embedded, under an unexported alias, in the structs that carry a
// Set (wimse.Policy); its zero value carries none.
type Hook struct {
	set *Set
}

func (h *Hook) hook() *Hook { return h }

// carrier is a struct that embeds a Hook: the unexported method is
// promoted to it, so only this package can reach the Set inside.
type carrier interface{ hook() *Hook }

// Put makes c carry s (nil: disable nothing). For wimse.Policy:
// mutant.Put(&policy, set).
func Put(c carrier, s *Set) { c.hook().set = s }

// Of returns the Set c carries (a non-nil pointer, such as &policy); nil
// when it carries none.
func Of(c carrier) *Set { return c.hook().set }

// Set is a set of disabled checks. A nil *Set disables nothing; the zero
// value too. A Set is read-only once built and safe for concurrent use.
type Set struct {
	disabled map[string]bool
}

// New returns a set that disables the checks of reasons.
func New(reasons ...string) *Set {
	s := &Set{disabled: make(map[string]bool, len(reasons))}
	for _, r := range reasons {
		s.disabled[r] = true
	}
	return s
}

// Off reports whether the check that rejects with reason is disabled. It
// is nil-safe and costs one nil check on the normal path (no mutant).
func (s *Set) Off(reason string) bool {
	return s != nil && s.disabled[reason]
}

// Reasons returns the disabled reasons, sorted.
func (s *Set) Reasons() []string {
	if s == nil {
		return nil
	}
	out := make([]string, 0, len(s.disabled))
	for r, on := range s.disabled {
		if on {
			out = append(out, r)
		}
	}
	sort.Strings(out)
	return out
}

// String names the disabled checks, "none" for none.
func (s *Set) String() string {
	rs := s.Reasons()
	if len(rs) == 0 {
		return "none"
	}
	out := rs[0]
	for _, r := range rs[1:] {
		out += "," + r
	}
	return out
}

// Requirement levels of a check.
const (
	MUST   = "MUST"
	SHOULD = "SHOULD"
)

// Check is one check that can be disabled.
type Check struct {
	// Reason is the reason code the check rejects with.
	Reason string
	// Level is the strongest level of the requirements it enforces: MUST
	// (also for MUST NOT) or SHOULD (also for SHOULD NOT, RECOMMENDED).
	Level string
	// Requirements are IDs into the vectors' requirements table
	// (vectors/requirements.go).
	Requirements []string
	// Description says in one line what the mutant does when the check is off.
	Description string
}

// checks lists, in reason order, every check whose disabling leaves the
// verifier able to go on. httpsig.not_yet_valid is left out: no draft
// requires rejecting a signature created in the future (its vectors are
// "acceptable"), so no conformance failure can catch its absence. Also
// left out, because nothing can follow them: the
// wit.*/wpt.* malformed and missing reasons (no token to go on with),
// wit.sub_invalid (no identifier), request.malformed (the HTTP message
// cannot be read), server.* (not checks), the id.* reasons (identifier
// parsing gives no identifier to go on with) and mtls.no_certificate (no
// certificate to go on with). Also left out: request.body_too_large, a
// resource limit of the receiver's own choosing that no draft requires
// (a conformance vector could not fail a server without one), and the
// checks a client makes of a response (httpsig.response_unsigned,
// httpsig.req_nonce, httpsig.responder_identity): the server never makes
// them, so no request vector can catch their absence; the client-role
// runner will. The mtls.* checks are disabled through
// profiles/mtls.WithMutant; the reference server passes the policy's Set (Of) there.
var checks = []Check{
	{"httpsig.aud_mismatch", MUST, []string{"SIG-AUD"}, "wimse-aud is not compared with the configured audience"},
	{"httpsig.component_missing", MUST, []string{"SIG-COMPONENTS"}, "required components need not be covered"},
	{"httpsig.digest_mismatch", MUST, []string{"SIG-DIGEST"}, "Content-Digest is not compared with the body"},
	{"httpsig.digest_missing", MUST, []string{"SIG-DIGEST"}, "a body without Content-Digest is accepted"},
	{"httpsig.expired", MUST, []string{"SIG-WINDOW"}, "an expired signature is accepted"},
	{"httpsig.lifetime", SHOULD, []string{"SIG-EXPIRES-TIGHT"}, "expires may lie far ahead, or before created"},
	{"httpsig.multiple", MUST, []string{"SIG-SELECT"}, "with two WIMSE-tagged signatures the first is used"},
	{"httpsig.param_forbidden", MUST, []string{"SIG-NO-KEYID-ALG"}, "keyid and alg are tolerated"},
	{"httpsig.param_missing", MUST, []string{"SIG-PARAMS"}, "missing created, expires, nonce or wimse-aud read as zero or empty"},
	{"httpsig.replayed", SHOULD, []string{"SIG-REPLAY"}, "nonces are neither recorded nor checked"},
	{"httpsig.revision", MUST, []string{"SIG-REVISION"}, "a revision the policy does not accept is verified anyway"},
	{"httpsig.signature", MUST, []string{"SIG-VERIFY"}, "the message signature is not verified"},
	{"httpsig.signature_non_canonical", MUST, []string{"JOSE-ED25519", "SIG-VERIFY"}, "an Ed25519 message signature whose S is not below L is verified with S reduced mod L"},

	{"mtls.chain", MUST, []string{"MTLS-CHAIN", "MTLS-PATH-SCOPE"}, "the chain need not validate to the roots of the identifier's trust domain: one that does not is taken as presented"},
	{"mtls.dns_id", MUST, []string{"MTLS-DNS-ID"}, "a client does not match the server's DNS-IDs against the host name it connects to"},
	{"mtls.eku", MUST, []string{"MTLS-EKU"}, "an extended key usage need not allow the role (id-kp-clientAuth, id-kp-serverAuth)"},
	{"mtls.expired", MUST, []string{"MTLS-CHAIN"}, "an expired leaf or CA certificate is accepted"},
	{"mtls.identifier", MUST, []string{"MTLS-URI-SAN", "ID-NO-REPAIR"}, "a non-canonical URI SAN is repaired (lower-cased, percent-decoded, dot segments, trailing slash, userinfo and port dropped), not rejected"},
	{"mtls.key_usage", MUST, []string{"MTLS-LEAF"}, "a CA certificate, or one allowing keyCertSign or cRLSign or lacking digitalSignature, is accepted as a TLS peer"},
	{"mtls.not_yet_valid", MUST, []string{"MTLS-CHAIN"}, "a leaf or CA certificate whose validity period has not begun is accepted"},
	{"mtls.peer_identity", MUST, []string{"MTLS-SERVER-ID"}, "the peer's identifier is not compared with the expected one, and an authorizer's denial is ignored"},
	{"mtls.trust_domain", MUST, []string{"MTLS-TRUST-DOMAIN", "MTLS-PATH-SCOPE"}, "the expected trust domains are not enforced; one without X.509 anchors borrows the roots of every trusted trust domain"},
	{"mtls.uri_san", MUST, []string{"MTLS-URI-SAN"}, "a certificate with several URI SANs is accepted, identified by the first"},

	{"request.authorization_malformed", MUST, []string{"WPT01-AUTHZ"}, "a wpt-01 Authorization field that is not RFC 9110 credentials is read up to its first space, so \"Bearer<HTAB>token\" is no access token and goes unbound by ath"},
	{"request.carriage_not_accepted", MUST, []string{"WPT02-AUTHZ"}, "a carriage the policy does not accept (Policy.Revisions) is verified anyway"},
	{"request.context_token_multiple", MUST, []string{"WPT-TTH", "WPT-OTH"}, "a repeated or comma-joined Txn-Token or oth-bound field is read from its first value"},
	{"request.mixed_carriage", MUST, []string{"WPT-MIXED"}, "a request with both carriages is judged as wpt-02, the Workload-Proof-Token field ignored"},

	{"wit.alg", MUST, []string{"WIT-ALG"}, "the WIT alg is not checked against the supported, policy and trust-domain lists"},
	{"wit.claim_type", MUST, []string{"WIT-CLAIM-TYPES"}, "a WIT claim of the wrong JSON type is read as absent or zero"},
	{"wit.cnf_alg", MUST, []string{"WIT-CNF-ALG"}, "cnf.jwk.alg may be absent, unsupported, disallowed or unfit for the key"},
	{"wit.cnf_ambiguous", MUST, []string{"WIT-CNF-ONE-KEY"}, "cnf may hold other confirmation methods (jkt, x5t#S256, ...) beside jwk, which alone is used"},
	{"wit.cnf_key", MUST, []string{"WIT-CNF"}, "cnf.jwk may carry private members; an unusable cnf.jwk leaves the WIT without a key"},
	{"wit.cnf_key_non_canonical", MUST, []string{"JOSE-ED25519", "WIT-CNF"}, "an Ed25519 cnf.jwk whose y is not reduced mod p (or x = 0 with the sign bit) is taken as crypto/ed25519 decodes it; only the eight canonical small-order encodings are refused"},
	{"wit.cnf_key_small_order", MUST, []string{"WIT-CNF", "WIT-NOT-BEARER"}, "an Ed25519 cnf.jwk of small order (the identity or another 8-torsion point) is accepted: proofs under it can be forged without a key"},
	{"wit.cnf_key_use", SHOULD, []string{"WIT-CNF-USE"}, "cnf.jwk use and key_ops are ignored: a key designated for encryption verifies proofs"},
	{"wit.cnf_missing", MUST, []string{"WIT-CNF", "WIT-NOT-BEARER"}, "a WIT without cnf.jwk is accepted, with no confirmation key"},
	{"wit.crit", MUST, []string{"JOSE-CRIT"}, "a crit header parameter in the WIT is ignored"},
	{"wit.duplicate_member", MUST, []string{"JOSE-DUPLICATE"}, "repeated JSON member names in the WIT are allowed, the last one wins"},
	{"wit.exp_missing", MUST, []string{"WIT-EXP"}, "exp is optional: a WIT without exp never expires"},
	{"wit.expired", MUST, []string{"WIT-EXP"}, "an expired WIT is accepted"},
	{"wit.header_key", MUST, []string{"WIT-HEADER-KEYS"}, "jku, x5u, jwk and x5c in the WIT header are tolerated (still not used)"},
	{"wit.issuer", MUST, []string{"WIT-ISS-ALLOWLIST"}, "the iss allow-list is not applied"},
	{"wit.key_trust_domain", MUST, []string{"WIT-TRUST-DOMAIN-KEYS"}, "issuer keys are pooled across the trusted trust domains: a kid naming another trust domain's key selects that key"},
	{"wit.key_unknown", MUST, []string{"WIT-KEY-SELECT"}, "kid is ignored: every issuer key of the trust domain is tried"},
	{"wit.multiple", MUST, []string{"WIT-ONE-FIELD"}, "a repeated or comma-joined Workload-Identity-Token field is read from its first value"},
	{"wit.not_yet_valid", MUST, []string{"WIT-NBF"}, "a WIT whose nbf or iat lies in the future is accepted"},
	{"wit.oversized", MUST, []string{"WIT-SYNTAX"}, "the WIT size limit (Policy.MaxTokenSize) is not applied"},
	{"wit.signature", MUST, []string{"WIT-SIGNATURE"}, "the WIT signature is not verified (nor the issuer key's own alg)"},
	{"wit.signature_non_canonical", MUST, []string{"JOSE-ED25519", "WIT-SIGNATURE"}, "an Ed25519 WIT signature whose S is not below L is verified with S reduced mod L"},
	{"wit.sub_missing", MUST, []string{"WIT-SUB"}, "a WIT without sub is read with an empty sub"},
	{"wit.svid_alg", MUST, []string{"WITSVID-ALG"}, "under the WIT-SVID profile, alg is not restricted to RS/ES/PS: an EdDSA WIT-SVID is accepted"},
	{"wit.svid_aud", MUST, []string{"WITSVID-NO-AUD"}, "under the WIT-SVID profile, a WIT carrying aud is accepted"},
	{"wit.svid_cnf_alg", MUST, []string{"WITSVID-CNF-ALG"}, "under the WIT-SVID profile, cnf.jwk.alg is not restricted to RS/ES/PS: an EdDSA confirmation key is accepted"},
	{"wit.svid_kid_missing", MUST, []string{"WITSVID-KID"}, "under the WIT-SVID profile, a WIT without kid (or with an empty one) is accepted, its key chosen as for a plain WIT"},
	{"wit.svid_sub", MUST, []string{"WITSVID-SUB"}, "under the WIT-SVID profile, a sub that is not a SPIFFE ID (wimse://, https://) is read as a plain WIT's"},
	{"wit.trust_domain", MUST, []string{"WIT-TRUST-DOMAIN"}, "an untrusted trust domain borrows the anchors of a trusted one that has the WIT's kid"},
	{"wit.typ", MUST, []string{"WIT-TYP"}, "the WIT typ is not checked"},

	{"wpt.alg", MUST, []string{"WPT-ALG-EQ"}, "the WPT alg is not checked against the supported and policy lists"},
	{"wpt.alg_mismatch", MUST, []string{"WPT-ALG-EQ"}, "the WPT alg need not string-equal cnf.jwk.alg; it only has to fit the key"},
	{"wpt.ath_mismatch", MUST, []string{"WPT01-ATH"}, "ath is not compared with the access token (wpt-01)"},
	{"wpt.ath_missing", MUST, []string{"WPT01-ATH"}, "ath is optional: a wpt-01 access token without ath goes unbound"},
	{"wpt.aud_mismatch", MUST, []string{"WPT-AUD"}, "aud is not compared with the configured audience"},
	{"wpt.aud_missing", MUST, []string{"WPT-AUD"}, "aud is optional: a WPT without aud is not audience-checked"},
	{"wpt.claim_type", MUST, []string{"WPT-AUD", "WPT-EXP", "WPT-JTI", "WPT-WTH", "WPT-OTH"}, "a WPT claim of the wrong JSON type is read as absent or zero"},
	{"wpt.crit", MUST, []string{"JOSE-CRIT"}, "a crit header parameter in the WPT is ignored"},
	{"wpt.duplicate_member", MUST, []string{"JOSE-DUPLICATE"}, "repeated JSON member names in the WPT are allowed, the last one wins"},
	{"wpt.exp_missing", MUST, []string{"WPT-EXP"}, "exp is optional: a WPT without exp never expires (nor is it kept for replay)"},
	{"wpt.exp_too_far", SHOULD, []string{"WPT-EXP-FAR"}, "a WPT whose exp is far in the future is accepted"},
	{"wpt.expired", MUST, []string{"WPT-EXP"}, "an expired WPT is accepted"},
	{"wpt.header_key", MUST, []string{"WIT-HEADER-KEYS"}, "jku, x5u, jwk and x5c in the WPT header are tolerated (still not used)"},
	{"wpt.jti_missing", MUST, []string{"WPT-JTI"}, "a WPT without jti is accepted (replay keyed on the empty jti)"},
	{"wpt.multiple", MUST, []string{"WPT-ONE"}, "repeated or comma-joined WPT credentials (field lines or Authorization fields) are read from the first"},
	{"wpt.not_yet_valid", MUST, []string{"WIT-NBF"}, "a WPT whose nbf or iat lies in the future is accepted"},
	{"wpt.oth_mismatch", MUST, []string{"WPT-OTH"}, "oth entries are not compared with their fields, nor checked to name a field sent"},
	{"wpt.oth_missing", MUST, []string{"WPT-OTH"}, "oth coverage is optional: a configured context token without an oth entry goes unbound"},
	{"wpt.oth_unknown", MUST, []string{"WPT-OTH-UNKNOWN"}, "oth entries the receiver does not understand are ignored"},
	{"wpt.oversized", MUST, []string{"WPT-SYNTAX"}, "the WPT size limit (Policy.MaxTokenSize) is not applied"},
	{"wpt.replayed", SHOULD, []string{"WPT-REPLAY"}, "jti is neither recorded nor checked: replays are accepted"},
	{"wpt.signature", MUST, []string{"WPT-SIGNATURE"}, "the WPT signature is not verified"},
	{"wpt.signature_non_canonical", MUST, []string{"JOSE-ED25519", "WPT-SIGNATURE"}, "an Ed25519 WPT signature whose S is not below L is verified with S reduced mod L"},
	{"wpt.tth_mismatch", MUST, []string{"WPT-TTH"}, "tth is not compared with the Txn-Token, nor required to have one"},
	{"wpt.tth_missing", MUST, []string{"WPT-TTH"}, "tth is optional: a Txn-Token without tth goes unbound"},
	{"wpt.typ", MUST, []string{"WPT-TYP"}, "the WPT typ is not checked"},
	{"wpt.wth_mismatch", MUST, []string{"WPT-WTH"}, "wth is not compared with the hash of the WIT sent"},
	{"wpt.wth_missing", MUST, []string{"WPT-WTH"}, "wth is optional: a WPT without wth is not bound to the WIT"},
}

// Checks returns every check that can be disabled, sorted by reason.
func Checks() []Check {
	out := make([]Check, len(checks))
	for i, c := range checks {
		c.Requirements = append([]string(nil), c.Requirements...)
		out[i] = c
	}
	return out
}

// Known reports whether reason names a check that can be disabled.
func Known(reason string) bool {
	for _, c := range checks {
		if c.Reason == reason {
			return true
		}
	}
	return false
}
