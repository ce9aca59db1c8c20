package vectors

// dpVectors: DPoP at the token endpoint (digest §15.9, RFC 9449 §4.3, §5):
// a valid proof binds the issued token to its key; a proof failing any
// check of §4.3 is refused with invalid_dpop_proof, never ignored.
func dpVectors() []Vector {
	base := exValid("dp-valid", "a DPoP proof for this POST: the issued token is DPoP-bound (token_type DPoP, cnf.jkt the key's thumbprint)", func() *ExchangeCase {
		c := exchangeBase()
		c.token("dpop", TokenDPoP)
		c.Headers = append(c.Headers, [2]string{"DPoP", "{{token:dpop}}"})
		c.Issued = &IssuedExpect{TokenType: "DPoP", DPoPBound: true}
		return c
	}(), append(reqsSuccess, "DP-BOUND"), needs(FeatureDPoP), labels("dp"))
	proof := func(c *ExchangeCase) *ExchangeToken { return c.token("dpop", TokenDPoP) }
	bad := func(id, change string, mutate func(*ExchangeCase)) Vector {
		return exDerived(base, id, change, mutate, reqs("DP-PROOF"), "invalid_dpop_proof", 400, labels("dp"))
	}
	return []Vector{
		base,
		bad("dp-wrong-htm", "the proof's htm is GET", func(c *ExchangeCase) { proof(c).claim(map[string]any{"htm": "GET"}) }),
		bad("dp-wrong-htu", "the proof's htu is another endpoint: https://other-as.example/token", func(c *ExchangeCase) { proof(c).claim(map[string]any{"htu": "https://other-as.example/token"}) }),
		bad("dp-htu-trailing-slash", "the proof's htu is the token endpoint with a trailing slash", func(c *ExchangeCase) { proof(c).claim(map[string]any{"htu": "{{token-endpoint}}/"}) }),
		bad("dp-missing-htu", "the proof has no htu", func(c *ExchangeCase) { proof(c).claim(map[string]any{"htu": nil}) }),
		bad("dp-missing-jti", "the proof has no jti", func(c *ExchangeCase) { proof(c).claim(map[string]any{"jti": nil}) }),
		bad("dp-old-iat", "the proof's iat is an hour old", func(c *ExchangeCase) { proof(c).claim(map[string]any{"iat": map[string]any{"$rel": -3600}}) }),
		bad("dp-future-iat", "the proof's iat is an hour ahead", func(c *ExchangeCase) { proof(c).claim(map[string]any{"iat": map[string]any{"$rel": 3600}}) }),
		bad("dp-bad-signature", "the proof's jti is changed after signing", func(c *ExchangeCase) { proof(c).Tamper = map[string]any{"jti": "tampered"} }),
		bad("dp-typ-jwt", "the proof's typ is JWT", func(c *ExchangeCase) { proof(c).Header = map[string]any{"typ": "JWT"} }),
		bad("dp-alg-none", "the proof is unsigned (alg none)", func(c *ExchangeCase) { proof(c).Alg = "none" }),
		bad("dp-private-jwk", "the proof's jwk carries the private key", func(c *ExchangeCase) {
			proof(c).Header = map[string]any{"jwk": map[string]any{"$jwk": map[string]any{"key": "workload", "private": true}}}
		}),
		bad("dp-jwk-mismatch", "the proof is signed by another key than its jwk", func(c *ExchangeCase) {
			proof(c).Header = map[string]any{"jwk": map[string]any{"$jwk": "other-workload"}}
		}),
		bad("dp-two-proofs", "two DPoP header fields", func(c *ExchangeCase) { c.Headers = append(c.Headers, [2]string{"DPoP", "{{token:dpop}}"}) }),
		func() Vector {
			v := bad("dp-replayed", "the same DPoP proof (same jti) sent twice: the second is judged", func(*ExchangeCase) {})
			v.Requirements = reqs("REPLAY-JTI")
			sendTwice(&v)
			needFeatures(&v, FeatureReplayProtection)
			return v
		}(),
		bad("dp-not-a-jwt", "the DPoP field is not a JWT", func(c *ExchangeCase) { c.Tokens["dpop"] = &ExchangeToken{Base: TokenOpaque} }),
	}
}
