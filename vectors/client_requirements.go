package vectors

// SenderRequirements returns the IDs of the requirements on the party
// that sends a request (the client), which the client-role suite checks
// (conformance/clientrole); requirements.json lists them as "sender". The
// others bind the receiver.
func SenderRequirements() []string {
	out := make([]string, len(clientRequirements))
	for i, r := range clientRequirements {
		out[i] = r.ID
	}
	return out
}

// clientRequirements are the sender-side requirements of the client-role
// vectors (client.json): what a client must put in its requests, and how
// it must treat the answers. Each is checked on every request of a
// scenario that cites it.
var clientRequirements = []Requirement{
	{"WIT-SEND-VALID", docCreds, "5.1", MUST, "the client sends exactly one Workload-Identity-Token field holding its WIT, which verifies under its issuer's trust anchors and has not expired"},

	{"WPT-SEND-ONE", docWPT02, "2", MUST, "the request carries exactly one WPT in the draft's carriage: one Authorization field with the WPT scheme (wpt-02), one Workload-Proof-Token field (wpt-01); never both"},
	{"WPT-SEND-TYP", docWPT02, "2", MUST, "the WPT's typ is wpt+jwt"},
	{"WPT-SEND-ALG", docWPT02, "2", MUST, "the WPT's alg string-equals the WIT's cnf.jwk.alg, and the WPT is signed with the WIT's key"},
	{"WPT-SEND-AUD", docWPT02, "2", MUST, "aud is present and is the request's target URI without query and fragment (the URL the client was given), or the deployment value the receiver configured"},
	{"WPT-SEND-EXP", docWPT02, "2", MUST, "exp is present, a NumericDate, and not passed when the request arrives"},
	{"WPT-SEND-LIFETIME", docWPT02, "2", SHOULD, "the WPT's lifetime is short (minutes or seconds): exp lies at most the receiver's maximum proof lifetime (300 s) plus its clock skew after the request arrives, and after iat when iat is sent"},
	{"WPT-SEND-JTI", docWPT02, "2", MUST, "jti is present, a non-empty string with negligible collision probability: no two requests of a run share one"},
	{"WPT-SEND-WTH", docWPT02, "2", MUST, "wth is present and is base64url(SHA-256) of the Workload-Identity-Token value sent"},
	{"WPT-SEND-TTH", docWPT02, "2", MUST, "a request carrying a Txn-Token field has tth, the hash of its value; a WPT has no tth without one"},
	{"WPT-SEND-OTH", docWPT02, "2", MUST, "a request carrying another context token has an oth entry under its lower-case field name with the hash of its trimmed value; oth names no absent field"},
	{"WPT01-SEND-ATH", docWPT01, "3", MUST, "a wpt-01 request carrying an OAuth access token (Authorization: Bearer or DPoP) has ath, the hash of the token without the scheme"},

	{"SIG-SEND-TAG", docSig07, "3.3", MUST, "the request carries exactly one signature tagged wimse-workload-to-workload"},
	{"SIG-SEND-PARAMS", docSig07, "3.4", MUST, "the signature carries created, expires, nonce, tag and wimse-aud, and neither keyid nor alg"},
	{"SIG-SEND-COMPONENTS", docSig07, "3.2", MUST, "the signature covers @method and @path and @query (-07) or @request-target (-06), and each of content-type, content-digest, authorization, txn-token and workload-identity-token the request carries"},
	{"SIG-SEND-DIGEST", docSig07, "3.2", MUST, "a request with a body carries a Content-Digest (RFC 9530) of that body, covered by the signature"},
	{"SIG-SEND-KEY", docSig07, "3.1", MUST, "the signature verifies with the WIT's cnf.jwk under cnf.jwk.alg"},
	{"SIG-SEND-WINDOW", docSig07, "3.4", MUST, "the request arrives within [created, expires] (with the receiver's clock skew), and expires lies after created"},
	{"SIG-SEND-EXPIRES-TIGHT", docSig07, "3.4", SHOULD, "expires is tight (minutes): at most the receiver's maximum proof lifetime (300 s) after created"},
	{"SIG-SEND-NONCE", docSig07, "3.4", MUST, "the nonce is random with negligible collisions (-06: unique among the messages to a recipient): no two requests of a run share one"},
	{"SIG-SEND-AUD", docSig07, "3.4", MUST, "wimse-aud identifies the recipient: the target URI without query and fragment (the URL the client was given), or the configured deployment value"},
	{"SIG-SEND-SIGN-RESPONSE", docSig07, "3.5", MUST, "a client that requires a signed response sends wimse-sign-response set to true"},
	{"SIG-CLIENT-RESPONSE", docSig07, "3.5", MUST, "a client that sent wimse-sign-response rejects an unsigned response; any response signature present is validated (the server's WIT first, then coverage, Content-Digest, the signature, wimse-req-nonce equal to its nonce, the responder it meant to reach) and a failing one is rejected"},

	{"MTLS-SEND-CERT", docMTLS, "M4", MUST, "a client of a server that authorises by certificate presents its Workload Identity Certificate in the handshake"},
	{"MTLS-SEND-WIC", docCreds, "6.1; mutual-tls-03 M2, M5, M11", MUST, "the client's certificate is a Workload Identity Certificate: an end-entity certificate with exactly one URI SAN holding a valid Workload Identifier, an extended key usage (if any) allowing clientAuth, chaining to the anchors of its trust domain"},
	{"MTLS-CLIENT-SERVER-ID", docMTLS, "M6-M9", MUST, "the client validates the server's certificate (its chain to the anchors of the expected trust domain, and its DNS-ID or expected Workload Identifier) and refuses the connection, sending nothing, when it does not validate"},
}
