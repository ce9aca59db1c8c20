package vectors

// Requirement is one normative statement of a draft that vectors check.
type Requirement struct {
	ID string `json:"id"`
	// Doc is the draft, e.g. draft-ietf-wimse-wpt-02.
	Doc     string `json:"doc"`
	Section string `json:"section"`
	// Level is MUST, MUST NOT, SHOULD, SHOULD NOT or RECOMMENDED.
	Level string `json:"level"`
	// Text paraphrases the requirement.
	Text string `json:"text"`
}

// Requirement levels.
const (
	MUST       = "MUST"
	MUSTNOT    = "MUST NOT"
	SHOULD     = "SHOULD"
	SHOULDNOT  = "SHOULD NOT"
	RECOMMENDE = "RECOMMENDED"
)

const (
	docID    = "draft-ietf-wimse-identifier-03"
	docCreds = "draft-ietf-wimse-workload-creds-02"
	docWPT01 = "draft-ietf-wimse-wpt-01"
	docWPT02 = "draft-ietf-wimse-wpt-02"
	docSPIFF = "SPIFFE-ID"
	docJOSE  = "RFC 7515 / RFC 8725"
	docSig07 = "draft-ietf-wimse-http-signature-07"
	docSig06 = "draft-ietf-wimse-http-signature-06"
	docMTLS  = "draft-ietf-wimse-mutual-tls-03"
	docEdDSA = "RFC 8032"
	docPoP   = "RFC 7800"
	docJWK   = "RFC 7517"
)

// Requirements is the requirements table: every MUST and MUST NOT of
// identifier-03, workload-creds-02 (WIT part), wpt-01 and wpt-02 that a
// receiver can be tested on, plus the SHOULDs the suite checks under
// --strict. IDs are stable.
var Requirements = append([]Requirement{
	// Workload Identifier.
	{"ID-ABSOLUTE", docID, "3", MUST, "a Workload Identifier is an absolute URI"},
	{"ID-AUTHORITY", docID, "3", MUST, "the authority (trust domain) is non-empty"},
	{"ID-NO-QUERY-FRAGMENT", docID, "3", MUSTNOT, "no query and no fragment"},
	{"ID-NO-USERINFO-PORT", docID, "3", MUSTNOT, "no userinfo and no port"},
	{"ID-2048", docID, "3", MUST, "identifiers up to 2048 octets are handled"},
	{"ID-LIMIT", docID, "3", MUST, "parsers apply internal limits and do not exhaust memory on long input"},
	{"ID-NO-REPAIR", docID, "3", MUSTNOT, "a non-canonical identifier is rejected, never repaired or normalised"},
	{"ID-WIMSE-SCHEME", docID, "4", MUST, "the wimse scheme is the literal lowercase prefix wimse://"},
	{"ID-WIMSE-TD", docID, "4", MUST, "a wimse trust domain is lowercase [a-z0-9._-], without percent-encoding or a trailing dot"},
	{"ID-WIMSE-PATH", docID, "4", MUST, "a wimse path has at least one segment of unreserved characters; no empty, . or .. segment, no trailing slash, no percent-encoding"},
	{"ID-BYTE-COMPARE", docID, "4", MUST, "identifiers compare byte for byte in canonical form"},
	{"ID-SCHEME-KNOWN", docID, "3", MUST, "a consumer only accepts identifier schemes it is configured for"},
	{"ID-TD-NO-IP", docID, "3", MUSTNOT, "a trust domain is not an IP address, except for legacy compatibility (I10; a trust-policy matter, not a syntax rule)"},
	{"ID-SPIFFE", docSPIFF, "2", MUST, "spiffe:// identifiers follow the SPIFFE-ID rules (lowercase trust domain, [A-Za-z0-9._-] path segments, no dot segments)"},

	// WIT (creds-02 §5.1).
	{"WIT-SYNTAX", docCreds, "5.1.1", MUST, "the WIT is a JWS compact serialization of JSON objects (three base64url segments)"},
	{"WIT-TYP", docCreds, "5.1.1", MUST, "typ is wit+jwt (explicit typing, RFC 8725 §3.11)"},
	{"WIT-ALG", docCreds, "5.1.1", MUST, "alg is an asymmetric JWS algorithm allowed for the trust domain; none is forbidden"},
	{"WIT-SUB", docCreds, "5.1.2", MUST, "sub is present and is a valid Workload Identifier"},
	{"WIT-TRUST-DOMAIN", docCreds, "5.1.3", MUST, "the subject's trust domain is explicitly trusted"},
	{"WIT-KEY-SELECT", docCreds, "5.1.3", MUST, "the issuer key is selected from the trust domain's anchors (by kid); keys are never taken from the token"},
	{"WIT-TRUST-DOMAIN-KEYS", docCreds, "5.1.3", MUST, "the issuer key is an anchor of the subject's own trust domain: a key that another trusted trust domain publishes never verifies its WITs"},
	{"WIT-SIGNATURE", docCreds, "5.1.3", MUST, "the JWS signature verifies with the trust anchor"},
	{"WIT-EXP", docCreds, "5.1.2", MUST, "exp is present and not passed"},
	{"WIT-CNF", docCreds, "5.1.2", MUST, "cnf.jwk is present and holds a public key"},
	{"WIT-CNF-ALG", docCreds, "5.1.2", MUST, "cnf.jwk.alg is present and is neither none, symmetric nor an encryption algorithm"},
	{"WIT-CNF-ONE-KEY", docPoP, "3.1", MUST, "cnf represents a single proof-of-possession key: jwk beside another confirmation method (jkt, x5t#S256, ...) naming another key is rejected"},
	{"WIT-CNF-USE", docJWK, "4.2, 4.3", SHOULD, "a cnf.jwk whose use is not sig, or whose key_ops lacks verify, is designated for something else and does not verify proofs [inference: RFC 7517 states a key's intended use, not a rejection]"},
	{"WIT-UNKNOWN-CLAIMS", docCreds, "5.1.2", MUST, "claims the recipient does not understand are ignored"},
	{"WIT-ES256-MTI", docCreds, "5.1.2", MUST, "ES256 is supported as cnf.jwk.alg (mandatory to implement for general-purpose implementations)"},
	{"WIT-CLAIM-TYPES", docJOSE, "RFC 7519 4.1", MUST, "registered claims have their defined JSON types: exp, nbf, iat a NumericDate number; iss, sub a StringOrURI string; jti a string"},
	{"WIT-ISS-ALLOWLIST", docCreds, "5.1.2", MUST, "when issuers are configured, iss is on the allow-list"},
	{"WIT-NBF", docJOSE, "RFC 7519 4.1.5", MUST, "a token is not accepted before its nbf"},
	{"WIT-HEADER-KEYS", docJOSE, "RFC 8725 3.10", MUSTNOT, "jku, x5u, jwk and x5c in the header are not used to find the key"},
	{"JOSE-CRIT", docJOSE, "RFC 7515 4.1.11", MUST, "a crit header parameter that is not understood makes the JWS invalid"},
	{"JOSE-ALG-KEY", docJOSE, "RFC 7518 3.4; RFC 8725 3.1", MUST, "a JWS is verified under the algorithm its trust anchor is configured for, with a key that fits it (ES256, ES384 and ES512 are ECDSA on P-256, P-384 and P-521): an ES384 JWS made with an ES256 anchor's P-256 key is rejected"},
	{"JOSE-ED25519", docEdDSA, "5.1.3, 5.1.7", MUST, "Ed25519 decoding fails for a public key whose y is not reduced mod p (or x = 0 with the sign bit set) and a signature whose S is not below L: such a key or signature verifies nothing"},
	{"JOSE-DUPLICATE", docJOSE, "RFC 7515 5.2", MUST, "JSON with duplicate member names is rejected (or parsed consistently; this suite rejects)"},
	{"WIT-NOT-BEARER", docCreds, "5.1", MUSTNOT, "a WIT is never accepted without a proof of possession"},
	{"WIT-ONE-FIELD", docCreds, "5.1.1", MUST, "one Workload-Identity-Token field carries one WIT"},

	// WIT-SVID (SPIFFE standards/WIT-SVID.md, experimental branch), beyond
	// the WIT: section numbers of the standard, the implementation digest's
	// WIT-n in parentheses. The aud rule is the digest's WIT-12 and
	// go-spiffe witsvid's behaviour; the revision of the standard read for
	// the section numbers only permits additional claims (§3.8).
	{"WITSVID-KID", docWITSVID, "2.1", MUST, "a WIT-SVID carries a kid header parameter (WIT-1; stricter than the WIT and the JWT-SVID); a validator rejects one without, or with an empty kid"},
	{"WITSVID-TYP", docWITSVID, "2.2", MUST, "typ is present and set to wit+jwt (WIT-2); go-spiffe compares it byte for byte, so application/wit+jwt and WIT+JWT are rejected [inference: the standard says what an issuer sets]"},
	{"WITSVID-ALG", docWITSVID, "2.3", MUST, "alg is one of RS256, RS384, RS512, ES256, ES384, ES512, PS256, PS384, PS512; validators reject any other, EdDSA included (WIT-3)"},
	{"WITSVID-SUB", docWITSVID, "3.1", MUST, "sub is the SPIFFE ID of the workload (WIT-5): a wimse:// or other identifier is not a WIT-SVID subject"},
	{"WITSVID-CNF-ALG", docWITSVID, "3.2", MUST, "cnf.jwk.alg is one of the nine RS/ES/PS algorithms of §2.3 (WIT-6): an EdDSA confirmation key is refused"},
	{"WITSVID-NO-AUD", docWITSVID, "3 (aud)", MUSTNOT, "aud is not present in a WIT-SVID, whatever its value: the audience belongs in the proof of possession (WIT-12, as the digest reads the standard; go-spiffe witsvid rejects a non-empty aud)"},

	// WPT, both revisions.
	{"WPT-ONE", docWPT02, "2", MUST, "the request carries exactly one WPT"},
	{"WPT-SYNTAX", docWPT02, "2", MUST, "the WPT is a single well-formed JWT"},
	{"WPT-ALG-EQ", docWPT02, "2", MUST, "the WPT alg string-equals the WIT's cnf.jwk.alg"},
	{"WPT-SIGNATURE", docWPT02, "2", MUST, "the WPT signature verifies with the WIT's cnf.jwk"},
	{"WPT-TYP", docWPT02, "2", MUST, "typ conveys the wpt+jwt media type"},
	{"WPT-AUD", docWPT02, "2", MUST, "aud matches the request's target URI, ignoring query and fragment"},
	{"WPT-AUD-CONFIG", docWPT02, "3.1.7", MUSTNOT, "the receiver's own authority comes from configuration, never from Host or X-Forwarded-Host"},
	{"WPT-EXP", docWPT02, "2", MUST, "exp is present and not passed"},
	{"WPT-EXP-FAR", docWPT02, "2", SHOULD, "an unreasonably far-future exp is rejected"},
	{"WPT-JTI", docWPT02, "2", MUST, "jti is present"},
	{"WPT-REPLAY", docWPT02, "3.1", SHOULD, "a jti is not accepted twice from one sender within the WPT's validity"},
	{"WPT-WTH", docWPT02, "2", MUST, "wth is present and equals the hash of the Workload-Identity-Token value"},
	{"WPT-TTH", docWPT02, "2", MUST, "a Txn-Token in the request is bound by a matching tth"},
	{"WPT-OTH", docWPT02, "2", MUST, "another context token in the request is bound by a matching oth entry"},
	{"WPT-OTH-UNKNOWN", docWPT02, "2", MUST, "an oth entry the receiver does not understand rejects the WPT"},
	{"WPT-WIT-FIRST", docWPT02, "2", MUST, "the WIT is validated before the WPT"},
	{"WPT-UNKNOWN-CLAIMS", docWPT02, "2", MUST, "claims the recipient does not understand are ignored"},

	// HTTP Message Signatures profile (http-signature-07 §3; -06 §3).
	{"SIG-WIT-FIRST", docSig07, "3.3", MUST, "the WIT is validated before the message signature"},
	{"SIG-SELECT", docSig07, "3.3", MUST, "the WIMSE signature is the one tagged wimse-workload-to-workload; two tagged signatures are rejected; labels are not used to select"},
	{"SIG-PARAMS", docSig07, "3.4", MUST, "created, expires, nonce, tag and wimse-aud are present"},
	{"SIG-NO-KEYID-ALG", docSig07, "3.4", MUSTNOT, "keyid and alg are not sent"},
	{"SIG-COMPONENTS", docSig07, "3.2", MUST, "@method, @path and @query (-07) or @request-target (-06) are covered, and each present content-type, content-digest, authorization, txn-token and workload-identity-token field"},
	{"SIG-DIGEST", docSig07, "3.2", MUST, "a message with a body carries a Content-Digest, covered, that matches the body received"},
	{"SIG-VERIFY", docSig07, "3.1", MUST, "the signature verifies with the WIT's cnf.jwk under cnf.jwk.alg"},
	{"SIG-WINDOW", docSig07, "3.4", MUST, "a signature outside [created, expires] is rejected"},
	{"SIG-EXPIRES-TIGHT", docSig07, "3.4", SHOULD, "expires is tight (minutes), so a far-future expires is rejected"},
	{"SIG-AUD", docSig07, "3.4", MUST, "wimse-aud names this recipient, from trusted configuration, never from Host"},
	{"SIG-REPLAY", docSig07, "3.4", SHOULD, "a nonce already seen is rejected"},
	{"SIG-RESPONSE", docSig07, "3.5", MUST, "with wimse-sign-response the server signs its response (covering @status, its WIT, content-type, content-digest and the request's @method, @path, @query with ;req) and echoes the request nonce in wimse-req-nonce"},
	{"SIG-ALG-POLICY", docSig07, "3.1", MUST, "a signature algorithm (cnf.jwk.alg) that local policy does not accept for the peer's trust domain is rejected"},
	{"SIG-REVISION", docSig07, "A", MUST, "a receiver only accepts the revisions it implements (-06 @request-target vs -07 @path/@query)"},
	{"SIG-STATUS", docSig07, "3.6", SHOULDNOT, "verification failures, WIT failures included, are answered 400 without a challenge: 401 is NOT RECOMMENDED"},

	// HTTP Message Signatures profile, -06 (the sig06-* vectors cite these:
	// -06 has no subsections for components and parameters, all of it is
	// in §3; §3.1 wimse-aud, §3.4 response signing, §3.5 errors, §5.1
	// lifetime and replay).
	{"SIG06-WIT-FIRST", docSig06, "3", MUST, "the signature and content of the WIT are validated before the message signature, and the message is not processed further before it is fully validated"},
	{"SIG06-SELECT", docSig06, "3", SHOULD, "one signature per message is RECOMMENDED and, with several, the WIMSE one SHOULD use the label wimse; -06 has no rule for two signatures tagged wimse-workload-to-workload (-07 §3.3 adds: reject them)"},
	{"SIG06-PARAMS", docSig06, "3", MUST, "created, expires, nonce, tag with the value wimse-workload-to-workload, and wimse-aud are present: a signature without that tag is not the WIMSE signature"},
	{"SIG06-NO-KEYID-ALG", docSig06, "3", MUSTNOT, "keyid and alg are not sent"},
	{"SIG06-COMPONENTS", docSig06, "3", MUST, "@method and @request-target are covered, and each present content-type, content-digest, authorization, txn-token and workload-identity-token field"},
	{"SIG06-DIGEST", docSig06, "3", MUST, "a message with a body carries a Content-Digest, covered, and the receiver verifies it"},
	{"SIG06-VERIFY", docSig06, "3", MUST, "the signature verifies with the WIT's cnf.jwk under cnf.jwk.alg, the algorithm the WIT names (alg bullet of §3; RFC 9421 §3.3.7)"},
	{"SIG06-WINDOW", docSig06, "5.1", MUST, "signatures received outside their validity time ([created, expires]) are rejected"},
	{"SIG06-EXPIRES-TIGHT", docSig06, "5.1", SHOULD, "the signature lifespan is limited by a tight expires (minutes), so a far-future expires is rejected"},
	{"SIG06-AUD", docSig06, "3.1", MUST, "the recipient verifies that wimse-aud refers to it; a Host or X-Forwarded-Host naming another authority does not make it so"},
	{"SIG06-REPLAY", docSig06, "3, 5.1", SHOULD, "a nonce seen twice from the same peer is rejected"},
	{"SIG06-RESPONSE", docSig06, "3.2-3.4", MUST, "with wimse-sign-response the server signs its response (covering @status, its WIT, content-type, content-digest and the request's @method and @request-target with ;req) and echoes the request nonce in wimse-req-nonce"},
	{"SIG06-ALG-POLICY", docSig06, "3", MUST, "the signature algorithm is the WIT's cnf.jwk.alg; -06 has no rule of its own on refusing an algorithm (-07 §3.1 adds one), so refusing one rests on the receiver's declared proof-algorithm allow-list, an application restriction RFC 9421 §3.2.1 allows"},
	{"SIG06-REVISION", docSig06, "3", MUST, "a -06 signature covers @request-target: a receiver implementing -06 alone rejects a signature without it (a -07 one covering @path and @query)"},
	{"SIG06-STATUS", docSig06, "3.5", SHOULDNOT, "verification failures are answered 400 (Bad Request) without a challenge: 401 is NOT RECOMMENDED"},

	// wpt-01 carriage.
	{"WPT01-FIELD", docWPT01, "3", MUST, "the WPT travels in exactly one Workload-Proof-Token field"},
	{"WPT01-ATH", docWPT01, "3", MUST, "an access token in the request is bound by a matching ath"},
	{"WPT01-AUTHZ", docWPT01, "3", MUST, "the Authorization field is read as RFC 9110 §11.4 credentials to find the access token ath binds: Bearer and DPoP in any case, after 1*SP; a field that is not credentials is refused, not ignored"},
	{"WPT01-STATUS", docWPT01, "3", SHOULD, "failures are answered with 400 (401 NOT RECOMMENDED)"},

	// wpt-02 carriage.
	{"WPT02-AUTHZ", docWPT02, "2", MUST, "the WPT travels in exactly one Authorization field with the WPT scheme: \"WPT\" 1*SP token68"},
	{"WPT02-NO-BEARER", docWPT02, "2.2", MUSTNOT, "a bearer token in the same request is not used to authenticate the caller"},
	{"WPT02-STATUS", docWPT02, "2.1", SHOULD, "WPT-related failures are answered with 401 and WWW-Authenticate: WPT"},
	{"WPT-MIXED", docWPT02, "2", MUST, "a request mixing the wpt-01 and wpt-02 carriages is rejected (no draft allows it)"},

	// Mutual TLS (mutual-tls-03, whose requirements are cited as M1-M19 as in
	// profiles/mtls; creds-02 §6.1 for the certificate).
	{"MTLS-URI-SAN", docCreds, "6.1", MUST, "a Workload Identity Certificate carries its Workload Identifier in exactly one URI SubjectAltName; none, or several, is rejected (other SAN types may be present)"},
	{"MTLS-CHAIN", docMTLS, "M2", MUST, "the peer certificate validates by RFC 5280 (signatures, validity periods, CA constraints) to the trust anchors of the trust domain of its Workload Identifier"},
	{"MTLS-TRUST-DOMAIN", docMTLS, "M3", MUST, "the trust domain of the Workload Identifier in the certificate is the one expected for the peer; a trust domain without configured anchors is rejected"},
	{"MTLS-CLIENT-CERT", docMTLS, "M4", MUST, "a server that authorises clients by certificate requires a client certificate in the handshake"},
	{"MTLS-EKU", docMTLS, "M5, M11", MUST, "an extended key usage, when present, allows the role (id-kp-clientAuth for a client, id-kp-serverAuth for a server; RFC 5280 4.2.1.12); a certificate without the extension is allowed"},
	{"MTLS-DNS-ID", docMTLS, "M6, M8", MUST, "a client that connects by DNS name validates the server's DNS-ID (RFC 9525 6.3); the identifier's trust domain is not a host name to match"},
	{"MTLS-SERVER-ID", docMTLS, "M7, M9", MUST, "a client not using DNS is configured with the server's Workload Identifier and accepts exactly that identifier, trust domain and path"},
	{"MTLS-LEAF", docMTLS, "M11", MUST, "the peer certificate is an end-entity certificate fit for TLS: not a CA, no keyCertSign or cRLSign, digitalSignature when a key usage is present (X509-SVID 4.3)"},
	{"MTLS-PATH-SCOPE", docMTLS, "M12", MUSTNOT, "an identity is never authorised on its path alone: the trust domain counts, and it is the one whose own anchors validated the chain (issue #335)"},
}, append(exchangeRequirements, clientRequirements...)...)
