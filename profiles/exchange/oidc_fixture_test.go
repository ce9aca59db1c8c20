package exchange_test

import (
	"crypto"
	"crypto/elliptic"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/wimse"
)

// oidcAudience is the audience the federated tokens of the tests are
// minted for: this STS.
const oidcAudience = "https://sts.example.com"

// oidcKey is a federated issuer's signing key.
type oidcKey struct {
	kid, alg string
	key      crypto.Signer
}

func oidcKeyP256(t testing.TB, kid string) oidcKey {
	return oidcKey{kid: kid, alg: "ES256", key: wimsetest.EC(t, elliptic.P256(), "oidc "+kid)}
}

// oidcProvider is an OpenID Provider over TLS serving its discovery
// document and JWK Set, counting the requests it sees.
type oidcProvider struct {
	srv      *httptest.Server
	requests atomic.Int64

	mu     sync.Mutex
	doc    map[string]any // the discovery document; issuer and jwks_uri preset
	keys   []oidcKey
	raw    []byte // when set, served as the discovery document instead of doc
	jwks   []byte // when set, served as the JWK Set instead of keys
	status int    // when set, the status of every answer
}

func newOIDCProvider(t testing.TB, keys ...oidcKey) *oidcProvider {
	t.Helper()
	p := &oidcProvider{keys: keys}
	p.srv = httptest.NewTLSServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	p.doc = map[string]any{"issuer": p.srv.URL, "jwks_uri": p.srv.URL + "/jwks", "id_token_signing_alg_values_supported": []string{"RS256", "ES256"}}
	return p
}

func (p *oidcProvider) serve(w http.ResponseWriter, r *http.Request) {
	p.requests.Add(1)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.status != 0 {
		w.WriteHeader(p.status)
		return
	}
	var body []byte
	switch r.URL.Path {
	case exchange.OIDCDiscoveryPath:
		body = p.raw
		if body == nil {
			body, _ = json.Marshal(p.doc)
		}
	case "/jwks":
		body = p.jwks
		if body == nil {
			var set []map[string]any
			for _, k := range p.keys {
				m, err := jose.PublicJWKJSON(k.key.Public(), k.alg, k.kid)
				if err != nil {
					http.Error(w, err.Error(), 500)
					return
				}
				m["use"] = "sig"
				set = append(set, m)
			}
			body, _ = json.Marshal(map[string]any{"keys": set})
		}
	default:
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

func (p *oidcProvider) set(f func(p *oidcProvider)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f(p)
}

// oidcClock is a settable test clock.
type oidcClock struct{ now atomic.Int64 }

func newOIDCClock() *oidcClock {
	c := &oidcClock{}
	c.now.Store(hxNow)
	return c
}

func (c *oidcClock) Now() time.Time          { return time.Unix(c.now.Load(), 0) }
func (c *oidcClock) Advance(d time.Duration) { c.now.Add(int64(d / time.Second)) }

// validatorFor trusts p's issuer by discovery, for oidcAudience.
func validatorFor(p *oidcProvider, clock *oidcClock) *exchange.OIDCValidator {
	return &exchange.OIDCValidator{
		Issuers:    map[string]exchange.IssuerConfig{p.srv.URL: {Discovery: true, Audiences: []string{oidcAudience}}},
		HTTPClient: p.srv.Client(),
		Policy:     wimse.Policy{Now: clock.Now},
	}
}

// oidcToken signs claims with k; header members in hdr are added (a nil
// value removes the member).
func oidcToken(t testing.TB, k oidcKey, hdr, claims map[string]any) string {
	t.Helper()
	h := map[string]any{"alg": k.alg, "kid": k.kid, "typ": "JWT"}
	for name, v := range hdr {
		if v == nil {
			delete(h, name)
		} else {
			h[name] = v
		}
	}
	alg, _ := h["alg"].(string)
	if !jose.IsSupported(alg) {
		alg = k.alg // a header that names another alg, signed with the key's own
	}
	hb, err := jose.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	pb, err := jose.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := jose.SignRaw(hb, pb, alg, k.key, true)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// oidcClaims are valid claims for issuer iss at hxNow, changed by mod (a
// nil value removes the claim).
func oidcClaims(iss string, mod map[string]any) map[string]any {
	c := map[string]any{
		"iss": iss, "sub": "system:serviceaccount:payments:api", "aud": oidcAudience,
		"iat": hxNow - 60, "exp": hxNow + 600, "jti": "oidc-1",
	}
	for name, v := range mod {
		if v == nil {
			delete(c, name)
		} else {
			c[name] = v
		}
	}
	return c
}
