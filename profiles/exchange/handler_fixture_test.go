package exchange_test

import (
	"context"
	"crypto"
	"crypto/elliptic"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spiffe/go-spiffe/v2/bundle/jwtbundle"
	"github.com/spiffe/go-spiffe/v2/spiffeid"

	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/tokens/accesstoken"
	"github.com/wimse-wg/wimse/tokens/jwtgrant"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/tokens/scope"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/tokens/wpt"
	"github.com/wimse-wg/wimse/wimse"
)

const (
	hxNow      = 1767225600 // 2026-01-01T00:00:00Z
	hxIssuer   = "https://sts.example.com"
	hxEndpoint = "https://sts.example.com/token"
	hxBackend  = "https://backend.example.com/api"
	hxCoop     = "urn:example:cooperation-context"
	// tokenTypeWIT is the type URI the tests map the WIT validator to.
	tokenTypeWIT = "urn:example:wimse:wit"
	hxClientA    = "https://client-a.example.com"
	hxWorkload   = "wimse://td.example/workload-a"
)

var hxTD = wimse.MustParseTrustDomain("sts.example.com")

func hxClock() time.Time { return time.Unix(hxNow, 0) }

func svidKey(t testing.TB) crypto.Signer { return wimsetest.EC(t, elliptic.P256(), "exchange svid") }

// svid is a JWT-SVID of spiffe://example.org/workload for aud.
func svid(t testing.TB, aud string) string {
	t.Helper()
	raw, err := (&jwtgrant.Signer{Key: svidKey(t), KeyID: "s1"}).SignGrant(jwtgrant.Claims{
		Issuer: "https://oidc.example.org", Subject: "spiffe://example.org/workload", Audience: aud, Expiry: time.Unix(hxNow+300, 0),
	})
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func stsKey(t testing.TB) crypto.Signer { return wimsetest.EC(t, elliptic.P256(), "exchange sts") }

var (
	witIssuerKey = wimsetest.Ed("exchange wit issuer")
	workloadKey  = wimsetest.Ed("exchange workload")
	otherKey     = wimsetest.Ed("exchange other workload")
)

// env is a token endpoint under test and what it recorded.
type env struct {
	h         *exchange.Handler
	policy    *testPolicy
	mu        sync.Mutex
	decisions []exchange.Decision
}

// testPolicy is the Authorizer of the tests: two known targets, a scope
// ceiling, and switches for delegation and impersonation.
type testPolicy struct {
	scope       scope.Set
	lifetime    time.Duration
	delegate    bool
	impersonate bool
	seen        *exchange.Proposal
}

func (p *testPolicy) authorize(_ context.Context, x *exchange.Proposal) (exchange.Grant, error) {
	p.seen = x
	known := map[string]string{hxBackend: "https://backend.example.com", hxCoop: hxCoop}
	var aud []string
	for _, t := range slices.Concat(x.Resources, x.Audiences) {
		a, ok := known[t]
		if !ok {
			return exchange.Grant{}, wimse.Errorf(wimse.ReasonPolicyTarget, "policy: target %q is not permitted", t)
		}
		aud = append(aud, a)
	}
	return exchange.Grant{Audience: aud, Scope: p.scope, Lifetime: p.lifetime, Delegate: p.delegate, Impersonate: p.impersonate}, nil
}

// clients authenticates with HTTP Basic (RFC 6749 §2.3.1) or
// client_secret_post; the workload client proves possession of the
// workload key (as spiffe_wit would).
func clients(_ context.Context, r *http.Request) (exchange.ClientIdentity, error) {
	secrets := map[string]string{hxClientA: "pw-a", hxWorkload: "pw-w", "admin@example.net": "pw-admin"}
	id, secret, basic := r.BasicAuth()
	method := oauth.AuthMethodClientSecretBasic
	if basic {
		// RFC 6749 §2.3.1: both are form-urlencoded first.
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret, method = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret"), oauth.AuthMethodClientSecretPost
	}
	want, ok := secrets[id]
	if !ok || secret != want {
		return exchange.ClientIdentity{}, exchange.Errorf(oauth.ErrorInvalidClient, "client authentication failed")
	}
	c := exchange.ClientIdentity{ID: id, Method: method}
	if id == hxWorkload {
		c.Method, c.Key = oauth.AuthMethodSPIFFEWIT, workloadKey.Public()
	}
	return c, nil
}

func newEnv(t testing.TB) *env {
	t.Helper()
	own := wimse.NewTrustStore()
	own.Set(hxTD, wimse.Anchors{Issuers: []string{hxIssuer}, Keys: []wimse.IssuerKey{{KeyID: "k1", Public: stsKey(t).Public()}}})
	witTrust := witTrustStore()
	pol := wimse.Policy{Now: hxClock}
	e := &env{policy: &testPolicy{scope: scope.MustParse("orders profile history status feed"), delegate: true, impersonate: true}}
	e.h = &exchange.Handler{
		Issuer:  hxIssuer,
		Signer:  &accesstoken.Signer{Key: stsKey(t), KeyID: "k1"},
		Clients: exchange.ClientAuthenticatorFunc(clients),
		Validators: map[string]exchange.TokenValidator{
			oauth.TokenTypeAccessToken: &exchange.AccessTokenValidator{Verifier: &accesstoken.Verifier{Trust: own, AnyAudience: true, Policy: pol}},
			oauth.TokenTypeJWT: &exchange.JWTSVIDValidator{Verifier: &jwtgrant.SPIFFEVerifier{
				Issuer:  hxIssuer,
				Bundles: jwtbundle.NewSet(jwtbundle.FromJWTAuthorities(spiffeid.RequireTrustDomainFromString("example.org"), map[string]crypto.PublicKey{"s1": svidKey(t).Public()})),
				Policy:  pol,
			}},
			tokenTypeWIT: &exchange.WITValidator{
				Verifier: &wit.Verifier{Trust: witTrust, Policy: pol},
				Proof:    &wpt.Verifier{Policy: pol, Replay: wimse.NewMemoryReplayCache(0)},
				Audience: hxEndpoint,
			},
		},
		Authorize: e.policy.authorize,
		OnDecision: func(_ context.Context, d exchange.Decision) error {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.decisions = append(e.decisions, d)
			return nil
		},
		Now: hxClock,
	}
	return e
}

func (e *env) last(t testing.TB) exchange.Decision {
	t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.decisions) == 0 {
		t.Fatal("no decision recorded")
	}
	return e.decisions[len(e.decisions)-1]
}

// subjectToken issues an access token as this STS would, for
// user@example.net, with claims changed by mod.
func subjectToken(t testing.TB, mod func(*accesstoken.Claims)) string {
	t.Helper()
	c := accesstoken.Claims{
		Issuer: hxIssuer, Subject: "user@example.net", ClientID: hxClientA, ID: "in-1",
		Audience: []string{hxClientA}, IssuedAt: time.Unix(hxNow-60, 0), Expiry: time.Unix(hxNow+600, 0),
		Scope: scope.MustParse("orders profile history"),
	}
	if mod != nil {
		mod(&c)
	}
	raw, err := (&accesstoken.Signer{Key: stsKey(t), KeyID: "k1", Deterministic: true}).Sign(c)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// actorToken is an access token of this STS for sub.
func actorToken(t testing.TB, sub string, mod func(*accesstoken.Claims)) string {
	return subjectToken(t, func(c *accesstoken.Claims) {
		c.Subject, c.Scope, c.ID = sub, scope.Set{}, "actor-1"
		if mod != nil {
			mod(c)
		}
	})
}

// witToken is a WIT for the workload, bound to key.
func witToken(t testing.TB, key crypto.PublicKey) string {
	t.Helper()
	raw, err := (&wit.Signer{Key: witIssuerKey, KeyID: "w1"}).Sign(wit.Claims{
		Subject: wimse.MustParseID(hxWorkload), Issuer: "https://wit-issuer.td.example",
		IssuedAt: time.Unix(hxNow-60, 0), Expiry: time.Unix(hxNow+1800, 0), Key: key,
	})
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// proof is a WPT for rawWIT with the workload key and the given aud.
func proof(t testing.TB, rawWIT, aud, jti string) string {
	t.Helper()
	raw, err := (&wpt.Signer{Key: workloadKey}).Sign(wpt.Claims{Audience: aud, Expiry: time.Unix(hxNow+60, 0), ID: jti, WITHash: wit.Hash(rawWIT)})
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// form is a valid request: the RFC 8693 §2.3 example with an access token
// of this STS.
func form(t testing.TB) url.Values {
	return url.Values{
		"grant_type":         {oauth.GrantTypeTokenExchange},
		"resource":           {hxBackend},
		"subject_token":      {subjectToken(t, nil)},
		"subject_token_type": {oauth.TokenTypeAccessToken},
	}
}

// answer is a token endpoint's answer, decoded.
type answer struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

func (a answer) str(k string) string { s, _ := a.body[k].(string); return s }

// post sends body to the handler with client A's Basic credentials, after
// mods change the request.
func post(t testing.TB, h http.Handler, body string, mods ...func(*http.Request)) answer {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, hxEndpoint, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	withBasic(hxClientA, "pw-a")(r)
	for _, m := range mods {
		m(r)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	a := answer{status: w.Code, header: w.Header(), raw: w.Body.String()}
	if err := json.Unmarshal(w.Body.Bytes(), &a.body); err != nil {
		t.Fatalf("body is not JSON: %v: %q", err, w.Body.String())
	}
	return a
}

// claimsOf decodes a JWT's claims without verifying it.
func claimsOf(t testing.TB, raw string) map[string]any {
	t.Helper()
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWS: %d parts", len(parts))
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func headerOf(t testing.TB, raw string) map[string]any {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(strings.Split(raw, ".")[0])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func withBasic(id, secret string) func(*http.Request) {
	return func(r *http.Request) { r.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret)) }
}

func noAuth(r *http.Request) { r.Header.Del("Authorization") }

func withHeader(k, v string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Add(k, v) }
}
