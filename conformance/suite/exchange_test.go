package suite_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"net/http"
	"slices"
	"strings"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/conformance/suite"
	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/tokens/accesstoken"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/tokens/scope"
	"github.com/wimse-wg/wimse/vectors"
	"github.com/wimse-wg/wimse/wimse"
)

// exchangeSecret is the client secret of the token endpoint below: a test
// value.
const exchangeSecret = "conformance-test-secret"

// A token endpoint written with profiles/exchange, the way an implementer
// would test theirs: it federates with the suite's issuer (its keys from
// Env.JWKS) for JWT subject and actor tokens, authenticates one client by
// secret, and lets it obtain tokens for two resources and one audience
// within two scopes: refusing a scope beyond them, or (the second
// container) narrowing it (exchange.Grant.NarrowScope).
var (
	_ = suite.Describe(suite.Options{Name: "reference", Draft: suite.DraftExchange, Handler: tokenEndpoint(false), Profile: endpointProfile(vectors.FeatureScopeReject)})
	_ = suite.Describe(suite.Options{Name: "reference-narrow", Draft: suite.DraftExchange, Handler: tokenEndpoint(true), Profile: endpointProfile(vectors.FeatureScopeNarrow)})
)

func endpointProfile(overreach string) *conformance.Profile {
	return &conformance.Profile{Exchange: &conformance.ExchangeProfile{
		Client:    conformance.ExchangeClient{Method: conformance.AuthClientSecretBasic, ClientID: "conformance", Secret: exchangeSecret},
		Resources: []string{vectors.ExchangeResource, vectors.ExchangeSecondResource},
		Audience:  vectors.ExchangeAudience,
		Scopes:    strings.Fields(vectors.ExchangeScope),
		Features: []string{vectors.FeatureClientSecretPost, vectors.FeatureClientRequired, vectors.FeatureDelegation, vectors.FeatureMayAct,
			vectors.FeatureAudience, vectors.FeatureScope, vectors.FeatureForbiddenResource, vectors.FeatureJWT, vectors.FeatureSingleTarget, overreach},
	}}
}

func tokenEndpoint(narrow bool) func(suite.Env) (http.Handler, error) {
	return func(env suite.Env) (http.Handler, error) { return newTokenEndpoint(env, narrow) }
}

func newTokenEndpoint(env suite.Env, narrow bool) (http.Handler, error) {
	keys, err := wimse.ParseJWKSet(env.JWKS[vectors.TrustDomain])
	if err != nil {
		return nil, err
	}
	sk, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	ceiling, err := scope.Parse(vectors.ExchangeScope)
	if err != nil {
		return nil, err
	}
	secrets := exchange.NewClientSecrets(map[string]string{"conformance": exchangeSecret})
	targets := []string{vectors.ExchangeResource, vectors.ExchangeSecondResource, vectors.ExchangeAudience}
	return &exchange.Handler{
		Issuer:  env.BaseURL,
		Signer:  &accesstoken.Signer{Key: sk, KeyID: "test-1"},
		Clients: exchange.Methods{oauth.AuthMethodClientSecretBasic: secrets, oauth.AuthMethodClientSecretPost: secrets},
		Validators: map[string]exchange.TokenValidator{oauth.TokenTypeJWT: &exchange.OIDCValidator{Issuers: map[string]exchange.IssuerConfig{
			vectors.ExchangeIssuer: {Keys: keys, Audiences: []string{env.BaseURL}},
		}}},
		Authorize: func(_ context.Context, p *exchange.Proposal) (exchange.Grant, error) {
			asked := append(slices.Clone(p.Resources), p.Audiences...)
			if len(asked) == 0 {
				return exchange.Grant{}, exchange.Deny(oauth.ErrorInvalidTarget, wimse.Errorf(wimse.ReasonPolicyTarget, "no target"))
			}
			for _, t := range asked {
				if !slices.Contains(targets, t) {
					return exchange.Grant{}, exchange.Deny(oauth.ErrorInvalidTarget, wimse.Errorf(wimse.ReasonPolicyTarget, "target not permitted"))
				}
			}
			return exchange.Grant{Audience: asked, Scope: ceiling, NarrowScope: narrow, Delegate: true, Impersonate: true}, nil
		},
	}, nil
}
