package wimse

// Reason is a stable, machine-readable rejection code. Reasons are part of the
// public contract: test vectors, the conformance runner and problem bodies all
// carry them, so a reason is never renamed once released. Each constant's doc
// line names the requirement it enforces, by the section of the draft (or
// RFC) that states it; where the drafts are silent it says so.
type Reason string

// Workload Identifier reasons (draft-ietf-wimse-identifier-03, "URI
// Requirements" and "The wimse URI Scheme"; the SPIFFE-ID specification for
// spiffe://).
const (
	// ReasonIDTooLong: the identifier exceeds MaxIDLength octets.
	ReasonIDTooLong Reason = "id.too_long"
	// ReasonIDMalformed: not an absolute URI with an authority.
	ReasonIDMalformed Reason = "id.malformed"
	// ReasonIDScheme: a scheme other than wimse or spiffe, not configured.
	ReasonIDScheme Reason = "id.scheme"
	// ReasonIDTrustDomain: the trust domain (authority) is empty, has a port
	// or userinfo, a character outside [a-z0-9._-] or a trailing dot (identifier-03
	// "URI Requirements", "The wimse URI Scheme").
	ReasonIDTrustDomain Reason = "id.trust_domain"
	// ReasonIDPath: the path is empty (wimse), has an empty, "." or ".."
	// segment, a trailing slash or a character outside the allowed set
	// (identifier-03 "The wimse URI Scheme").
	ReasonIDPath Reason = "id.path"
	// ReasonIDQueryFragment: a query or fragment is present.
	ReasonIDQueryFragment Reason = "id.query_fragment"
	// ReasonIDNotCanonical: the value is not in canonical form (percent-encoding,
	// upper-case scheme or trust domain); it is rejected, never repaired.
	ReasonIDNotCanonical Reason = "id.not_canonical"
)

// Workload Identity Token reasons (draft-ietf-wimse-workload-creds-02 §5.1:
// the WIT, its Workload-Identity-Token field and its trust anchors; the
// draft has no single validation checklist).
const (
	// ReasonWITMissing: no Workload-Identity-Token field.
	ReasonWITMissing Reason = "wit.missing"
	// ReasonWITMultiple: more than one Workload-Identity-Token field line or a
	// comma-joined value (creds-02 §5.1.1 leaves repeats unspecified: an
	// implementation choice).
	ReasonWITMultiple Reason = "wit.multiple"
	// ReasonWITOversized: the token exceeds Policy.MaxTokenSize.
	ReasonWITOversized Reason = "wit.oversized"
	// ReasonWITMalformed: not three base64url segments of JSON objects.
	ReasonWITMalformed Reason = "wit.malformed"
	// ReasonWITDuplicateMember: a JSON object in the header or claims repeats
	// a member name (RFC 7515 §5.2, RFC 7519 §4).
	ReasonWITDuplicateMember Reason = "wit.duplicate_member"
	// ReasonWITTyp: typ is missing or is not wit+jwt (RFC 8725 §3.11).
	ReasonWITTyp Reason = "wit.typ"
	// ReasonWITAlg: alg is missing, none, symmetric or not allowed.
	ReasonWITAlg Reason = "wit.alg"
	// ReasonWITCrit: the header carries crit, which we never understand (RFC 7515 §4.1.11).
	ReasonWITCrit Reason = "wit.crit"
	// ReasonWITHeaderKey: the header names its own key (jku, x5u, jwk, x5c);
	// keys never come from the token (RFC 8725 §3.10).
	ReasonWITHeaderKey Reason = "wit.header_key"
	// ReasonWITKeyUnknown: no trust-anchor key of the subject's trust domain
	// matches kid, or kid is absent and the choice is ambiguous.
	ReasonWITKeyUnknown Reason = "wit.key_unknown"
	// ReasonWITKeyTrustDomain: kid names no key of the subject's trust
	// domain but a key of another trusted trust domain: keys are bound to
	// their trust domain and never verify another's WITs (creds-02
	// §5.1.3).
	ReasonWITKeyTrustDomain Reason = "wit.key_trust_domain"
	// ReasonWITSignature: the JWS signature does not verify.
	ReasonWITSignature Reason = "wit.signature"
	// ReasonWITClaimType: a registered claim has the wrong JSON type.
	ReasonWITClaimType Reason = "wit.claim_type"
	// ReasonWITSubMissing: sub is absent.
	ReasonWITSubMissing Reason = "wit.sub_missing"
	// ReasonWITSubInvalid: sub is not a valid Workload Identifier.
	ReasonWITSubInvalid Reason = "wit.sub_invalid"
	// ReasonWITTrustDomain: the subject's trust domain is not trusted.
	ReasonWITTrustDomain Reason = "wit.trust_domain"
	// ReasonWITIssuer: iss is not on the trust domain's issuer allow-list.
	ReasonWITIssuer Reason = "wit.issuer"
	// ReasonWITExpMissing: exp is absent.
	ReasonWITExpMissing Reason = "wit.exp_missing"
	// ReasonWITExpired: exp has passed, beyond the allowed clock skew.
	ReasonWITExpired Reason = "wit.expired"
	// ReasonWITNotYetValid: nbf or iat lies in the future beyond the skew.
	ReasonWITNotYetValid Reason = "wit.not_yet_valid"
	// ReasonWITCnfMissing: cnf or cnf.jwk is absent, or another confirmation
	// method is used (issue #276).
	ReasonWITCnfMissing Reason = "wit.cnf_missing"
	// ReasonWITCnfKey: cnf.jwk is not a usable public key: private members,
	// a symmetric key, or a malformed JWK.
	ReasonWITCnfKey Reason = "wit.cnf_key"
	// ReasonWITCnfAlg: cnf.jwk.alg is absent, none, symmetric, an encryption
	// algorithm, not allowed, or does not fit the key.
	ReasonWITCnfAlg Reason = "wit.cnf_alg"
	// ReasonWITCnfKeySmallOrder: cnf.jwk is an Ed25519 point of small order,
	// one of the eight points of the 8-torsion subgroup, the identity
	// included (internal/eddsa lists them): their discrete logarithms are
	// public, so anyone can make a proof under them (with the identity,
	// R = identity and S = 0 signs every message) and the WIT would be a
	// bearer token (creds-02 §5.1 WIT-NOT-BEARER).
	ReasonWITCnfKeySmallOrder Reason = "wit.cnf_key_small_order"
	// ReasonWITCnfKeyNonCanonical: cnf.jwk is an Ed25519 key that is not
	// canonically encoded: its y is not reduced mod p, or x = 0 with the
	// sign bit set. RFC 8032 §5.1.3 decoding fails for it; many verifiers
	// (crypto/ed25519 among them) decode it anyway, and its non-canonical
	// encodings of small-order points would pass a check of the canonical
	// ones alone.
	ReasonWITCnfKeyNonCanonical Reason = "wit.cnf_key_non_canonical"
	// ReasonWITCnfKeyUse: cnf.jwk's use is not "sig", or its key_ops lacks
	// "verify" (or repeats a value, or either member has the wrong type):
	// the key is designated for something other than verifying proofs
	// (RFC 7517 §4.2, §4.3).
	ReasonWITCnfKeyUse Reason = "wit.cnf_key_use"
	// ReasonWITCnfAmbiguous: cnf holds another confirmation method besides
	// jwk (jkt, x5t#S256, kid, jku, jwe or one unknown): cnf represents a
	// single proof-of-possession key (RFC 7800 §3.1), creds-02 defines only
	// jwk (issue #276), and two methods leave receivers to disagree on which
	// key proves possession.
	ReasonWITCnfAmbiguous Reason = "wit.cnf_ambiguous"
	// ReasonWITSignatureNonCanonical: the WIT is signed EdDSA or Ed25519 and
	// the S half of its signature is not below L, the order of the base
	// point: the signature is invalid (RFC 8032 §5.1.7), although a verifier
	// that reduces S would accept it.
	ReasonWITSignatureNonCanonical Reason = "wit.signature_non_canonical"
	// ReasonWITSVIDKidMissing: under the WIT-SVID profile the header has no
	// kid, or an empty one (SPIFFE WIT-SVID standard, "JOSE Header": kid
	// MUST be present).
	ReasonWITSVIDKidMissing Reason = "wit.svid_kid_missing"
	// ReasonWITSVIDAlg: under the WIT-SVID profile alg is not one of RS256,
	// RS384, RS512, ES256, ES384, ES512, PS256, PS384, PS512 (SPIFFE WIT-SVID
	// standard, "JOSE Header": validators MUST reject others, EdDSA
	// included).
	ReasonWITSVIDAlg Reason = "wit.svid_alg"
	// ReasonWITSVIDCnfAlg: under the WIT-SVID profile cnf.jwk.alg is not one
	// of the nine RS/ES/PS algorithms (SPIFFE WIT-SVID standard, "cnf").
	ReasonWITSVIDCnfAlg Reason = "wit.svid_cnf_alg"
	// ReasonWITSVIDSub: under the WIT-SVID profile sub is not a SPIFFE ID
	// (spiffe://; SPIFFE WIT-SVID standard, "sub").
	ReasonWITSVIDSub Reason = "wit.svid_sub"
	// ReasonWITSVIDAud: under the WIT-SVID profile the claims carry aud, of
	// any value, null and [] included (SPIFFE WIT-SVID standard, "aud": MUST
	// NOT be present; the audience belongs in the proof of possession).
	ReasonWITSVIDAud Reason = "wit.svid_aud"
)

// Workload Proof Token reasons (draft-ietf-wimse-wpt-01 §3 and
// draft-ietf-wimse-wpt-02 §2, whose validation lists are the same but for
// the carriage and wpt-01's ath).
const (
	// ReasonWPTMissing: no WPT in the request.
	ReasonWPTMissing Reason = "wpt.missing"
	// ReasonWPTMultiple: more than one WPT field line, or more than one
	// Authorization field.
	ReasonWPTMultiple Reason = "wpt.multiple"
	// ReasonWPTOversized: the token exceeds Policy.MaxTokenSize.
	ReasonWPTOversized Reason = "wpt.oversized"
	// ReasonWPTMalformed: the value is not a single well-formed JWT, or the
	// Authorization credentials do not match "WPT" 1*SP token68.
	ReasonWPTMalformed Reason = "wpt.malformed"
	// ReasonWPTDuplicateMember: a JSON object repeats a member name.
	ReasonWPTDuplicateMember Reason = "wpt.duplicate_member"
	// ReasonWPTTyp: typ is missing or does not convey wpt+jwt.
	ReasonWPTTyp Reason = "wpt.typ"
	// ReasonWPTAlg: alg is missing, none, symmetric or not allowed.
	ReasonWPTAlg Reason = "wpt.alg"
	// ReasonWPTAlgMismatch: alg differs from the WIT's cnf.jwk.alg.
	ReasonWPTAlgMismatch Reason = "wpt.alg_mismatch"
	// ReasonWPTCrit: the header carries crit.
	ReasonWPTCrit Reason = "wpt.crit"
	// ReasonWPTHeaderKey: the header names its own key (jku, x5u, jwk, x5c).
	ReasonWPTHeaderKey Reason = "wpt.header_key"
	// ReasonWPTSignature: the signature does not verify with cnf.jwk.
	ReasonWPTSignature Reason = "wpt.signature"
	// ReasonWPTSignatureNonCanonical: the WPT is signed EdDSA or Ed25519 and
	// the S half of its signature is not below L: invalid (RFC 8032 §5.1.7),
	// although a verifier that reduces S would accept it.
	ReasonWPTSignatureNonCanonical Reason = "wpt.signature_non_canonical"
	// ReasonWPTClaimType: a registered claim has the wrong JSON type.
	ReasonWPTClaimType Reason = "wpt.claim_type"
	// ReasonWPTAudMissing: aud is absent (§3.1 "MUST contain").
	ReasonWPTAudMissing Reason = "wpt.aud_missing"
	// ReasonWPTAudMismatch: aud is not the configured audience for this
	// request.
	ReasonWPTAudMismatch Reason = "wpt.aud_mismatch"
	// ReasonWPTExpMissing: exp is absent.
	ReasonWPTExpMissing Reason = "wpt.exp_missing"
	// ReasonWPTExpired: exp has passed, beyond the allowed clock skew.
	ReasonWPTExpired Reason = "wpt.expired"
	// ReasonWPTExpTooFar: exp is unreasonably far in the future, beyond
	// Policy.MaxWPTLifetime (SHOULD).
	ReasonWPTExpTooFar Reason = "wpt.exp_too_far"
	// ReasonWPTNotYetValid: nbf or iat lies in the future beyond the skew.
	ReasonWPTNotYetValid Reason = "wpt.not_yet_valid"
	// ReasonWPTJTIMissing: jti is absent (§3.1 "MUST contain").
	ReasonWPTJTIMissing Reason = "wpt.jti_missing"
	// ReasonWPTReplayed: the (sub, jti) pair was already seen within its
	// validity window.
	ReasonWPTReplayed Reason = "wpt.replayed"
	// ReasonWPTWTHMissing: wth is absent.
	ReasonWPTWTHMissing Reason = "wpt.wth_missing"
	// ReasonWPTWTHMismatch: wth is not the hash of the WIT sent.
	ReasonWPTWTHMismatch Reason = "wpt.wth_mismatch"
	// ReasonWPTATHMissing: wpt-01 only: an access token is present but ath is absent.
	ReasonWPTATHMissing Reason = "wpt.ath_missing"
	// ReasonWPTATHMismatch: wpt-01 only: ath is not the hash of the access token.
	ReasonWPTATHMismatch Reason = "wpt.ath_mismatch"
	// ReasonWPTTTHMissing: a Txn-Token is present but tth is absent.
	ReasonWPTTTHMissing Reason = "wpt.tth_missing"
	// ReasonWPTTTHMismatch: tth is not the hash of the Txn-Token, or tth is
	// present without a Txn-Token.
	ReasonWPTTTHMismatch Reason = "wpt.tth_mismatch"
	// ReasonWPTOTHMissing: a configured context token is present but oth has
	// no entry for it.
	ReasonWPTOTHMissing Reason = "wpt.oth_missing"
	// ReasonWPTOTHMismatch: an oth entry does not match its header, or names
	// a header that is absent or repeated.
	ReasonWPTOTHMismatch Reason = "wpt.oth_mismatch"
	// ReasonWPTOTHUnknown: oth has an entry the receiver does not understand.
	ReasonWPTOTHUnknown Reason = "wpt.oth_unknown"
)

// Mutual TLS reasons: draft-ietf-wimse-mutual-tls-03 (and issue #335) with
// the Workload Identity Certificate profile of
// draft-ietf-wimse-workload-creds-02 §6.1. TLS has no HTTP
// status: a peer that fails one of these checks fails the handshake (a
// bad_certificate alert) and the reference server logs the reason; only
// profiles/mtls.Middleware answers 400 with one of them, for a request that
// reaches it without a verified peer (for example over plain HTTP).
const (
	// ReasonMTLSNoCertificate: the peer sent no certificate, or the request
	// did not arrive over TLS; a server that authorises clients by WIC
	// requires client-certificate authentication.
	ReasonMTLSNoCertificate Reason = "mtls.no_certificate"
	// ReasonMTLSURISAN: the leaf has no URI SubjectAltName, or more than one;
	// a WIC carries its Workload Identifier in exactly one URI SAN
	// (creds-02 §6.1; X509-SVID §2).
	ReasonMTLSURISAN Reason = "mtls.uri_san"
	// ReasonMTLSIdentifier: the URI SAN is not a valid, canonical Workload
	// Identifier; it is rejected, never repaired (creds-02 §6.1).
	ReasonMTLSIdentifier Reason = "mtls.identifier"
	// ReasonMTLSTrustDomain: the identifier's trust domain has no X.509 trust
	// anchors configured, or is not the trust domain expected for this peer
	// (mutual-tls-03: the trust domain of the identifier in the certificate
	// is the one expected for the peer).
	ReasonMTLSTrustDomain Reason = "mtls.trust_domain"
	// ReasonMTLSExpired: the leaf, or a certificate of its chain, is past its
	// notAfter (RFC 5280 §6.1.3).
	ReasonMTLSExpired Reason = "mtls.expired"
	// ReasonMTLSNotYetValid: the leaf, or a certificate of its chain, is
	// before its notBefore (RFC 5280 §6.1.3).
	ReasonMTLSNotYetValid Reason = "mtls.not_yet_valid"
	// ReasonMTLSChain: the chain does not validate to the trust anchors of the
	// trust domain of the leaf's identifier, and of no other (issue
	// #335), or breaks another RFC 5280 path-validation rule.
	ReasonMTLSChain Reason = "mtls.chain"
	// ReasonMTLSEKU: the leaf (or a CA of its chain) has an extended key
	// usage extension without id-kp-clientAuth for a client or
	// id-kp-serverAuth for a server (RFC 5280 §4.2.1.12); a leaf
	// without the extension is accepted.
	ReasonMTLSEKU Reason = "mtls.eku"
	// ReasonMTLSKeyUsage: the leaf is a CA certificate, may sign certificates
	// or CRLs, or has a key usage extension without digitalSignature
	// (X509-SVID §4.3, RFC 8446 §4.4.2.2).
	ReasonMTLSKeyUsage Reason = "mtls.key_usage"
	// ReasonMTLSPeerIdentity: the peer's identifier is not the one expected
	// (exact match of the whole identifier) or the configured
	// authorizer denied it.
	ReasonMTLSPeerIdentity Reason = "mtls.peer_identity"
	// ReasonMTLSDNSID: the client connected by DNS name and the server
	// certificate has no matching DNS-ID (RFC 9525 §6.3).
	ReasonMTLSDNSID Reason = "mtls.dns_id"
)

// HTTP Message Signatures profile reasons (draft-ietf-wimse-http-signature-06
// §3 and -07 §3). The profile
// answers every one of them with 400 (no challenge: -07 §3.6).
const (
	// ReasonHTTPSigMissing: no signature tagged wimse-workload-to-workload.
	ReasonHTTPSigMissing Reason = "httpsig.missing"
	// ReasonHTTPSigMultiple: two or more signatures carry the WIMSE tag (-07 MUST reject).
	ReasonHTTPSigMultiple Reason = "httpsig.multiple"
	// ReasonHTTPSigMalformed: Signature or Signature-Input does not parse
	// (RFC 9421 §4), a label is in only one of them, or a parameter has the
	// wrong type.
	ReasonHTTPSigMalformed Reason = "httpsig.malformed"
	// ReasonHTTPSigParamMissing: created, expires, nonce, tag or wimse-aud
	// is absent.
	ReasonHTTPSigParamMissing Reason = "httpsig.param_missing"
	// ReasonHTTPSigParamForbidden: keyid or alg is present (MUST NOT).
	ReasonHTTPSigParamForbidden Reason = "httpsig.param_forbidden"
	// ReasonHTTPSigComponentMissing: a required component is not covered:
	// @method, @path and @query (-07) or @request-target (-06), or a present
	// content-type, content-digest, authorization, txn-token or
	// workload-identity-token field.
	ReasonHTTPSigComponentMissing Reason = "httpsig.component_missing"
	// ReasonHTTPSigRevision: the covered components are those of a revision
	// the policy does not accept (-06 §3 covers @request-target, -07 §3.2
	// @path and @query).
	ReasonHTTPSigRevision Reason = "httpsig.revision"
	// ReasonHTTPSigDigestMissing: the message has a body but no Content-Digest.
	ReasonHTTPSigDigestMissing Reason = "httpsig.digest_missing"
	// ReasonHTTPSigDigestMismatch: Content-Digest does not match the body
	// received, or names no supported algorithm (RFC 9530).
	ReasonHTTPSigDigestMismatch Reason = "httpsig.digest_mismatch"
	// ReasonHTTPSigSignature: the signature does not verify with the WIT's
	// cnf.jwk and cnf.jwk.alg, or a covered component cannot be derived.
	ReasonHTTPSigSignature Reason = "httpsig.signature"
	// ReasonHTTPSigSignatureNonCanonical: cnf.jwk.alg is EdDSA or Ed25519 and
	// the S half of the message signature is not below L: invalid (RFC 8032
	// §5.1.7), although a verifier that reduces S would accept it.
	ReasonHTTPSigSignatureNonCanonical Reason = "httpsig.signature_non_canonical"
	// ReasonHTTPSigExpired: expires has passed, beyond the clock skew.
	ReasonHTTPSigExpired Reason = "httpsig.expired"
	// ReasonHTTPSigNotYetValid: created lies in the future beyond the skew
	// (the drafts do not address it: this implementation's choice).
	ReasonHTTPSigNotYetValid Reason = "httpsig.not_yet_valid"
	// ReasonHTTPSigLifetime: expires is not after created, or lies further
	// ahead than Policy.MaxWPTLifetime ("tight, minutes": -07 §3.4, SHOULD).
	ReasonHTTPSigLifetime Reason = "httpsig.lifetime"
	// ReasonHTTPSigAudMismatch: wimse-aud is not the configured audience of
	// this receiver (never derived from Host).
	ReasonHTTPSigAudMismatch Reason = "httpsig.aud_mismatch"
	// ReasonHTTPSigReplayed: the nonce was already seen (SHOULD).
	ReasonHTTPSigReplayed Reason = "httpsig.replayed"
	// ReasonHTTPSigResponseUnsigned: the client sent wimse-sign-response and
	// the response carries no valid WIMSE signature (-07 §3.5 MUST reject).
	ReasonHTTPSigResponseUnsigned Reason = "httpsig.response_unsigned"
	// ReasonHTTPSigReqNonce: a signed response lacks wimse-req-nonce or it is
	// not the request's nonce (-07 §3.5 MUST).
	ReasonHTTPSigReqNonce Reason = "httpsig.req_nonce"
	// ReasonHTTPSigCannotSign: a signed response is required and the server
	// cannot sign (-07 §3.6: 400 or 501 SHOULD); the reference server answers 501.
	ReasonHTTPSigCannotSign Reason = "httpsig.cannot_sign_response"
	// ReasonHTTPSigResponderIdentity: a signed response verified, but its
	// signer (the sub of the response's WIT) is not the responder the client
	// expects (httpsig.Transport.Responder denied it): an intermediary holding
	// a trusted WIT of its own cannot answer for the server (-07 §3.5, §4:
	// the response signature authenticates the responder).
	ReasonHTTPSigResponderIdentity Reason = "httpsig.responder_identity"
)

// Access token reasons (RFC 9068 JWT access tokens, tokens/accesstoken:
// the header and claims of §2, the validation steps of §4).
const (
	// ReasonAccessTokenOversized: the token exceeds Policy.MaxTokenSize.
	ReasonAccessTokenOversized Reason = "accesstoken.oversized"
	// ReasonAccessTokenMalformed: not three base64url segments of JSON
	// objects (RFC 7515 §7.1, RFC 7519 §7.2).
	ReasonAccessTokenMalformed Reason = "accesstoken.malformed"
	// ReasonAccessTokenDuplicateMember: a JSON object in the header or
	// claims repeats a member name (RFC 7515 §5.2, RFC 7519 §4).
	ReasonAccessTokenDuplicateMember Reason = "accesstoken.duplicate_member"
	// ReasonAccessTokenTyp: typ is missing or is neither at+jwt nor
	// application/at+jwt (RFC 9068 §2.1, §4 step 1).
	ReasonAccessTokenTyp Reason = "accesstoken.typ"
	// ReasonAccessTokenAlg: alg is missing, none, symmetric, not allowed by
	// the policy or the issuer's anchors (RFC 9068 §4 step 5, RFC 8725
	// §3.1).
	ReasonAccessTokenAlg Reason = "accesstoken.alg"
	// ReasonAccessTokenCrit: the header carries crit, which we never
	// understand (RFC 7515 §4.1.11).
	ReasonAccessTokenCrit Reason = "accesstoken.crit"
	// ReasonAccessTokenHeaderKey: the header names its own key (jku, x5u,
	// jwk, x5c); the keys are the issuer's, from configuration (RFC 9068 §4
	// step 5, RFC 8725 §3.10).
	ReasonAccessTokenHeaderKey Reason = "accesstoken.header_key"
	// ReasonAccessTokenKeyUnknown: no key of the issuer matches kid, or kid
	// is absent and the issuer has several keys.
	ReasonAccessTokenKeyUnknown Reason = "accesstoken.key_unknown"
	// ReasonAccessTokenSignature: the signature does not verify with the
	// issuer's key, or that key does not fit alg (RFC 9068 §4 step 5).
	ReasonAccessTokenSignature Reason = "accesstoken.signature"
	// ReasonAccessTokenClaimType: a claim has the wrong JSON type (iss, sub,
	// client_id, jti and acr strings; exp, iat, nbf and auth_time
	// NumericDates; aud a string or an array of strings; scope a string, RFC
	// 8693 §4.2; act, may_act and cnf objects).
	ReasonAccessTokenClaimType Reason = "accesstoken.claim_type"
	// ReasonAccessTokenIssMissing: iss is absent (RFC 9068 §2.2 REQUIRED).
	ReasonAccessTokenIssMissing Reason = "accesstoken.iss_missing"
	// ReasonAccessTokenIssuer: iss is not exactly the identifier of a
	// trusted authorization server (RFC 9068 §4 step 3).
	ReasonAccessTokenIssuer Reason = "accesstoken.issuer"
	// ReasonAccessTokenSubMissing: sub is absent or empty (RFC 9068 §2.2
	// REQUIRED).
	ReasonAccessTokenSubMissing Reason = "accesstoken.sub_missing"
	// ReasonAccessTokenAudMissing: aud is absent or empty (RFC 9068 §2.2
	// REQUIRED).
	ReasonAccessTokenAudMissing Reason = "accesstoken.aud_missing"
	// ReasonAccessTokenAudMismatch: aud names none of the receiver's
	// configured audiences (RFC 9068 §4 step 4, RFC 8707 §2).
	ReasonAccessTokenAudMismatch Reason = "accesstoken.aud_mismatch"
	// ReasonAccessTokenExpMissing: exp is absent (RFC 9068 §2.2 REQUIRED).
	ReasonAccessTokenExpMissing Reason = "accesstoken.exp_missing"
	// ReasonAccessTokenExpired: exp has passed, beyond the allowed clock
	// skew (RFC 9068 §4 step 6).
	ReasonAccessTokenExpired Reason = "accesstoken.expired"
	// ReasonAccessTokenNotYetValid: nbf, iat or auth_time lies in the future
	// beyond the skew (RFC 7519 §4.1.5).
	ReasonAccessTokenNotYetValid Reason = "accesstoken.not_yet_valid"
	// ReasonAccessTokenIatMissing: iat is absent (RFC 9068 §2.2 REQUIRED).
	ReasonAccessTokenIatMissing Reason = "accesstoken.iat_missing"
	// ReasonAccessTokenLifetime: exp - iat exceeds the receiver's maximum
	// access token lifetime (accesstoken.Verifier.MaxLifetime; RFC 9068
	// sets no number: a receiver's choice), or exp is not after iat.
	ReasonAccessTokenLifetime Reason = "accesstoken.lifetime"
	// ReasonAccessTokenJTIMissing: jti is absent or empty (RFC 9068 §2.2
	// REQUIRED).
	ReasonAccessTokenJTIMissing Reason = "accesstoken.jti_missing"
	// ReasonAccessTokenClientIDMissing: client_id is absent or empty (RFC
	// 9068 §2.2 REQUIRED, RFC 8693 §4.3).
	ReasonAccessTokenClientIDMissing Reason = "accesstoken.client_id_missing"
)

// Delegation claim reasons: act and may_act (RFC 8693 §4.1, §4.4), in any
// token that carries them (tokens/delegation).
const (
	// ReasonActMalformed: act, or an actor nested in it, is not a JSON object
	// with unique members, or its sub, iss or act member has the wrong type
	// (RFC 8693 §4.1).
	ReasonActMalformed Reason = "act.malformed"
	// ReasonActSubMissing: an actor has no sub, or an empty one: the actor
	// cannot be identified (RFC 8693 §4.1; this module requires sub).
	ReasonActSubMissing Reason = "act.sub_missing"
	// ReasonActForbiddenMember: an actor carries exp, nbf or aud, which RFC
	// 8693 §4.1 says are meaningless inside act and SHOULD NOT be used: they
	// are rejected, never read as the token's own.
	ReasonActForbiddenMember Reason = "act.forbidden_member"
	// ReasonActTooDeep: the chain nests more actors than the receiver's
	// limit (delegation.MaxDepth by default); it is rejected, never
	// truncated.
	ReasonActTooDeep Reason = "act.too_deep"
	// ReasonMayActMalformed: may_act is not a JSON object with unique
	// members, or its sub or iss member has the wrong type (RFC 8693 §4.4).
	ReasonMayActMalformed Reason = "may_act.malformed"
	// ReasonMayActSubMissing: may_act has no sub, or an empty one: the
	// authorized actor cannot be matched (RFC 8693 §4.4; this module
	// matches by sub and, when present, iss).
	ReasonMayActSubMissing Reason = "may_act.sub_missing"
	// ReasonMayActForbiddenMember: may_act carries exp, nbf, aud (meaningless
	// in an identity, RFC 8693 §4.4) or a nested act (may_act names one
	// party, not a chain).
	ReasonMayActForbiddenMember Reason = "may_act.forbidden_member"
	// ReasonMayActMismatch: the actor is not the party may_act names (its
	// sub differs, or may_act has iss and the actor's iss differs): it may
	// not act for the subject (RFC 8693 §4.4).
	ReasonMayActMismatch Reason = "may_act.mismatch"
)

// Scope reasons (RFC 6749 §3.3; the scope claim of RFC 8693 §4.2;
// tokens/scope).
const (
	// ReasonScopeMalformed: the scope is not scope-tokens separated by single
	// spaces (RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )):
	// empty, a leading, trailing or doubled space, or another character.
	ReasonScopeMalformed Reason = "scope.malformed"
	// ReasonScopeDuplicate: the scope lists one scope-token twice (RFC 6749
	// §3.3 defines a set; a repeat is refused, not merged).
	ReasonScopeDuplicate Reason = "scope.duplicate"
	// ReasonScopeExceeds: the requested scope is not a subset of the scope
	// granted: an exchange only narrows (RFC 6749 §3.3, RFC 8693 §2.1;
	// invalid_scope at a token endpoint).
	ReasonScopeExceeds Reason = "scope.exceeds"
)

// Token exchange policy reasons: the reference STS's authorization of an
// exchange (RFC 8693 §2.1, §5: "who may exchange which subject token for
// which target"; interop/sts/policy). Each denial names the rule it came
// from; the OAuth error code a token endpoint answers is given per reason.
const (
	// ReasonPolicyMalformed: the policy file is not a valid policy: not one
	// JSON object, an unknown or repeated member, or an invalid value (the
	// detail names the rule index and field).
	ReasonPolicyMalformed Reason = "policy.malformed"
	// ReasonPolicyNoRule: no rule names the client (and its authentication
	// method): denied by default (unauthorized_client, RFC 6749 §5.2).
	ReasonPolicyNoRule Reason = "policy.no_rule"
	// ReasonPolicySubject: the subject token's issuer or type is not one the
	// client may present (invalid_request, RFC 8693 §2.2.2: a subject token
	// unacceptable by policy).
	ReasonPolicySubject Reason = "policy.subject"
	// ReasonPolicyDelegation: the request names an actor (RFC 8693 §1.1
	// delegation) and no rule lets the client act for others, or not with an
	// actor token of that issuer (invalid_request, RFC 8693 §2.2.2).
	ReasonPolicyDelegation Reason = "policy.delegation"
	// ReasonPolicyImpersonation: the subject is not the client and no actor
	// is named (RFC 8693 §1.1 impersonation), which no rule permits the
	// client (invalid_request, RFC 8693 §2.2.2).
	ReasonPolicyImpersonation Reason = "policy.impersonation"
	// ReasonPolicyTarget: a requested resource or audience is malformed or
	// not permitted, none is named, or too many are (invalid_target, RFC
	// 8693 §2.2.2, RFC 8707 §2).
	ReasonPolicyTarget Reason = "policy.target"
	// ReasonPolicyScope: the requested scope exceeds the rule's ceiling
	// (invalid_scope, RFC 6749 §5.2); the policy refuses rather than
	// silently narrowing.
	ReasonPolicyScope Reason = "policy.scope"
)

// Token endpoint reasons: the RFC 8693 token exchange handler
// (profiles/exchange.Handler). Each names the OAuth error code the endpoint
// answers (RFC 6749 §5.2, RFC 8693 §2.2.2, RFC 8707 §2).
const (
	// ReasonExchangeMethod: the token endpoint was called with a method other
	// than POST (RFC 6749 §3.2): 405 with invalid_request.
	ReasonExchangeMethod Reason = "exchange.method"
	// ReasonExchangeContentType: the body is not
	// application/x-www-form-urlencoded in UTF-8 (RFC 6749 §3.2, Appendix B;
	// RFC 8693 §2.1): invalid_request.
	ReasonExchangeContentType Reason = "exchange.content_type"
	// ReasonExchangeRequest: the form is not a token exchange request: a
	// required parameter is missing, a parameter other than resource and
	// audience is repeated, actor_token and actor_token_type do not come
	// together, or the body cannot be read (RFC 6749 §3.2, RFC 8693 §2.1):
	// invalid_request.
	ReasonExchangeRequest Reason = "exchange.request"
	// ReasonExchangeGrantType: grant_type is not token exchange (RFC 6749
	// §5.2): unsupported_grant_type.
	ReasonExchangeGrantType Reason = "exchange.grant_type"
	// ReasonExchangeResourceMalformed: a resource is not an absolute URI, or
	// has a fragment, or an audience is empty (RFC 8707 §2): invalid_target.
	ReasonExchangeResourceMalformed Reason = "exchange.resource_malformed"
	// ReasonExchangeTooManyTargets: the request names more resources and
	// audiences together than the endpoint issues one token for (RFC 8693
	// §2.1.1, RFC 8707 §3: one by default): invalid_target.
	ReasonExchangeTooManyTargets Reason = "exchange.too_many_targets"
	// ReasonExchangeTarget: the policy granted no audience for the request:
	// its targets are unknown or not permitted, or none was named and there
	// is no default (RFC 8693 §2.2.2, RFC 8707 §2): invalid_target.
	ReasonExchangeTarget Reason = "exchange.target"
	// ReasonExchangeClient: client authentication failed, or none was
	// presented where it is required (RFC 6749 §5.2, RFC 8693 §2.1):
	// invalid_client, 401 with WWW-Authenticate when the client used the
	// Authorization field.
	ReasonExchangeClient Reason = "exchange.client"
	// ReasonExchangeTokenType: subject_token_type or actor_token_type names a
	// token type the endpoint does not accept (RFC 8693 §2.2.2):
	// invalid_request.
	ReasonExchangeTokenType Reason = "exchange.token_type"
	// ReasonExchangeRequestedTokenType: requested_token_type names a type the
	// endpoint does not issue (RFC 8693 §2.2.2): invalid_request.
	ReasonExchangeRequestedTokenType Reason = "exchange.requested_token_type"
	// ReasonExchangeProofMissing: a WIT was presented as a subject or actor
	// token without proof that the caller holds its key: no
	// Workload-Proof-Token for the token endpoint and no client
	// authentication with that key (draft-ietf-wimse-workload-creds-02 §5.1:
	// a WIT is never accepted alone): invalid_request.
	ReasonExchangeProofMissing Reason = "exchange.proof_missing"
	// ReasonExchangeActorDelegated: the actor token itself carries act: the
	// actor would be a party acting for another, which this endpoint does
	// not chain from the actor side (RFC 8693 §4.1): invalid_request.
	ReasonExchangeActorDelegated Reason = "exchange.actor_delegated"
	// ReasonExchangeDenied: no policy authorizes exchanges (the handler has
	// no Authorizer): unauthorized_client, default deny.
	ReasonExchangeDenied Reason = "exchange.denied"
	// ReasonExchangeDelegation: an actor token was sent and the policy's
	// grant does not allow delegation (RFC 8693 §1.1, §2.2.2):
	// invalid_request.
	ReasonExchangeDelegation Reason = "exchange.delegation"
	// ReasonExchangeImpersonation: no actor token was sent, the subject is
	// not the client, and the policy's grant does not allow impersonation
	// (RFC 8693 §1.1, §2.2.2): invalid_request.
	ReasonExchangeImpersonation Reason = "exchange.impersonation"
	// ReasonExchangeLifetime: the issued token would have no lifetime left:
	// the subject or actor token expires within the second (a token never
	// outlives its inputs, RFC 8693 §5): invalid_request.
	ReasonExchangeLifetime Reason = "exchange.lifetime"
)

// Confirmation reasons: the cnf claim of sender-constrained access tokens
// (RFC 7800 §3; jwk, RFC 9449 §6.1 jkt, RFC 8705 §3.1 x5t#S256;
// tokens/confirmation).
const (
	// ReasonCnfMalformed: cnf is not a JSON object with unique members, or
	// its method's value is malformed: jkt or x5t#S256 not the unpadded
	// base64url of 32 bytes (RFC 9449 §6.1, RFC 8705 §3.1), jwk not a public
	// key of a supported type (RFC 7800 §3.2).
	ReasonCnfMalformed Reason = "cnf.malformed"
	// ReasonCnfAmbiguous: cnf holds more than one confirmation method; it
	// represents one proof-of-possession key (RFC 7800 §3.1), and two leave
	// receivers to disagree on which one.
	ReasonCnfAmbiguous Reason = "cnf.ambiguous"
	// ReasonCnfMethod: cnf holds no confirmation method this module
	// implements (jwk, jkt, x5t#S256): empty, or only kid, jku, jwe or an
	// unknown member.
	ReasonCnfMethod Reason = "cnf.method"
	// ReasonCnfMissing: proof of possession was presented, or is required,
	// but the token has no cnf: it is not sender-constrained (RFC 9449
	// §7.1, RFC 8705 §3).
	ReasonCnfMissing Reason = "cnf.missing"
	// ReasonCnfUnconfirmed: the token has cnf but was presented without a
	// proof of possession (a DPoP-bound token sent as Bearer, RFC 9449
	// §7.2; a certificate-bound token without mutual TLS, RFC 8705 §3).
	ReasonCnfUnconfirmed Reason = "cnf.unconfirmed"
	// ReasonCnfMismatch: the presented key or certificate is not the one cnf
	// names: jkt is not its JWK SHA-256 thumbprint (RFC 9449 §7.1, RFC 7638),
	// x5t#S256 not the hash of the client certificate (RFC 8705 §3.1), jwk
	// another key (RFC 7800 §3.2), or the method does not fit the proof.
	ReasonCnfMismatch Reason = "cnf.mismatch"
)

// JWT assertion reasons: RFC 7523 JWTs used as authorization grants (§2.1)
// and for client authentication (§2.2), with RFC 7521 and
// draft-ietf-oauth-rfc7523bis, and JWT-SVIDs used as client assertions
// (draft-ietf-oauth-spiffe-client-auth-02 §3.1). A token endpoint answers
// them with invalid_grant for a grant (RFC 7523 §3.1) and invalid_client
// for a client assertion (RFC 7523 §3.2).
const (
	// ReasonJWTGrantOversized: the assertion exceeds Policy.MaxTokenSize.
	ReasonJWTGrantOversized Reason = "jwtgrant.oversized"
	// ReasonJWTGrantMalformed: not a single JWS in compact serialization of
	// JSON objects (RFC 7523 §2.1, §2.2: a single JWT; RFC 7519 §7.2).
	ReasonJWTGrantMalformed Reason = "jwtgrant.malformed"
	// ReasonJWTGrantDuplicateMember: a JSON object in the header or claims
	// repeats a member name (RFC 7515 §5.2, RFC 7519 §4).
	ReasonJWTGrantDuplicateMember Reason = "jwtgrant.duplicate_member"
	// ReasonJWTGrantTyp: typ is not one this use accepts: absent, JWT or
	// client-authentication+jwt for a client assertion (rfc7523bis: untyped
	// is NOT RECOMMENDED to reject), absent or JWT for a grant unless a
	// profile requires its own typ, absent, JWT or JOSE for a JWT-SVID
	// (SPIFFE JWT-SVID §2); RFC 8725 §3.11.
	ReasonJWTGrantTyp Reason = "jwtgrant.typ"
	// ReasonJWTGrantAlg: alg is missing, none, symmetric, not allowed, or does
	// not fit the issuer's key (RFC 7523 §3 item 9, RFC 8725 §3.1; JWT-SVIDs:
	// RS, ES and PS only).
	ReasonJWTGrantAlg Reason = "jwtgrant.alg"
	// ReasonJWTGrantCrit: the header carries crit, which is never understood
	// (RFC 7515 §4.1.11).
	ReasonJWTGrantCrit Reason = "jwtgrant.crit"
	// ReasonJWTGrantHeaderKey: the header names its own key (jku, x5u, jwk,
	// x5c); keys come only from configuration (RFC 8725 §3.10).
	ReasonJWTGrantHeaderKey Reason = "jwtgrant.header_key"
	// ReasonJWTGrantIssuerUnknown: no keys are configured for iss (RFC 7523
	// §3 item 9: signed by the issuer, with keys agreed out of band, §5).
	ReasonJWTGrantIssuerUnknown Reason = "jwtgrant.issuer_unknown"
	// ReasonJWTGrantTrustDomain: the trust domain of a JWT-SVID's sub has no
	// JWT bundle (spiffe-client-auth-02 §3.1, §6: keys per trust domain).
	ReasonJWTGrantTrustDomain Reason = "jwtgrant.trust_domain"
	// ReasonJWTGrantKeyUnknown: no configured key of the issuer has the
	// header's kid, or the header has no kid and the issuer has several keys
	// (a JWT-SVID must have a kid: SPIFFE JWT-SVID §2).
	ReasonJWTGrantKeyUnknown Reason = "jwtgrant.key_unknown"
	// ReasonJWTGrantSignature: the signature does not verify with the
	// issuer's key (RFC 7523 §3 item 9).
	ReasonJWTGrantSignature Reason = "jwtgrant.signature"
	// ReasonJWTGrantClaimType: a registered claim has the wrong JSON type
	// (RFC 7519 §4.1).
	ReasonJWTGrantClaimType Reason = "jwtgrant.claim_type"
	// ReasonJWTGrantIssMissing: iss is absent or empty (RFC 7523 §3 item 1).
	ReasonJWTGrantIssMissing Reason = "jwtgrant.iss_missing"
	// ReasonJWTGrantSubMissing: sub is absent or empty (RFC 7523 §3 item 2;
	// spiffe-client-auth-02 §3.1).
	ReasonJWTGrantSubMissing Reason = "jwtgrant.sub_missing"
	// ReasonJWTGrantSubInvalid: a JWT-SVID's sub is not a SPIFFE ID of a
	// workload (spiffe-client-auth-02 §3.1; SPIFFE JWT-SVID §3).
	ReasonJWTGrantSubInvalid Reason = "jwtgrant.sub_invalid"
	// ReasonJWTGrantIssSubMismatch: a client assertion's iss and sub are not
	// the same client_id (RFC 7521 §5.2, RFC 7523 §3 item 2).
	ReasonJWTGrantIssSubMismatch Reason = "jwtgrant.iss_sub_mismatch"
	// ReasonJWTGrantClientIDMismatch: the client_id request parameter does
	// not identify the client the assertion authenticates (RFC 7521 §4.2;
	// spiffe-client-auth-02 §3.1: the SPIFFE ID).
	ReasonJWTGrantClientIDMismatch Reason = "jwtgrant.client_id_mismatch"
	// ReasonJWTGrantAudMissing: aud is absent (RFC 7523 §3 item 3).
	ReasonJWTGrantAudMissing Reason = "jwtgrant.aud_missing"
	// ReasonJWTGrantAudMismatch: aud does not identify this authorization
	// server: for a client assertion or JWT-SVID it is not the issuer
	// identifier (rfc7523bis: the token endpoint URL MUST NOT be used),
	// for a grant not the issuer identifier nor a configured alias (RFC 7523
	// §3 item 3).
	ReasonJWTGrantAudMismatch Reason = "jwtgrant.aud_mismatch"
	// ReasonJWTGrantAudMultiple: aud has more than one value; rfc7523bis
	// requires the issuer identifier as the sole audience of a client
	// assertion (spiffe-client-auth-02 §3.1 likewise), and this
	// implementation extends the rule to grants (identity-chaining-17 §2.3.3
	// RECOMMENDS a single audience).
	ReasonJWTGrantAudMultiple Reason = "jwtgrant.aud_multiple"
	// ReasonJWTGrantExpMissing: exp is absent (RFC 7523 §3 item 4).
	ReasonJWTGrantExpMissing Reason = "jwtgrant.exp_missing"
	// ReasonJWTGrantExpired: exp has passed, beyond the clock skew (RFC 7523
	// §3 item 4).
	ReasonJWTGrantExpired Reason = "jwtgrant.expired"
	// ReasonJWTGrantNotYetValid: nbf or iat lies in the future beyond the
	// clock skew (RFC 7523 §3 items 5 and 6).
	ReasonJWTGrantNotYetValid Reason = "jwtgrant.not_yet_valid"
	// ReasonJWTGrantLifetime: exp is further ahead than the verifier's
	// maximum lifetime, or exp - iat exceeds it (RFC 7523 §3 items 4 and 6:
	// the AS may reject an unreasonably far exp or old iat).
	ReasonJWTGrantLifetime Reason = "jwtgrant.lifetime"
	// ReasonJWTGrantJTIMissing: a client assertion has no jti (RFC 7523 §3
	// item 7 makes it optional; this implementation requires it so that
	// every client assertion is single-use).
	ReasonJWTGrantJTIMissing Reason = "jwtgrant.jti_missing"
	// ReasonJWTGrantReplayed: the (iss, jti) pair was already used within
	// its validity window (RFC 7523 §3 item 7).
	ReasonJWTGrantReplayed Reason = "jwtgrant.replayed"
)

// Request-level reasons, not about one credential.
const (
	// ReasonRequestMixedCarriage: a request carries both a wpt-01
	// Workload-Proof-Token field and a wpt-02 Authorization: WPT field (no
	// draft allows mixing them: wpt-02 §2 replaced the one by the other).
	ReasonRequestMixedCarriage Reason = "request.mixed_carriage"
	// ReasonRequestCarriageNotAccepted: the request uses a WPT carriage
	// (wpt-01 or wpt-02) that the receiver's policy does not accept.
	ReasonRequestCarriageNotAccepted Reason = "request.carriage_not_accepted"
	// ReasonRequestContextTokenMultiple: a context token field (Txn-Token or a
	// configured oth header) appears more than once.
	ReasonRequestContextTokenMultiple Reason = "request.context_token_multiple"
	// ReasonRequestMalformed: the HTTP request itself cannot be read.
	ReasonRequestMalformed Reason = "request.malformed"
	// ReasonRequestBodyTooLarge: the body of a request whose credentials
	// verified is larger than the receiver's limit (httpsig.Verifier.MaxBody,
	// `wimse serve --max-body`); it is refused with 413 (RFC 9110 §15.5.14)
	// before more than the limit is read. Receivers choose their limit: the
	// drafts set none.
	ReasonRequestBodyTooLarge Reason = "request.body_too_large"
	// ReasonRequestAuthorizationMalformed: wpt-01 only: the Authorization
	// field is not RFC 9110 §11.4 credentials (a token as auth-scheme, then
	// 1*SP and a token68 or auth-params: a tab or another separator after
	// the scheme is malformed), or Bearer or DPoP credentials (any case) are
	// not one token68 (RFC 6750 §2.1, RFC 9449 §7.1). The receiver cannot
	// tell which access token ath would have to bind, so it refuses the
	// request rather than ignore the field.
	ReasonRequestAuthorizationMalformed Reason = "request.authorization_malformed"
	// ReasonReplayCacheFull: the replay cache is full of unexpired entries;
	// the request is refused rather than risk accepting a replay.
	ReasonReplayCacheFull Reason = "server.replay_cache_full"
	// ReasonReplaySenderQuota: the sender (the sub of its WIT) already
	// holds its quota of unexpired replay-cache entries
	// (wimse.WithSenderQuota); that sender alone is refused, with 429,
	// until its own entries expire, so one identity cannot fill the cache
	// shared by every sender.
	ReasonReplaySenderQuota Reason = "server.replay_sender_quota"
	// ReasonInternal: an unexpected internal failure.
	ReasonInternal Reason = "server.internal"
)
