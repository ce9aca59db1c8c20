package mutant

// exchangeChecks are the checks of the reference STS's token endpoint
// (profiles/exchange.Handler) that the STS self-test (interop/sts
// SelfTest) disables one at a time; the token endpoint vectors
// (vectors/v1/exchange.json) must catch each. Keys that name a reason code
// of this module are that check's reason; the sts.* keys name checks whose
// rejection carries no reason of its own on the wire (an OAuth error code
// only), or that shape the answer rather than reject. Left out because
// another check of the reference STS refuses the same request, so that no
// token endpoint vector can tell them apart: exchange.method (a GET has no
// form body: grant_type is then missing), exchange.content_type (a JSON
// body parses to no parameters), exchange.resource_malformed and
// exchange.too_many_targets (the policy's exact allow-lists and its
// one-target default refuse them too), and the subject and actor token
// expiry on their own (oidc.expired: an expired token leaves the issued
// token no lifetime, exchange.lifetime). The oidc.* checks are those of
// the OIDCValidator that validates the suite's subject and actor tokens
// at the in-process STS (its Policy carries the Set); exchange.proof_missing
// is the WITValidator's proof of a WIT subject token's key.
var exchangeChecks = []Check{
	{"exchange.audience_required", MUST, []string{"WI-X509-REQUEST"}, "a subject token of type mtls (the X.509 certificate profile) is exchanged without the audience the profile requires"},
	{"exchange.grant_type", MUST, []string{"TX-GRANT-TYPE"}, "any grant_type is read as token exchange"},
	{"exchange.proof_missing", MUST, []string{"WI-PROOF"}, "a WIT subject token is accepted without proof of its key: the Workload-Proof-Token is neither required nor verified"},
	{"may_act.mismatch", SHOULD, []string{"DG-MAY-ACT"}, "the subject token's may_act is not enforced: any actor may act for the subject"},
	{"oidc.aud_mismatch", SHOULD, []string{"TX-SUBJECT-AUDIENCE"}, "a federated subject or actor token's aud is not compared with the accepted audiences"},
	{"oidc.not_yet_valid", MUST, []string{"TX-SUBJECT-INVALID"}, "a federated token whose nbf or iat lies in the future is accepted"},
	{"oidc.signature", MUST, []string{"TX-SUBJECT-INVALID", "DG-ACTOR-INVALID"}, "a federated token's signature is not verified"},
	{"oidc.sub_missing", SHOULD, []string{"TX-SUBJECT-CLAIMS"}, "a federated token without sub is read with an empty subject"},
	{"sts.act_chain", MUST, []string{"DG-ACT"}, "the issued token carries no act: delegation reads as impersonation"},
	{"sts.actor_pair", MUST, []string{"TX-ACTOR-PAIR"}, "an actor_token without actor_token_type (or the reverse) is ignored instead of refused"},
	{"sts.actor_token", MUST, []string{"DG-ACTOR-INVALID"}, "an actor token that fails validation is read unverified"},
	{"sts.challenge", MUST, []string{"TX-401-CHALLENGE"}, "a 401 carries no WWW-Authenticate"},
	{"sts.client_authentication", MUST, []string{"TX-CLIENT-AUTH", "CA-ASSERTION"}, "a failed client authentication is taken for the client_id the request names"},
	{"sts.dpop_binding", MUST, []string{"DP-BOUND"}, "DPoP proofs are ignored: the token is issued as a Bearer token, bound to nothing"},
	{"sts.dpop_proof", MUST, []string{"DP-PROOF"}, "a DPoP proof that fails verification is ignored instead of refused: the token is issued unbound"},
	{"sts.no_store", MUST, []string{"TX-NO-STORE", "TX-ERROR-NO-STORE"}, "answers carry no Cache-Control: no-store"},
	{"sts.one_auth_method", MUST, []string{"TX-ONE-AUTH-METHOD"}, "with an Authorization field, client credentials in the body are ignored instead of refused"},
	{"sts.repeated_parameter", MUST, []string{"TX-REPEAT-PARAM"}, "a repeated parameter is read from its first value"},
	{"sts.subject_token", MUST, []string{"TX-SUBJECT-INVALID", "TX-SUBJECT-TYPE"}, "a subject token that fails validation is read unverified"},
}

// ExchangeChecks returns the token endpoint checks that can be disabled,
// sorted by key.
func ExchangeChecks() []Check {
	out := make([]Check, len(exchangeChecks))
	for i, c := range exchangeChecks {
		c.Requirements = append([]string(nil), c.Requirements...)
		out[i] = c
	}
	return out
}
