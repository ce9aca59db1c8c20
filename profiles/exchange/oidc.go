package exchange

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/wimse-wg/wimse/internal/joseerr"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/internal/mutant"
	"github.com/wimse-wg/wimse/tokens/delegation"
	"github.com/wimse-wg/wimse/wimse"
)

// Defaults of OIDCValidator.
const (
	// DefaultOIDCMaxLifetime bounds exp - iat of a federated token when
	// OIDCValidator.MaxLifetime is zero: a day (Google STS takes up to 48
	// hours and recommends under 6; platform tokens live minutes to an
	// hour).
	DefaultOIDCMaxLifetime = 24 * time.Hour
	// DefaultOIDCCacheTTL is how long discovered keys are used before they
	// are fetched again, when OIDCValidator.CacheTTL is zero.
	DefaultOIDCCacheTTL = time.Hour
	// DefaultOIDCMinRefetch is the least time between two fetches for one
	// issuer when OIDCValidator.MinRefetchInterval is zero: a token with an
	// unknown kid, or an issuer that failed, triggers at most one fetch per
	// minute, whatever the number of tokens.
	DefaultOIDCMinRefetch = time.Minute
	// DefaultOIDCMaxDocument bounds the discovery document and the JWK Set,
	// in bytes, when OIDCValidator.MaxDocumentSize is zero.
	DefaultOIDCMaxDocument = 64 << 10
	// DefaultOIDCTimeout is the timeout of the HTTP client used when
	// OIDCValidator.HTTPClient is nil.
	DefaultOIDCTimeout = 10 * time.Second
)

// defaultOIDCAlgorithms are the signature algorithms of a federated issuer
// whose IssuerConfig.Algorithms is nil: those workload identity federation
// takes (Google STS: RS256 and ES256; Kubernetes, GitHub Actions and cloud
// platforms sign RS256).
var defaultOIDCAlgorithms = []string{"RS256", "ES256"}

// IssuerConfig is what an OIDCValidator trusts of one federated OpenID
// Connect issuer.
type IssuerConfig struct {
	// Keys are the issuer's verification keys, configured statically (read
	// a JWK Set with wimse.ParseJWKSet). Exactly one of Keys and Discovery
	// must be set.
	Keys []wimse.IssuerKey
	// Discovery fetches the keys: the issuer's OpenID Connect Discovery
	// document at issuer + "/.well-known/openid-configuration" (OpenID
	// Connect Discovery 1.0 §4), whose issuer must equal this issuer
	// exactly (§4.3), then its jwks_uri, which must be https. The issuer
	// must be an https URL without query or fragment.
	Discovery bool
	// Audiences are the aud values accepted; aud must contain one (OIDC
	// Core §3.1.3.7 step 3; Google STS: the provider's allowed audiences).
	// Required: a token minted for any other party is refused.
	Audiences []string
	// Algorithms are the JWS algorithms accepted for this issuer, within
	// the module's asymmetric allow-list (never none or HS*). Nil means
	// RS256 and ES256.
	Algorithms []string
}

// OIDCValidator validates ID tokens and platform JWTs from configured
// OpenID Connect issuers (workload identity federation: a Kubernetes
// service account token, a GitHub Actions or cloud workload ID token),
// presented as subject or actor token under the type URIs the Handler maps
// to it (oauth.TokenTypeIDToken, oauth.TokenTypeJWT).
//
// The token's iss selects the IssuerConfig, and must be one of Issuers,
// compared exactly, before anything is fetched: no URL taken from a token
// is ever fetched. Then:
//
//   - the JOSE layer of this module (internal/jose): compact JWS, unique
//     JSON members, no crit, no key in the header (jku, x5u, jwk, x5c),
//     alg on the issuer's Algorithms and the module's asymmetric list;
//   - typ JWT or absent: a token of another kind (at+jwt, wit+jwt,
//     dpop+jwt, ...) cannot pass as an ID token (RFC 8725 §3.11);
//   - the key by kid (without kid, the issuer's only key), from Keys or
//     from discovery (see below), then the signature;
//   - sub required; exp and iat required, exp not past and nbf and iat not
//     in the future (Policy's clock and skew), exp - iat within
//     MaxLifetime; aud containing one of the issuer's Audiences; jti
//     optional; act and may_act, when present, read strictly
//     (tokens/delegation) so that an exchange keeps who acted.
//
// The Party is filled from these verified claims and is not Scoped: a
// federated identity token bounds no scope, the Authorizer does.
//
// Discovery is bounded: bodies larger than MaxDocumentSize are refused
// after reading at most that much; redirects only to https; keys are
// cached for CacheTTL; an unknown kid refetches at most once per
// MinRefetchInterval, and so does a failed fetch, so tokens with invented
// kids cannot make this server hammer an issuer. Fetches for one issuer
// are serialized. A failed or invalid fetch is a failure of the server
// (oidc.fetch, oidc.discovery_issuer, oidc.jwks_uri,
// oidc.document_oversized, oidc.document_malformed: wimse.ClassUnavailable,
// answered 503 server_error), never a verdict on the token. Keys whose
// cache has expired are not used when a refetch fails.
//
// Its fields are read-only once it validates; it is safe for concurrent
// use.
type OIDCValidator struct {
	// Issuers maps each trusted issuer identifier, exactly as in iss, to
	// its configuration.
	Issuers map[string]IssuerConfig
	// HTTPClient fetches discovery documents and JWK Sets. Nil means a
	// client with DefaultOIDCTimeout. Its redirects are limited to https.
	HTTPClient *http.Client
	// Policy supplies the clock (also of the key cache), the clock skew,
	// the token size limit and a further algorithm allow-list.
	Policy wimse.Policy
	// MaxLifetime bounds exp - iat. Zero means DefaultOIDCMaxLifetime;
	// negative disables the check (not recommended).
	MaxLifetime time.Duration
	// CacheTTL is how long discovered keys are used. Zero means
	// DefaultOIDCCacheTTL.
	CacheTTL time.Duration
	// MinRefetchInterval is the least time between two fetches for one
	// issuer. Zero means DefaultOIDCMinRefetch.
	MinRefetchInterval time.Duration
	// MaxDocumentSize bounds the discovery document and the JWK Set in
	// bytes. Zero means DefaultOIDCMaxDocument.
	MaxDocumentSize int64

	mu     sync.Mutex
	caches map[string]*keyCache
}

var oidcJOSEReasons = map[jose.Code]wimse.Reason{
	jose.CodeMalformed:             wimse.ReasonOIDCMalformed,
	jose.CodeOversized:             wimse.ReasonOIDCOversized,
	jose.CodeDuplicateMember:       wimse.ReasonOIDCDuplicateMember,
	jose.CodeTyp:                   wimse.ReasonOIDCTyp,
	jose.CodeAlg:                   wimse.ReasonOIDCAlg,
	jose.CodeCrit:                  wimse.ReasonOIDCCrit,
	jose.CodeHeaderKey:             wimse.ReasonOIDCHeaderKey,
	jose.CodeSignature:             wimse.ReasonOIDCSignature,
	jose.CodeKey:                   wimse.ReasonOIDCSignature,
	jose.CodeKeyAlg:                wimse.ReasonOIDCSignature,
	jose.CodeKeyPrivate:            wimse.ReasonOIDCSignature,
	jose.CodeKeySmallOrder:         wimse.ReasonOIDCSignature,
	jose.CodeKeyNonCanonical:       wimse.ReasonOIDCSignature,
	jose.CodeSignatureNonCanonical: wimse.ReasonOIDCSignature,
}

func oidcFromJOSE(err error) error {
	return joseerr.Wrap(err, oidcJOSEReasons, "oidc")
}

func oidcFail(r wimse.Reason, format string, args ...any) error {
	return wimse.Errorf(r, "oidc: "+format, args...)
}

// skipTyp passes over the JOSE layer's typ check: typ is checked here.
func skipTyp(c jose.Code) bool { return c == jose.CodeTyp }

// ValidateToken verifies a federated ID token or JWT (see OIDCValidator);
// failures carry oidc.* (or act.*, may_act.*) reasons.
func (v *OIDCValidator) ValidateToken(ctx context.Context, p Presentation) (*Party, error) {
	now := v.Policy.Time()
	jt, err := jose.Parse(p.Token, v.Policy.TokenSize())
	if err != nil {
		return nil, oidcFromJOSE(err)
	}
	if err := jose.CheckHeader(&jt.Header, "jwt", nil, v.Policy.AlgorithmAllowed, skipTyp); err != nil {
		return nil, oidcFromJOSE(err)
	}
	if jt.HasTyp && !jose.TypMatches(jt.Typ, "jwt", nil) {
		return nil, oidcFail(wimse.ReasonOIDCTyp, "typ %q is not JWT", truncate(jt.Typ))
	}
	claims, err := jose.ParseClaims(jt.Payload)
	if err != nil {
		return nil, oidcFromJOSE(err)
	}

	// iss selects the configuration before anything is fetched.
	iss, _, ok := claims.String("iss")
	cfg, trusted := v.Issuers[iss]
	if !ok || iss == "" || !trusted {
		return nil, oidcFail(wimse.ReasonOIDCIssuer, "iss %q is not a configured issuer", truncate(iss))
	}
	if err := cfg.check(iss); err != nil {
		return nil, err
	}
	algs := cfg.Algorithms
	if algs == nil {
		algs = defaultOIDCAlgorithms
	}
	if !slices.ContainsFunc(algs, func(a string) bool { return jose.SameAlgorithm(a, jt.Alg) }) {
		return nil, oidcFail(wimse.ReasonOIDCAlg, "alg %q is not accepted for issuer %q", jt.Alg, iss)
	}

	key, err := v.key(ctx, iss, cfg, jt.Kid, jt.HasKid, now)
	if err != nil {
		return nil, err
	}
	if key.Algorithm != "" && !jose.SameAlgorithm(key.Algorithm, jt.Alg) {
		return nil, oidcFail(wimse.ReasonOIDCSignature, "issuer key %q is for %s, not %s", key.KeyID, key.Algorithm, jt.Alg)
	}
	if err := jose.Verify(jt, jt.Alg, key.Public); err != nil && !mutant.Of(&v.Policy).Off(string(wimse.ReasonOIDCSignature)) {
		return nil, oidcFromJOSE(err)
	}

	party := &Party{TokenType: p.TokenType, Issuer: iss, Claims: claims}
	if err := v.readClaims(party, claims, cfg, now); err != nil {
		return nil, err
	}
	return party, nil
}

// check rejects a configuration that cannot be used: a failure of the
// server, not of the token.
func (c IssuerConfig) check(iss string) error {
	switch {
	case c.Discovery == (len(c.Keys) > 0):
		return wimse.Errorf(wimse.ReasonInternal, "oidc: issuer %q needs exactly one of Keys and Discovery", iss)
	case len(c.Audiences) == 0:
		return wimse.Errorf(wimse.ReasonInternal, "oidc: issuer %q has no Audiences", iss)
	case c.Discovery:
		if err := checkIssuer(iss); err != nil {
			return wimse.Errorf(wimse.ReasonInternal, "oidc: issuer %q cannot use discovery: %v", iss, err)
		}
	}
	return nil
}

// readClaims checks sub, the times, aud, jti, act and may_act and fills p.
func (v *OIDCValidator) readClaims(p *Party, c jose.Claims, cfg IssuerConfig, now time.Time) error {
	sub, present, ok := c.String("sub")
	switch {
	case !ok:
		return oidcFail(wimse.ReasonOIDCClaimType, "sub is not a string")
	case (!present || sub == "") && !mutant.Of(&v.Policy).Off(string(wimse.ReasonOIDCSubMissing)):
		return oidcFail(wimse.ReasonOIDCSubMissing, "sub is missing")
	}
	p.Subject = sub
	if p.ID, _, ok = c.String("jti"); !ok {
		return oidcFail(wimse.ReasonOIDCClaimType, "jti is not a string")
	}
	var nbf time.Time
	for _, d := range []struct {
		name    string
		dst     *time.Time
		missing wimse.Reason
	}{
		{"exp", &p.Expiry, wimse.ReasonOIDCExpMissing},
		{"iat", &p.IssuedAt, wimse.ReasonOIDCIatMissing},
		{"nbf", &nbf, ""},
	} {
		if *d.dst, present, ok = c.NumericDate(d.name); !ok {
			return oidcFail(wimse.ReasonOIDCClaimType, "%s is not a NumericDate", d.name)
		} else if !present && d.missing != "" {
			return oidcFail(d.missing, "%s is missing", d.name)
		}
	}
	skew := v.Policy.Skew()
	if !now.Before(p.Expiry.Add(skew)) {
		return oidcFail(wimse.ReasonOIDCExpired, "expired at %s", p.Expiry.UTC().Format(time.RFC3339))
	}
	for _, t := range []time.Time{nbf, p.IssuedAt} {
		if !t.IsZero() && t.After(now.Add(skew)) && !mutant.Of(&v.Policy).Off(string(wimse.ReasonOIDCNotYetValid)) {
			return oidcFail(wimse.ReasonOIDCNotYetValid, "nbf or iat %s is in the future", t.UTC().Format(time.RFC3339))
		}
	}
	maxLife := v.MaxLifetime
	if maxLife == 0 {
		maxLife = DefaultOIDCMaxLifetime
	}
	if life := p.Expiry.Sub(p.IssuedAt); life <= 0 || (maxLife > 0 && life > maxLife) {
		return oidcFail(wimse.ReasonOIDCLifetime, "lifetime exp - iat of %s is outside (0, %s]", life, maxLife)
	}
	aud, err := readAudience(c)
	if err != nil {
		return err
	}
	p.Audience = aud
	if !slices.ContainsFunc(aud, func(a string) bool { return slices.Contains(cfg.Audiences, a) }) && !mutant.Of(&v.Policy).Off(string(wimse.ReasonOIDCAudMismatch)) {
		return oidcFail(wimse.ReasonOIDCAudMismatch, "aud names none of the audiences accepted for this issuer")
	}
	return readDelegation(p, c)
}

// readAudience reads aud: a string, or an array of strings; absent or
// empty is oidc.aud_mismatch.
func readAudience(c jose.Claims) ([]string, error) {
	raw, present := c["aud"]
	if !present {
		return nil, oidcFail(wimse.ReasonOIDCAudMismatch, "aud is missing")
	}
	if s, _, ok := c.String("aud"); ok {
		return []string{s}, nil
	}
	var list []string
	if len(raw) == 0 || raw[0] != '[' || json.Unmarshal(raw, &list) != nil {
		return nil, oidcFail(wimse.ReasonOIDCClaimType, "aud is neither a string nor an array of strings")
	}
	return list, nil
}

// readDelegation reads act and may_act with the strict parsers of
// tokens/delegation, whose reasons are returned as they are.
func readDelegation(p *Party, c jose.Claims) error {
	if raw, ok := c["act"]; ok {
		chain, err := delegation.ParseChain(raw, 0)
		if err != nil {
			return err
		}
		p.Act = chain
	}
	if raw, ok := c["may_act"]; ok {
		m, err := delegation.ParseMayAct(raw)
		if err != nil {
			return err
		}
		p.MayAct = &m
	}
	return nil
}
