package exchange_test

import (
	"context"
	"crypto/elliptic"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/tokens/accesstoken"
	"github.com/wimse-wg/wimse/tokens/jwtgrant"
	"github.com/wimse-wg/wimse/tokens/scope"
	"github.com/wimse-wg/wimse/wimse"
)

// rvEnv is a revocation and an introspection endpoint over one revocation
// list, with what they recorded.
type rvEnv struct {
	revs     *exchange.MemoryRevocations
	store    exchange.Revocations // what the handlers use: revs, or a failing one
	revoke   *exchange.RevocationHandler
	intro    *exchange.IntrospectionHandler
	mu       sync.Mutex
	rd       []exchange.RevocationDecision
	id       []exchange.IntrospectionDecision
	auditErr error
}

// ownVerifier reads back the access tokens of the test STS (hxIssuer, key
// k1), whatever their audience.
func ownVerifier(t testing.TB) *accesstoken.Verifier {
	own := wimse.NewTrustStore()
	own.Set(hxTD, wimse.Anchors{Issuers: []string{hxIssuer}, Keys: []wimse.IssuerKey{{KeyID: "k1", Public: stsKey(t).Public()}}})
	return &accesstoken.Verifier{Trust: own, AnyAudience: true, Policy: wimse.Policy{Now: hxClock}}
}

func newRvEnv(t testing.TB) *rvEnv {
	t.Helper()
	e := &rvEnv{revs: exchange.NewMemoryRevocations(0, hxClock)}
	e.store = e.revs
	e.revoke = &exchange.RevocationHandler{
		Clients:  exchange.ClientAuthenticatorFunc(clients),
		Verifier: ownVerifier(t),
		OnRevoke: func(_ context.Context, d exchange.RevocationDecision) error {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.rd = append(e.rd, d)
			return e.auditErr
		},
		Now: hxClock,
	}
	e.intro = &exchange.IntrospectionHandler{
		Clients:  exchange.ClientAuthenticatorFunc(clients),
		Verifier: ownVerifier(t),
		OnIntrospect: func(_ context.Context, d exchange.IntrospectionDecision) {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.id = append(e.id, d)
		},
		Now: hxClock,
	}
	return e
}

// wire sets the handlers' revocation list to e.store.
func (e *rvEnv) wire() {
	e.revoke.Revocations, e.intro.Revocations = e.store, e.store
}

func (e *rvEnv) lastRevocation(t testing.TB) exchange.RevocationDecision {
	t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.rd) == 0 {
		t.Fatal("no revocation decision recorded")
	}
	return e.rd[len(e.rd)-1]
}

func (e *rvEnv) lastIntrospection(t testing.TB) exchange.IntrospectionDecision {
	t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.id) == 0 {
		t.Fatal("no introspection decision recorded")
	}
	return e.id[len(e.id)-1]
}

// rvPost sends form to h with client A's Basic credentials, after mods.
func rvPost(h http.Handler, form url.Values, mods ...func(*http.Request)) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "https://sts.example.com/revoke", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	withBasic(hxClientA, "pw-a")(r)
	for _, m := range mods {
		m(r)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// ownToken is an access token of the test STS issued to client A, with
// claims changed by mod.
func ownToken(t testing.TB, mod func(*accesstoken.Claims)) string {
	return subjectToken(t, func(c *accesstoken.Claims) {
		c.ID = "rv-1"
		if mod != nil {
			mod(c)
		}
	})
}

// foreignToken is an at+jwt with the test STS's issuer and kid, signed by
// another key.
func foreignToken(t testing.TB) string {
	t.Helper()
	raw, err := (&accesstoken.Signer{Key: wimsetest.EC(t, elliptic.P256(), "revoke other sts"), KeyID: "k1"}).Sign(accesstoken.Claims{
		Issuer: hxIssuer, Subject: "user@example.net", ClientID: hxClientA, ID: "rv-foreign",
		Audience: []string{hxClientA}, IssuedAt: time.Unix(hxNow-60, 0), Expiry: time.Unix(hxNow+600, 0), Scope: scope.MustParse("orders"),
	})
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// typedToken is a token signed by the STS key with typ typ (JWT: what the
// STS issues for requested_token_type jwt).
func typedToken(t testing.TB, typ string) string {
	t.Helper()
	raw, err := (&accesstoken.Signer{Key: stsKey(t), KeyID: "k1", Type: typ}).Sign(accesstoken.Claims{
		Issuer: hxIssuer, Subject: "user@example.net", ClientID: hxClientA, ID: "rv-jwt",
		Audience: []string{"https://as-b.example"}, IssuedAt: time.Unix(hxNow-60, 0), Expiry: time.Unix(hxNow+600, 0),
	})
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// idToken is a JWT-typed grant from another issuer (as an ID token would be).
func idToken(t testing.TB) string {
	t.Helper()
	raw, err := (&jwtgrant.Signer{Key: svidKey(t), KeyID: "s1"}).SignGrant(jwtgrant.Claims{
		Issuer: "https://oidc.example.org", Subject: "user", Audience: hxIssuer, Expiry: time.Unix(hxNow+300, 0),
	})
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// failingRevocations fails every call with err.
type failingRevocations struct{ err error }

func (f failingRevocations) Revoke(context.Context, string, time.Time) error { return f.err }
func (f failingRevocations) Revoked(context.Context, string) (bool, error)   { return false, f.err }

var errStoreDown = errors.New("store down")
