package mutant

// clientChecks are the sender-side behaviours of this module's client
// transports (profiles/httpwpt.Transport, profiles/httpsig.Transport and
// Signer, and the mutual-TLS client of profiles/mtls) that the client-role
// self-test (conformance/clientrole SelfTest) breaks one at a time; the
// client-role vectors (vectors/v1/client.json) must catch each. A
// transport carries a Set through an embedded Hook (Put, Of), like
// wimse.Policy; with none, each hook costs one nil check. The mtls.*
// keys are the verifier's own checks (profiles/mtls.WithMutant), here
// disabled in the client's check of the server certificate;
// client.mtls.no_certificate is the in-process client presenting none.
var clientChecks = []Check{
	{"client.mtls.no_certificate", MUST, []string{"MTLS-SEND-CERT"}, "the client presents no certificate"},
	{"client.sig.aud", MUST, []string{"SIG-SEND-AUD"}, "wimse-aud is the whole URL, query included"},
	{"client.sig.components", MUST, []string{"SIG-SEND-COMPONENTS"}, "the present fields (workload-identity-token, content-type, content-digest, txn-token, authorization) are not covered"},
	{"client.sig.digest_missing", MUST, []string{"SIG-SEND-DIGEST"}, "a request body gets no Content-Digest"},
	{"client.sig.expires_far", SHOULD, []string{"SIG-SEND-EXPIRES-TIGHT"}, "signatures expire an hour after created"},
	{"client.sig.keyid", MUST, []string{"SIG-SEND-PARAMS"}, "the signature carries a keyid parameter"},
	{"client.sig.nonce_reuse", MUST, []string{"SIG-SEND-NONCE"}, "every signature carries the same nonce"},
	{"client.sig.req_nonce", MUST, []string{"SIG-CLIENT-RESPONSE"}, "a response's wimse-req-nonce is not compared with the request's nonce"},
	{"client.sig.responder", MUST, []string{"SIG-CLIENT-RESPONSE"}, "a response signed by any trusted workload is accepted, whoever the client meant to reach"},
	{"client.sig.response_unsigned", MUST, []string{"SIG-CLIENT-RESPONSE"}, "an unsigned response is accepted although wimse-sign-response was sent"},
	{"client.sig.response_unverified", MUST, []string{"SIG-CLIENT-RESPONSE"}, "response signatures are not verified at all"},
	{"client.sig.sign_response", MUST, []string{"SIG-SEND-SIGN-RESPONSE"}, "a client that requires a signed response does not send wimse-sign-response"},
	{"client.wpt.alg", MUST, []string{"WPT-SEND-ALG"}, "the WPT header names ES384 while the key and cnf.jwk.alg are ES256"},
	{"client.wpt.ath_missing", MUST, []string{"WPT01-SEND-ATH"}, "a wpt-01 access token gets no ath"},
	{"client.wpt.aud", MUST, []string{"WPT-SEND-AUD"}, "aud is the whole URL, query included"},
	{"client.wpt.exp_far", SHOULD, []string{"WPT-SEND-LIFETIME"}, "the WPT lives an hour"},
	{"client.wpt.jti_reuse", MUST, []string{"WPT-SEND-JTI"}, "every WPT carries the same jti"},
	{"client.wpt.oth_missing", MUST, []string{"WPT-SEND-OTH"}, "context token fields get no oth entry"},
	{"client.wpt.tth_missing", MUST, []string{"WPT-SEND-TTH"}, "a Txn-Token gets no tth"},
	{"client.wpt.typ", MUST, []string{"WPT-SEND-TYP"}, "the WPT typ is JWT"},
	{"client.wpt.wth_missing", MUST, []string{"WPT-SEND-WTH"}, "the WPT has no wth"},
	{"mtls.chain", MUST, []string{"MTLS-CLIENT-SERVER-ID"}, "the client does not validate the server's chain to its trust domain's roots"},
	{"mtls.dns_id", MUST, []string{"MTLS-CLIENT-SERVER-ID"}, "the client does not match the server's DNS-IDs against the host it connects to"},
}

// ClientChecks returns the client behaviours that can be broken, sorted
// by key.
func ClientChecks() []Check {
	out := make([]Check, len(clientChecks))
	for i, c := range clientChecks {
		c.Requirements = append([]string(nil), c.Requirements...)
		out[i] = c
	}
	return out
}
