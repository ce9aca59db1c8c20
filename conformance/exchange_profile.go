package conformance

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/wimse-wg/wimse/vectors"
)

// Client authentication methods of ExchangeClient.Method (RFC 7591 §2
// token_endpoint_auth_method names).
const (
	AuthClientSecretBasic = "client_secret_basic"
	AuthClientSecretPost  = "client_secret_post"
	AuthPrivateKeyJWT     = "private_key_jwt"
	AuthNone              = "none"
)

// allFeatures are the features a token endpoint may claim.
var allFeatures = []string{vectors.FeatureClientSecretBasic, vectors.FeatureClientSecretPost, vectors.FeaturePrivateKeyJWT,
	vectors.FeatureClientRequired, vectors.FeatureDelegation, vectors.FeatureMayAct, vectors.FeatureAudience, vectors.FeatureScope,
	vectors.FeatureForbiddenResource, vectors.FeatureJWT, vectors.FeatureSingleTarget, vectors.FeatureRFC7523bis, vectors.FeatureDPoP,
	vectors.FeatureScopeReject, vectors.FeatureScopeNarrow, vectors.FeatureSPIFFEJWT, vectors.FeatureSPIFFEWIT,
	vectors.FeatureAttestationChallenge, vectors.FeatureSPIFFEX509, vectors.FeatureReplayProtection,
	vectors.FeatureMultiTarget, vectors.FeatureWITSubject, vectors.FeatureX509Subject}

// ExchangeProfile maps the token endpoint vectors (--profile
// token-exchange) onto a deployment: how the suite authenticates as a
// client, which subject tokens the target accepts from the suite's issuer,
// and what the target claims. A vector that needs an undeclared feature
// is unsupported, never failed.
type ExchangeProfile struct {
	// Issuer is the authorization server's issuer identifier: the aud of
	// the suite's client assertions (RFC 7523 with 7523bis). "" means the
	// target's origin.
	Issuer string `json:"issuer,omitempty"`
	// Client is how the suite authenticates as a client.
	Client ExchangeClient `json:"client"`
	// SubjectIssuer is iss of the subject and actor tokens the suite mints
	// with its "issuer" test key (wimse conformance trust-bundle); the
	// target must trust that key for that issuer. "" means
	// https://issuer.example.org.
	SubjectIssuer string `json:"subjectIssuer,omitempty"`
	// SubjectAudience is aud of those tokens; "" means Issuer.
	SubjectAudience string `json:"subjectAudience,omitempty"`
	// SubjectTokenType is the subject_token_type (and actor_token_type)
	// the target accepts them under; "" means
	// urn:ietf:params:oauth:token-type:jwt.
	SubjectTokenType string `json:"subjectTokenType,omitempty"`
	// Subject and Actor are sub of the subject and actor tokens; "" means
	// user@example.net and admin@example.net.
	Subject string `json:"subject,omitempty"`
	Actor   string `json:"actor,omitempty"`
	// Resources are resources (RFC 8707) the client may obtain a token
	// for: the first is used by every vector, the second by the
	// multi-target ones. Empty means the vectors' own.
	Resources []string `json:"resources,omitempty"`
	// Audience is an audience value (RFC 8693 §2.1) the client may
	// request (feature audience).
	Audience string `json:"audience,omitempty"`
	// ForbiddenResource is a well-formed resource the client may not
	// obtain a token for (feature forbidden_resource).
	ForbiddenResource string `json:"forbiddenResource,omitempty"`
	// Scopes are the scopes the client may request for the resource, at
	// least two (feature scope); the subject tokens carry them all.
	Scopes []string `json:"scopes,omitempty"`
	// SPIFFEClientID is the SPIFFE ID of the spiffe_jwt client (feature
	// spiffe_jwt), in the trust domain example.org whose JWT-SVID
	// authority the target takes the suite's "issuer" key to be; "" means
	// spiffe://example.org/workload/client.
	SPIFFEClientID string `json:"spiffeClientId,omitempty"`
	// ChallengeEndpoint is the target's attestation challenge endpoint
	// (attestation-based-client-auth-11 §6): with feature
	// attestation_challenge the runner POSTs to it for a fresh challenge
	// before every request with an attestation PoP.
	ChallengeEndpoint string `json:"challengeEndpoint,omitempty"`
	// Features are what the target claims (vectors.Feature*: delegation,
	// may_act, audience, scope, jwt, ...). The client's method adds its
	// own (client_secret_basic, client_secret_post, private_key_jwt).
	Features []string `json:"features,omitempty"`
}

// ExchangeClient is the client the suite authenticates as. Its secret
// never appears in a profile file, a report or a log.
type ExchangeClient struct {
	// Method is client_secret_basic, client_secret_post, private_key_jwt
	// (with the suite's "workload" test key registered for ClientID) or
	// none.
	Method string `json:"method"`
	// ClientID is the client_id.
	ClientID string `json:"clientId,omitempty"`
	// SecretEnv names the environment variable holding the client secret
	// (client_secret_*).
	SecretEnv string `json:"secretEnv,omitempty"`
	// Secret is the secret itself, set at run time (from SecretEnv or a
	// flag); never read from or written to a file.
	Secret string `json:"-"`
	// AssertionClientID is the client_id of a private_key_jwt client
	// registered with the suite's "workload" test key (feature
	// private_key_jwt), whose client assertions the CA vectors forge; ""
	// means ClientID when Method is private_key_jwt.
	AssertionClientID string `json:"assertionClientId,omitempty"`
}

func (p *ExchangeProfile) check() error {
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("field exchange.%s: %s", field, fmt.Sprintf(format, args...))
	}
	switch p.Client.Method {
	case AuthClientSecretBasic, AuthClientSecretPost:
		if p.Client.ClientID == "" {
			return bad("client.clientId", "required with %s", p.Client.Method)
		}
	case AuthPrivateKeyJWT:
		if p.Client.ClientID == "" {
			return bad("client.clientId", "required with %s", p.Client.Method)
		}
	case AuthNone, "":
	default:
		return bad("client.method", "%q is not client_secret_basic, client_secret_post, private_key_jwt or none", p.Client.Method)
	}
	if slices.Contains(p.Features, vectors.FeatureAttestationChallenge) && p.ChallengeEndpoint == "" {
		return bad("challengeEndpoint", "feature attestation_challenge needs the challenge endpoint")
	}
	for field, u := range map[string]string{"issuer": p.Issuer, "subjectIssuer": p.SubjectIssuer, "forbiddenResource": p.ForbiddenResource, "challengeEndpoint": p.ChallengeEndpoint} {
		if u == "" {
			continue
		}
		if pu, err := url.Parse(u); err != nil || !pu.IsAbs() {
			return bad(field, "%q is not an absolute URI", u)
		}
	}
	for _, r := range p.Resources {
		if pu, err := url.Parse(r); err != nil || !pu.IsAbs() || strings.Contains(r, "#") {
			return bad("resources", "%q is not an absolute URI without fragment", r)
		}
	}
	if len(p.Scopes) == 1 {
		return bad("scopes", "declare at least two scopes (the vectors request a strict subset)")
	}
	for _, s := range p.Scopes {
		if s == "" || strings.ContainsAny(s, " \t\"\\") {
			return bad("scopes", "%q is not a scope-token (RFC 6749 §3.3)", s)
		}
	}
	for _, f := range p.Features {
		if !slices.Contains(allFeatures, f) {
			return bad("features", "%q is not one of %s", f, strings.Join(allFeatures, ", "))
		}
	}
	if slices.Contains(p.Features, vectors.FeatureSingleTarget) && slices.Contains(p.Features, vectors.FeatureMultiTarget) {
		return bad("features", "single_target and multi_target exclude each other: declare the one your endpoint follows")
	}
	if slices.Contains(p.Features, vectors.FeatureScopeReject) && slices.Contains(p.Features, vectors.FeatureScopeNarrow) {
		return bad("features", "scope_reject and scope_narrow exclude each other: declare the one your policy follows")
	}
	return nil
}

// features are the declared features with those the client's method
// implies.
func (p *ExchangeProfile) features() []string {
	out := slices.Clone(p.Features)
	switch p.Client.Method {
	case AuthClientSecretBasic:
		out = append(out, vectors.FeatureClientSecretBasic)
	case AuthClientSecretPost:
		out = append(out, vectors.FeatureClientSecretPost)
	}
	if p.Client.Method == AuthPrivateKeyJWT || p.Client.AssertionClientID != "" {
		out = append(out, vectors.FeaturePrivateKeyJWT)
	}
	return out
}

// values fill the vectors' {{NAME}} placeholders for the token endpoint
// target.
func (p *ExchangeProfile) values(target *url.URL) map[string]string {
	v := vectors.DefaultExchangeValues()
	issuer := cmp.Or(p.Issuer, target.Scheme+"://"+target.Host)
	v[vectors.ValueIssuer] = issuer
	v[vectors.ValueTokenEndpoint] = target.String()
	v[vectors.ValueClientID] = p.Client.ClientID
	v[vectors.ValueAssertionClientID] = p.Client.AssertionClientID
	if v[vectors.ValueAssertionClientID] == "" && p.Client.Method == AuthPrivateKeyJWT {
		v[vectors.ValueAssertionClientID] = p.Client.ClientID
	}
	v[vectors.ValueSubjectIssuer] = cmp.Or(p.SubjectIssuer, vectors.ExchangeIssuer)
	v[vectors.ValueSubjectAudience] = cmp.Or(p.SubjectAudience, issuer)
	v[vectors.ValueSubjectTokenType] = cmp.Or(p.SubjectTokenType, vectors.ExchangeTokenType)
	v[vectors.ValueSubject] = cmp.Or(p.Subject, vectors.ExchangeSubject)
	v[vectors.ValueActor] = cmp.Or(p.Actor, vectors.ExchangeActor)
	if len(p.Resources) > 0 {
		v[vectors.ValueResource] = p.Resources[0]
		v[vectors.ValueSecondResource] = p.Resources[0]
	}
	if len(p.Resources) > 1 {
		v[vectors.ValueSecondResource] = p.Resources[1]
	}
	v[vectors.ValueAudience] = cmp.Or(p.Audience, v[vectors.ValueAudience])
	v[vectors.ValueSPIFFEClientID] = cmp.Or(p.SPIFFEClientID, v[vectors.ValueSPIFFEClientID])
	v[vectors.ValueForbiddenResource] = cmp.Or(p.ForbiddenResource, v[vectors.ValueForbiddenResource])
	if len(p.Scopes) > 0 {
		v[vectors.ValueScope] = strings.Join(p.Scopes, " ")
		v[vectors.ValueNarrowScope] = p.Scopes[0]
	}
	return v
}

// unsupportedExchange says why an exchange vector is outside the target's
// declared profile, "" when it is not.
func unsupportedExchange(v *vectors.Vector, p *Profile) string {
	for _, l := range v.Labels {
		if slices.Contains(p.Unsupported, l) {
			return fmt.Sprintf("the target profile declares label %q unsupported", l)
		}
	}
	xp := p.Exchange
	if xp == nil {
		return "the target profile has no exchange section: how the suite authenticates and which subject tokens the target accepts (wimse conformance profile init)"
	}
	if v.Needs == nil {
		return ""
	}
	have := xp.features()
	for _, f := range v.Needs.Features {
		if !slices.Contains(have, f) {
			return fmt.Sprintf("the vector needs feature %s, which the target profile does not claim (profile exchange.features)", f)
		}
	}
	if slices.Contains(v.Needs.Features, vectors.FeatureScope) && len(xp.Scopes) < 2 {
		return "the vector needs the scopes the client may request, which the profile does not declare (profile exchange.scopes)"
	}
	return ""
}
