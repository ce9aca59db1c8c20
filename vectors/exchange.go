package vectors

import (
	"errors"
	"fmt"
	"regexp"
)

// Token endpoint vectors (group "exchange"): requests to an OAuth token
// endpoint doing RFC 8693 token exchange, with RFC 8707 resource
// indicators and RFC 6749 / RFC 7523 client authentication. A vector of
// kind KindExchange has no template: its Exchange case names the form
// parameters, header fields, client authentication and the tokens to
// mint, which the runner materialises at play time (MaterializeExchange)
// with the suite's own issuer key, a fresh jti and the run's clock, since
// a live token endpoint needs fresh tokens. The values a deployment
// decides (its resources, audiences, scopes, subject token type, the
// issuer its subject tokens come from, its client) are placeholders
// filled from the target profile (ExchangeEnv.Values).
//
// Expect.Reason of an exchange vector is the OAuth error code the
// endpoint must answer (RFC 6749 §5.2, RFC 8693 §2.2.2, RFC 8707 §2), and
// Expect.Signal["exchange"] its status and, for a 401, the challenge.

// KindExchange: Vector.Exchange is a token request played against a token
// endpoint.
const KindExchange = "exchange"

// SignalExchange keys Expect.Signal of exchange vectors, and is the draft
// name of their results.
const SignalExchange = "exchange"

// Features a token endpoint may claim (Needs.Features). A vector that
// needs one the target profile does not declare is unsupported.
const (
	// FeatureClientSecretBasic: the suite authenticates with a client
	// secret in HTTP Basic (RFC 6749 §2.3.1).
	FeatureClientSecretBasic = "client_secret_basic"
	// FeatureClientSecretPost: ... with a client secret in the body.
	FeatureClientSecretPost = "client_secret_post"
	// FeaturePrivateKeyJWT: the target registers a client whose
	// private_key_jwt key is the suite's "workload" test key (RFC 7523
	// §2.2), so the suite mints its client assertions.
	FeaturePrivateKeyJWT = "private_key_jwt"
	// FeatureClientRequired: the target refuses exchanges by
	// unauthenticated clients (RFC 8693 §2.1, §5).
	FeatureClientRequired = "client_required"
	// FeatureDelegation: actor tokens are accepted (RFC 8693 §1.1
	// delegation, the act claim of §4.1).
	FeatureDelegation = "delegation"
	// FeatureMayAct: the target enforces a subject token's may_act claim
	// (RFC 8693 §4.4).
	FeatureMayAct = "may_act"
	// FeatureAudience: the audience parameter (RFC 8693 §2.1) names a
	// target the profile declares.
	FeatureAudience = "audience"
	// FeatureScope: the target issues the scopes the profile declares.
	FeatureScope = "scope"
	// FeatureForbiddenResource: the profile names a well-formed resource
	// this client may not obtain a token for.
	FeatureForbiddenResource = "forbidden_resource"
	// FeatureJWT: the target issues requested_token_type
	// urn:ietf:params:oauth:token-type:jwt.
	FeatureJWT = "jwt"
	// FeatureSingleTarget: the target refuses a request naming two
	// targets (digest §14.5: the reference STS's default).
	FeatureSingleTarget = "single_target"
	// FeatureRFC7523bis: the target takes a client assertion's aud to be
	// its issuer identifier alone, refusing the token endpoint URL
	// (draft-ietf-oauth-rfc7523bis; RFC 7523 allowed it).
	FeatureRFC7523bis = "rfc7523bis"
	// FeatureDPoP: the target binds issued tokens to the key of a DPoP
	// proof sent to the token endpoint (RFC 9449 §5).
	FeatureDPoP = "dpop"
	// FeatureScopeReject and FeatureScopeNarrow: the target refuses a
	// scope beyond what it grants (invalid_scope), or issues the part
	// within and says so in the response's scope (digest §14.3; both are
	// compliant, a target declares which).
	FeatureScopeReject = "scope_reject"
	FeatureScopeNarrow = "scope_narrow"
	// FeatureSPIFFEJWT: the target authenticates spiffe_jwt clients
	// (draft-ietf-oauth-spiffe-client-auth-02 §3.1) of the suite's trust
	// domain example.org, trusting the suite's "issuer-es384" key as its
	// JWT-SVID authority, and lets the profile's SPIFFE client exchange.
	FeatureSPIFFEJWT = "spiffe_jwt"
	// FeatureSPIFFEWIT: the target authenticates spiffe_wit clients
	// (draft-ietf-oauth-spiffe-client-auth-02 §3.3: a WIT-SVID and an
	// attestation PoP) of the suite's trust domain example.org, trusting
	// the suite's "issuer" key as its WIT-SVID authority.
	FeatureSPIFFEWIT = "spiffe_wit"
	// FeatureAttestationChallenge: the target requires attestation
	// challenges (attestation-based-client-auth-11 §6) from the profile's
	// challengeEndpoint; the runner fetches one for every PoP.
	FeatureAttestationChallenge = "attestation_challenge"
	// FeatureSPIFFEX509: the target authenticates spiffe_x509 clients
	// (draft-ietf-oauth-spiffe-client-auth-02 §3.2) whose X.509-SVIDs chain
	// to the suite's example.org root (wimse conformance trust-bundle
	// --x509), over mutual TLS.
	FeatureSPIFFEX509 = "spiffe_x509"
	// FeatureReplayProtection: the target refuses a client assertion, a
	// DPoP proof or an attestation PoP whose jti it has seen (RFC 7523 §3
	// item 7, RFC 9449 §11.1, attestation-based-client-auth-11 §12.1).
	FeatureReplayProtection = "replay_protection"
	// FeatureMultiTarget: the target issues one token for two targets
	// (two resources, or a resource and an audience), with both in aud
	// (RFC 8693 §2.1; digest §14.5: the other answer is invalid_target).
	FeatureMultiTarget = "multi_target"
	// FeatureWITSubject: the target accepts a WIT of the suite's trust
	// domain example.org (signed by the suite's "issuer" key, its WIT-SVID
	// authority, iss the profile's subject issuer) as subject token of type
	// urn:ietf:params:oauth:token-type:jwt, proved by a Workload Proof
	// Token in the Workload-Proof-Token field (draft-ietf-wimse-wpt-01 §3)
	// whose aud is the token endpoint URL (digest §15.10).
	FeatureWITSubject = "wit_subject"
	// FeatureX509Subject: the target implements the X.509 certificate to
	// access token profile (digest §8.3): a spiffe_x509 client whose
	// X.509-SVID chains to the suite's example.org root exchanges it
	// (subject_token mtls_client_certificate, subject_token_type
	// urn:ietf:params:oauth:token-type:mtls) for an access token for the
	// profile's audience.
	FeatureX509Subject = "x509_subject"
)

// ExchangeCase is a token request, materialised at play time.
type ExchangeCase struct {
	// Method is the HTTP method; "" means POST.
	Method string `json:"method,omitempty"`
	// Encoding is how Params travel: "" or "form" (an
	// application/x-www-form-urlencoded body, RFC 6749 §3.2), "json" (a
	// JSON object body), "query" (the URL query, no body).
	Encoding string `json:"encoding,omitempty"`
	// ContentType, when set, replaces the Content-Type the encoding
	// implies; "none" sends none.
	ContentType string `json:"contentType,omitempty"`
	// Params are the parameters in order; a name may repeat and a value
	// may be empty. Values may hold {{token:NAME}} (a minted token) and
	// {{NAME}}, a value of the target profile (ExchangeEnv.Values).
	Params [][2]string `json:"params"`
	// Headers are extra header field lines, with the same placeholders.
	Headers [][2]string `json:"headers,omitempty"`
	// Client is how the suite authenticates as a client: one of the
	// Client* constants.
	Client string `json:"client,omitempty"`
	// Tokens are the tokens to mint, by name (subject, actor, assertion).
	Tokens map[string]*ExchangeToken `json:"tokens,omitempty"`
	// Accept lists other error codes that are right too (a documented
	// ambiguity of the RFCs, digest §14): a pass.
	Accept []string `json:"accept,omitempty"`
	// Deviations lists error codes common in practice that the RFC text
	// excludes: right verdict, recorded as a deviation (warn).
	Deviations []string `json:"deviations,omitempty"`
	// AltStatus lists other statuses that are right too (405 for a GET).
	AltStatus []int `json:"altStatus,omitempty"`
	// Sends is how many times the same materialised request is sent; the
	// expectation is for the last send, and every earlier one must be
	// accepted (replay vectors use 2). Zero means 1.
	Sends int `json:"sends,omitempty"`
	// Certificate, when set, is the ID of a client-role mtls vector whose
	// chain and key the runner presents in the TLS handshake (spiffe_x509
	// client authentication); "" presents none.
	Certificate string `json:"certificate,omitempty"`
	// ChallengeHeader: the rejection must carry a fresh challenge in
	// OAuth-Client-Attestation-Challenge (attestation-based-client-auth-11
	// §7.4, with use_attestation_challenge).
	ChallengeHeader bool `json:"challengeHeader,omitempty"`
	// Issued holds what this vector expects of the issued token beyond the
	// checks every 200 gets.
	Issued *IssuedExpect `json:"issued,omitempty"`
}

// How the suite authenticates as a client (ExchangeCase.Client).
const (
	// ClientDefault ("" too): the target profile's method and credentials.
	ClientDefault = "default"
	// ClientSecretBasic and ClientSecretPost: the profile's client secret,
	// in HTTP Basic or in the body, whatever the profile's default method.
	ClientSecretBasic = FeatureClientSecretBasic
	ClientSecretPost  = FeatureClientSecretPost
	// ClientNone: no client authentication at all.
	ClientNone = "none"
	// ClientWrongSecret: HTTP Basic with the profile's client_id and a
	// secret that is not its own.
	ClientWrongSecret = "wrong-secret"
	// ClientBasicAndPost: the secret in HTTP Basic and in the body.
	ClientBasicAndPost = "basic-and-post"
	// ClientAssertion: the case carries its own client authentication (a
	// client assertion in its parameters, or attestation header fields);
	// the runner adds none.
	ClientAssertion = "assertion"
	// ClientWrongSecretPost: the profile's client_id and a wrong secret in
	// the body.
	ClientWrongSecretPost = "wrong-secret-post"
	// ClientUnknown: HTTP Basic with a client_id the target does not know.
	ClientUnknown = "unknown-client"
	// ClientAssertionAndBasic: the case's client assertion and the
	// profile's client secret in HTTP Basic: two methods.
	ClientAssertionAndBasic = "assertion-and-basic"
)

// Bases of an ExchangeToken.
const (
	// TokenSubject: a JWT of the suite's subject token issuer for the
	// profile's subject.
	TokenSubject = "subject"
	// TokenActor: the same issuer's JWT for the profile's actor.
	TokenActor = "actor"
	// TokenAssertion: a client assertion (RFC 7523 §2.2) for the
	// private_key_jwt client, signed with the "workload" key.
	TokenAssertion = "assertion"
	// TokenOpaque: a random string that is not a JWT.
	TokenOpaque = "opaque"
	// TokenDPoP: a DPoP proof (RFC 9449 §4.2) for a POST to the token
	// endpoint, signed with the "workload" key whose public JWK its header
	// carries.
	TokenDPoP = "dpop"
	// TokenJWTSVID: a JWT-SVID client assertion for the profile's SPIFFE
	// client (aud the issuer), signed with the "issuer-es384" key.
	TokenJWTSVID = "jwt-svid"
	// TokenWITSVID: a WIT-SVID of the profile's SPIFFE client, signed with
	// the "issuer" key, confirming the "workload" key.
	TokenWITSVID = "wit-svid"
	// TokenAttestationPoP: a Client Attestation PoP for the issuer, signed
	// with the "workload" key, carrying the challenge the runner fetched.
	TokenAttestationPoP = "attestation-pop"
	// TokenWPT: a Workload Proof Token (draft-ietf-wimse-wpt-01) for the
	// token endpoint (aud), signed with the "workload" key, whose wth is
	// the hash of the token named "subject" (mint order is by name, so the
	// subject is minted first), with a fresh jti and a one-minute exp.
	TokenWPT = "wpt"
)

// ExchangeToken describes a token to mint: a base, with header members and
// claims changed. A null value removes a member. Values may be the
// directives of TokenTemplate ({"$rel": N}, {"$jti": true}) and strings
// may hold the {{NAME}} placeholders of ExchangeCase.Params.
type ExchangeToken struct {
	Base   string         `json:"base"`
	Header map[string]any `json:"header,omitempty"`
	Claims map[string]any `json:"claims,omitempty"`
	// Key names the signing key; "" means the base's ("issuer" for
	// subject and actor tokens, "workload" for assertions).
	Key string `json:"key,omitempty"`
	// Alg is the signing algorithm as TokenTemplate.Alg ("none" leaves
	// the signature empty).
	Alg string `json:"alg,omitempty"`
	// Tamper replaces claims after signing (a bad signature).
	Tamper map[string]any `json:"tamper,omitempty"`
	// Encoding mangles the compact form as TokenTemplate.Encoding.
	Encoding string `json:"encoding,omitempty"`
}

// IssuedExpect is what a vector expects of the issued token, beyond the
// checks every 200 answer gets (the runner's; see conformance).
type IssuedExpect struct {
	// IssuedTokenType, when set, is the issued_token_type required.
	IssuedTokenType string `json:"issuedTokenType,omitempty"`
	// JWT: access_token must be a JWS in compact serialization.
	JWT bool `json:"jwt,omitempty"`
	// TokenType, when set, is the token_type required (compared
	// case-insensitively, RFC 6749 §5.1).
	TokenType string `json:"tokenType,omitempty"`
	// DPoPBound: the issued JWT's cnf.jkt is the RFC 7638 thumbprint of
	// the DPoP proof's key (RFC 9449 §6.1).
	DPoPBound bool `json:"dpopBound,omitempty"`
	// Audience lists values the issued JWT's aud must each contain (with
	// the {{NAME}} placeholders).
	Audience []string `json:"audience,omitempty"`
	// Scope, when set, is the scope that must be issued (the response's
	// scope, else the issued JWT's), compared as a set; it may hold the
	// {{NAME}} placeholders.
	Scope string `json:"scope,omitempty"`
	// Unbound: the issued token is bound to no key: token_type is not
	// DPoP and the issued JWT has no cnf (a bearer input yields no
	// key-bound output without a proof of the key, digest §15.10 WI-06).
	Unbound bool `json:"unbound,omitempty"`
	// CertificateBound: the issued token does not outlive the client
	// certificate the case presents (Certificate): the issued JWT's exp is
	// no later than its notAfter, its nbf (when present) no earlier than
	// its notBefore, and the response has no refresh_token (the X.509
	// certificate profile, digest §8.3).
	CertificateBound bool `json:"certificateBound,omitempty"`
}

// lintExchange checks an exchange vector: a case, a signal for the
// exchange "draft", a known client method and token bases, and an OAuth
// error code for a rejection.
func lintExchange(v *Vector) error {
	c := v.Exchange
	if c == nil || v.Template != nil || v.Input != nil {
		return errors.New("an exchange vector has an exchange case and nothing else")
	}
	if _, ok := v.Expect.Signal[SignalExchange]; !ok || len(v.Expect.Signal) != 1 {
		return fmt.Errorf("an exchange vector needs exactly the signal %q", SignalExchange)
	}
	switch c.Encoding {
	case "", "form", "json", "query":
	default:
		return fmt.Errorf("encoding %q", c.Encoding)
	}
	switch c.Client {
	case "", ClientDefault, ClientNone, ClientWrongSecret, ClientBasicAndPost, ClientAssertion, ClientSecretBasic, ClientSecretPost, ClientWrongSecretPost, ClientUnknown, ClientAssertionAndBasic:
	default:
		return fmt.Errorf("client %q", c.Client)
	}
	for n, t := range c.Tokens {
		switch t.Base {
		case TokenSubject, TokenActor, TokenAssertion, TokenOpaque, TokenDPoP, TokenJWTSVID, TokenWITSVID, TokenAttestationPoP, TokenWPT:
		default:
			return fmt.Errorf("token %s: base %q", n, t.Base)
		}
	}
	if v.Expect.Verdict == "reject" && !oauthErrorCode.MatchString(v.Expect.Reason) {
		return fmt.Errorf("reason %q is not an OAuth error code", v.Expect.Reason)
	}
	return nil
}

// oauthErrorCode is the shape of the error codes a token endpoint answers
// (RFC 6749 §5.2: lowercase words joined by underscores).
var oauthErrorCode = regexp.MustCompile(`^[a-z]+(_[a-z]+)*$`)
