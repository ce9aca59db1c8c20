package vectors

const assertionTypeSPIFFE = "urn:ietf:params:oauth:client-assertion-type:jwt-spiffe"

// sjVectors: JWT-SVID client authentication (spiffe_jwt,
// draft-ietf-oauth-spiffe-client-auth-02 §3.1; the SPIFFE digest's T-J
// tests): a JWT-SVID of the suite's trust domain as the client assertion.
// Every defect is invalid_client (400, or 401).
func sjVectors() []Vector {
	base := exValid("sj-valid", "spiffe_jwt: a JWT-SVID (sub the client's SPIFFE ID, aud the issuer alone) as client assertion of type jwt-spiffe", func() *ExchangeCase {
		c := exchangeBase()
		c.Client = ClientAssertion
		c.token("svid", TokenJWTSVID)
		c.add("client_assertion_type", assertionTypeSPIFFE)
		c.add("client_assertion", "{{token:svid}}")
		return c
	}(), append(reqsSuccess, "SCA-JWT"), needs(FeatureSPIFFEJWT), labels("t-j1"))
	svid := func(c *ExchangeCase) *ExchangeToken { return c.token("svid", TokenJWTSVID) }
	bad := func(id, change string, mutate func(*ExchangeCase), req, label string, opts ...exOpt) Vector {
		return exDerived(base, id, change, mutate, reqs(req), "invalid_client", 400, append([]exOpt{altStatus(401), labels(label)}, opts...)...)
	}
	return []Vector{
		base,
		bad("sj-bearer-type", "the JWT-SVID sent as client_assertion_type jwt-bearer", func(c *ExchangeCase) { c.set("client_assertion_type", assertionTypeBearer) }, "SCA-TYPE", "t-j2"),
		bad("sj-two-jwts", "two JWT-SVIDs joined in one client_assertion", func(c *ExchangeCase) { c.set("client_assertion", "{{token:svid}}.{{token:svid}}") }, "SCA-JWT", "t-j3", accept("invalid_request")),
		bad("sj-no-exp", "the JWT-SVID has no exp", func(c *ExchangeCase) { svid(c).claim(map[string]any{"exp": nil}) }, "SCA-JWT", "t-j4"),
		bad("sj-expired", "the JWT-SVID expired 15 minutes ago", func(c *ExchangeCase) { svid(c).claim(expiredClaims) }, "SCA-JWT", "t-j5"),
		bad("sj-extra-audience", "the JWT-SVID's aud is [the issuer, https://other.example]", func(c *ExchangeCase) {
			svid(c).claim(map[string]any{"aud": []any{"{{issuer}}", "https://other.example"}})
		}, "SCA-JWT", "t-j6"),
		bad("sj-audience-token-endpoint", "the JWT-SVID's aud is the token endpoint URL", func(c *ExchangeCase) { svid(c).claim(map[string]any{"aud": []any{"{{token-endpoint}}"}}) }, "SCA-JWT", "t-j7"),
		bad("sj-audience-trailing-slash", "the JWT-SVID's aud is the issuer with a trailing slash (compared exactly)", func(c *ExchangeCase) { svid(c).claim(map[string]any{"aud": []any{"{{issuer}}/"}}) }, "SCA-JWT", "t-j8"),
		bad("sj-sub-https", "the JWT-SVID's sub is https://example.org/x, not a SPIFFE ID", func(c *ExchangeCase) { svid(c).claim(map[string]any{"sub": "https://example.org/x"}) }, "SCA-JWT", "t-j9"),
		bad("sj-sub-trust-domain", "the JWT-SVID's sub is spiffe://example.org, a trust domain and no workload", func(c *ExchangeCase) { svid(c).claim(map[string]any{"sub": "spiffe://example.org"}) }, "SCA-JWT", "t-j9"),
		bad("sj-untrusted-key", "the JWT-SVID is signed by a key not in the trust domain's bundle, under the trusted key's kid", func(c *ExchangeCase) {
			t := svid(c)
			t.Key, t.Header = "other-issuer", map[string]any{"kid": "issuer-es384", "alg": "ES384"}
		}, "SCA-JWT", "t-j10"),
		bad("sj-wit-svid-key", "the JWT-SVID is signed by the trust domain's WIT-SVID authority (a key for another use)", func(c *ExchangeCase) { svid(c).Key = "issuer" }, "SCA-JWT", "t-j12", needs(FeatureSPIFFEWIT)),
		bad("sj-unknown-kid", "the JWT-SVID names a kid its trust domain's bundle does not have", func(c *ExchangeCase) { svid(c).Header = map[string]any{"kid": "unknown-kid"} }, "SCA-JWT", "t-j10"),
		bad("sj-other-trust-domain", "the JWT-SVID's sub is in other.example, signed by example.org's key", func(c *ExchangeCase) {
			svid(c).claim(map[string]any{"sub": "spiffe://other.example/workload/client"})
		}, "SCA-JWT", "t-j11"),
		bad("sj-alg-none", "the JWT-SVID is unsigned (alg none)", func(c *ExchangeCase) { svid(c).Alg = "none" }, "SCA-ALG", "t-j14"),
		bad("sj-hs256", "the JWT-SVID is HMAC-signed with the key's public JWK as the secret", func(c *ExchangeCase) { svid(c).Alg = "HS256" }, "SCA-ALG", "t-j14"),
		bad("sj-typ-client-authentication", "the JWT-SVID is typed client-authentication+jwt", func(c *ExchangeCase) { svid(c).Header = map[string]any{"typ": "client-authentication+jwt"} }, "SCA-ALG", "t-j14"),
		exAcceptable(base, "sj-replayed", "the same JWT-SVID sent twice within its lifetime: accepted both times unless the target's policy makes it single-use",
			func(*ExchangeCase) {}, []string{"SCA-JWT"}, "Replay", labels("t-j17"), sendTwice),
		bad("sj-client-id-mismatch", "a client_id parameter naming another SPIFFE ID than the JWT-SVID's sub", func(c *ExchangeCase) { c.add("client_id", "spiffe://example.org/workload/other") }, "SCA-CLIENT-ID", "t-j1"),
	}
}

// swVectors: WIT-SVID client authentication (spiffe_wit,
// draft-ietf-oauth-spiffe-client-auth-02 §3.3 with
// draft-ietf-oauth-attestation-based-client-auth-11; the SPIFFE digest's
// T-W tests): a WIT-SVID in OAuth-Client-Attestation and a PoP signed with
// its cnf key in OAuth-Client-Attestation-PoP.
func swVectors() []Vector {
	base := exValid("sw-valid", "spiffe_wit: a WIT-SVID of the client's SPIFFE ID and a PoP (aud the issuer, fresh iat and jti, the challenge when the target uses them)", func() *ExchangeCase {
		c := exchangeBase()
		c.Client = ClientAssertion
		c.token("wit", TokenWITSVID)
		c.token("pop", TokenAttestationPoP)
		c.Headers = [][2]string{{"OAuth-Client-Attestation", "{{token:wit}}"}, {"OAuth-Client-Attestation-PoP", "{{token:pop}}"}}
		c.add("client_id", "{{spiffe-client-id}}")
		return c
	}(), append(reqsSuccess, "SCA-WIT", "ABCA-POP"), needs(FeatureSPIFFEWIT), labels("t-w1"))
	wit := func(c *ExchangeCase) *ExchangeToken { return c.token("wit", TokenWITSVID) }
	pop := func(c *ExchangeCase) *ExchangeToken { return c.token("pop", TokenAttestationPoP) }
	bad := func(id, change string, mutate func(*ExchangeCase), req, label string, opts ...exOpt) Vector {
		return exDerived(base, id, change, mutate, reqs(req), "invalid_client", 400, append([]exOpt{altStatus(401), labels(label)}, opts...)...)
	}
	challenge := func(id, change string, mutate func(*ExchangeCase), label string) Vector {
		v := exDerived(base, id, change, mutate, reqs("ABCA-CHALLENGE"), "use_attestation_challenge", 400, labels(label), needs(FeatureAttestationChallenge))
		v.Exchange.ChallengeHeader = true
		return v
	}
	return []Vector{
		base,
		bad("sw-two-attestations", "two OAuth-Client-Attestation fields", func(c *ExchangeCase) {
			c.Headers = append(c.Headers, [2]string{"OAuth-Client-Attestation", "{{token:wit}}"})
		}, "ABCA-ONE", "t-w2"),
		bad("sw-no-pop", "the attestation without a PoP (and without DPoP)", func(c *ExchangeCase) {
			c.Headers = c.Headers[:1]
			delete(c.Tokens, "pop")
		}, "ABCA-POP", "t-w3"),
		bad("sw-pop-other-key", "the PoP is signed by another key than the WIT-SVID's cnf", func(c *ExchangeCase) { pop(c).Key = "other-workload" }, "ABCA-POP", "t-w5"),
		bad("sw-pop-typ-jwt", "the PoP is typed JWT", func(c *ExchangeCase) { pop(c).Header = map[string]any{"typ": "JWT"} }, "ABCA-POP", "t-w6"),
		bad("sw-pop-no-aud", "the PoP has no aud", func(c *ExchangeCase) { pop(c).claim(map[string]any{"aud": nil}) }, "ABCA-POP", "t-w7"),
		bad("sw-pop-no-jti", "the PoP has no jti", func(c *ExchangeCase) { pop(c).claim(map[string]any{"jti": nil}) }, "ABCA-POP", "t-w7"),
		bad("sw-pop-no-iat", "the PoP has no iat", func(c *ExchangeCase) { pop(c).claim(map[string]any{"iat": nil}) }, "ABCA-POP", "t-w7"),
		bad("sw-pop-aud-token-endpoint", "the PoP's aud is the token endpoint URL, not the issuer", func(c *ExchangeCase) { pop(c).claim(map[string]any{"aud": "{{token-endpoint}}"}) }, "ABCA-POP", "t-w8"),
		bad("sw-pop-alg-none", "the PoP is unsigned (alg none)", func(c *ExchangeCase) { pop(c).Alg = "none" }, "ABCA-POP", "t-w9"),
		bad("sw-pop-hs256", "the PoP is HMAC-signed with the cnf key's public JWK as the secret", func(c *ExchangeCase) { pop(c).Alg = "HS256" }, "ABCA-POP", "t-w9"),
		bad("sw-pop-old", "the PoP's iat is an hour old", func(c *ExchangeCase) { pop(c).claim(map[string]any{"iat": map[string]any{"$rel": -3600}}) }, "ABCA-POP", "t-w10"),
		challenge("sw-pop-no-challenge", "the PoP carries no challenge, at a target that requires them", func(c *ExchangeCase) { pop(c).claim(map[string]any{"challenge": nil}) }, "t-w12"),
		challenge("sw-pop-unknown-challenge", "the PoP carries a challenge the target never issued", func(c *ExchangeCase) { pop(c).claim(map[string]any{"challenge": "never-issued-challenge"}) }, "t-w13"),
		bad("sw-pop-replayed", "the same attestation and PoP (same jti, same challenge) sent twice: the second is judged", func(*ExchangeCase) {}, "REPLAY-JTI", "t-w11",
			sendTwice, needs(FeatureReplayProtection), accept("use_attestation_challenge")),
		bad("sw-wit-expired", "the WIT-SVID expired 15 minutes ago", func(c *ExchangeCase) { wit(c).claim(expiredClaims) }, "SCA-WIT", "t-w14"),
		bad("sw-wit-no-kid", "the WIT-SVID has no kid", func(c *ExchangeCase) { wit(c).Header = map[string]any{"kid": nil} }, "SCA-WIT", "t-w15"),
		bad("sw-wit-typ-jwt", "the WIT-SVID is typed JWT", func(c *ExchangeCase) { wit(c).Header = map[string]any{"typ": "JWT"} }, "SCA-WIT", "t-w15"),
		bad("sw-wit-aud", "the WIT-SVID carries aud (the issuer)", func(c *ExchangeCase) { wit(c).claim(map[string]any{"aud": "{{issuer}}"}) }, "SCA-WIT", "t-w16"),
		bad("sw-wit-cnf-no-alg", "the WIT-SVID's cnf.jwk has no alg", func(c *ExchangeCase) {
			wit(c).claim(map[string]any{"cnf": map[string]any{"jwk": map[string]any{"$jwk": map[string]any{"key": "workload", "omitAlg": true}}}})
		}, "SCA-WIT", "t-w17"),
		bad("sw-wit-cnf-eddsa", "the WIT-SVID's cnf.jwk is an EdDSA key (not RS/ES/PS), and the PoP signed with it", func(c *ExchangeCase) {
			wit(c).claim(map[string]any{"cnf": map[string]any{"jwk": map[string]any{"$jwk": "workload-eddsa"}}})
			pop(c).Key = "workload-eddsa"
		}, "SCA-WIT", "t-w17"),
		bad("sw-wit-cnf-private", "the WIT-SVID's cnf.jwk carries the private key", func(c *ExchangeCase) {
			wit(c).claim(map[string]any{"cnf": map[string]any{"jwk": map[string]any{"$jwk": map[string]any{"key": "workload", "private": true}}}})
		}, "SCA-WIT", "t-w18"),
		bad("sw-wit-jwt-svid-key", "the WIT-SVID is signed by the trust domain's JWT-SVID authority (a key for another use)", func(c *ExchangeCase) { wit(c).Key = "issuer-es384" }, "SCA-WIT", "t-w19", needs(FeatureSPIFFEJWT)),
		bad("sw-wit-untrusted-key", "the WIT-SVID is signed by a key not in the bundle, under the trusted key's kid", func(c *ExchangeCase) { wit(c).Key = "other-issuer" }, "SCA-WIT", "t-w19"),
		bad("sw-client-id-mismatch", "client_id names another SPIFFE ID than the WIT-SVID's sub", func(c *ExchangeCase) { c.set("client_id", "spiffe://example.org/workload/other") }, "SCA-CLIENT-ID", "t-w20"),
		exDerived(base, "sw-wit-as-bearer", "the WIT-SVID sent as an Authorization: Bearer token, without attestation fields", func(c *ExchangeCase) {
			c.Headers = [][2]string{{"Authorization", "Bearer {{token:wit}}"}}
			delete(c.Tokens, "pop")
		}, reqs("SCA-WIT"), "invalid_client", 401, labels("t-w21"), altStatus(400), accept("invalid_request")),
	}
}

// sxVectors: X.509-SVID client authentication (spiffe_x509,
// draft-ietf-oauth-spiffe-client-auth-02 §3.2; the SPIFFE digest's T-X
// tests): the client certificate of an mtls vector presented in the TLS
// handshake, with client_id its SPIFFE ID.
func sxVectors() []Vector {
	base := exValid("sx-valid", "spiffe_x509: mutual TLS with an X.509-SVID of the suite's trust domain (mtls-client-valid-spiffe), client_id its SPIFFE ID", func() *ExchangeCase {
		c := exchangeBase()
		c.Client = ClientAssertion
		c.Certificate = "mtls-client-valid-spiffe"
		c.add("client_id", "{{certificate-client-id}}")
		return c
	}(), append(reqsSuccess, "SCA-X509"), needs(FeatureSPIFFEX509), labels("t-x1"))
	bad := func(id, change string, mutate func(*ExchangeCase), req, label string, opts ...exOpt) Vector {
		return exDerived(base, id, change, mutate, reqs(req), "invalid_client", 400, append([]exOpt{altStatus(401), labels(label)}, opts...)...)
	}
	return []Vector{
		base,
		bad("sx-no-client-id", "the X.509-SVID without a client_id", func(c *ExchangeCase) { c.drop("client_id") }, "SCA-X509", "t-x2", accept("invalid_request")),
		bad("sx-client-id-mismatch", "client_id names another SPIFFE ID than the certificate's", func(c *ExchangeCase) { c.set("client_id", "spiffe://example.org/ns/default/sa/other") }, "SCA-CLIENT-ID", "t-x3"),
		bad("sx-wimse-identifier", "a valid Workload Identity Certificate for a wimse:// identifier, which is no X.509-SVID (mtls-client-valid)", func(c *ExchangeCase) {
			c.Certificate = "mtls-client-valid"
			c.set("client_id", Subject)
		}, "SCA-X509", "t-x1"),
		bad("sx-upper-case-trust-domain", "an X.509-SVID whose SPIFFE ID has an upper-case trust domain (mtls-client-spiffe-upper-case-trust-domain)", func(c *ExchangeCase) {
			c.Certificate = "mtls-client-spiffe-upper-case-trust-domain"
			c.set("client_id", "spiffe://EXAMPLE.org/ns/default/sa/client")
		}, "SCA-X509", "t-x8"),
		bad("sx-no-certificate", "client_id alone, without a client certificate: no client authentication", func(c *ExchangeCase) { c.Certificate = "" }, "SCA-X509", "t-x2", needs(FeatureClientRequired)),
	}
}
