package vectors

// The exchange catalogue: token endpoint vectors of the implementation
// digest §15.1 (TX), §15.2 (TG), §15.3 (TT), §15.4 (DG), §15.6 (CA) and
// §15.9 (DP, at the token endpoint), §15.10 (WI: WIT subject tokens, the X.509 certificate profile),
// one table per group. Every negative vector is derived from a valid one
// by one change; expiry offsets are "clearly beyond" any reasonable skew
// (UndeclaredClockSkew), so no vector rests on the target's skew.

// exchangeNotes explain the flags of the exchange vectors.
var exchangeNotes = map[string]Note{
	"InvalidGrantDeviation":  {BugType: "DEFINED", Description: "RFC 8693 §2.2.2 answers an invalid subject or actor token with invalid_request; many servers (and the ID-JAG draft's example) answer invalid_grant. The suite records invalid_grant as a deviation (warn), not a failure (implementation digest §14.1)."},
	"InvalidClientDeviation": {BugType: "DEFINED", Description: "RFC 6749 §2.3 forbids two client authentication methods in one request without naming the error; invalid_request is the code for a malformed request, and invalid_client, which some servers answer, is recorded as a deviation (warn)."},
	"ScopeOverreach":         {BugType: "POLICY", Description: "a server may refuse a scope beyond what it grants (invalid_scope) or narrow it and say so in the response's scope (RFC 6749 §3.3, RFC 8693 §2.2.1, digest §14.3): either is right, a token with the extra scope never is."},
	"MultiTarget":            {BugType: "POLICY", Description: "RFC 8693 §2.1 permits several resource and audience values; a server issues one token for all of them or refuses with invalid_target (digest §14.5). Either is right; a token for only some of them is not."},
	"BearerUpgrade":          {BugType: "POLICY", Description: "a bearer subject token cannot buy a key-bound token without a proof of the key (digest §15.10 WI-06): a server refuses such a request or issues a token bound to no key; either is right, a token bound to the unproven key never is."},
	"X5CSubjectToken":        {BugType: "POLICY", Description: "the X.509 certificate profile's newer text lets subject_token be the client's chain as a JOSE x5c array whose leaf is the TLS client certificate (digest §8.3); a server that takes only the literal mtls_client_certificate refuses it. Either is right; a token for an x5c whose leaf is another certificate never is (wi-x509-x5c-other-leaf)."},
	"DefaultTarget":          {BugType: "POLICY", Description: "with neither resource nor audience, RFC 8693 §2.1 lets the server pick a default target or refuse (digest §14.4)."},
}

var exchangeHeader = []string{
	"Token endpoint conformance: RFC 8693 token exchange with RFC 8707 resource indicators and RFC 6749 / RFC 7523 client authentication",
	"(implementation digest §15). exchange holds the token request; {{token:NAME}} tokens are minted at play time by the suite's issuer and",
	"{{NAME}} values come from the target profile. expect.reason is the OAuth error code, expect.signal.exchange the status;",
	"exchange.accept lists codes equally right, exchange.deviations codes recorded as deviations (warn). Every 200 is also checked:",
	"Cache-Control no-store, issued_token_type, token_type, and the issued JWT's aud, sub, scope, exp and act against the request.",
}

func exchangeVectors() []Vector {
	var out []Vector
	for _, g := range [][]Vector{txVectors(), tgVectors(), ttVectors(), dgVectors(), caVectors(), dpVectors(), sjVectors(), swVectors(), sxVectors(), wiVectors(), wiX509Vectors()} {
		out = append(out, g...)
	}
	return out
}

// reqsSuccess are the requirements a valid vector cites besides its own:
// a token response as RFC 8693 §2.2.1 and RFC 6749 §5.1 define it.
var reqsSuccess = []string{"TX-SUCCESS", "TX-JSON", "TX-NO-STORE", "TX-ISSUED-TYPE", "TX-TOKEN-TYPE-NA"}

// reqs are the requirements a negative vector rests on: its verdict and
// error code. The signalling every rejection is checked for (TX-ERROR-FORMAT,
// TX-JSON, TX-ERROR-NO-STORE, TX-401-CHALLENGE) is cited by the runner when
// it is missed, so that a vector resting on a SHOULD stays a SHOULD
// (ShouldLevel: a warning unless --strict).
func reqs(ids ...string) []string { return ids }

// expired and notYet are clearly beyond any reasonable clock skew.
var (
	expiredClaims = map[string]any{"iat": map[string]any{"$rel": -1800}, "exp": map[string]any{"$rel": -900}}
	notYetClaims  = map[string]any{"nbf": map[string]any{"$rel": 900}}
)

// txVectors: transport and basic request validation (§15.1).
func txVectors() []Vector {
	base := exValid("tx-valid", "a token exchange of a valid subject token for the profile's resource, with the profile's client authentication",
		exchangeBase(), append(reqsSuccess, "TX-EXPIRES-IN", "TX-AUD-TARGET", "TX-SUB", "TX-NO-ECHO", "TX-EXP-BOUND", "TX-NO-REFRESH"), labels("tx-01", "tx-02"), flags("Baseline"))
	basic := exValid("tx-valid-client-secret-basic", "the valid request with the client secret in HTTP Basic (RFC 6749 §2.3.1)",
		withClient(exchangeBase(), ClientSecretBasic), reqsSuccess, needs(FeatureClientSecretBasic))
	post := exValid("tx-valid-client-secret-post", "the valid request with the client secret in the body (RFC 6749 §2.3.1)",
		withClient(exchangeBase(), ClientSecretPost), reqsSuccess, needs(FeatureClientSecretPost))
	unknown := exValid("tx-unknown-parameter", "the valid request with an extra parameter foo=bar, which the server ignores",
		func() *ExchangeCase { c := exchangeBase(); c.add("foo", "bar"); return c }(), append(reqsSuccess, "TX-UNKNOWN-PARAM"), labels("tx-18"))
	bad := func(id, change string, mutate func(*ExchangeCase), rs []string, code string, opts ...exOpt) Vector {
		return exDerived(base, id, change, mutate, rs, code, 400, opts...)
	}
	subject := func(c *ExchangeCase) *ExchangeToken { return c.token("subject", TokenSubject) }
	invalidSubject := func(id, change string, mutate func(*ExchangeCase), label string) Vector {
		return bad(id, change, mutate, reqs("TX-SUBJECT-INVALID"), "invalid_request", labels(label), deviation("InvalidGrantDeviation", "invalid_grant"))
	}
	return append([]Vector{
		base, basic, post, unknown,
		bad("tx-missing-grant-type", "grant_type omitted", func(c *ExchangeCase) { c.drop("grant_type") }, reqs("TX-GRANT-TYPE"), "invalid_request", labels("tx-03")),
		bad("tx-empty-grant-type", "grant_type sent without a value (treated as omitted)", func(c *ExchangeCase) { c.set("grant_type", "") }, reqs("TX-GRANT-TYPE", "TX-EMPTY-PARAM"), "invalid_request", labels("tx-03")),
		bad("tx-unknown-grant-type", "grant_type=urn:example:unknown", func(c *ExchangeCase) { c.set("grant_type", "urn:example:unknown") }, reqs("TX-GRANT-TYPE"), "unsupported_grant_type", labels("tx-04")),
		bad("tx-repeated-grant-type", "grant_type sent twice with the same value", func(c *ExchangeCase) { c.repeat("grant_type") }, reqs("TX-REPEAT-PARAM"), "invalid_request", labels("tx-08")),
		bad("tx-missing-subject-token", "subject_token omitted", func(c *ExchangeCase) { c.drop("subject_token") }, reqs("TX-PARAMS-REQUIRED"), "invalid_request", labels("tx-05")),
		bad("tx-missing-subject-token-type", "subject_token_type omitted", func(c *ExchangeCase) { c.drop("subject_token_type") }, reqs("TX-PARAMS-REQUIRED"), "invalid_request", labels("tx-06")),
		bad("tx-empty-subject-token", "subject_token sent without a value (treated as omitted)", func(c *ExchangeCase) { c.set("subject_token", "") }, reqs("TX-PARAMS-REQUIRED", "TX-EMPTY-PARAM"), "invalid_request", labels("tx-07")),
		bad("tx-empty-subject-token-type", "subject_token_type sent without a value (treated as omitted)", func(c *ExchangeCase) { c.set("subject_token_type", "") }, reqs("TX-PARAMS-REQUIRED", "TX-EMPTY-PARAM"), "invalid_request", labels("tx-07")),
		bad("tx-repeated-subject-token", "subject_token sent twice with the same value", func(c *ExchangeCase) { c.repeat("subject_token") }, reqs("TX-REPEAT-PARAM"), "invalid_request", labels("tx-08")),
		bad("tx-repeated-subject-token-type", "subject_token_type sent twice with the same value", func(c *ExchangeCase) { c.repeat("subject_token_type") }, reqs("TX-REPEAT-PARAM"), "invalid_request", labels("tx-08")),
		bad("tx-actor-token-without-type", "actor_token sent without actor_token_type", func(c *ExchangeCase) { c.token("actor", TokenActor); c.add("actor_token", "{{token:actor}}") }, reqs("TX-ACTOR-PAIR"), "invalid_request", labels("tx-09")),
		bad("tx-actor-type-without-token", "actor_token_type sent without actor_token", func(c *ExchangeCase) { c.add("actor_token_type", "{{subject-token-type}}") }, reqs("TX-ACTOR-PAIR"), "invalid_request", labels("tx-10")),
		bad("tx-unknown-subject-token-type", "subject_token_type=urn:example:not-a-type", func(c *ExchangeCase) { c.set("subject_token_type", "urn:example:not-a-type") }, reqs("TX-SUBJECT-TYPE"), "invalid_request", labels("tx-11")),
		invalidSubject("tx-opaque-subject-token", "the subject token is an opaque string, not the JWT its declared type says", func(c *ExchangeCase) { c.Tokens["subject"] = &ExchangeToken{Base: TokenOpaque} }, "tx-12"),
		invalidSubject("tx-subject-bad-signature", "the subject token's sub is changed after signing (its signature no longer verifies)", func(c *ExchangeCase) { subject(c).Tamper = map[string]any{"sub": "root@example.net"} }, "tx-13"),
		invalidSubject("tx-subject-untrusted-key", "the subject token is signed by a key the target does not trust, under the trusted key's kid", func(c *ExchangeCase) { subject(c).Key = "other-issuer" }, "tx-13"),
		invalidSubject("tx-subject-alg-none", "the subject token is unsigned (alg none)", func(c *ExchangeCase) { subject(c).Alg = "none" }, "tx-13"),
		invalidSubject("tx-subject-hs256", "the subject token is HMAC-signed with the issuer's public JWK as the secret (algorithm confusion)", func(c *ExchangeCase) { subject(c).Alg = "HS256" }, "tx-13"),
		invalidSubject("tx-subject-truncated", "the subject token is cut short by 10 characters: not a valid JWS", func(c *ExchangeCase) { subject(c).Encoding = "truncate" }, "tx-12"),
		invalidSubject("tx-subject-expired", "the subject token expired 15 minutes ago", func(c *ExchangeCase) { subject(c).claim(expiredClaims) }, "tx-14"),
		invalidSubject("tx-subject-not-yet-valid", "the subject token's nbf is 15 minutes ahead", func(c *ExchangeCase) { subject(c).claim(notYetClaims) }, "tx-15"),
		bad("tx-subject-wrong-audience", "the subject token's aud is https://other-as.example, another party", func(c *ExchangeCase) { subject(c).claim(map[string]any{"aud": "https://other-as.example"}) },
			reqs("TX-SUBJECT-AUDIENCE"), "invalid_request", labels("tg-11"), deviation("InvalidGrantDeviation", "invalid_grant")),
		bad("tx-subject-unknown-issuer", "the subject token's iss is https://unknown-issuer.example, an issuer the target does not trust (signed with the suite's key)", func(c *ExchangeCase) {
			subject(c).claim(map[string]any{"iss": "https://unknown-issuer.example"})
		}, reqs("TX-SUBJECT-AUDIENCE"), "invalid_request", deviation("InvalidGrantDeviation", "invalid_grant")),
		exDerived(base, "tx-get", "the valid parameters in the query of a GET", func(c *ExchangeCase) { c.Method, c.Encoding = "GET", "query" },
			reqs("TX-POST"), "invalid_request", 400, labels("tx-16"), altStatus(405)),
		exDerived(base, "tx-put", "the valid form body sent with PUT", func(c *ExchangeCase) { c.Method = "PUT" },
			reqs("TX-POST"), "invalid_request", 400, labels("tx-16"), altStatus(405)),
		bad("tx-query-parameters", "the valid parameters in the query of a POST with an empty form body", func(c *ExchangeCase) { c.Encoding = "query" }, reqs("TX-FORM"), "invalid_request", labels("tx-16")),
		bad("tx-json-body", "the valid parameters as a JSON object body (application/json)", func(c *ExchangeCase) { c.Encoding = "json" }, reqs("TX-FORM"), "invalid_request", labels("tx-17"), altStatus(415)),
		exDerived(basic, "tx-client-wrong-secret", "HTTP Basic with the client_id and a wrong secret", func(c *ExchangeCase) { c.Client = ClientWrongSecret },
			reqs("TX-CLIENT-AUTH", "TX-401-CHALLENGE"), "invalid_client", 401, labels("tx-19")),
		exDerived(basic, "tx-client-basic-and-post", "the client secret in HTTP Basic and in the body: two authentication methods", func(c *ExchangeCase) { c.Client = ClientBasicAndPost },
			reqs("TX-ONE-AUTH-METHOD"), "invalid_request", 400, labels("tx-20"), deviation("InvalidClientDeviation", "invalid_client"), altStatus(401)),
		exDerived(base, "tx-client-none", "no client authentication at all", func(c *ExchangeCase) { c.Client = ClientNone },
			reqs("TX-CLIENT-REQUIRED"), "invalid_client", 400, labels("tx-21"), needs(FeatureClientRequired), altStatus(401)),
	}, txEdgeVectors(base, basic, post)...)
}

// withClient sets the client authentication of a case.
func withClient(c *ExchangeCase, client string) *ExchangeCase {
	c.Client = client
	return c
}

// tgVectors: target, audience and scope (§15.2).
func tgVectors() []Vector {
	base := exValid("tg-resource", "a token for the profile's resource (RFC 8707 §2)", exchangeBase(), append(reqsSuccess, "TX-AUD-TARGET"), labels("tg"))
	aud := exValid("tg-audience", "a token for the profile's audience instead of a resource (RFC 8693 §2.1)",
		func() *ExchangeCase {
			c := exchangeBase()
			c.drop("resource")
			c.add("audience", "{{audience}}")
			return c
		}(), append(reqsSuccess, "TX-AUD-TARGET"), needs(FeatureAudience))
	full := exValid("tg-scope", "the whole scope the profile declares", func() *ExchangeCase { c := exchangeBase(); c.add("scope", "{{scope}}"); return c }(),
		append(reqsSuccess, "TG-SCOPE-SUBSET", "TG-SCOPE-RESPONSE"), needs(FeatureScope))
	narrow := exValid("tg-scope-narrow", "a strict subset of the subject token's scope", func() *ExchangeCase { c := exchangeBase(); c.add("scope", "{{narrow-scope}}"); return c }(),
		append(reqsSuccess, "TG-SCOPE-SUBSET", "TG-SCOPE-RESPONSE"), labels("tg-08"), needs(FeatureScope))
	target := func(id, change, value string, label string) Vector {
		return exDerived(base, id, change, func(c *ExchangeCase) { c.set("resource", value) }, reqs("TG-RESOURCE-ABSOLUTE"), "invalid_target", 400, labels(label), accept("invalid_request"))
	}
	return append([]Vector{
		base, aud, full, narrow,
		target("tg-resource-fragment", "resource with a fragment: https://api.example.com/x#frag", "https://api.example.com/x#frag", "tg-01"),
		target("tg-resource-relative", "resource is a relative reference: /relative/path", "/relative/path", "tg-02"),
		target("tg-resource-not-uri", "resource is not a URI: 'not a uri'", "not a uri", "tg-02"),
		target("tg-resource-empty-fragment", "resource ends in an empty fragment: {{resource}}#", "{{resource}}#", "tg-01"),
		exDerived(aud, "tg-unknown-audience", "audience=urn:example:unknown-service, a service the target does not know", func(c *ExchangeCase) { c.set("audience", "urn:example:unknown-service") },
			reqs("TG-TARGET-POLICY"), "invalid_target", 400, labels("tg-03")),
		exDerived(base, "tg-forbidden-resource", "a well-formed resource this client may not obtain a token for", func(c *ExchangeCase) { c.set("resource", "{{forbidden-resource}}") },
			reqs("TG-TARGET-POLICY"), "invalid_target", 400, labels("tg-04"), needs(FeatureForbiddenResource)),
		exAcceptable(base, "tg-two-resources", "two resources the client may each obtain a token for", func(c *ExchangeCase) { c.add("resource", "{{second-resource}}") },
			[]string{"TG-MULTI-TARGET", "TX-AUD-TARGET"}, "MultiTarget", labels("tg-05")),
		exValid("tg-two-resources-issued", "two resources at a target that issues one token for several: aud holds both", func() *ExchangeCase {
			c := exchangeBase()
			c.add("resource", "{{second-resource}}")
			c.Issued = &IssuedExpect{Audience: []string{"{{resource}}", "{{second-resource}}"}}
			return c
		}(), append(reqsSuccess, "TG-MULTI-TARGET", "TX-AUD-TARGET"), labels("tg-05"), needs(FeatureMultiTarget)),
		exValid("tg-resource-and-audience-issued", "the profile's resource and audience at a target that issues one token for several: aud holds both", func() *ExchangeCase {
			c := exchangeBase()
			c.add("audience", "{{audience}}")
			c.Issued = &IssuedExpect{Audience: []string{"{{resource}}", "{{audience}}"}}
			return c
		}(), append(reqsSuccess, "TG-MULTI-TARGET", "TX-AUD-TARGET"), labels("tg-06"), needs(FeatureMultiTarget, FeatureAudience)),
		exDerived(base, "tg-two-resources-refused", "two resources, at a target that issues a token for one target only", func(c *ExchangeCase) { c.add("resource", "{{second-resource}}") },
			reqs("TG-MULTI-TARGET"), "invalid_target", 400, labels("tg-05"), needs(FeatureSingleTarget)),
		exAcceptable(aud, "tg-resource-and-audience", "the profile's resource and audience together", func(c *ExchangeCase) { c.add("resource", "{{resource}}") },
			[]string{"TG-MULTI-TARGET", "TX-AUD-TARGET"}, "MultiTarget", labels("tg-06")),
		exAcceptable(base, "tg-no-target", "neither resource nor audience: the target picks a default or refuses", func(c *ExchangeCase) { c.drop("resource") },
			[]string{"TG-TARGET-POLICY", "TX-SUCCESS"}, "DefaultTarget"),
		exAcceptable(full, "tg-scope-overreach", "the declared scope plus admin:all, which neither the subject token nor the client has", func(c *ExchangeCase) { c.set("scope", "{{scope}} admin:all") },
			[]string{"TG-SCOPE-SUBSET", "TG-SCOPE-RESPONSE"}, "ScopeOverreach", labels("tg-09", "tg-10")),
	}, tgEdgeVectors(base, aud, full)...)
}

// ttVectors: requested and issued token types (§15.3).
func ttVectors() []Vector {
	base := exValid("tt-access-token", "requested_token_type=access_token", func() *ExchangeCase {
		c := exchangeBase()
		c.add("requested_token_type", TokenTypeAccess)
		c.Issued = &IssuedExpect{IssuedTokenType: TokenTypeAccess}
		return c
	}(), append(reqsSuccess, "TT-REQUESTED"), labels("tt-04"))
	jwt := exValid("tt-jwt", "requested_token_type=jwt: the issued token is a JWT", func() *ExchangeCase {
		c := exchangeBase()
		c.add("requested_token_type", TokenTypeJWT)
		c.Issued = &IssuedExpect{IssuedTokenType: TokenTypeJWT, JWT: true}
		return c
	}(), append(reqsSuccess, "TT-REQUESTED"), labels("tt-01"), needs(FeatureJWT))
	return append([]Vector{
		base, jwt,
		exDerived(base, "tt-unsupported", "requested_token_type=urn:example:unsupported", func(c *ExchangeCase) { c.set("requested_token_type", "urn:example:unsupported") },
			reqs("TT-UNSUPPORTED"), "invalid_request", 400, labels("tt-03"), accept("invalid_target")),
		exDerived(base, "tt-repeated", "requested_token_type sent twice", func(c *ExchangeCase) { c.repeat("requested_token_type") },
			reqs("TX-REPEAT-PARAM"), "invalid_request", 400, labels("tx-08")),
	}, ttEdgeVectors(base)...)
}

// dgVectors: delegation, may_act and act chains (§15.4).
func dgVectors() []Vector {
	base := exValid("dg-delegation", "a subject token and an actor token: a delegation token whose act names the actor",
		func() *ExchangeCase { c := exchangeBase(); withActor(c); return c }(), append(reqsSuccess, "DG-ACT", "DG-ACT-MEMBERS", "TX-EXP-BOUND"), needs(FeatureDelegation), labels("dg-01"))
	mayAct := exValid("dg-may-act", "the subject token's may_act names the actor (RFC 8693 Appendix A.2)", func() *ExchangeCase {
		c := exchangeBase()
		withActor(c)
		c.token("subject", TokenSubject).claim(map[string]any{"may_act": map[string]any{"sub": "{{actor}}", "iss": "{{subject-issuer}}"}})
		return c
	}(), append(reqsSuccess, "DG-ACT", "DG-ACT-MEMBERS"), needs(FeatureDelegation, FeatureMayAct), labels("dg-01"))
	chain := exValid("dg-act-chain", "the subject token already has act (https://service77.example.com); the actor becomes the outermost actor", func() *ExchangeCase {
		c := exchangeBase()
		withActor(c)
		c.token("subject", TokenSubject).claim(map[string]any{"act": map[string]any{"sub": "https://service77.example.com", "iss": "{{subject-issuer}}"}})
		return c
	}(), append(reqsSuccess, "DG-ACT", "DG-ACT-MEMBERS"), needs(FeatureDelegation), labels("dg-03"))
	imp := exValid("dg-impersonation", "no actor token: an impersonation token with the subject's sub and no act (RFC 8693 Appendix A.1)", exchangeBase(),
		append(reqsSuccess, "DG-ACT", "TX-SUB"), labels("dg-05"))
	actor := func(c *ExchangeCase) *ExchangeToken { return c.token("actor", TokenActor) }
	invalidActor := func(id, change string, mutate func(*ExchangeCase), label string) Vector {
		return exDerived(base, id, change, mutate, reqs("DG-ACTOR-INVALID"), "invalid_request", 400, labels(label), deviation("InvalidGrantDeviation", "invalid_grant"))
	}
	return append([]Vector{
		base, mayAct, chain, imp,
		exDerived(mayAct, "dg-may-act-mismatch", "may_act names eve@example.net, not the actor", func(c *ExchangeCase) {
			c.token("subject", TokenSubject).claim(map[string]any{"may_act": map[string]any{"sub": "eve@example.net", "iss": "{{subject-issuer}}"}})
		}, reqs("DG-MAY-ACT"), "invalid_request", 400, labels("dg-02"), deviation("InvalidGrantDeviation", "invalid_grant")),
		invalidActor("dg-actor-expired", "the actor token expired 15 minutes ago", func(c *ExchangeCase) { actor(c).claim(expiredClaims) }, "dg-06"),
		invalidActor("dg-actor-not-yet-valid", "the actor token's nbf is 15 minutes ahead", func(c *ExchangeCase) { actor(c).claim(notYetClaims) }, "dg-06"),
		invalidActor("dg-actor-bad-signature", "the actor token's sub is changed after signing", func(c *ExchangeCase) { actor(c).Tamper = map[string]any{"sub": "root@example.net"} }, "dg-07"),
		invalidActor("dg-actor-untrusted-key", "the actor token is signed by a key the target does not trust", func(c *ExchangeCase) { actor(c).Key = "other-issuer" }, "dg-07"),
		invalidActor("dg-actor-alg-none", "the actor token is unsigned (alg none)", func(c *ExchangeCase) { actor(c).Alg = "none" }, "dg-07"),
		invalidActor("dg-actor-opaque", "the actor token is an opaque string, not the JWT its declared type says", func(c *ExchangeCase) { c.Tokens["actor"] = &ExchangeToken{Base: TokenOpaque} }, "dg-07"),
		exDerived(base, "dg-actor-unknown-type", "actor_token_type=urn:example:not-a-type", func(c *ExchangeCase) { c.set("actor_token_type", "urn:example:not-a-type") },
			reqs("TX-SUBJECT-TYPE"), "invalid_request", 400, labels("tx-11")),
		exDerived(base, "dg-repeated-actor-token", "actor_token sent twice", func(c *ExchangeCase) { c.repeat("actor_token") }, reqs("TX-REPEAT-PARAM"), "invalid_request", 400, labels("tx-08")),
		exDerived(base, "dg-empty-actor-token", "actor_token sent without a value beside actor_token_type (an empty parameter is omitted)", func(c *ExchangeCase) { c.set("actor_token", "") },
			reqs("TX-ACTOR-PAIR", "TX-EMPTY-PARAM"), "invalid_request", 400, labels("tx-10")),
	}, dgEdgeVectors(base, mayAct)...)
}

// caVectors: JWT client authentication (§15.6), with the suite's key
// registered for the profile's private_key_jwt client.
func caVectors() []Vector {
	base := exValid("ca-valid", "private_key_jwt: a client assertion with iss = sub = client_id and aud = the issuer identifier (RFC 7523 §2.2)", func() *ExchangeCase {
		c := exchangeBase()
		c.Client = ClientAssertion
		c.token("assertion", TokenAssertion)
		c.add("client_assertion_type", assertionTypeBearer)
		c.add("client_assertion", "{{token:assertion}}")
		return c
	}(), append(reqsSuccess, "CA-ASSERTION"), needs(FeaturePrivateKeyJWT), labels("ca-01"))
	as := func(c *ExchangeCase) *ExchangeToken { return c.token("assertion", TokenAssertion) }
	bad := func(id, change string, mutate func(*ExchangeCase), req, label string, opts ...exOpt) Vector {
		return exDerived(base, id, change, mutate, reqs(req), "invalid_client", 400, append([]exOpt{labels(label), altStatus(401)}, opts...)...)
	}
	return append([]Vector{
		base,
		bad("ca-sub-mismatch", "the assertion's sub is another client", func(c *ExchangeCase) { as(c).claim(map[string]any{"sub": "other-client"}) }, "CA-ASSERTION", "ca-02"),
		bad("ca-iss-mismatch", "the assertion's iss is another client", func(c *ExchangeCase) { as(c).claim(map[string]any{"iss": "other-client"}) }, "CA-ASSERTION", "ca-02"),
		bad("ca-expired", "the assertion expired 15 minutes ago", func(c *ExchangeCase) { as(c).claim(expiredClaims) }, "CA-ASSERTION", "ca-03"),
		bad("ca-missing-exp", "the assertion has no exp", func(c *ExchangeCase) { as(c).claim(map[string]any{"exp": nil}) }, "CA-ASSERTION", "ca-03"),
		bad("ca-alg-none", "the assertion is unsigned (alg none)", func(c *ExchangeCase) { as(c).Alg = "none" }, "CA-ASSERTION", "ca-04"),
		bad("ca-bad-signature", "the assertion's jti is changed after signing", func(c *ExchangeCase) { as(c).Tamper = map[string]any{"jti": "tampered"} }, "CA-ASSERTION", "ca-04"),
		bad("ca-untrusted-key", "the assertion is signed by a key not registered for the client", func(c *ExchangeCase) { as(c).Key = "other-workload" }, "CA-ASSERTION", "ca-04"),
		bad("ca-wrong-audience", "the assertion's aud is https://evil.example", func(c *ExchangeCase) { as(c).claim(map[string]any{"aud": "https://evil.example"}) }, "CA-ASSERTION", "ca-06"),
		bad("ca-extra-audience", "the assertion's aud is [the issuer, https://evil.example]", func(c *ExchangeCase) {
			as(c).claim(map[string]any{"aud": []any{"{{issuer}}", "https://evil.example"}})
		}, "CA-AUD-SOLE", "ca-06"),
		bad("ca-client-id-mismatch", "a client_id parameter naming another client than the assertion's sub", func(c *ExchangeCase) { c.add("client_id", "other-client") }, "CA-CLIENT-ID", "ca-07"),
	}, caEdgeVectors(base)...)
}
