package vectors

// The second table of each exchange group: edge cases of the same checks
// (media types, token defects beyond the classic ones, empty and repeated
// values, client authentication variants), derived from the group's
// baselines.

func txEdgeVectors(base, basic, post Vector) []Vector {
	bad := func(id, change string, mutate func(*ExchangeCase), rs []string, code string, opts ...exOpt) Vector {
		return exDerived(base, id, change, mutate, rs, code, 400, opts...)
	}
	subject := func(c *ExchangeCase) *ExchangeToken { return c.token("subject", TokenSubject) }
	invalidSubject := func(id, change string, mutate func(*ExchangeCase), req string) Vector {
		return bad(id, change, mutate, reqs(req), "invalid_request", deviation("InvalidGrantDeviation", "invalid_grant"))
	}
	charset := func() *ExchangeCase {
		c := exchangeBase()
		c.ContentType = "application/x-www-form-urlencoded; charset=UTF-8"
		return c
	}()
	untyped := exchangeBase()
	untyped.token("subject", TokenSubject).Header = map[string]any{"typ": nil}
	return []Vector{
		exValid("tx-subject-untyped", "the subject token has no typ header (RFC 7519 §5.1: optional)", untyped, reqsSuccess),
		exValid("tx-form-charset", "the valid request labelled application/x-www-form-urlencoded; charset=UTF-8", charset, []string{"TX-FORM-MEDIA-TYPE"}),
		bad("tx-content-type-text-plain", "the form body labelled text/plain", func(c *ExchangeCase) { c.ContentType = "text/plain" }, reqs("TX-FORM"), "invalid_request", altStatus(415)),
		bad("tx-no-content-type", "the form body without Content-Type", func(c *ExchangeCase) { c.ContentType = "none" }, reqs("TX-FORM"), "invalid_request", altStatus(415)),
		bad("tx-subject-type-saml2", "subject_token_type names a SAML 2.0 assertion; the token is a JWT", func(c *ExchangeCase) { c.set("subject_token_type", "urn:ietf:params:oauth:token-type:saml2") },
			reqs("TX-SUBJECT-TYPE"), "invalid_request", labels("tx-12")),
		bad("tx-subject-type-refresh-token", "subject_token_type names a refresh token; the token is a JWT of another issuer", func(c *ExchangeCase) {
			c.set("subject_token_type", "urn:ietf:params:oauth:token-type:refresh_token")
		}, reqs("TX-SUBJECT-TYPE"), "invalid_request", labels("tx-12")),
		invalidSubject("tx-subject-missing-sub", "the subject token has no sub", func(c *ExchangeCase) { subject(c).claim(map[string]any{"sub": nil}) }, "TX-SUBJECT-CLAIMS"),
		invalidSubject("tx-subject-missing-exp", "the subject token has no exp", func(c *ExchangeCase) { subject(c).claim(map[string]any{"exp": nil}) }, "TX-SUBJECT-CLAIMS"),
		invalidSubject("tx-subject-empty-sub", "the subject token's sub is the empty string", func(c *ExchangeCase) { subject(c).claim(map[string]any{"sub": ""}) }, "TX-SUBJECT-CLAIMS"),
		invalidSubject("tx-subject-iat-future", "the subject token's iat is 15 minutes ahead", func(c *ExchangeCase) {
			subject(c).claim(map[string]any{"iat": map[string]any{"$rel": 900}, "exp": map[string]any{"$rel": 1500}})
		}, "TX-SUBJECT-CLAIMS"),
		invalidSubject("tx-subject-crit", "the subject token's header has crit naming an extension nobody understands", func(c *ExchangeCase) {
			subject(c).Header = map[string]any{"crit": []any{"urn:example:unknown"}, "urn:example:unknown": true}
		}, "TX-SUBJECT-INVALID"),
		invalidSubject("tx-subject-embedded-jwk", "the subject token is signed by an untrusted key that its header embeds as jwk", func(c *ExchangeCase) {
			t := subject(c)
			t.Key, t.Header = "other-issuer", map[string]any{"jwk": map[string]any{"$jwk": "other-issuer"}, "kid": nil}
		}, "TX-SUBJECT-INVALID"),
		invalidSubject("tx-subject-jku", "the subject token is signed by an untrusted key its header points to with jku", func(c *ExchangeCase) {
			t := subject(c)
			t.Key, t.Header = "other-issuer", map[string]any{"jku": "https://attacker.example/jwks.json", "kid": "attacker-1"}
		}, "TX-SUBJECT-INVALID"),
		invalidSubject("tx-subject-whitespace", "the subject token has a space inside its claims segment", func(c *ExchangeCase) { subject(c).Encoding = "whitespace" }, "TX-SUBJECT-INVALID"),
		invalidSubject("tx-subject-extra-segment", "the subject token has a fourth segment", func(c *ExchangeCase) { subject(c).Encoding = "extra-segment" }, "TX-SUBJECT-INVALID"),
		invalidSubject("tx-subject-wrong-issuer-key", "the subject token claims the suite's issuer but is signed by the second trust domain's issuer key", func(c *ExchangeCase) { subject(c).Key = "second-issuer" }, "TX-SUBJECT-INVALID"),
		exDerived(basic, "tx-client-unknown", "HTTP Basic with a client_id the target does not know", func(c *ExchangeCase) { c.Client = ClientUnknown },
			reqs("TX-CLIENT-AUTH", "TX-401-CHALLENGE"), "invalid_client", 401, labels("tx-19")),
		exDerived(basic, "tx-client-malformed-basic", "an Authorization field Basic !!! that is not base64", func(c *ExchangeCase) {
			c.Client = ClientNone
			c.Headers = append(c.Headers, [2]string{"Authorization", "Basic !!!"})
		}, reqs("TX-CLIENT-AUTH", "TX-401-CHALLENGE"), "invalid_client", 401, labels("tx-19"), accept("invalid_request"), altStatus(400)),
		exDerived(post, "tx-client-wrong-secret-post", "the client_id and a wrong client_secret in the body", func(c *ExchangeCase) { c.Client = ClientWrongSecretPost },
			reqs("TX-CLIENT-AUTH"), "invalid_client", 400, labels("tx-19"), altStatus(401)),
		exDerived(post, "tx-client-id-only", "client_id in the body and no secret: an unauthenticated request", func(c *ExchangeCase) {
			c.Client = ClientNone
			c.add("client_id", "{{client-id}}")
		}, reqs("TX-CLIENT-REQUIRED"), "invalid_client", 400, labels("tx-21"), needs(FeatureClientRequired), altStatus(401)),
	}
}

func tgEdgeVectors(base, aud, full Vector) []Vector {
	return []Vector{
		exValid("tg-empty-audience", "the valid request with an empty audience beside the resource (an empty parameter is omitted)",
			func() *ExchangeCase { c := exchangeBase(); c.add("audience", ""); return c }(), append(reqsSuccess, "TX-EMPTY-PARAM", "TX-AUD-TARGET")),
		exValid("tg-empty-scope", "the valid request with scope sent without a value (treated as omitted)",
			func() *ExchangeCase { c := exchangeBase(); c.add("scope", ""); return c }(), append(reqsSuccess, "TX-EMPTY-PARAM", "TG-SCOPE-SUBSET")),
		exAcceptable(base, "tg-empty-resource", "resource sent without a value and no audience: no target named", func(c *ExchangeCase) { c.set("resource", "") },
			[]string{"TG-TARGET-POLICY", "TX-EMPTY-PARAM"}, "DefaultTarget"),
		exAcceptable(base, "tg-repeated-resource", "the same resource twice", func(c *ExchangeCase) { c.repeat("resource") },
			[]string{"TG-MULTI-TARGET", "TX-AUD-TARGET"}, "MultiTarget", labels("tg-05")),
		exAcceptable(full, "tg-scope-unknown", "only urn:example:unknown-scope, a scope the target does not know", func(c *ExchangeCase) { c.set("scope", "urn:example:unknown-scope") },
			[]string{"TG-SCOPE-SUBSET", "TG-SCOPE-RESPONSE"}, "ScopeOverreach", labels("tg-09")),
		exDerived(full, "tg-scope-malformed", "scope with a doubled space between its tokens", func(c *ExchangeCase) { c.set("scope", "{{narrow-scope}}  {{narrow-scope}}") },
			reqs("TG-SCOPE-SYNTAX"), "invalid_scope", 400, accept("invalid_request")),
		exDerived(full, "tg-scope-quote", "scope with a double quote, outside the scope-token characters", func(c *ExchangeCase) { c.set("scope", "{{narrow-scope}} \"quoted\"") },
			reqs("TG-SCOPE-SYNTAX"), "invalid_scope", 400, accept("invalid_request")),
		exDerived(full, "tg-repeated-scope", "scope sent twice", func(c *ExchangeCase) { c.repeat("scope") }, reqs("TX-REPEAT-PARAM"), "invalid_request", 400, labels("tx-08")),
		exDerived(full, "tg-scope-overreach-refused", "the declared scope plus admin:all, at a target that refuses overreach", func(c *ExchangeCase) { c.set("scope", "{{scope}} admin:all") },
			reqs("TG-SCOPE-SUBSET"), "invalid_scope", 400, labels("tg-09"), needs(FeatureScopeReject)),
		exValid("tg-scope-overreach-narrowed", "the declared scope plus admin:all, at a target that narrows: it issues the declared scope and says so", func() *ExchangeCase {
			c := exchangeBase()
			c.add("scope", "{{scope}} admin:all")
			c.Issued = &IssuedExpect{Scope: "{{scope}}"}
			return c
		}(), append(reqsSuccess, "TG-SCOPE-SUBSET", "TG-SCOPE-RESPONSE"), labels("tg-09"), needs(FeatureScope, FeatureScopeNarrow)),
		exValid("tg-scope-partly-narrowed", "one declared scope and admin:all, at a target that narrows: it issues the declared one", func() *ExchangeCase {
			c := exchangeBase()
			c.add("scope", "{{narrow-scope}} admin:all")
			c.Issued = &IssuedExpect{Scope: "{{narrow-scope}}"}
			return c
		}(), append(reqsSuccess, "TG-SCOPE-SUBSET", "TG-SCOPE-RESPONSE"), labels("tg-09"), needs(FeatureScope, FeatureScopeNarrow)),
		exAcceptable(aud, "tg-repeated-audience", "the same audience twice", func(c *ExchangeCase) { c.repeat("audience") },
			[]string{"TG-MULTI-TARGET", "TX-AUD-TARGET"}, "MultiTarget", labels("tg-06")),
		exDerived(aud, "tg-audience-and-forbidden-resource", "the profile's audience and a resource the client may not obtain a token for", func(c *ExchangeCase) { c.add("resource", "{{forbidden-resource}}") },
			reqs("TG-TARGET-POLICY"), "invalid_target", 400, labels("tg-04"), needs(FeatureForbiddenResource)),
	}
}

func ttEdgeVectors(base Vector) []Vector {
	jwtActor := func() *ExchangeCase {
		c := exchangeBase()
		withActor(c)
		c.add("requested_token_type", TokenTypeJWT)
		c.Issued = &IssuedExpect{IssuedTokenType: TokenTypeJWT, JWT: true}
		return c
	}()
	return []Vector{
		exValid("tt-jwt-delegation", "requested_token_type=jwt with an actor token: the issued JWT carries act", jwtActor,
			append(reqsSuccess, "TT-REQUESTED", "DG-ACT", "DG-ACT-MEMBERS"), labels("tt-01"), needs(FeatureJWT, FeatureDelegation)),
		exValid("tt-empty-requested-type", "requested_token_type sent without a value (treated as omitted)",
			func() *ExchangeCase { c := exchangeBase(); c.add("requested_token_type", ""); return c }(), append(reqsSuccess, "TX-EMPTY-PARAM")),
		exDerived(base, "tt-unsupported-saml1", "requested_token_type=urn:ietf:params:oauth:token-type:saml1, a type token exchange servers rarely issue",
			func(c *ExchangeCase) { c.set("requested_token_type", "urn:ietf:params:oauth:token-type:saml1") },
			reqs("TT-UNSUPPORTED"), "invalid_request", 400, labels("tt-03"), accept("invalid_target"), needs(FeatureJWT)),
	}
}

func dgEdgeVectors(base, mayAct Vector) []Vector {
	actor := func(c *ExchangeCase) *ExchangeToken { return c.token("actor", TokenActor) }
	invalidActor := func(id, change string, mutate func(*ExchangeCase), req string) Vector {
		return exDerived(base, id, change, mutate, reqs(req), "invalid_request", 400, deviation("InvalidGrantDeviation", "invalid_grant"))
	}
	return []Vector{
		exValid("dg-act-chain-nested", "the subject token's act already nests two actors; the actor becomes the third, outermost", func() *ExchangeCase {
			c := exchangeBase()
			withActor(c)
			c.token("subject", TokenSubject).claim(map[string]any{"act": map[string]any{"sub": "https://service77.example.com", "iss": "{{subject-issuer}}",
				"act": map[string]any{"sub": "https://service99.example.com", "iss": "{{subject-issuer}}"}}})
			return c
		}(), append(reqsSuccess, "DG-ACT", "DG-ACT-MEMBERS"), needs(FeatureDelegation), labels("dg-03")),
		exValid("dg-act-chain-kept", "the subject token has act and no actor token is sent: the issued token keeps the subject's act chain", func() *ExchangeCase {
			c := exchangeBase()
			c.token("subject", TokenSubject).claim(map[string]any{"act": map[string]any{"sub": "https://service77.example.com", "iss": "{{subject-issuer}}"}})
			return c
		}(), append(reqsSuccess, "DG-ACT"), labels("dg-03")),
		invalidActor("dg-actor-hs256", "the actor token is HMAC-signed with the issuer's public JWK as the secret", func(c *ExchangeCase) { actor(c).Alg = "HS256" }, "DG-ACTOR-INVALID"),
		invalidActor("dg-actor-truncated", "the actor token is cut short by 10 characters", func(c *ExchangeCase) { actor(c).Encoding = "truncate" }, "DG-ACTOR-INVALID"),
		invalidActor("dg-actor-crit", "the actor token's header has crit naming an extension nobody understands", func(c *ExchangeCase) {
			actor(c).Header = map[string]any{"crit": []any{"urn:example:unknown"}, "urn:example:unknown": true}
		}, "DG-ACTOR-INVALID"),
		invalidActor("dg-actor-missing-sub", "the actor token has no sub", func(c *ExchangeCase) { actor(c).claim(map[string]any{"sub": nil}) }, "TX-SUBJECT-CLAIMS"),
		invalidActor("dg-actor-missing-exp", "the actor token has no exp", func(c *ExchangeCase) { actor(c).claim(map[string]any{"exp": nil}) }, "TX-SUBJECT-CLAIMS"),
		exValid("dg-may-act-impersonation", "the subject token has may_act and no actor token is sent: an impersonation token, may_act not copied", func() *ExchangeCase {
			c := exchangeBase()
			c.token("subject", TokenSubject).claim(map[string]any{"may_act": map[string]any{"sub": "{{actor}}", "iss": "{{subject-issuer}}"}})
			return c
		}(), append(reqsSuccess, "DG-ACT", "DG-ACT-MEMBERS"), labels("dg-05")),
		invalidActor("dg-actor-wrong-audience", "the actor token's aud is https://other-as.example", func(c *ExchangeCase) { actor(c).claim(map[string]any{"aud": "https://other-as.example"}) }, "TX-SUBJECT-AUDIENCE"),
		invalidActor("dg-actor-unknown-issuer", "the actor token's iss is https://unknown-issuer.example (signed with the suite's key)", func(c *ExchangeCase) {
			actor(c).claim(map[string]any{"iss": "https://unknown-issuer.example"})
		}, "TX-SUBJECT-AUDIENCE"),
		exDerived(mayAct, "dg-may-act-issuer-mismatch", "may_act names the actor's sub under another issuer", func(c *ExchangeCase) {
			c.token("subject", TokenSubject).claim(map[string]any{"may_act": map[string]any{"sub": "{{actor}}", "iss": "https://other-issuer.example"}})
		}, reqs("DG-MAY-ACT"), "invalid_request", 400, labels("dg-02"), deviation("InvalidGrantDeviation", "invalid_grant")),
	}
}

func caEdgeVectors(base Vector) []Vector {
	as := func(c *ExchangeCase) *ExchangeToken { return c.token("assertion", TokenAssertion) }
	bad := func(id, change string, mutate func(*ExchangeCase), req string, opts ...exOpt) Vector {
		return exDerived(base, id, change, mutate, reqs(req), "invalid_client", 400, append([]exOpt{altStatus(401)}, opts...)...)
	}
	typed := base.Exchange.clone()
	typed.token("assertion", TokenAssertion).Header = map[string]any{"typ": "client-authentication+jwt"}
	return []Vector{
		exValid("ca-typed", "a client assertion typed client-authentication+jwt (draft-ietf-oauth-rfc7523bis)", typed, []string{"CA-TYPED"}, needs(FeaturePrivateKeyJWT), labels("ca-08")),
		bad("ca-not-yet-valid", "the assertion's nbf is 15 minutes ahead", func(c *ExchangeCase) { as(c).claim(notYetClaims) }, "CA-ASSERTION", labels("ca-03")),
		bad("ca-hs256", "the assertion is HMAC-signed with the client key's public JWK as the secret", func(c *ExchangeCase) { as(c).Alg = "HS256" }, "CA-ASSERTION", labels("ca-04")),
		bad("ca-missing-sub", "the assertion has no sub", func(c *ExchangeCase) { as(c).claim(map[string]any{"sub": nil}) }, "CA-ASSERTION", labels("ca-02")),
		bad("ca-missing-aud", "the assertion has no aud", func(c *ExchangeCase) { as(c).claim(map[string]any{"aud": nil}) }, "CA-ASSERTION", labels("ca-06")),
		bad("ca-audience-token-endpoint", "the assertion's aud is the token endpoint URL, which RFC 7523 allowed and 7523bis forbids", func(c *ExchangeCase) {
			as(c).claim(map[string]any{"aud": "{{token-endpoint}}"})
		}, "CA-AUD-SOLE", labels("ca-05"), needs(FeatureRFC7523bis)),
		exDerived(base, "ca-repeated-assertion", "client_assertion sent twice", func(c *ExchangeCase) { c.repeat("client_assertion") },
			reqs("TX-REPEAT-PARAM"), "invalid_request", 400, accept("invalid_client"), altStatus(401)),
		bad("ca-unknown-assertion-type", "client_assertion_type=urn:example:unknown", func(c *ExchangeCase) { c.set("client_assertion_type", "urn:example:unknown") },
			"CA-ASSERTION", accept("invalid_request")),
		exDerived(base, "ca-assertion-and-basic", "the client assertion and the client secret in HTTP Basic: two authentication methods", func(c *ExchangeCase) { c.Client = ClientAssertionAndBasic },
			reqs("TX-ONE-AUTH-METHOD"), "invalid_request", 400, accept("invalid_client"), altStatus(401), needs(FeatureClientSecretBasic), labels("tx-20")),
		bad("ca-replayed", "the same client assertion (same jti) sent twice: the second is judged", func(*ExchangeCase) {}, "REPLAY-JTI", sendTwice, needs(FeatureReplayProtection), labels("ca-09")),
		bad("ca-assertion-without-type", "client_assertion without client_assertion_type", func(c *ExchangeCase) { c.drop("client_assertion_type") },
			"CA-ASSERTION", accept("invalid_request")),
	}
}
