package vectors

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// ExchangeEnv is what an exchange case is materialised against.
type ExchangeEnv struct {
	// Now is the time relative times count from.
	Now time.Time
	// Keys resolves key names.
	Keys *KeySet
	// JTI returns a jti per token name: random in the runner, so that a
	// live endpoint never sees one twice.
	JTI func(token string) string
	// Values fill the {{NAME}} placeholders (the Value* names); a missing
	// name is an error. DefaultExchangeValues gives the vectors' own.
	Values map[string]string
}

// Names of ExchangeEnv.Values: what a target profile maps onto its
// deployment.
const (
	// ValueIssuer is the authorization server's issuer identifier: the aud
	// of client assertions (RFC 7523 §3 with 7523bis).
	ValueIssuer = "issuer"
	// ValueTokenEndpoint is the token endpoint URL (the target).
	ValueTokenEndpoint = "token-endpoint"
	// ValueSPIFFEClientID is the SPIFFE ID of the spiffe_jwt and
	// spiffe_wit client (FeatureSPIFFEJWT, FeatureSPIFFEWIT), in the
	// suite's trust domain.
	ValueSPIFFEClientID = "spiffe-client-id"
	// ValueX509ClientID is the SPIFFE ID of the spiffe_x509 client: the URI
	// SAN of the mtls vector mtls-client-valid-spiffe.
	ValueX509ClientID = "certificate-client-id"
	// ValueCertificateX5C is the chain of the case's Certificate (the mtls
	// vector it names) as a JOSE x5c JSON array (standard base64 DER, leaf
	// first), filled by the runner; "" when the case presents none.
	ValueCertificateX5C = "certificate-chain"
	// ValueOtherCertificateX5C is, in the same form, the chain of the mtls
	// vector mtls-client-valid: a certificate that is not the spiffe_x509
	// client's. Filled by the runner.
	ValueOtherCertificateX5C = "other-certificate-chain"
	// ValueChallenge is the attestation challenge the runner fetched for
	// this request; "" when the target uses none.
	ValueChallenge = "challenge"
	// ValueClientID is the client_id the suite authenticates as.
	ValueClientID = "client-id"
	// ValueAssertionClientID is the client_id of the private_key_jwt
	// client whose key is the suite's "workload" test key: iss and sub of
	// the client assertions (FeaturePrivateKeyJWT).
	ValueAssertionClientID = "assertion-client-id"
	// ValueSubjectIssuer is iss of the subject and actor tokens the suite
	// mints: an issuer the target trusts with the suite's "issuer" key.
	ValueSubjectIssuer = "subject-issuer"
	// ValueSubjectAudience is aud of the subject and actor tokens: what the
	// target requires of a token presented to it.
	ValueSubjectAudience = "subject-audience"
	// ValueSubjectTokenType is the subject_token_type (and
	// actor_token_type) under which the target accepts these tokens.
	ValueSubjectTokenType = "subject-token-type"
	// ValueSubject and ValueActor are sub of the subject and actor tokens.
	ValueSubject = "subject"
	ValueActor   = "actor"
	// ValueResource is a resource the client may obtain a token for (RFC
	// 8707 §2); ValueSecondResource another one.
	ValueResource       = "resource"
	ValueSecondResource = "second-resource"
	// ValueForbiddenResource is a well-formed resource the client may not
	// obtain a token for (FeatureForbiddenResource).
	ValueForbiddenResource = "forbidden-resource"
	// ValueAudience is an audience value the client may request
	// (FeatureAudience).
	ValueAudience = "audience"
	// ValueScope is the whole scope the client may request (space
	// separated) and the subject token's scope claim; ValueNarrowScope a
	// strict subset of it (FeatureScope).
	ValueScope       = "scope"
	ValueNarrowScope = "narrow-scope"
)

// Exchange test identities and targets: the defaults a target profile
// replaces (RFC 8693 Appendix A names).
const (
	ExchangeSubject           = "user@example.net"
	ExchangeActor             = "admin@example.net"
	ExchangeIssuer            = "https://issuer.example.org"
	ExchangeResource          = "https://backend.example.com/api"
	ExchangeSecondResource    = "https://backend.example.com/reports"
	ExchangeForbiddenResource = "https://vault.example.com/secrets"
	ExchangeAudience          = "urn:example:cooperation-context"
	ExchangeScope             = "orders:read orders:write"
	ExchangeNarrowScope       = "orders:read"
	// ExchangeSPIFFEClient is the default SPIFFE ID of the spiffe_jwt
	// client.
	ExchangeSPIFFEClient = "spiffe://example.org/workload/client"
	// ExchangeTokenType is the default subject_token_type: RFC 8693 §3's
	// generic JWT.
	ExchangeTokenType = "urn:ietf:params:oauth:token-type:jwt"
)

// DefaultExchangeValues are the vectors' own values, for a target whose
// profile maps nothing; the authorization server's issuer and client_id
// must come from the profile.
func DefaultExchangeValues() map[string]string {
	return map[string]string{
		ValueIssuer: "https://as.example.com", ValueTokenEndpoint: "https://as.example.com/token", ValueClientID: "client",
		ValueSPIFFEClientID: ExchangeSPIFFEClient, ValueChallenge: "", ValueX509ClientID: mtlsClientSPIFFE, ValueAssertionClientID: "client",
		ValueCertificateX5C: "", ValueOtherCertificateX5C: "",
		ValueSubjectIssuer: ExchangeIssuer, ValueSubjectAudience: "https://as.example.com",
		ValueSubjectTokenType: ExchangeTokenType, ValueSubject: ExchangeSubject, ValueActor: ExchangeActor,
		ValueResource: ExchangeResource, ValueSecondResource: ExchangeSecondResource,
		ValueForbiddenResource: ExchangeForbiddenResource, ValueAudience: ExchangeAudience,
		ValueScope: ExchangeScope, ValueNarrowScope: ExchangeNarrowScope,
	}
}

// ExchangeRequest is a materialised exchange case; client authentication
// is the runner's, which holds the credentials.
type ExchangeRequest struct {
	// Certificate is the case's Certificate: an mtls vector ID.
	Certificate string
	Method      string
	Encoding    string
	ContentType string
	Params      [][2]string
	Headers     [][2]string
	Client      string
	// Tokens are the minted tokens, by name.
	Tokens map[string]string
	// Claims are the claims of each minted JWT as sent, by token name:
	// what the runner checks an issued token against (sub, exp, scope,
	// act).
	Claims map[string]map[string]any
	// Thumbprints are the RFC 7638 SHA-256 thumbprints (base64url) of the
	// keys that signed the minted DPoP proofs, by token name.
	Thumbprints map[string]string
	// IssuedScope and IssuedAudience are the case's Issued.Scope and
	// Issued.Audience with their placeholders filled.
	IssuedScope    string
	IssuedAudience []string
}

// MaterializeExchange mints the case's tokens at env.Now and fills its
// placeholders. It never validates: malformed tokens are made on purpose.
func MaterializeExchange(c *ExchangeCase, env ExchangeEnv) (*ExchangeRequest, error) {
	out := &ExchangeRequest{Certificate: c.Certificate, Method: c.Method, Encoding: c.Encoding, ContentType: c.ContentType, Client: c.Client,
		Tokens: map[string]string{}, Claims: map[string]map[string]any{}, Thumbprints: map[string]string{}}
	if out.Method == "" {
		out.Method = "POST"
	}
	m := &materializer{env: Env{Now: env.Now, Keys: env.Keys, JTI: env.JTI}, tokens: map[string]string{}}
	for _, name := range slices.Sorted(maps.Keys(c.Tokens)) {
		tok, claims, err := mintExchangeToken(m, env, name, c.Tokens[name])
		if err != nil {
			return nil, fmt.Errorf("vectors: token %s: %w", name, err)
		}
		out.Tokens[name] = tok
		m.tokens[name] = tok
		if claims != nil {
			out.Claims[name] = claims
		}
		if t := c.Tokens[name]; t.Base == TokenDPoP {
			if out.Thumbprints[name], err = m.thumbprint(cmp.Or(t.Key, "workload")); err != nil {
				return nil, err
			}
		}
	}
	expand := func(lines [][2]string) ([][2]string, error) {
		var res [][2]string
		for _, l := range lines {
			k, err := exchangeExpand(l[0], env.Values, out.Tokens)
			if err != nil {
				return nil, err
			}
			v, err := exchangeExpand(l[1], env.Values, out.Tokens)
			if err != nil {
				return nil, err
			}
			res = append(res, [2]string{k, v})
		}
		return res, nil
	}
	var err error
	if out.Params, err = expand(c.Params); err != nil {
		return nil, err
	}
	if out.Headers, err = expand(c.Headers); err != nil {
		return nil, err
	}
	if c.Issued != nil && c.Issued.Scope != "" {
		if out.IssuedScope, err = exchangeExpand(c.Issued.Scope, env.Values, out.Tokens); err != nil {
			return nil, err
		}
	}
	if c.Issued != nil {
		for _, a := range c.Issued.Audience {
			e, err := exchangeExpand(a, env.Values, out.Tokens)
			if err != nil {
				return nil, err
			}
			out.IssuedAudience = append(out.IssuedAudience, e)
		}
	}
	return out, nil
}

// exchangeExpand fills {{token:NAME}} and {{NAME}} placeholders.
func exchangeExpand(s string, values, tokens map[string]string) (string, error) {
	var err error
	res := placeholder.ReplaceAllStringFunc(s, func(p string) string {
		sub := placeholder.FindStringSubmatch(p)
		if sub[1] == "token" {
			t, ok := tokens[sub[2]]
			if !ok && err == nil {
				err = fmt.Errorf("vectors: unknown token %q", sub[2])
			}
			return t
		}
		v, ok := values[sub[1]]
		if !ok && err == nil {
			err = fmt.Errorf("vectors: no value for {{%s}}", sub[1])
		}
		return v
	})
	return res, err
}

// exchangeExpandAll fills the placeholders of every string in v.
func exchangeExpandAll(v any, values map[string]string) (any, error) {
	switch x := v.(type) {
	case string:
		return exchangeExpand(x, values, nil)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			r, err := exchangeExpandAll(e, values)
			if err != nil {
				return nil, err
			}
			out[k] = r
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			r, err := exchangeExpandAll(e, values)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	}
	return v, nil
}

// mintExchangeToken mints one token and returns it with its claims.
func mintExchangeToken(m *materializer, env ExchangeEnv, name string, t *ExchangeToken) (string, map[string]any, error) {
	var header, claims map[string]any
	key := t.Key
	switch t.Base {
	case TokenOpaque:
		return "opaque." + env.JTI(name+"-1") + env.JTI(name+"-2"), nil, nil
	case TokenSubject, TokenActor:
		who := "{{" + ValueSubject + "}}"
		if t.Base == TokenActor {
			who = "{{" + ValueActor + "}}"
		}
		header = map[string]any{"typ": "JWT"}
		claims = map[string]any{
			"iss": "{{" + ValueSubjectIssuer + "}}", "sub": who, "aud": "{{" + ValueSubjectAudience + "}}",
			"iat": map[string]any{"$rel": -60}, "exp": map[string]any{"$rel": 600}, "jti": map[string]any{"$jti": true},
		}
		if t.Base == TokenSubject && env.Values[ValueScope] != "" {
			claims["scope"] = "{{" + ValueScope + "}}"
		}
		if key == "" {
			key = "issuer"
		}
	case TokenDPoP:
		if key == "" {
			key = "workload"
		}
		header = map[string]any{"typ": "dpop+jwt", "jwk": map[string]any{"$jwk": key}}
		claims = map[string]any{
			"htm": "POST", "htu": "{{" + ValueTokenEndpoint + "}}",
			"iat": map[string]any{"$rel": 0}, "jti": map[string]any{"$jti": true},
		}
	case TokenJWTSVID:
		header = map[string]any{"typ": "JWT"}
		claims = map[string]any{
			"sub": "{{" + ValueSPIFFEClientID + "}}", "aud": []any{"{{" + ValueIssuer + "}}"},
			"iat": map[string]any{"$rel": -10}, "exp": map[string]any{"$rel": 300}, "jti": map[string]any{"$jti": true},
		}
		if key == "" {
			key = "issuer-es384"
		}
	case TokenWITSVID:
		header = map[string]any{"typ": "wit+jwt"}
		claims = map[string]any{
			"sub": "{{" + ValueSPIFFEClientID + "}}", "iat": map[string]any{"$rel": -60}, "exp": map[string]any{"$rel": 3600},
			"jti": map[string]any{"$jti": true}, "cnf": map[string]any{"jwk": map[string]any{"$jwk": "workload"}},
		}
		if key == "" {
			key = "issuer"
		}
	case TokenAttestationPoP:
		header = map[string]any{"typ": "oauth-client-attestation-pop+jwt"}
		claims = map[string]any{"aud": "{{" + ValueIssuer + "}}", "iat": map[string]any{"$rel": 0}, "jti": map[string]any{"$jti": true}}
		if env.Values[ValueChallenge] != "" {
			claims["challenge"] = "{{" + ValueChallenge + "}}"
		}
		if key == "" {
			key = "workload"
		}
	case TokenWPT:
		header = map[string]any{"typ": "wpt+jwt"}
		claims = map[string]any{
			"aud": "{{" + ValueTokenEndpoint + "}}", "iat": map[string]any{"$rel": 0}, "exp": map[string]any{"$rel": 60},
			"jti": map[string]any{"$jti": true}, "wth": map[string]any{"$hash": "token:subject"},
		}
		if key == "" {
			key = "workload"
		}
	case TokenAssertion:
		header = map[string]any{"typ": "JWT"}
		claims = map[string]any{
			"iss": "{{" + ValueAssertionClientID + "}}", "sub": "{{" + ValueAssertionClientID + "}}", "aud": "{{" + ValueIssuer + "}}",
			"iat": map[string]any{"$rel": -10}, "exp": map[string]any{"$rel": 120}, "jti": map[string]any{"$jti": true},
		}
		if key == "" {
			key = "workload"
		}
	default:
		return "", nil, fmt.Errorf("unknown base %q", t.Base)
	}
	k, err := env.Keys.Get(key)
	if err != nil {
		return "", nil, err
	}
	header["alg"] = k.Alg
	if t.Alg != "" {
		header["alg"] = t.Alg
	}
	if k.KeyID != "" && t.Base != TokenDPoP && t.Base != TokenAttestationPoP && t.Base != TokenWPT {
		header["kid"] = k.KeyID
	}
	override := func(dst, src map[string]any) {
		for n, v := range src {
			if v == nil {
				delete(dst, n)
			} else {
				dst[n] = v
			}
		}
	}
	override(header, t.Header)
	override(claims, t.Claims)
	h, err := exchangeExpandAll(header, env.Values)
	if err != nil {
		return "", nil, err
	}
	c, err := exchangeExpandAll(claims, env.Values)
	if err != nil {
		return "", nil, err
	}
	var tamper map[string]any
	if t.Tamper != nil {
		tv, err := exchangeExpandAll(t.Tamper, env.Values)
		if err != nil {
			return "", nil, err
		}
		tamper = tv.(map[string]any)
	}
	tt := &TokenTemplate{Header: h.(map[string]any), Claims: c.(map[string]any), Key: key, Alg: t.Alg, Tamper: tamper, Encoding: t.Encoding}
	tok, err := m.token(tt, name)
	if err != nil {
		return "", nil, err
	}
	return tok, decodedClaims(tok), nil
}

// decodedClaims returns the claims of a compact JWS (nil when they are not
// a JSON object), numbers as json.Number.
func decodedClaims(tok string) map[string]any {
	parts := strings.Split(tok, ".")
	if len(parts) < 2 {
		return nil
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	var out map[string]any
	if dec.Decode(&out) != nil {
		return nil
	}
	return out
}
