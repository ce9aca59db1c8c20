package exchange_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/tokens/oauth"
)

func validMetadata() *exchange.Metadata {
	return &exchange.Metadata{
		Issuer:                            "https://sts.example.com",
		TokenEndpoint:                     "https://sts.example.com/token",
		JWKSURI:                           "https://sts.example.com/jwks",
		RevocationEndpoint:                "https://sts.example.com/revoke",
		IntrospectionEndpoint:             "https://sts.example.com/introspect",
		GrantTypesSupported:               []string{oauth.GrantTypeTokenExchange},
		TokenEndpointAuthMethodsSupported: []string{oauth.AuthMethodPrivateKeyJWT, oauth.AuthMethodSPIFFEJWT},
		TokenEndpointAuthSigningAlgValuesSupported:         []string{"ES256", "EdDSA"},
		RevocationEndpointAuthMethodsSupported:             []string{oauth.AuthMethodPrivateKeyJWT},
		IntrospectionEndpointAuthMethodsSupported:          []string{oauth.AuthMethodPrivateKeyJWT},
		RevocationEndpointAuthSigningAlgValuesSupported:    []string{"ES256"},
		IntrospectionEndpointAuthSigningAlgValuesSupported: []string{"ES256"},
		DPoPSigningAlgValuesSupported:                      []string{"ES256"},
	}
}

func TestMetadataValidate(t *testing.T) {
	cases := []struct {
		name   string
		change func(*exchange.Metadata)
		want   string // substring of the error; "" for valid
	}{
		{"valid", func(*exchange.Metadata) {}, ""},
		{"issuer with path", func(m *exchange.Metadata) { m.Issuer = "https://sts.example.com/tenant1" }, ""},
		{"loopback http endpoint", func(m *exchange.Metadata) { m.TokenEndpoint = "http://127.0.0.1:8443/token" }, ""},
		{"no issuer", func(m *exchange.Metadata) { m.Issuer = "" }, "issuer: required"},
		{"http issuer", func(m *exchange.Metadata) { m.Issuer = "http://sts.example.com" }, "https"},
		{"loopback http issuer", func(m *exchange.Metadata) { m.Issuer = "http://127.0.0.1" }, "https"},
		{"relative issuer", func(m *exchange.Metadata) { m.Issuer = "sts.example.com" }, "https"},
		{"issuer query", func(m *exchange.Metadata) { m.Issuer = "https://sts.example.com?a=b" }, "query"},
		{"issuer empty query", func(m *exchange.Metadata) { m.Issuer = "https://sts.example.com/?" }, "query"},
		{"issuer fragment", func(m *exchange.Metadata) { m.Issuer = "https://sts.example.com#x" }, "fragment"},
		{"issuer empty fragment", func(m *exchange.Metadata) { m.Issuer = "https://sts.example.com#" }, "fragment"},
		{"issuer userinfo", func(m *exchange.Metadata) { m.Issuer = "https://u@sts.example.com" }, "user"},
		{"no token endpoint", func(m *exchange.Metadata) { m.TokenEndpoint = "" }, "token_endpoint is required"},
		{"relative token endpoint", func(m *exchange.Metadata) { m.TokenEndpoint = "/token" }, "token_endpoint"},
		{"token endpoint fragment", func(m *exchange.Metadata) { m.TokenEndpoint = "https://sts.example.com/token#f" }, "fragment"},
		{"http token endpoint", func(m *exchange.Metadata) { m.TokenEndpoint = "http://sts.example.com/token" }, "https unless"},
		{"relative jwks_uri", func(m *exchange.Metadata) { m.JWKSURI = "jwks" }, "jwks_uri"},
		{"opaque revocation", func(m *exchange.Metadata) { m.RevocationEndpoint = "urn:x:y" }, "revocation_endpoint"},
		{"no grant types", func(m *exchange.Metadata) { m.GrantTypesSupported = nil }, "grant_types_supported is required"},
		{"no token exchange", func(m *exchange.Metadata) { m.GrantTypesSupported = []string{"client_credentials"} }, "lacks"},
		{"repeated grant", func(m *exchange.Metadata) {
			m.GrantTypesSupported = []string{oauth.GrantTypeTokenExchange, oauth.GrantTypeTokenExchange}
		}, "repeats"},
		{"no auth methods", func(m *exchange.Metadata) { m.TokenEndpointAuthMethodsSupported = nil }, "token_endpoint_auth_methods_supported is required"},
		{"auth method none", func(m *exchange.Metadata) { m.TokenEndpointAuthMethodsSupported = []string{"none"} }, "anonymous"},
		{"empty auth method", func(m *exchange.Metadata) {
			m.TokenEndpointAuthMethodsSupported = []string{oauth.AuthMethodPrivateKeyJWT, ""}
		}, "empty value"},
		{"jwt method without algs", func(m *exchange.Metadata) { m.TokenEndpointAuthSigningAlgValuesSupported = nil }, "required with private_key_jwt"},
		{"secret only without algs", func(m *exchange.Metadata) {
			m.TokenEndpointAuthMethodsSupported = []string{oauth.AuthMethodClientSecretBasic}
			m.TokenEndpointAuthSigningAlgValuesSupported = nil
			m.RevocationEndpointAuthMethodsSupported = []string{oauth.AuthMethodClientSecretBasic}
			m.RevocationEndpointAuthSigningAlgValuesSupported = nil
		}, ""},
		{"revocation jwt method without algs", func(m *exchange.Metadata) { m.RevocationEndpointAuthSigningAlgValuesSupported = nil },
			"revocation_endpoint_auth_signing_alg_values_supported is required with private_key_jwt"},
		{"introspection jwt method without algs", func(m *exchange.Metadata) { m.IntrospectionEndpointAuthSigningAlgValuesSupported = nil },
			"introspection_endpoint_auth_signing_alg_values_supported is required with private_key_jwt"},
		{"introspection alg none", func(m *exchange.Metadata) { m.IntrospectionEndpointAuthSigningAlgValuesSupported = []string{"none"} }, "must not contain none"},
		{"auth alg none", func(m *exchange.Metadata) {
			m.TokenEndpointAuthSigningAlgValuesSupported = []string{"ES256", "none"}
		}, "must not contain none"},
		{"revocation without methods", func(m *exchange.Metadata) { m.RevocationEndpointAuthMethodsSupported = nil }, "revocation_endpoint_auth_methods_supported is required"},
		{"introspection without methods", func(m *exchange.Metadata) { m.IntrospectionEndpointAuthMethodsSupported = nil }, "introspection_endpoint_auth_methods_supported is required"},
		{"no revocation endpoint", func(m *exchange.Metadata) {
			m.RevocationEndpoint, m.RevocationEndpointAuthMethodsSupported = "", nil
		}, ""},
		{"dpop symmetric", func(m *exchange.Metadata) { m.DPoPSigningAlgValuesSupported = []string{"HS256"} }, "symmetric"},
		{"dpop none", func(m *exchange.Metadata) { m.DPoPSigningAlgValuesSupported = []string{"none"} }, "none"},
		{"wit without attestation algs", func(m *exchange.Metadata) {
			m.TokenEndpointAuthMethodsSupported = append(m.TokenEndpointAuthMethodsSupported, oauth.AuthMethodSPIFFEWIT)
		}, "client_attestation_signing_alg_values_supported is required"},
		{"wit with attestation algs", func(m *exchange.Metadata) {
			m.TokenEndpointAuthMethodsSupported = append(m.TokenEndpointAuthMethodsSupported, oauth.AuthMethodSPIFFEWIT)
			m.ClientAttestationSigningAlgValuesSupported = []string{"ES256"}
			m.ClientAttestationPoPSigningAlgValuesSupported = []string{"ES256"}
			m.ChallengeEndpoint = "https://sts.example.com/challenge"
		}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := validMetadata()
			c.change(m)
			err := m.Validate()
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("Validate: %v", err)
			case c.want != "" && err == nil:
				t.Fatalf("Validate passed, want an error with %q", c.want)
			case c.want != "" && !strings.Contains(err.Error(), c.want):
				t.Fatalf("Validate: %v, want %q", err, c.want)
			}
		})
	}
}

// TestMetadataJSON checks the member names against RFC 8414 §3.2's example
// and the drafts', and that the optional ones are omitted when unset.
func TestMetadataJSON(t *testing.T) {
	m := validMetadata()
	m.TLSClientCertificateBoundAccessTokens = true
	h, err := exchange.MetadataHandler(m)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, exchange.MetadataPath, nil))
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" || rec.Header().Get("Cache-Control") != "public, max-age=3600" {
		t.Fatalf("status %d, headers %v", rec.Code, rec.Header())
	}
	var got map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"issuer":                                "https://sts.example.com",
		"token_endpoint":                        "https://sts.example.com/token",
		"jwks_uri":                              "https://sts.example.com/jwks",
		"revocation_endpoint":                   "https://sts.example.com/revoke",
		"introspection_endpoint":                "https://sts.example.com/introspect",
		"grant_types_supported":                 []any{"urn:ietf:params:oauth:grant-type:token-exchange"},
		"token_endpoint_auth_methods_supported": []any{"private_key_jwt", "spiffe_jwt"},
		"token_endpoint_auth_signing_alg_values_supported":         []any{"ES256", "EdDSA"},
		"revocation_endpoint_auth_methods_supported":               []any{"private_key_jwt"},
		"introspection_endpoint_auth_methods_supported":            []any{"private_key_jwt"},
		"revocation_endpoint_auth_signing_alg_values_supported":    []any{"ES256"},
		"introspection_endpoint_auth_signing_alg_values_supported": []any{"ES256"},
		"dpop_signing_alg_values_supported":                        []any{"ES256"},
		"tls_client_certificate_bound_access_tokens":               true,
	}
	if len(got) != len(want) {
		t.Errorf("members %v, want %d of them", keys(got), len(want))
	}
	for k, v := range want {
		gb, _ := json.Marshal(got[k])
		wb, _ := json.Marshal(v)
		if string(gb) != string(wb) {
			t.Errorf("%s = %s, want %s", k, gb, wb)
		}
	}
	for _, absent := range []string{"response_types_supported", "authorization_endpoint", "challenge_endpoint", "client_attestation_signing_alg_values_supported"} {
		if _, ok := got[absent]; ok {
			t.Errorf("%s is present", absent)
		}
	}

	head := httptest.NewRecorder()
	h.ServeHTTP(head, httptest.NewRequest(http.MethodHead, exchange.MetadataPath, nil))
	if head.Code != 200 || head.Body.Len() != 0 || head.Header().Get("Content-Length") != rec.Header().Get("Content-Length") {
		t.Errorf("HEAD: %d, %d bytes, length %q", head.Code, head.Body.Len(), head.Header().Get("Content-Length"))
	}
	post := httptest.NewRecorder()
	h.ServeHTTP(post, httptest.NewRequest(http.MethodPost, exchange.MetadataPath, nil))
	if post.Code != http.StatusMethodNotAllowed || post.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: %d, Allow %q", post.Code, post.Header().Get("Allow"))
	}
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestMetadataHandlerRefusesInvalid(t *testing.T) {
	m := validMetadata()
	m.Issuer = "http://sts.example.com"
	if _, err := exchange.MetadataHandler(m); err == nil {
		t.Fatal("MetadataHandler accepted an http issuer")
	}
}

func TestMetadataWellKnownURL(t *testing.T) {
	for issuer, want := range map[string]string{
		"https://sts.example.com":          "https://sts.example.com/.well-known/oauth-authorization-server",
		"https://sts.example.com/":         "https://sts.example.com/.well-known/oauth-authorization-server",
		"https://sts.example.com/issuer1":  "https://sts.example.com/.well-known/oauth-authorization-server/issuer1",
		"https://sts.example.com:8443/a/b": "https://sts.example.com:8443/.well-known/oauth-authorization-server/a/b",
	} {
		m := &exchange.Metadata{Issuer: issuer}
		got, err := m.WellKnownURL()
		if err != nil || got != want {
			t.Errorf("%s: %q, %v; want %q", issuer, got, err, want)
		}
	}
	if _, err := (&exchange.Metadata{Issuer: "https://x.example?q"}).WellKnownURL(); err == nil {
		t.Error("WellKnownURL accepted an issuer with a query")
	}
}
