package exchange

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/wimse"
)

// OIDCDiscoveryPath is the well-known path of an OpenID Provider's
// configuration, appended to the issuer (OpenID Connect Discovery 1.0 §4).
const OIDCDiscoveryPath = "/.well-known/openid-configuration"

// keyCache holds one issuer's discovered keys. Its lock serializes the
// fetches for that issuer.
type keyCache struct {
	mu        sync.Mutex
	keys      []wimse.IssuerKey
	expires   time.Time
	lastFetch time.Time // last attempt, successful or not
	attempted bool
	lastErr   error // of the last attempt
}

// key returns the issuer key for kid: from the static Keys, or from the
// discovery cache, fetching when the cache is empty or expired, or the kid
// unknown, but never twice within MinRefetchInterval.
func (v *OIDCValidator) key(ctx context.Context, iss string, cfg IssuerConfig, kid string, hasKid bool, now time.Time) (wimse.IssuerKey, error) {
	if !cfg.Discovery {
		return selectOIDCKey(cfg.Keys, kid, hasKid)
	}
	c := v.cache(iss)
	c.mu.Lock()
	defer c.mu.Unlock()
	minInterval := v.MinRefetchInterval
	if minInterval <= 0 {
		minInterval = DefaultOIDCMinRefetch
	}
	mayFetch := !c.attempted || now.Sub(c.lastFetch) >= minInterval
	if c.keys != nil && now.Before(c.expires) {
		k, err := selectOIDCKey(c.keys, kid, hasKid)
		if err == nil || !mayFetch {
			return k, err
		}
	} else if !mayFetch {
		if c.lastErr != nil {
			return wimse.IssuerKey{}, c.lastErr
		}
		return wimse.IssuerKey{}, oidcFail(wimse.ReasonOIDCKeyUnknown, "no current keys for issuer %q", iss)
	}
	c.attempted, c.lastFetch = true, now
	keys, err := v.fetchKeys(ctx, iss)
	if err != nil {
		c.lastErr = err
		if !now.Before(c.expires) {
			c.keys = nil
		}
		return wimse.IssuerKey{}, err
	}
	ttl := v.CacheTTL
	if ttl <= 0 {
		ttl = DefaultOIDCCacheTTL
	}
	c.keys, c.expires, c.lastErr = keys, now.Add(ttl), nil
	return selectOIDCKey(c.keys, kid, hasKid)
}

func (v *OIDCValidator) cache(iss string) *keyCache {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.caches == nil {
		v.caches = map[string]*keyCache{}
	}
	c := v.caches[iss]
	if c == nil {
		c = &keyCache{}
		v.caches[iss] = c
	}
	return c
}

// selectOIDCKey picks the key with kid, or without kid the only key.
func selectOIDCKey(keys []wimse.IssuerKey, kid string, hasKid bool) (wimse.IssuerKey, error) {
	if !hasKid {
		if len(keys) == 1 {
			return keys[0], nil
		}
		return wimse.IssuerKey{}, oidcFail(wimse.ReasonOIDCKeyUnknown, "the token has no kid and the issuer has %d keys", len(keys))
	}
	for _, k := range keys {
		if k.KeyID == kid {
			return k, nil
		}
	}
	return wimse.IssuerKey{}, oidcFail(wimse.ReasonOIDCKeyUnknown, "no key of the issuer has kid %q", truncate(kid))
}

// fetchKeys fetches the discovery document of iss, then its JWK Set.
func (v *OIDCValidator) fetchKeys(ctx context.Context, iss string) ([]wimse.IssuerKey, error) {
	doc, err := v.get(ctx, strings.TrimSuffix(iss, "/")+OIDCDiscoveryPath)
	if err != nil {
		return nil, err
	}
	jwksURI, err := parseDiscovery(doc, iss)
	if err != nil {
		return nil, err
	}
	set, err := v.get(ctx, jwksURI)
	if err != nil {
		return nil, err
	}
	return parseOIDCJWKS(set)
}

// get fetches u and reads at most MaxDocumentSize bytes of its body.
func (v *OIDCValidator) get(ctx context.Context, u string) ([]byte, error) {
	limit := v.MaxDocumentSize
	if limit <= 0 {
		limit = DefaultOIDCMaxDocument
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, wimse.Errorf(wimse.ReasonOIDCFetch, "oidc: %s: %w", u, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := v.client().Do(req)
	if err != nil {
		return nil, wimse.Errorf(wimse.ReasonOIDCFetch, "oidc: %s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, wimse.Errorf(wimse.ReasonOIDCFetch, "oidc: %s: status %d", u, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	switch {
	case err != nil:
		return nil, wimse.Errorf(wimse.ReasonOIDCFetch, "oidc: %s: %w", u, err)
	case int64(len(body)) > limit:
		return nil, wimse.Errorf(wimse.ReasonOIDCDocumentOversized, "oidc: %s: more than %d bytes", u, limit)
	}
	return body, nil
}

// client returns the HTTP client, with redirects restricted to https.
func (v *OIDCValidator) client() *http.Client {
	base := v.HTTPClient
	if base == nil {
		base = &http.Client{Timeout: DefaultOIDCTimeout}
	}
	c := *base
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if req.URL.Scheme != "https" {
			return errors.New("redirect to a URL that is not https")
		}
		if base.CheckRedirect != nil {
			return base.CheckRedirect(req, via)
		}
		if len(via) >= 5 {
			return errors.New("more than 5 redirects")
		}
		return nil
	}
	return &c
}

// parseDiscovery reads an OpenID Provider configuration document (OpenID
// Connect Discovery 1.0 §3, §4.3) and returns its jwks_uri: the document
// must be a JSON object with unique members, its issuer exactly iss, its
// jwks_uri an absolute https URL with a host, no user information and no
// fragment. Other members are ignored.
func parseDiscovery(data []byte, iss string) (string, error) {
	if err := jose.CheckObject(data); err != nil {
		return "", wimse.Errorf(wimse.ReasonOIDCDocumentMalformed, "oidc: discovery document: %s", err.Error())
	}
	var doc struct {
		Issuer  *string `json:"issuer"`
		JWKSURI *string `json:"jwks_uri"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return "", wimse.Errorf(wimse.ReasonOIDCDocumentMalformed, "oidc: discovery document: issuer or jwks_uri is not a string")
	}
	if doc.Issuer == nil || *doc.Issuer != iss {
		return "", wimse.Errorf(wimse.ReasonOIDCDiscoveryIssuer, "oidc: discovery document of %q names another issuer", iss)
	}
	if doc.JWKSURI == nil {
		return "", wimse.Errorf(wimse.ReasonOIDCJWKSURI, "oidc: discovery document of %q has no jwks_uri", iss)
	}
	u, err := url.Parse(*doc.JWKSURI)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.Opaque != "" || u.User != nil || u.Fragment != "" || strings.Contains(*doc.JWKSURI, "#") {
		return "", wimse.Errorf(wimse.ReasonOIDCJWKSURI, "oidc: jwks_uri of %q is not an https URL", iss)
	}
	return *doc.JWKSURI, nil
}

// parseOIDCJWKS reads a federated issuer's JWK Set (RFC 7517 §5). Unlike
// wimse.ParseJWKSet, which reads configured trust anchors, it skips keys
// this module cannot verify with (an unsupported key type, algorithm or
// curve, a use other than sig, key_ops without verify, an RSA key under
// 2048 bits), since a provider publishes keys for other parties too. It
// refuses the set when a key carries private members or is symmetric (a
// provider that publishes secrets is not trusted), when two usable keys
// share a kid, or when no usable key remains.
func parseOIDCJWKS(data []byte) ([]wimse.IssuerKey, error) {
	if err := jose.CheckObject(data); err != nil {
		return nil, wimse.Errorf(wimse.ReasonOIDCDocumentMalformed, "oidc: jwk set: %s", err.Error())
	}
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(data, &set); err != nil || set.Keys == nil {
		return nil, wimse.Errorf(wimse.ReasonOIDCDocumentMalformed, "oidc: jwk set: no keys array")
	}
	var out []wimse.IssuerKey
	seen := map[string]bool{}
	for i, raw := range set.Keys {
		k, err := jose.ParsePublicJWK(raw)
		var je *jose.Error
		if errors.As(err, &je) && je.Code == jose.CodeKeyPrivate {
			return nil, wimse.Errorf(wimse.ReasonOIDCDocumentMalformed, "oidc: jwk set: key %d has private members", i)
		}
		if err != nil || k.CheckVerifyUse() != nil || (k.Alg != "" && jose.CheckKey(k.Alg, k.Key) != nil) {
			continue
		}
		if seen[k.Kid] {
			return nil, wimse.Errorf(wimse.ReasonOIDCDocumentMalformed, "oidc: jwk set: two usable keys with kid %q", truncate(k.Kid))
		}
		seen[k.Kid] = true
		out = append(out, wimse.IssuerKey{KeyID: k.Kid, Algorithm: k.Alg, Public: k.Key})
	}
	if len(out) == 0 {
		return nil, wimse.Errorf(wimse.ReasonOIDCDocumentMalformed, "oidc: jwk set: no usable signing key among %d", len(set.Keys))
	}
	return out, nil
}
