package oauth

import "strings"

// Grant types: the grant_type parameter of a token request (RFC 6749 §4,
// RFC 7521 §4.1).
const (
	// GrantTypeTokenExchange is token exchange (RFC 8693 §2.1).
	GrantTypeTokenExchange = "urn:ietf:params:oauth:grant-type:token-exchange"
	// GrantTypeJWTBearer is a JWT used as an authorization grant, sent in
	// the assertion parameter (RFC 7523 §2.1).
	GrantTypeJWTBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer"
	// GrantTypeSAML2Bearer is a SAML 2.0 assertion used as an authorization
	// grant (RFC 7522 §2.1).
	GrantTypeSAML2Bearer = "urn:ietf:params:oauth:grant-type:saml2-bearer"
	// GrantTypeAuthorizationCode is the authorization code grant (RFC 6749 §4.1.3).
	GrantTypeAuthorizationCode = "authorization_code"
	// GrantTypeRefreshToken is the refresh token grant (RFC 6749 §6).
	GrantTypeRefreshToken = "refresh_token"
	// GrantTypeClientCredentials is the client credentials grant (RFC 6749 §4.4.2).
	GrantTypeClientCredentials = "client_credentials"
)

// Client assertion types: the client_assertion_type parameter (RFC 7521
// §4.2).
const (
	// ClientAssertionTypeJWTBearer is a JWT used for client authentication
	// (RFC 7523 §2.2).
	ClientAssertionTypeJWTBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
	// ClientAssertionTypeSAML2Bearer is a SAML 2.0 assertion used for client
	// authentication (RFC 7522 §2.2; draft-ietf-oauth-rfc7523bis: MUST NOT
	// be used by new applications).
	ClientAssertionTypeSAML2Bearer = "urn:ietf:params:oauth:client-assertion-type:saml2-bearer"
	// ClientAssertionTypeJWTSPIFFE is a JWT-SVID used for client
	// authentication (draft-ietf-oauth-spiffe-client-auth-02 §3.1).
	// Experimental: the draft may change.
	ClientAssertionTypeJWTSPIFFE = "urn:ietf:params:oauth:client-assertion-type:jwt-spiffe"
)

// Token type identifiers: subject_token_type, actor_token_type,
// requested_token_type and issued_token_type (RFC 8693 §3).
const (
	// TokenTypeAccessToken is an OAuth access token issued by the given
	// authorization server, in any format (RFC 8693 §3).
	TokenTypeAccessToken = "urn:ietf:params:oauth:token-type:access_token"
	// TokenTypeRefreshToken is an OAuth refresh token (RFC 8693 §3).
	TokenTypeRefreshToken = "urn:ietf:params:oauth:token-type:refresh_token"
	// TokenTypeIDToken is an OpenID Connect ID Token (RFC 8693 §3).
	TokenTypeIDToken = "urn:ietf:params:oauth:token-type:id_token"
	// TokenTypeSAML1 is a base64url-encoded SAML 1.1 assertion (RFC 8693 §3).
	TokenTypeSAML1 = "urn:ietf:params:oauth:token-type:saml1"
	// TokenTypeSAML2 is a base64url-encoded SAML 2.0 assertion (RFC 8693 §3).
	TokenTypeSAML2 = "urn:ietf:params:oauth:token-type:saml2"
	// TokenTypeJWT is any JWT (RFC 7519 §9, used by RFC 8693 §3).
	TokenTypeJWT = "urn:ietf:params:oauth:token-type:jwt"
	// TokenTypeTxnToken is a Transaction Token
	// (draft-ietf-oauth-transaction-tokens, "Txn-Token Request").
	// Experimental: the draft may change.
	TokenTypeTxnToken = "urn:ietf:params:oauth:token-type:txn_token"
	// TokenTypeSelfSigned is a self-signed JWT subject token
	// (draft-ietf-oauth-transaction-tokens). Experimental.
	TokenTypeSelfSigned = "urn:ietf:params:oauth:token-type:self_signed"
	// TokenTypeUnsignedJSON is an unsigned JSON object subject token
	// (draft-ietf-oauth-transaction-tokens). Experimental.
	TokenTypeUnsignedJSON = "urn:ietf:params:oauth:token-type:unsigned_json"
	// TokenTypeIDJAG is an Identity Assertion JWT Authorization Grant
	// (draft-ietf-oauth-identity-assertion-authz-grant; note the hyphen).
	// Experimental.
	TokenTypeIDJAG = "urn:ietf:params:oauth:token-type:id-jag"
	// TokenTypeMTLS is an X.509 client certificate
	// (draft-mccracken-wimse-x509-to-access-token-exchange-profile).
	// Experimental.
	TokenTypeMTLS = "urn:ietf:params:oauth:token-type:mtls"
)

// Access token types: the token_type member of a token response (RFC 6749
// §7.1, §5.1). Compare them with EqualAccessTokenType.
const (
	// AccessTokenTypeBearer is a bearer token (RFC 6750 §6.1.1).
	AccessTokenTypeBearer = "Bearer"
	// AccessTokenTypeDPoP is a DPoP-bound token (RFC 9449 §5).
	AccessTokenTypeDPoP = "DPoP"
	// AccessTokenTypeNA says the issued token is not an access token (RFC
	// 8693 §2.2.1).
	AccessTokenTypeNA = "N_A"
)

// EqualAccessTokenType reports whether two token_type values are the same:
// they are case-insensitive (RFC 6749 §5.1).
func EqualAccessTokenType(a, b string) bool { return strings.EqualFold(a, b) }

// Client authentication methods: token_endpoint_auth_method and the
// *_auth_methods_supported metadata (RFC 7591 §2, RFC 8414 §2).
const (
	// AuthMethodClientSecretBasic is HTTP Basic with the client secret (RFC 6749 §2.3.1).
	AuthMethodClientSecretBasic = "client_secret_basic"
	// AuthMethodClientSecretPost is the client secret in the body (RFC 6749 §2.3.1).
	AuthMethodClientSecretPost = "client_secret_post"
	// AuthMethodPrivateKeyJWT is a JWT client assertion signed with the
	// client's private key (RFC 7523 §2.2; OpenID Connect Core §9).
	AuthMethodPrivateKeyJWT = "private_key_jwt"
	// AuthMethodSPIFFEJWT is a JWT-SVID client assertion
	// (draft-ietf-oauth-spiffe-client-auth-02 §4). Experimental.
	AuthMethodSPIFFEJWT = "spiffe_jwt"
	// AuthMethodSPIFFEX509 is mutual TLS with an X.509-SVID
	// (draft-ietf-oauth-spiffe-client-auth-02 §4). Experimental.
	AuthMethodSPIFFEX509 = "spiffe_x509"
	// AuthMethodSPIFFEWIT is a WIT-SVID with attestation-based client
	// authentication (draft-ietf-oauth-spiffe-client-auth-02 §4). Experimental.
	AuthMethodSPIFFEWIT = "spiffe_wit"
)

// Token endpoint error codes: the error member of an error response (RFC
// 6749 §5.2 and the documents named).
const (
	// ErrorInvalidRequest: a malformed request; also an invalid or
	// unacceptable subject or actor token (RFC 8693 §2.2.2).
	ErrorInvalidRequest = "invalid_request"
	// ErrorInvalidClient: client authentication failed, including an invalid
	// client assertion (RFC 7523 §3.2).
	ErrorInvalidClient = "invalid_client"
	// ErrorInvalidGrant: an invalid authorization grant, including a JWT
	// grant (RFC 7523 §3.1).
	ErrorInvalidGrant = "invalid_grant"
	// ErrorUnauthorizedClient: the client may not use this grant type.
	ErrorUnauthorizedClient = "unauthorized_client"
	// ErrorUnsupportedGrantType: the grant type is not supported.
	ErrorUnsupportedGrantType = "unsupported_grant_type"
	// ErrorInvalidScope: the scope is invalid, unknown, malformed or too wide.
	ErrorInvalidScope = "invalid_scope"
	// ErrorInvalidTarget: a resource or audience is invalid, unknown or not
	// permitted (RFC 8707 §2, RFC 8693 §2.2.2).
	ErrorInvalidTarget = "invalid_target"
	// ErrorInvalidDPoPProof: the DPoP proof failed validation (RFC 9449 §5).
	ErrorInvalidDPoPProof = "invalid_dpop_proof"
	// ErrorUseDPoPNonce: the server requires a DPoP nonce (RFC 9449 §8).
	ErrorUseDPoPNonce = "use_dpop_nonce"
)
