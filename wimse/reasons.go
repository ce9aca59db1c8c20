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

// DPoP reasons: proofs of possession of RFC 9449 (tokens/dpop), checked at
// the token endpoint (profiles/exchange). A token endpoint answers the
// dpop.nonce_* reasons with use_dpop_nonce (§8) and the others with
// invalid_dpop_proof (§5), both 400.
const (
	// ReasonDPoPMultiple: the request carries more than one DPoP header
	// field, or one with several values (RFC 9449 §4.3 check 1).
	ReasonDPoPMultiple Reason = "dpop.multiple"
	// ReasonDPoPOversized: the proof exceeds the verifier's size limit.
	ReasonDPoPOversized Reason = "dpop.oversized"
	// ReasonDPoPMalformed: not a single JWS in compact serialization of JSON
	// objects (RFC 9449 §4.3 check 2).
	ReasonDPoPMalformed Reason = "dpop.malformed"
	// ReasonDPoPDuplicateMember: a JSON object in the header or claims
	// repeats a member name (RFC 7515 §5.2, RFC 7519 §4).
	ReasonDPoPDuplicateMember Reason = "dpop.duplicate_member"
	// ReasonDPoPTyp: typ is absent or not exactly dpop+jwt (RFC 9449 §4.2,
	// §4.3 check 4).
	ReasonDPoPTyp Reason = "dpop.typ"
	// ReasonDPoPAlg: alg is absent, none, symmetric, not supported or not
	// on the verifier's allow-list (RFC 9449 §4.2, §4.3 check 5).
	ReasonDPoPAlg Reason = "dpop.alg"
	// ReasonDPoPCrit: the header carries crit, which is never understood
	// (RFC 7515 §4.1.11).
	ReasonDPoPCrit Reason = "dpop.crit"
	// ReasonDPoPHeaderKey: the header names a key by reference (jku, x5u,
	// x5c) besides or instead of jwk; the key comes only from jwk (RFC 9449
	// §4.2).
	ReasonDPoPHeaderKey Reason = "dpop.header_key"
	// ReasonDPoPJWK: jwk is absent or not a usable public key: not a JWK
	// object, an unsupported key type or curve, an RSA key below 2048 bits,
	// or an Ed25519 key of small order or not canonically encoded (RFC 9449
	// §4.2, §4.3 check 7).
	ReasonDPoPJWK Reason = "dpop.jwk"
	// ReasonDPoPJWKPrivate: jwk carries private key material, or is a
	// symmetric key (RFC 9449 §4.2, §4.3 check 7).
	ReasonDPoPJWKPrivate Reason = "dpop.jwk_private"
	// ReasonDPoPAlgMismatch: alg does not fit the jwk's key type or curve,
	// or differs from the jwk's own alg member (RFC 9449 §4.3 check 5).
	ReasonDPoPAlgMismatch Reason = "dpop.alg_mismatch"
	// ReasonDPoPSignature: the signature does not verify with jwk, or an
	// Ed25519 signature's S is not below L (RFC 9449 §4.3 check 6; RFC 8032
	// §5.1.7).
	ReasonDPoPSignature Reason = "dpop.signature"
	// ReasonDPoPClaimType: a claim has the wrong JSON type: jti, htm, htu,
	// ath or nonce not a string, iat not a NumericDate (RFC 9449 §4.2).
	ReasonDPoPClaimType Reason = "dpop.claim_type"
	// ReasonDPoPClaimMissing: jti, htm, htu or iat is absent or empty (RFC
	// 9449 §4.2, §4.3 check 3).
	ReasonDPoPClaimMissing Reason = "dpop.claim_missing"
	// ReasonDPoPHTMMismatch: htm is not the request's method (RFC 9449 §4.3
	// check 8; methods are case-sensitive, RFC 9110 §9.1).
	ReasonDPoPHTMMismatch Reason = "dpop.htm_mismatch"
	// ReasonDPoPHTUMismatch: htu, after RFC 3986 §6.2.2 and §6.2.3
	// normalization and without query and fragment, is not the request's
	// target URI (RFC 9449 §4.3 check 9), or is not an absolute http(s) URI.
	ReasonDPoPHTUMismatch Reason = "dpop.htu_mismatch"
	// ReasonDPoPIatStale: iat is older than the verifier's maximum age plus
	// the clock skew (RFC 9449 §4.3 check 11, §11.1).
	ReasonDPoPIatStale Reason = "dpop.iat_stale"
	// ReasonDPoPIatFuture: iat lies in the future beyond the clock skew (RFC
	// 9449 §4.3 check 11).
	ReasonDPoPIatFuture Reason = "dpop.iat_future"
	// ReasonDPoPATHMissing: an access token was presented and the proof has
	// no ath (RFC 9449 §4.3 check 12, §7.1).
	ReasonDPoPATHMissing Reason = "dpop.ath_missing"
	// ReasonDPoPATHMismatch: ath is not base64url(SHA-256) of the access
	// token presented (RFC 9449 §4.3 check 12, §7.1).
	ReasonDPoPATHMismatch Reason = "dpop.ath_mismatch"
	// ReasonDPoPNonceMissing: the server requires a nonce and the proof has
	// none (RFC 9449 §8: answered with use_dpop_nonce and a DPoP-Nonce).
	ReasonDPoPNonceMissing Reason = "dpop.nonce_missing"
	// ReasonDPoPNonceInvalid: the proof's nonce is not one the server issued
	// recently: stale, forged or malformed (RFC 9449 §4.3 check 10, §8:
	// answered with use_dpop_nonce and a fresh DPoP-Nonce).
	ReasonDPoPNonceInvalid Reason = "dpop.nonce_invalid"
	// ReasonDPoPReplayed: a proof with this jti was already accepted for this
	// key (jkt) within its acceptance window (RFC 9449 §11.1).
	ReasonDPoPReplayed Reason = "dpop.replayed"
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

// Attestation-based client authentication reasons
// (draft-ietf-oauth-attestation-based-client-auth-11, tokens/attestation):
// the OAuth-Client-Attestation and OAuth-Client-Attestation-PoP fields, the
// Client Attestation JWT (§4; a WIT-SVID's own failures keep their wit.*
// reasons) and the Client Attestation PoP JWT (§5.1), checked as §7.1 and
// §7.2 list. A token endpoint answers the attestation.challenge_* reasons
// with 400 use_attestation_challenge and a fresh
// OAuth-Client-Attestation-Challenge field (§6, §7.4), the others with
// invalid_client (§7.4 allows invalid_client_attestation "in addition";
// profiles/exchange sends the RFC 6749 code).
const (
	// ReasonAttestationMissing: the request has a PoP field but no
	// OAuth-Client-Attestation field (§7.1 step 1).
	ReasonAttestationMissing Reason = "attestation.missing"
	// ReasonAttestationMultiple: more than one OAuth-Client-Attestation
	// field, or one with several comma-separated values (§7.1 step 1).
	ReasonAttestationMultiple Reason = "attestation.multiple"
	// ReasonAttestationMalformed: the field value is not a token68 (§5.1,
	// RFC 9110 §11.2), or the attestation is not a JWS in compact
	// serialization of JSON objects with unique members, or is too large
	// (§4, RFC 7519).
	ReasonAttestationMalformed Reason = "attestation.malformed"
	// ReasonAttestationHeader: the attestation's header carries crit or
	// names a key by reference (jku, x5u, jwk, x5c), which this
	// implementation never follows (RFC 8725 §3.10).
	ReasonAttestationHeader Reason = "attestation.header"
	// ReasonAttestationTyp: typ is not oauth-client-attestation+jwt (§4,
	// §7.1 step 2).
	ReasonAttestationTyp Reason = "attestation.typ"
	// ReasonAttestationAlg: alg is absent, none, symmetric or not supported
	// (§7.1 step 3).
	ReasonAttestationAlg Reason = "attestation.alg"
	// ReasonAttestationKeyUnknown: no trusted attester key has the header's
	// kid (§7.1 step 4).
	ReasonAttestationKeyUnknown Reason = "attestation.key_unknown"
	// ReasonAttestationSignature: the signature does not verify with the
	// attester's key, or alg does not fit it (§7.1 step 4).
	ReasonAttestationSignature Reason = "attestation.signature"
	// ReasonAttestationClaimType: a claim has the wrong JSON type (sub not a
	// string, exp or iat not a NumericDate, cnf not an object) (RFC 7519).
	ReasonAttestationClaimType Reason = "attestation.claim_type"
	// ReasonAttestationSubMissing: sub is absent or empty (§4, §7.1 step 2).
	ReasonAttestationSubMissing Reason = "attestation.sub_missing"
	// ReasonAttestationExpMissing: exp is absent (§4, §7.1 step 2).
	ReasonAttestationExpMissing Reason = "attestation.exp_missing"
	// ReasonAttestationExpired: exp has passed beyond the clock skew (§4,
	// §7.1 step 6).
	ReasonAttestationExpired Reason = "attestation.expired"
	// ReasonAttestationNotYetValid: nbf or iat lies in the future beyond the
	// clock skew (§7.1 step 6, RFC 7519 §4.1.5).
	ReasonAttestationNotYetValid Reason = "attestation.not_yet_valid"
	// ReasonAttestationCnf: cnf is absent, has no jwk, or its jwk is not a
	// supported public key (a private key, a symmetric key, alg unfit for
	// the key) (§4, RFC 7800 §3.2, §7.1 step 5).
	ReasonAttestationCnf Reason = "attestation.cnf"
	// ReasonAttestationPoPMissing: an OAuth-Client-Attestation field came
	// without an OAuth-Client-Attestation-PoP field (§7 dispatch: combined
	// DPoP mode, attest_jwt_client_auth_dpop, is not supported).
	ReasonAttestationPoPMissing Reason = "attestation.pop_missing"
	// ReasonAttestationPoPMultiple: more than one
	// OAuth-Client-Attestation-PoP field, or one with several values (§7.2
	// step 1).
	ReasonAttestationPoPMultiple Reason = "attestation.pop_multiple"
	// ReasonAttestationPoPMalformed: the PoP field value is not a token68,
	// or the PoP is not a JWS in compact serialization of JSON objects with
	// unique members, or is too large (§5.1, RFC 7519).
	ReasonAttestationPoPMalformed Reason = "attestation.pop_malformed"
	// ReasonAttestationPoPHeader: the PoP header carries crit or names a key
	// by reference (jku, x5u, jwk, x5c): its key is the attestation's cnf
	// key, never one it names (§5.1).
	ReasonAttestationPoPHeader Reason = "attestation.pop_header"
	// ReasonAttestationPoPTyp: typ is not oauth-client-attestation-pop+jwt
	// (§5.1, §7.2 step 2).
	ReasonAttestationPoPTyp Reason = "attestation.pop_typ"
	// ReasonAttestationPoPAlg: alg is absent, none, symmetric, not supported
	// or not allowed by the verifier (§5.1: asymmetric only; §7.2 step 3).
	ReasonAttestationPoPAlg Reason = "attestation.pop_alg"
	// ReasonAttestationPoPAlgMismatch: alg is not the cnf.jwk's alg member,
	// or does not fit the cnf key's type or curve (§7.2 step 4; the WIT's
	// cnf.jwk.alg is the algorithm of every proof, workload-creds-02 §5.1).
	ReasonAttestationPoPAlgMismatch Reason = "attestation.pop_alg_mismatch"
	// ReasonAttestationPoPSignature: the signature does not verify with the
	// attestation's cnf key (§5.1, §7.2 step 4).
	ReasonAttestationPoPSignature Reason = "attestation.pop_signature"
	// ReasonAttestationPoPClaimType: a claim has the wrong JSON type (aud
	// not a string or array of strings, jti or challenge not a string, iat,
	// exp or nbf not a NumericDate) (RFC 7519).
	ReasonAttestationPoPClaimType Reason = "attestation.pop_claim_type"
	// ReasonAttestationPoPAudMissing: aud is absent (§5.1).
	ReasonAttestationPoPAudMissing Reason = "attestation.pop_aud_missing"
	// ReasonAttestationPoPAudMismatch: aud is not exactly the server's
	// issuer (or resource) identifier, or holds more than one value (§5.1:
	// one audience per PoP; §7.2 step 7).
	ReasonAttestationPoPAudMismatch Reason = "attestation.pop_aud_mismatch"
	// ReasonAttestationPoPJTIMissing: jti is absent or empty (§5.1).
	ReasonAttestationPoPJTIMissing Reason = "attestation.pop_jti_missing"
	// ReasonAttestationPoPIatMissing: iat is absent (§5.1, required since
	// -07).
	ReasonAttestationPoPIatMissing Reason = "attestation.pop_iat_missing"
	// ReasonAttestationPoPIatWindow: iat (or nbf) lies outside the
	// verifier's window: older than its maximum age, or in the future,
	// beyond the clock skew; or an exp the PoP carries has passed (§7.2
	// step 6, §12.1).
	ReasonAttestationPoPIatWindow Reason = "attestation.pop_iat_window"
	// ReasonAttestationPoPReplayed: a PoP with this jti was already accepted
	// from this client within the window (§7.2 step 8, §12.1).
	ReasonAttestationPoPReplayed Reason = "attestation.pop_replayed"
	// ReasonAttestationChallengeMissing: the server uses challenges and the
	// PoP has none (§6, §7.4: use_attestation_challenge).
	ReasonAttestationChallengeMissing Reason = "attestation.challenge_missing"
	// ReasonAttestationChallengeInvalid: the PoP's challenge is not one the
	// server issued, or no longer valid (§7.2 step 5, §7.4:
	// use_attestation_challenge).
	ReasonAttestationChallengeInvalid Reason = "attestation.challenge_invalid"
	// ReasonExchangeClientIDMismatch: the client_id parameter names another
	// client than the credential authenticated: the attestation's sub
	// (attestation-based-client-auth-11 §7.5) or the client certificate's
	// SPIFFE ID (spiffe-client-auth-02 §3.2): invalid_client.
	ReasonExchangeClientIDMismatch Reason = "exchange.client_id_mismatch"
	// ReasonExchangeClientCertificate: the verified TLS client certificate
	// does not identify a SPIFFE client: its identifier is not a spiffe://
	// ID (spiffe-client-auth-02 §3.2), or not a known client: invalid_client.
	ReasonExchangeClientCertificate Reason = "exchange.client_certificate"
	// ReasonExchangeX509Subject: a subject token of type
	// urn:ietf:params:oauth:token-type:mtls (the X.509-to-access-token
	// profile) is neither the literal mtls_client_certificate nor an x5c
	// chain whose leaf is the TLS client certificate, or the request came
	// without a verified client certificate (spiffe_x509): invalid_request.
	ReasonExchangeX509Subject Reason = "exchange.x509_subject"
	// ReasonExchangeAudienceRequired: the subject token is of type mtls and
	// the request names no audience, which that profile makes REQUIRED:
	// invalid_request.
	ReasonExchangeAudienceRequired Reason = "exchange.audience_required"
)

// Revocation and introspection reasons: the RFC 7009 revocation and RFC
// 7662 introspection endpoints of the reference STS (profiles/exchange),
// and the revocation check of the access tokens it reads back.
const (
	// ReasonRevocationTokenMissing: the revocation request has no token
	// parameter (RFC 7009 §2.1: REQUIRED): invalid_request.
	ReasonRevocationTokenMissing Reason = "revocation.token_missing"
	// ReasonRevocationUnsupportedTokenType: the token is a JWT whose typ is
	// not at+jwt: not an access token this server can revoke (RFC 7009
	// §2.2.1): unsupported_token_type.
	ReasonRevocationUnsupportedTokenType Reason = "revocation.unsupported_token_type"
	// ReasonRevocationClientMismatch: the token was issued to another client
	// (RFC 7009 §2.1: the server verifies that the token was issued to the
	// requesting client): the request is refused, the token stays valid.
	ReasonRevocationClientMismatch Reason = "revocation.client_mismatch"
	// ReasonRevocationRevoked: the access token's jti has been revoked (RFC
	// 7009 §2): refused as subject or actor token, inactive at
	// introspection (RFC 7662 §2.2).
	ReasonRevocationRevoked Reason = "revocation.revoked"
	// ReasonRevocationUnavailable: the revocation list cannot be read or
	// written, is full, or a revocation cannot be recorded: 503, and the
	// client must assume the token still exists (RFC 7009 §2.2.1).
	ReasonRevocationUnavailable Reason = "revocation.unavailable"
	// ReasonIntrospectionTokenMissing: the introspection request has no
	// token parameter (RFC 7662 §2.1: REQUIRED): invalid_request.
	ReasonIntrospectionTokenMissing Reason = "introspection.token_missing"
	// ReasonIntrospectionNotAllowed: the client may not learn about this
	// token (RFC 7662 §4: the server decides who may introspect which
	// token): answered {"active":false}.
	ReasonIntrospectionNotAllowed Reason = "introspection.not_allowed"
)

// Federated OIDC token reasons: ID tokens and platform JWTs from configured
// OpenID Connect issuers (workload identity federation), presented as
// subject or actor tokens (profiles/exchange OIDCValidator; OpenID Connect
// Core 1.0 §3.1.3.7, RFC 7519 §7.2, RFC 8725).
const (
	// ReasonOIDCOversized: the token exceeds Policy.MaxTokenSize.
	ReasonOIDCOversized Reason = "oidc.oversized"
	// ReasonOIDCMalformed: not three base64url segments of JSON objects
	// (RFC 7515 §7.1).
	ReasonOIDCMalformed Reason = "oidc.malformed"
	// ReasonOIDCDuplicateMember: a JSON object in the header or claims
	// repeats a member name (RFC 7515 §5.2, RFC 7519 §4).
	ReasonOIDCDuplicateMember Reason = "oidc.duplicate_member"
	// ReasonOIDCTyp: typ is present and not JWT: a token of another kind
	// (at+jwt, wit+jwt, ...) cannot pass as an ID token (RFC 8725 §3.11).
	ReasonOIDCTyp Reason = "oidc.typ"
	// ReasonOIDCAlg: alg is absent, none, symmetric or not on the issuer's
	// allow-list (RFC 8725 §3.1).
	ReasonOIDCAlg Reason = "oidc.alg"
	// ReasonOIDCCrit: the header carries crit, never understood (RFC 7515
	// §4.1.11).
	ReasonOIDCCrit Reason = "oidc.crit"
	// ReasonOIDCHeaderKey: the header names its own key (jku, x5u, jwk,
	// x5c); keys come only from configuration or discovery (RFC 8725 §3.10).
	ReasonOIDCHeaderKey Reason = "oidc.header_key"
	// ReasonOIDCIssuer: iss is absent, not a string, or not exactly a
	// configured issuer (OIDC Core §3.1.3.7 step 2); nothing is fetched for
	// it.
	ReasonOIDCIssuer Reason = "oidc.issuer"
	// ReasonOIDCKeyUnknown: no key of the issuer fits kid (after at most one
	// refetch per minimum interval), or the token has no kid and the issuer
	// more than one key.
	ReasonOIDCKeyUnknown Reason = "oidc.key_unknown"
	// ReasonOIDCSignature: the signature does not verify with the issuer's
	// key, or the key does not fit alg (OIDC Core §3.1.3.7 step 6).
	ReasonOIDCSignature Reason = "oidc.signature"
	// ReasonOIDCClaimType: a claim has the wrong JSON type (iss, sub, jti
	// not strings; exp, iat, nbf not NumericDates; aud neither a string nor
	// an array of strings).
	ReasonOIDCClaimType Reason = "oidc.claim_type"
	// ReasonOIDCSubMissing: sub is absent or empty (OIDC Core §2: REQUIRED).
	ReasonOIDCSubMissing Reason = "oidc.sub_missing"
	// ReasonOIDCAudMismatch: aud is absent or names none of the issuer's
	// accepted audiences (OIDC Core §3.1.3.7 step 3).
	ReasonOIDCAudMismatch Reason = "oidc.aud_mismatch"
	// ReasonOIDCExpMissing: exp is absent (OIDC Core §2: REQUIRED).
	ReasonOIDCExpMissing Reason = "oidc.exp_missing"
	// ReasonOIDCIatMissing: iat is absent (OIDC Core §2: REQUIRED).
	ReasonOIDCIatMissing Reason = "oidc.iat_missing"
	// ReasonOIDCExpired: exp has passed, beyond the clock skew (OIDC Core
	// §3.1.3.7 step 9).
	ReasonOIDCExpired Reason = "oidc.expired"
	// ReasonOIDCNotYetValid: nbf or iat lies in the future beyond the clock
	// skew (RFC 7519 §4.1.5).
	ReasonOIDCNotYetValid Reason = "oidc.not_yet_valid"
	// ReasonOIDCLifetime: exp - iat is not positive or exceeds the
	// validator's maximum lifetime (Google STS: under 48 hours; OIDC Core
	// §3.1.3.7 step 10 lets the client limit it).
	ReasonOIDCLifetime Reason = "oidc.lifetime"
	// ReasonOIDCFetch: the discovery document or JWK Set could not be
	// fetched (network failure, status other than 200): 503, retried no
	// sooner than the minimum refetch interval.
	ReasonOIDCFetch Reason = "oidc.fetch"
	// ReasonOIDCDiscoveryIssuer: the discovery document's issuer is not
	// exactly the configured issuer (OpenID Connect Discovery 1.0 §4.3:
	// MUST be identical): 503.
	ReasonOIDCDiscoveryIssuer Reason = "oidc.discovery_issuer"
	// ReasonOIDCJWKSURI: the discovery document's jwks_uri is absent or not
	// an https URL (OpenID Connect Discovery 1.0 §3: REQUIRED, https): 503.
	ReasonOIDCJWKSURI Reason = "oidc.jwks_uri"
	// ReasonOIDCDocumentOversized: the discovery document or JWK Set exceeds
	// the validator's size limit (bounded read): 503.
	ReasonOIDCDocumentOversized Reason = "oidc.document_oversized"
	// ReasonOIDCDocumentMalformed: the discovery document or JWK Set is not
	// a JSON object with unique members of the expected types, the JWK Set
	// holds a private key, repeats a kid or has no usable signing key: 503.
	ReasonOIDCDocumentMalformed Reason = "oidc.document_malformed"
)
