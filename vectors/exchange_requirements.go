package vectors

// Documents of the token endpoint requirements.
const (
	docOAuth      = "RFC 6749"
	docTX         = "RFC 8693"
	docResource   = "RFC 8707"
	docJWTAuth    = "RFC 7523"
	docJWTAuthBis = "draft-ietf-oauth-rfc7523bis"
	docHTTP       = "RFC 9110"
	docSCA        = "draft-ietf-oauth-spiffe-client-auth-02"
	docX509       = "draft-mccracken-wimse-x509-to-access-token-exchange-profile"
)

// exchangeRequirements are the token endpoint requirements the exchange
// vectors and the runner's response checks cite (test case IDs of the
// implementation digest §15 in brackets). Where the RFC text and common
// practice disagree (digest §14), the text here says which is required;
// the vectors record the practice as a deviation.
var exchangeRequirements = []Requirement{
	// The token response (RFC 6749 §5.1, RFC 8693 §2.2.1).
	{"TX-SUCCESS", docTX, "2.2.1", MUST, "a valid token exchange request is answered 200 with a JSON token response holding access_token, issued_token_type and token_type [TX-01]"},
	{"TX-JSON", docOAuth, "5.1, 5.2", MUST, "token and error responses are application/json"},
	{"TX-NO-STORE", docOAuth, "5.1", MUST, "a response holding a token carries Cache-Control: no-store"},
	{"TX-EXPIRES-IN", docOAuth, "5.1", RECOMMENDE, "the token response carries expires_in [TX-01]"},
	{"TX-ISSUED-TYPE", docTX, "2.2.1, 3", MUST, "issued_token_type is present, is an absolute URI, and describes the returned token: a JWT type is a JWS in compact serialization [TT-04]"},
	{"TX-TOKEN-TYPE-NA", docTX, "2.2.1", MUST, "token_type is present; N_A when the issued token is not an access token [TT-02]"},
	{"TX-AUD-TARGET", docResource, "2", SHOULD, "the issued token's aud is the requested resource or audience, or a value it maps to; never another target [TX-02]"},
	{"TX-SUB", docTX, "1.1, 2.1", SHOULD, "the issued token's sub is the subject token's subject [TX-02]"},
	{"TX-NO-ECHO", docTX, "2.2.1", SHOULD, "the issued token is a new token, not the subject or actor token echoed back [inference: §2.2.1 'the security token issued']"},
	{"TX-EXP-BOUND", docTX, "5", SHOULD, "the issued token expires no later than the subject and actor tokens it was derived from [WI-05; inference: an exchange must not extend a credential]"},
	{"TX-NO-REFRESH", docTX, "2.2.1", SHOULD, "a plain exchange of a short-lived token issues no refresh_token [TT-05]"},

	// Error responses (RFC 6749 §5.2, RFC 8693 §2.2.2).
	{"TX-ERROR-FORMAT", docOAuth, "5.2", MUST, "an error response is 400 (unless stated otherwise) with a JSON object whose error member is one of the registered codes [TX-22]"},
	{"TX-ERROR-NO-STORE", docOAuth, "5.1, 5.2", SHOULD, "an error response carries Cache-Control: no-store [TX-22; inference: RFC 6749 requires it of token responses]"},
	{"TX-401-CHALLENGE", docHTTP, "15.5.2; RFC 6749 5.2", MUST, "a 401 carries WWW-Authenticate; invalid_client after authentication through the Authorization field is a 401 with the scheme used"},

	// Request syntax (RFC 6749 §3.2, RFC 8693 §2.1).
	{"TX-POST", docOAuth, "3.2", MUST, "the token endpoint takes POST only: a GET is not a token request [TX-16]"},
	{"TX-FORM", docTX, "2.1", SHOULD, "parameters travel as application/x-www-form-urlencoded in the body; a JSON body or parameters in the URL query are not a token request [TX-17]"},
	{"TX-GRANT-TYPE", docOAuth, "5.2", MUST, "a request without grant_type is invalid_request; an unknown grant_type is unsupported_grant_type [TX-03, TX-04]"},
	{"TX-PARAMS-REQUIRED", docTX, "2.1, 2.2.2", MUST, "subject_token and subject_token_type are required; a request without one is invalid_request [TX-05, TX-06]"},
	{"TX-EMPTY-PARAM", docOAuth, "3.2", MUST, "a parameter sent without a value is treated as omitted [TX-07]"},
	{"TX-REPEAT-PARAM", docOAuth, "3.2", MUSTNOT, "request parameters are not included more than once: a repeated one is invalid_request (resource and audience excepted, RFC 8693 §2.1) [TX-08]"},
	{"TX-ACTOR-PAIR", docTX, "2.1", MUST, "actor_token_type is required with actor_token and must not be sent without it [TX-09, TX-10]"},
	{"TX-UNKNOWN-PARAM", docOAuth, "3.2", MUST, "request parameters the server does not recognise are ignored [TX-18]"},
	{"TX-FORM-MEDIA-TYPE", docOAuth, "Appendix B", SHOULD, "a form body labelled application/x-www-form-urlencoded; charset=UTF-8 is a form body [inference: Appendix B makes UTF-8 the encoding]"},
	{"TX-SUBJECT-TYPE", docTX, "2.2.2", MUST, "a subject_token_type the server does not support, or a token that is not of the declared type, is invalid_request [TX-11, TX-12]"},
	{"TX-SUBJECT-INVALID", docTX, "2.2.2", MUST, "an invalid subject token (bad signature, expired, not yet valid, untrusted key, alg none) is refused with invalid_request; invalid_grant is a common deviation (digest §14.1) [TX-13..15]"},
	{"TX-SUBJECT-CLAIMS", docTX, "2.1, 2.2.2", SHOULD, "a JWT subject or actor token without sub or with an empty one (no party to act for), without exp (no bound on the issued token) or issued in the future (iat ahead) is refused with invalid_request [inference: RFC 7519 makes both optional; RFC 7523 §3 and OpenID Connect require them of tokens that identify a party]"},
	{"TX-SUBJECT-AUDIENCE", docTX, "2.2.2, 5", SHOULD, "a subject token issued for another party (aud) or by an issuer the server does not trust is refused with invalid_request [TG-11]"},

	// Client authentication (RFC 6749 §2.3, §5.2; RFC 7523).
	{"TX-CLIENT-AUTH", docOAuth, "2.3, 5.2", MUST, "failed client authentication is invalid_client; 401 with WWW-Authenticate when the client used the Authorization field [TX-19]"},
	{"TX-ONE-AUTH-METHOD", docOAuth, "2.3", MUSTNOT, "a client does not use more than one authentication method in one request: such a request is refused (invalid_request) [TX-20]"},
	{"TX-CLIENT-REQUIRED", docTX, "2.1, 5", SHOULD, "a deployment that requires client authentication for token exchange refuses an unauthenticated request with invalid_client [TX-21]"},
	{"CA-ASSERTION", docJWTAuth, "3, 3.1", MUST, "a client assertion is refused (invalid_client) unless iss and sub are the client_id, aud identifies the authorization server, exp has not passed and the signature verifies with a key registered for the client (alg none never) [CA-01..04]"},
	{"CA-AUD-SOLE", docJWTAuthBis, "RFC 7523 updates", MUST, "a client assertion's aud is the authorization server's issuer identifier as its sole value [CA-06]"},
	{"CA-TYPED", docJWTAuthBis, "RFC 7523 3.2 update", SHOULD, "a client assertion typed client-authentication+jwt is accepted like an untyped one, and rejecting untyped ones is not recommended [CA-08]"},
	{"CA-CLIENT-ID", docJWTAuth, "RFC 7521 4.2", SHOULD, "a client_id parameter that names another client than the assertion's sub is refused with invalid_client [CA-07]"},

	// SPIFFE client authentication (the SPIFFE digest §4, T-J tests).
	{"SCA-JWT", docSCA, "3.1", MUST, "a JWT-SVID client assertion (client_assertion_type jwt-spiffe) authenticates its SPIFFE ID only when it is one JWS whose key is a jwt-svid authority of that ID's trust domain, whose sub is a workload SPIFFE ID, whose aud is exactly the issuer identifier, and whose exp has not passed; otherwise invalid_client [T-J1, T-J3..T-J11]"},
	{"SCA-X509", docSCA, "3.2", MUST, "an X.509-SVID presented in the TLS handshake authenticates its SPIFFE ID only when it chains to that trust domain's X.509 authorities, carries one canonical spiffe:// URI SAN and comes with a client_id naming it; otherwise the client is refused [T-X1..T-X10]"},
	{"SCA-TYPE", docSCA, "3.1", MUST, "a JWT-SVID sent under client_assertion_type jwt-bearer is not SPIFFE client authentication [T-J2]"},
	{"SCA-ALG", docSCA, "3.1; JWT-SVID 3", MUST, "a JWT-SVID signed with none or an HMAC algorithm, or typed other than JWT, is refused [T-J14]"},
	{"SCA-CLIENT-ID", docSCA, "3.1, 3.3", MUST, "a client_id sent beside a JWT-SVID or WIT-SVID is that SVID's SPIFFE ID [T-W20]"},
	{"SCA-WIT", docSCA, "3.3; WIT-SVID", MUST, "a WIT-SVID attestation authenticates its SPIFFE ID only when typed exactly wit+jwt, with a kid naming a wit-svid authority of that trust domain, an RS/ES/PS alg, no aud, an unexpired exp and a public cnf.jwk with an RS/ES/PS alg; otherwise invalid_client [T-W14..T-W19, T-W21]"},
	{"ABCA-ONE", "draft-ietf-oauth-attestation-based-client-auth-11", "7.1", MUST, "exactly one OAuth-Client-Attestation and one OAuth-Client-Attestation-PoP field [T-W2]"},
	{"ABCA-POP", "draft-ietf-oauth-attestation-based-client-auth-11", "5.1, 7.1", MUST, "the PoP is present (no DPoP combined mode here), typed oauth-client-attestation-pop+jwt, asymmetrically signed by the attestation's cnf key, with aud the issuer identifier, a jti and a recent iat; otherwise invalid_client [T-W3, T-W5..T-W10]"},
	{"ABCA-CHALLENGE", "draft-ietf-oauth-attestation-based-client-auth-11", "6, 7.4", MUST, "a server that requires challenges answers a PoP without one, or with one it did not issue, with use_attestation_challenge and a fresh challenge in OAuth-Client-Attestation-Challenge [T-W12, T-W13]"},

	// WIMSE workload credentials at the token endpoint (digest §15.10).
	{"WI-PROOF", docWPT01, "3; workload-creds-02 5.1", MUST, "a WIT presented as subject token is accepted only with proof of its cnf key: a Workload Proof Token in Workload-Proof-Token, signed by that key, aud the token endpoint URL, wth the WIT's hash; without one it is refused with invalid_request [WI-08]"},
	{"WI-WIT", docCreds, "5.1", MUST, "a WIT consumer refuses a WIT that is unsigned (alg none), whose cnf.jwk is a symmetric key, or that has no cnf.jwk: invalid_request at the token endpoint [WI-07]"},
	{"WI-WPT", docWPT01, "3", MUST, "a WPT consumer refuses a WPT whose alg is not the WIT's cnf.jwk.alg, whose wth is not the WIT's hash, whose aud is another URL or that another key signed: invalid_request at the token endpoint [WI-08]"},
	{"WI-NO-UPGRADE", "draft-schwenkschuster-wimse-credential-exchange-02", "considerations (an exchange cannot raise trust)", SHOULD, "a bearer subject token exchanged with a request for a key-bound token (dpop_jkt, RFC 9449 §10) and no proof of that key is refused, or answered with a token bound to no key (no cnf, token_type not DPoP) [WI-06]"},
	{"WI-LIFETIME", docCreds, "credential exchange (expanding lifetime)", SHOULD, "the exchange of a 5-minute WIT issues a token that expires no later than the WIT, or is refused [WI-05]"},

	// The X.509 certificate to access token profile (digest §8.3, §15.10).
	{"WI-X509-ACCEPT", docX509, "token exchange request and response", MUST, "a client certificate chaining to a configured anchor, presented in the TLS handshake with subject_token mtls_client_certificate of type urn:ietf:params:oauth:token-type:mtls, an audience and requested_token_type access_token, is exchanged for an access token: issued_token_type access_token, no refresh_token, exp not after the certificate's notAfter and nbf not before its notBefore [WI-01]"},
	{"WI-X509-ANCHOR", docX509, "processing", MUST, "the exchange is accepted only if the certificate chain validates to a configured trust anchor: a certificate of an unconfigured CA is refused [WI-02]"},
	{"WI-X509-LEAF", docX509, "token exchange request", MUST, "an x5c subject_token is accepted only when its leaf is the TLS client certificate: another leaf is refused [WI-03]"},
	{"WI-X509-REQUEST", docX509, "token exchange request", MUST, "audience is REQUIRED and requested_token_type MUST be access_token: a request without audience, or asking for another type, is refused with invalid_request [WI-04]"},

	// Replay (a claimed feature: RFC 7523 makes it a MAY).
	{"REPLAY-JTI", docJWTAuth, "3 item 7; RFC 9449 11.1; ABCA 12.1", SHOULD, "a target that claims replay protection refuses a client assertion, DPoP proof or attestation PoP whose jti it has seen within its lifetime [CA-09, T-W11]"},

	// Targets and scope (RFC 8707 §2, RFC 8693 §2.1, §2.2).
	{"TG-RESOURCE-ABSOLUTE", docResource, "2", MUST, "a resource is an absolute URI without fragment; otherwise invalid_target (invalid_request accepted, digest §14.2) [TG-01, TG-02]"},
	{"TG-TARGET-POLICY", docTX, "2.2.2", SHOULD, "a target the server does not know, or this client may not obtain a token for, is invalid_target [TG-03, TG-04]"},
	{"TG-MULTI-TARGET", docTX, "2.1, 2.1.1", MUST, "a request naming several targets is answered with a token for all of them, or refused with invalid_target; never a token for one without saying so [TG-05, TG-06]"},
	{"TG-SCOPE-SUBSET", docTX, "2.2.1, 5", MUST, "the issued scope is within the requested scope and the subject token's scope: a server narrows or refuses (invalid_scope), never grants more [TG-09, TG-10]"},
	{"TG-SCOPE-SYNTAX", docOAuth, "3.3, 5.2", SHOULD, "a scope that is not space-separated scope-tokens (a doubled space, a quote) is refused with invalid_scope (invalid_request accepted) rather than repaired"},
	{"TG-SCOPE-RESPONSE", docTX, "2.2.1", MUST, "the response carries scope when the issued scope differs from the requested one [TG-08]"},

	// Token types (RFC 8693 §2.2.1, §3).
	{"TT-REQUESTED", docTX, "2.2.1, 3", MUST, "a supported requested_token_type is honoured: issued_token_type names it and the token is of that type [TT-01]"},
	{"TT-UNSUPPORTED", docTX, "2.2.2", SHOULD, "an unsupported requested_token_type is refused with invalid_request (invalid_target accepted) [TT-03]"},

	// DPoP at the token endpoint (RFC 9449 §4.3, §5, §6).
	{"DP-PROOF", "RFC 9449", "4.3, 5", MUST, "a DPoP proof that fails a check of §4.3 (one proof, typ dpop+jwt, an asymmetric alg, a public jwk that verifies the signature, jti, htm and htu of this request, a recent iat) is refused with invalid_dpop_proof [DP-*]"},
	{"DP-BOUND", "RFC 9449", "5, 6.1", MUST, "with a valid proof the issued token is bound to its key: token_type DPoP and, in a JWT, cnf.jkt the key's RFC 7638 thumbprint"},

	// Delegation (RFC 8693 §1.1, §4.1, §4.4).
	{"DG-ACT", docTX, "1.1, 4.1", MUST, "a delegation token's act names the actor as the current (outermost) actor, with the subject token's own act chain nested inside; an impersonation token adds no act [DG-01, DG-03, DG-05]"},
	{"DG-ACT-MEMBERS", docTX, "4.1", SHOULDNOT, "act objects carry no exp, nbf or aud, and may_act is not copied into the issued token [DG-04]"},
	{"DG-MAY-ACT", docTX, "4.4, 2.2.2", SHOULD, "an actor that the subject token's may_act does not name is refused with invalid_request [DG-02]"},
	{"DG-ACTOR-INVALID", docTX, "2.2.2", MUST, "an invalid actor token (expired, bad signature, untrusted key, not of its declared type) is refused with invalid_request [DG-06, DG-07]"},
}
