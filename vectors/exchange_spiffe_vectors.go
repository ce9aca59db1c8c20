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
		bad("sj-untrusted-key", "the JWT-SVID is signed by a key not in the trust domain's bundle, under the trusted key's kid", func(c *ExchangeCase) { svid(c).Key = "other-issuer" }, "SCA-JWT", "t-j10"),
		bad("sj-unknown-kid", "the JWT-SVID names a kid its trust domain's bundle does not have", func(c *ExchangeCase) { svid(c).Header = map[string]any{"kid": "unknown-kid"} }, "SCA-JWT", "t-j10"),
		bad("sj-other-trust-domain", "the JWT-SVID's sub is in other.example, signed by example.org's key", func(c *ExchangeCase) {
			svid(c).claim(map[string]any{"sub": "spiffe://other.example/workload/client"})
		}, "SCA-JWT", "t-j11"),
		bad("sj-alg-none", "the JWT-SVID is unsigned (alg none)", func(c *ExchangeCase) { svid(c).Alg = "none" }, "SCA-ALG", "t-j14"),
		bad("sj-hs256", "the JWT-SVID is HMAC-signed with the key's public JWK as the secret", func(c *ExchangeCase) { svid(c).Alg = "HS256" }, "SCA-ALG", "t-j14"),
		bad("sj-typ-client-authentication", "the JWT-SVID is typed client-authentication+jwt", func(c *ExchangeCase) { svid(c).Header = map[string]any{"typ": "client-authentication+jwt"} }, "SCA-ALG", "t-j14"),
		bad("sj-client-id-mismatch", "a client_id parameter naming another SPIFFE ID than the JWT-SVID's sub", func(c *ExchangeCase) { c.add("client_id", "spiffe://example.org/workload/other") }, "SCA-CLIENT-ID", "t-j1"),
	}
}
