package vectors

// wiVectors: WIMSE workload credentials at the token endpoint (digest
// §15.10, WI-05, WI-07, WI-08): a WIT of the suite's trust domain
// example.org as subject token of type urn:ietf:params:oauth:token-type:jwt,
// proved by a Workload Proof Token minted at play time
// (draft-ietf-wimse-workload-creds-02 §5.1, draft-ietf-wimse-wpt-01 §3).
// Every defect of the WIT or of its proof is an invalid subject token:
// invalid_request (RFC 8693 §2.2.2), invalid_grant a deviation.
func wiVectors() []Vector {
	base := exValid("wi-valid", "a WIT (wit+jwt, iss the subject issuer, cnf.jwk the workload key) as subject token of type jwt, with a WPT in Workload-Proof-Token (wpt+jwt, aud the token endpoint URL, wth the WIT's hash, fresh jti, one-minute exp): the issued sub is the WIT's",
		witCase(), append(reqsSuccess, "WI-PROOF", "TX-SUB", "TX-EXP-BOUND"), needs(FeatureWITSubject))
	wit := func(c *ExchangeCase) *ExchangeToken { return c.token("subject", TokenWITSVID) }
	proof := func(c *ExchangeCase) *ExchangeToken { return c.token("wpt", TokenWPT) }
	bad := func(id, change string, mutate func(*ExchangeCase), req, label string, opts ...exOpt) Vector {
		return exDerived(base, id, change, mutate, reqs(req), "invalid_request", 400, append([]exOpt{labels(label), deviation("InvalidGrantDeviation", "invalid_grant")}, opts...)...)
	}
	short := exValid("wi-short-lived", "the valid request with a WIT that expires in 5 minutes: the issued token expires no later than the WIT (the target's policy may allow longer tokens)",
		func() *ExchangeCase {
			c := witCase()
			c.Tokens["subject"].claim(map[string]any{"exp": map[string]any{"$rel": 300}})
			return c
		}(), append(reqsSuccess, "WI-LIFETIME", "TX-EXP-BOUND"), needs(FeatureWITSubject), labels("wi-05"))
	// WI-06: the baseline's bearer subject token and dpop_jkt, the
	// thumbprint of RFC 9449 §10's example key, which no proof shows.
	upgrade := exValid("wi-bearer-no-upgrade", "a bearer subject token with dpop_jkt (a key thumbprint) and no DPoP proof: refused, or a token bound to no key",
		func() *ExchangeCase {
			c := exchangeBase()
			c.add("dpop_jkt", "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
			c.Issued = &IssuedExpect{Unbound: true}
			return c
		}(), []string{"WI-NO-UPGRADE"}, labels("wi-06"), flags("BearerUpgrade"))
	upgrade.Result = ResultAcceptable
	return []Vector{
		base, short, upgrade,
		bad("wi-wit-alg-none", "the WIT is unsigned (alg none)", func(c *ExchangeCase) { wit(c).Alg = "none" }, "WI-WIT", "wi-07"),
		bad("wi-wit-cnf-symmetric", "the WIT's cnf.jwk is a symmetric key (kty oct, alg HS256)", func(c *ExchangeCase) {
			wit(c).claim(map[string]any{"cnf": map[string]any{"jwk": map[string]any{"kty": "oct", "alg": "HS256", "k": "c3ltbWV0cmljLXdvcmtsb2FkLWtleS1ub3Qtb2stMzI"}}})
		}, "WI-WIT", "wi-07"),
		bad("wi-wit-no-cnf", "the WIT has no cnf", func(c *ExchangeCase) { wit(c).claim(map[string]any{"cnf": nil}) }, "WI-WIT", "wi-07"),
		bad("wi-no-wpt", "the WIT without a Workload-Proof-Token (and no client authentication with its key)", func(c *ExchangeCase) {
			c.Headers = nil
			delete(c.Tokens, "wpt")
		}, "WI-PROOF", "wi-08"),
		bad("wi-wpt-alg-mismatch", "the WIT's cnf.jwk is the RSA workload key with alg RS256, and the WPT is signed by that key with PS256", func(c *ExchangeCase) {
			wit(c).claim(map[string]any{"cnf": map[string]any{"jwk": map[string]any{"$jwk": "workload-rs256"}}})
			proof(c).Key = "workload-ps256"
		}, "WI-WPT", "wi-08"),
		bad("wi-wpt-wth-mismatch", "the WPT's wth is the hash of another token", func(c *ExchangeCase) {
			proof(c).claim(map[string]any{"wth": map[string]any{"$hash": "string:another-token"}})
		}, "WI-WPT", "wi-08"),
		bad("wi-wpt-aud-other", "the WPT's aud is another URL than the token endpoint", func(c *ExchangeCase) {
			proof(c).claim(map[string]any{"aud": "https://other.example/token"})
		}, "WI-WPT", "wi-08"),
		bad("wi-wpt-oth-unknown", "the WPT's oth names a header field the target does not understand (and the request does not carry)", func(c *ExchangeCase) {
			proof(c).claim(map[string]any{"oth": map[string]any{"x-example-context": map[string]any{"$hash": "string:example"}}})
		}, "WI-WPT", "wi-08"),
		bad("wi-wpt-other-key", "the WPT is signed by another key than the WIT's cnf.jwk", func(c *ExchangeCase) { proof(c).Key = "other-workload" }, "WI-WPT", "wi-08"),
		bad("wi-wpt-replayed", "the same WIT and WPT (same jti) sent twice: the second is judged", func(*ExchangeCase) {}, "WPT-REPLAY", "wi-08",
			sendTwice, needs(FeatureReplayProtection)),
	}
}

// witCase is the wi-valid request: the baseline with a WIT subject token
// and its WPT.
func witCase() *ExchangeCase {
	c := exchangeBase()
	c.set("subject_token_type", TokenTypeJWT)
	c.Tokens["subject"] = &ExchangeToken{Base: TokenWITSVID, Claims: map[string]any{"iss": "{{" + ValueSubjectIssuer + "}}"}}
	c.token("wpt", TokenWPT)
	c.Headers = [][2]string{{"Workload-Proof-Token", "{{token:wpt}}"}}
	return c
}
