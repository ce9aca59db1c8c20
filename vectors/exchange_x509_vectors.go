package vectors

// TokenTypeMTLS is the subject_token_type of the X.509 certificate to
// access token profile (digest §8.3).
const TokenTypeMTLS = "urn:ietf:params:oauth:token-type:mtls"

// X5COtherCertificate is the mtls vector whose chain fills
// ValueOtherCertificateX5C: a valid client certificate that is not the
// spiffe_x509 client's.
const X5COtherCertificate = "mtls-client-valid"

// wiX509Vectors: the X.509 certificate to access token profile (digest
// §8.3, §15.10 WI-01..WI-04;
// draft-mccracken-wimse-x509-to-access-token-exchange-profile): the
// spiffe_x509 client presents its X.509-SVID (mtls-client-valid-spiffe) in
// the TLS handshake and exchanges that very certificate (subject_token
// mtls_client_certificate) for an access token for the profile's audience.
func wiX509Vectors() []Vector {
	base := exValid("wi-x509-valid", "mutual TLS with an X.509-SVID chaining to the configured example.org root (mtls-client-valid-spiffe), subject_token mtls_client_certificate of type mtls, audience set, requested_token_type access_token: an access token, no refresh_token, exp no later than the certificate's notAfter and nbf no earlier than its notBefore",
		x509Case(), append(reqsSuccess, "WI-X509-ACCEPT", "TX-NO-REFRESH"), needs(FeatureX509Subject), labels("wi-01"))
	bad := func(id, change string, mutate func(*ExchangeCase), req, code, label string, opts ...exOpt) Vector {
		return exDerived(base, id, change, mutate, reqs(req), code, 400, append([]exOpt{labels(label)}, opts...)...)
	}
	x5c := exAcceptable(base, "wi-x509-x5c", "subject_token is the newer text's form: the TLS client certificate's chain as a JOSE x5c JSON array, whose leaf is the TLS leaf (issued or refused, as the target takes that form or not)",
		func(c *ExchangeCase) {
			c.set("subject_token", "{{"+ValueCertificateX5C+"}}")
			c.Issued = &IssuedExpect{IssuedTokenType: TokenTypeAccess, CertificateBound: true}
		}, []string{"WI-X509-ACCEPT"}, "X5CSubjectToken", labels("wi-03"))
	return []Vector{
		base,
		x5c,
		bad("wi-x509-unknown-ca", "the client certificate (a spiffe:// X.509-SVID of example.org) chains to a root that is not configured (mtls-client-spiffe-unknown-root)", func(c *ExchangeCase) {
			c.Certificate = "mtls-client-spiffe-unknown-root"
		}, "WI-X509-ANCHOR", "invalid_client", "wi-02", altStatus(401), accept("invalid_request", "invalid_grant")),
		bad("wi-x509-x5c-other-leaf", "subject_token is an x5c chain whose leaf (mtls-client-valid) is not the TLS client certificate; a target that accepts no x5c form refuses it anyway", func(c *ExchangeCase) {
			c.set("subject_token", "{{"+ValueOtherCertificateX5C+"}}")
		}, "WI-X509-LEAF", "invalid_request", "wi-03", deviation("InvalidGrantDeviation", "invalid_grant")),
		bad("wi-x509-no-audience", "the valid request without audience, which the profile makes REQUIRED", func(c *ExchangeCase) { c.drop("audience") },
			"WI-X509-REQUEST", "invalid_request", "wi-04"),
		bad("wi-x509-requested-jwt", "requested_token_type is urn:ietf:params:oauth:token-type:jwt: the profile allows access_token only", func(c *ExchangeCase) {
			c.set("requested_token_type", TokenTypeJWT)
		}, "WI-X509-REQUEST", "invalid_request", "wi-01", accept("invalid_target")),
	}
}

// x509Case is the wi-x509-valid request: spiffe_x509 client
// authentication, and the certificate as subject token.
func x509Case() *ExchangeCase {
	c := exchangeBase()
	c.Client = ClientAssertion
	c.Certificate = "mtls-client-valid-spiffe"
	delete(c.Tokens, "subject")
	c.drop("resource")
	c.set("subject_token", "mtls_client_certificate")
	c.set("subject_token_type", TokenTypeMTLS)
	c.add("audience", "{{"+ValueAudience+"}}")
	c.add("requested_token_type", TokenTypeAccess)
	c.add("client_id", "{{"+ValueX509ClientID+"}}")
	c.Issued = &IssuedExpect{IssuedTokenType: TokenTypeAccess, CertificateBound: true}
	return c
}
