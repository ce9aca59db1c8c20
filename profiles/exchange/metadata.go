package exchange

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wimse-wg/wimse/tokens/oauth"
)

// MetadataPath is the well-known path of the authorization server metadata
// (RFC 8414 §3; IANA "oauth-authorization-server").
const MetadataPath = "/.well-known/oauth-authorization-server"

// MetadataMaxAge is how long a client may cache the metadata
// (Cache-Control max-age of MetadataHandler): an hour. The metadata
// changes only with the configuration (endpoints, enabled methods), and
// RFC 8414 sets no number; an hour bounds how long a client keeps
// offering a method the server has just disabled (it then gets
// invalid_client and refetches).
const MetadataMaxAge = time.Hour

// Metadata is the authorization server metadata of this STS (RFC 8414 §2):
// the members a token exchange service has, with their RFC 8414 names.
//
// It has no authorization_endpoint and no response_types_supported: the
// STS serves no grant that uses the authorization endpoint (RFC 8414 §2
// makes authorization_endpoint optional in that case), so there is no
// response_type to list. RFC 8414 §2 lists response_types_supported as
// REQUIRED without that exception; it is omitted, not sent as an empty or
// invented list, since any value would claim an endpoint that does not
// exist. Clients of token exchange do not read it.
//
// Members whose absence RFC 8414 gives a default that would misstate this
// server are required by Validate: grant_types_supported (default
// authorization_code and implicit), token_endpoint_auth_methods_supported
// (default client_secret_basic), and the revocation and introspection auth
// methods when those endpoints are published (same default).
type Metadata struct {
	// Issuer is the issuer identifier: an https URL with no query or
	// fragment (RFC 8414 §2), the iss of every issued token. Required.
	Issuer string `json:"issuer"`
	// TokenEndpoint is the URL of the token endpoint (RFC 6749 §3.2).
	// Required.
	TokenEndpoint string `json:"token_endpoint"`
	// JWKSURI is the URL of the JWK Set of the token signing keys
	// (KeySet.JWKSHandler).
	JWKSURI string `json:"jwks_uri,omitempty"`
	// RevocationEndpoint is the RFC 7009 endpoint.
	RevocationEndpoint string `json:"revocation_endpoint,omitempty"`
	// IntrospectionEndpoint is the RFC 7662 endpoint.
	IntrospectionEndpoint string `json:"introspection_endpoint,omitempty"`
	// ChallengeEndpoint is the attestation challenge endpoint
	// (draft-ietf-oauth-attestation-based-client-auth-11: listed whenever it
	// exists).
	ChallengeEndpoint string `json:"challenge_endpoint,omitempty"`

	// GrantTypesSupported lists the grant types: the token exchange URN
	// (oauth.GrantTypeTokenExchange). Required, and must contain it.
	GrantTypesSupported []string `json:"grant_types_supported"`
	// TokenEndpointAuthMethodsSupported lists exactly the client
	// authentication methods the token endpoint accepts (oauth.AuthMethod*;
	// draft-ietf-oauth-spiffe-client-auth-02 §4 for spiffe_*). Required.
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
	// TokenEndpointAuthSigningAlgValuesSupported lists the JWS algorithms
	// of client assertions; required with private_key_jwt,
	// client_secret_jwt or spiffe_jwt (RFC 8414 §2), never "none".
	TokenEndpointAuthSigningAlgValuesSupported []string `json:"token_endpoint_auth_signing_alg_values_supported,omitempty"`
	// RevocationEndpointAuthMethodsSupported and
	// IntrospectionEndpointAuthMethodsSupported list the client
	// authentication methods of those endpoints; required when the
	// endpoint is set (else RFC 8414 §2 means client_secret_basic).
	RevocationEndpointAuthMethodsSupported    []string `json:"revocation_endpoint_auth_methods_supported,omitempty"`
	IntrospectionEndpointAuthMethodsSupported []string `json:"introspection_endpoint_auth_methods_supported,omitempty"`
	// RevocationEndpointAuthSigningAlgValuesSupported and
	// IntrospectionEndpointAuthSigningAlgValuesSupported list the JWS
	// algorithms of client assertions at those endpoints; required when
	// their methods include private_key_jwt, client_secret_jwt or
	// spiffe_jwt (RFC 8414 §2), never "none".
	RevocationEndpointAuthSigningAlgValuesSupported    []string `json:"revocation_endpoint_auth_signing_alg_values_supported,omitempty"`
	IntrospectionEndpointAuthSigningAlgValuesSupported []string `json:"introspection_endpoint_auth_signing_alg_values_supported,omitempty"`
	// DPoPSigningAlgValuesSupported lists the DPoP proof algorithms (RFC
	// 9449 §5.1): asymmetric only, never "none". With Handler.DPoP set,
	// publish Handler.DPoP.SigningAlgValues(); without it, leave it empty.
	DPoPSigningAlgValuesSupported []string `json:"dpop_signing_alg_values_supported,omitempty"`
	// ClientAttestationSigningAlgValuesSupported and
	// ClientAttestationPoPSigningAlgValuesSupported list the algorithms of
	// the client attestation (the WIT-SVID) and its PoP
	// (draft-ietf-oauth-attestation-based-client-auth-11 §10); both are
	// required with spiffe_wit.
	ClientAttestationSigningAlgValuesSupported    []string `json:"client_attestation_signing_alg_values_supported,omitempty"`
	ClientAttestationPoPSigningAlgValuesSupported []string `json:"client_attestation_pop_signing_alg_values_supported,omitempty"`
	// TLSClientCertificateBoundAccessTokens says the server issues
	// certificate-bound tokens to mTLS clients (RFC 8705 §3.3):
	// Handler.BindCertificate.
	TLSClientCertificateBoundAccessTokens bool `json:"tls_client_certificate_bound_access_tokens,omitempty"`
}

// Validate checks the metadata: the issuer an https URL with a host and no
// query or fragment (RFC 8414 §2); every endpoint an absolute http or https
// URL with a host and no fragment (RFC 6749 §3.2), https unless its host is
// a loopback address (local tests); the lists described on each member,
// none with an empty or repeated value. It returns every problem, joined.
func (m *Metadata) Validate() error {
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("exchange: metadata: "+format, args...))
	}
	if err := checkIssuer(m.Issuer); err != nil {
		add("issuer: %v", err)
	}
	for _, e := range []struct {
		name, v  string
		required bool
	}{
		{"token_endpoint", m.TokenEndpoint, true},
		{"jwks_uri", m.JWKSURI, false},
		{"revocation_endpoint", m.RevocationEndpoint, false},
		{"introspection_endpoint", m.IntrospectionEndpoint, false},
		{"challenge_endpoint", m.ChallengeEndpoint, false},
	} {
		if e.v == "" {
			if e.required {
				add("%s is required", e.name)
			}
			continue
		}
		if err := checkEndpoint(e.v); err != nil {
			add("%s: %v", e.name, err)
		}
	}
	list := func(name string, vs []string, required bool) {
		if len(vs) == 0 {
			if required {
				add("%s is required", name)
			}
			return
		}
		seen := map[string]bool{}
		for _, v := range vs {
			switch {
			case v == "":
				add("%s has an empty value", name)
			case seen[v]:
				add("%s repeats %q", name, v)
			}
			seen[v] = true
		}
	}
	noNone := func(name string, vs []string) {
		for _, v := range vs {
			if strings.EqualFold(v, "none") {
				add("%s must not contain none", name)
			}
		}
	}
	asymmetric := func(name string, vs []string) {
		noNone(name, vs)
		for _, v := range vs {
			if strings.HasPrefix(v, "HS") {
				add("%s must not contain the symmetric %q", name, v)
			}
		}
	}

	list("grant_types_supported", m.GrantTypesSupported, true)
	if len(m.GrantTypesSupported) > 0 && !slices.Contains(m.GrantTypesSupported, oauth.GrantTypeTokenExchange) {
		add("grant_types_supported lacks %s", oauth.GrantTypeTokenExchange)
	}
	methods := m.TokenEndpointAuthMethodsSupported
	list("token_endpoint_auth_methods_supported", methods, true)
	if slices.Contains(methods, "none") {
		add("token_endpoint_auth_methods_supported must not contain none: the token endpoint serves no anonymous client (RFC 8693 §5)")
	}
	// signingAlgs checks an endpoint's *_auth_signing_alg_values_supported
	// against its methods (RFC 8414 §2: required with a JWT method).
	signingAlgs := func(endpoint string, methods, algs []string) {
		name := endpoint + "_endpoint_auth_signing_alg_values_supported"
		list(name, algs, false)
		noNone(name, algs)
		if len(algs) == 0 {
			for _, jwtMethod := range []string{oauth.AuthMethodPrivateKeyJWT, "client_secret_jwt", oauth.AuthMethodSPIFFEJWT} {
				if slices.Contains(methods, jwtMethod) {
					add("%s is required with %s (RFC 8414 §2)", name, jwtMethod)
				}
			}
		}
	}
	signingAlgs("token", methods, m.TokenEndpointAuthSigningAlgValuesSupported)
	list("revocation_endpoint_auth_methods_supported", m.RevocationEndpointAuthMethodsSupported, m.RevocationEndpoint != "")
	list("introspection_endpoint_auth_methods_supported", m.IntrospectionEndpointAuthMethodsSupported, m.IntrospectionEndpoint != "")
	signingAlgs("revocation", m.RevocationEndpointAuthMethodsSupported, m.RevocationEndpointAuthSigningAlgValuesSupported)
	signingAlgs("introspection", m.IntrospectionEndpointAuthMethodsSupported, m.IntrospectionEndpointAuthSigningAlgValuesSupported)
	list("dpop_signing_alg_values_supported", m.DPoPSigningAlgValuesSupported, false)
	asymmetric("dpop_signing_alg_values_supported", m.DPoPSigningAlgValuesSupported)
	wit := slices.Contains(methods, oauth.AuthMethodSPIFFEWIT)
	list("client_attestation_signing_alg_values_supported", m.ClientAttestationSigningAlgValuesSupported, wit)
	noNone("client_attestation_signing_alg_values_supported", m.ClientAttestationSigningAlgValuesSupported)
	list("client_attestation_pop_signing_alg_values_supported", m.ClientAttestationPoPSigningAlgValuesSupported, wit)
	asymmetric("client_attestation_pop_signing_alg_values_supported", m.ClientAttestationPoPSigningAlgValuesSupported)
	return errors.Join(errs...)
}

// checkIssuer applies RFC 8414 §2 to an issuer identifier.
func checkIssuer(s string) error {
	if s == "" {
		return errors.New("required")
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return errors.New("not a URL")
	case u.Scheme != "https":
		return errors.New("must be an https URL (RFC 8414 §2)")
	case u.Host == "" || u.Opaque != "":
		return errors.New("must have a host")
	case u.User != nil:
		return errors.New("must not have user information")
	case u.RawQuery != "" || u.ForceQuery:
		return errors.New("must not have a query (RFC 8414 §2)")
	case u.Fragment != "" || strings.Contains(s, "#"):
		return errors.New("must not have a fragment (RFC 8414 §2)")
	}
	return nil
}

// checkEndpoint requires an absolute URL without fragment (RFC 6749 §3.2),
// https unless the host is loopback.
func checkEndpoint(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return errors.New("not a URL")
	case u.Scheme != "https" && u.Scheme != "http":
		return errors.New("must be an absolute https URL")
	case u.Host == "" || u.Opaque != "":
		return errors.New("must be an absolute URL with a host")
	case u.User != nil:
		return errors.New("must not have user information")
	case u.Fragment != "" || strings.Contains(s, "#"):
		return errors.New("must not have a fragment (RFC 6749 §3.2)")
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		return errors.New("must be https unless its host is loopback (RFC 6749 §3.2: TLS)")
	}
	return nil
}

func isLoopback(host string) bool {
	return host == "localhost" || host == "::1" || strings.HasPrefix(host, "127.")
}

// WellKnownURL is where the metadata of m.Issuer is published (RFC 8414
// §3.1): the well-known path inserted between the host and the issuer's
// path.
func (m *Metadata) WellKnownURL() (string, error) {
	if err := checkIssuer(m.Issuer); err != nil {
		return "", fmt.Errorf("exchange: metadata: issuer: %w", err)
	}
	u, _ := url.Parse(m.Issuer)
	u.Path = MetadataPath + strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	return u.String(), nil
}

// MetadataHandler validates m and returns the handler of its well-known
// URL: GET and HEAD answer 200 with the metadata as application/json and
// Cache-Control: public, max-age=MetadataMaxAge; other methods answer 405
// with Allow. The metadata is encoded once; later changes to m are not
// seen. The handler is safe for concurrent use.
func MetadataHandler(m *Metadata) (http.Handler, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	body, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("exchange: metadata: %w", err)
	}
	return staticJSON(body, MetadataMaxAge), nil
}

// staticJSON serves body to GET and HEAD with a public cache lifetime.
func staticJSON(body []byte, maxAge time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		serveJSON(w, r, body, maxAge)
	})
}

func serveJSON(w http.ResponseWriter, r *http.Request, body []byte, maxAge time.Duration) {
	h := w.Header()
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "public, max-age="+strconv.Itoa(int(maxAge/time.Second)))
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = w.Write(body)
	}
}
