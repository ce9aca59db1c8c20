package exchange_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/tokens/accesstoken"
	"github.com/wimse-wg/wimse/tokens/confirmation"
	"github.com/wimse-wg/wimse/tokens/delegation"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/wimse"
)

// itCase is one introspection request: the token of tok, sent by the
// client of mods, answered with wantStatus and, for 200, the JSON body
// want (nil: {"active":false}), recording wantReason.
type itCase struct {
	name       string
	setup      func(*rvEnv)
	tok        func(testing.TB) string
	mods       []func(*http.Request)
	wantStatus int
	wantCode   string
	want       map[string]any
	wantReason wimse.Reason
}

func TestIntrospectionHandler(t *testing.T) {
	own := func(t testing.TB) string { return ownToken(t, nil) }
	active := map[string]any{
		"active": true, "scope": "history orders profile", "client_id": hxClientA, "sub": "user@example.net",
		"aud": hxClientA, "iss": hxIssuer, "exp": float64(hxNow + 600), "iat": float64(hxNow - 60),
		"jti": "rv-1", "token_type": "Bearer",
	}
	with := func(extra map[string]any) map[string]any {
		out := map[string]any{}
		for k, v := range active {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	jkt, err := confirmation.JKT(workloadKey.Public())
	if err != nil {
		t.Fatal(err)
	}
	cases := []itCase{
		{name: "issued client sees its token", tok: own, wantStatus: 200, want: active},
		{name: "audience client sees the token", tok: func(t testing.TB) string {
			return ownToken(t, func(c *accesstoken.Claims) { c.Audience = []string{hxWorkload, "https://other.example"} })
		}, mods: []func(*http.Request){withBasic(hxWorkload, "pw-w")}, wantStatus: 200,
			want: with(map[string]any{"aud": []any{hxWorkload, "https://other.example"}})},
		{name: "other client gets inactive", tok: own, mods: []func(*http.Request){withBasic(hxWorkload, "pw-w")},
			wantStatus: 200, wantReason: wimse.ReasonIntrospectionNotAllowed},
		{name: "custom policy admits an admin", setup: func(e *rvEnv) {
			e.intro.Allow = func(c exchange.ClientIdentity, t *accesstoken.Token) error {
				if c.ID == "admin@example.net" {
					return nil
				}
				return exchange.IntrospectIssuedOrAudience(c, t)
			}
		}, tok: own, mods: []func(*http.Request){withBasic("admin@example.net", "pw-admin")}, wantStatus: 200, want: active},
		{name: "dpop-bound token", tok: func(t testing.TB) string {
			return ownToken(t, func(c *accesstoken.Claims) { c.Confirmation = jkt })
		}, wantStatus: 200, want: with(map[string]any{"token_type": "DPoP", "cnf": map[string]any{"jkt": jkt.Value()}})},
		{name: "delegated token with nbf", tok: func(t testing.TB) string {
			return ownToken(t, func(c *accesstoken.Claims) {
				c.Act = delegation.Chain{{Subject: "agent-1", Issuer: hxIssuer}}
				c.MayAct = &delegation.MayAct{Actor: delegation.Actor{Subject: "agent-2"}}
				c.NotBefore = time.Unix(hxNow-60, 0)
			})
		}, wantStatus: 200, want: with(map[string]any{
			"act": map[string]any{"sub": "agent-1", "iss": hxIssuer}, "may_act": map[string]any{"sub": "agent-2"}, "nbf": float64(hxNow - 60),
		})},
		{name: "revoked token inactive", setup: func(e *rvEnv) {
			if err := e.revs.Revoke(context.Background(), "rv-1", time.Unix(hxNow+600, 0)); err != nil {
				t.Fatal(err)
			}
		}, tok: own, wantStatus: 200, wantReason: wimse.ReasonRevocationRevoked},
		{name: "expired token inactive", tok: func(t testing.TB) string {
			return ownToken(t, func(c *accesstoken.Claims) { c.IssuedAt, c.Expiry = time.Unix(hxNow-3600, 0), time.Unix(hxNow-600, 0) })
		}, wantStatus: 200, wantReason: wimse.ReasonAccessTokenExpired},
		{name: "not yet valid token inactive", tok: func(t testing.TB) string {
			return ownToken(t, func(c *accesstoken.Claims) { c.NotBefore = time.Unix(hxNow+600, 0) })
		}, wantStatus: 200, wantReason: wimse.ReasonAccessTokenNotYetValid},
		{name: "foreign token inactive", tok: foreignToken, wantStatus: 200, wantReason: wimse.ReasonAccessTokenSignature},
		{name: "id token inactive", tok: idToken, wantStatus: 200, wantReason: wimse.ReasonAccessTokenTyp},
		{name: "garbage inactive", tok: func(testing.TB) string { return "garbage" }, wantStatus: 200, wantReason: wimse.ReasonAccessTokenMalformed},
		{name: "token missing", tok: func(testing.TB) string { return "" }, wantStatus: 400, wantCode: oauth.ErrorInvalidRequest,
			wantReason: wimse.ReasonIntrospectionTokenMissing},
		{name: "wrong secret", tok: own, mods: []func(*http.Request){withBasic(hxClientA, "nope")}, wantStatus: 401,
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonExchangeClient},
		{name: "no client", setup: func(e *rvEnv) { e.intro.Clients = nil }, tok: own, wantStatus: 401,
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonExchangeClient},
		{name: "method GET", tok: own, mods: []func(*http.Request){func(r *http.Request) { r.Method = http.MethodGet }},
			wantStatus: 405, wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonExchangeMethod},
		{name: "revocation list down", setup: func(e *rvEnv) { e.store = failingRevocations{errStoreDown} }, tok: own,
			wantStatus: 503, wantCode: "server_error", wantReason: wimse.ReasonRevocationUnavailable},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newRvEnv(t)
			if tc.setup != nil {
				tc.setup(e)
			}
			e.wire()
			f := url.Values{}
			if tok := tc.tok(t); tok != "" {
				f.Set("token", tok)
			}
			w := rvPost(e.intro, f, tc.mods...)
			d := e.lastIntrospection(t)
			if w.Code != tc.wantStatus {
				t.Fatalf("status = %d, want %d (body %s)", w.Code, tc.wantStatus, w.Body)
			}
			if cc := w.Header().Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store", cc)
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			var body map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatalf("body is not JSON: %v", err)
			}
			switch {
			case tc.wantStatus != 200:
				if body["error"] != tc.wantCode {
					t.Errorf("error = %v, want %q", body["error"], tc.wantCode)
				}
			case tc.want == nil:
				if diff := cmp.Diff(map[string]any{"active": false}, body); diff != "" {
					t.Errorf("inactive answer (-want +got):\n%s", diff)
				}
			default:
				if diff := cmp.Diff(tc.want, body); diff != "" {
					t.Errorf("active answer (-want +got):\n%s", diff)
				}
			}
			if d.Status != w.Code || d.Error != tc.wantCode || d.Reason != tc.wantReason || d.Active != (tc.want != nil) {
				t.Errorf("decision = %+v; want status %d error %q reason %q", d, w.Code, tc.wantCode, tc.wantReason)
			}
		})
	}
}

// TestRevokeThenIntrospect runs the two endpoints together: active, revoked
// by its client, then inactive.
func TestRevokeThenIntrospect(t *testing.T) {
	e := newRvEnv(t)
	e.wire()
	f := url.Values{"token": {ownToken(t, nil)}}
	activeOf := func() bool {
		var body struct {
			Active bool `json:"active"`
		}
		w := rvPost(e.intro, f)
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || w.Code != 200 {
			t.Fatalf("introspection: %d %v", w.Code, err)
		}
		return body.Active
	}
	if !activeOf() {
		t.Fatal("inactive before revocation")
	}
	if w := rvPost(e.revoke, f); w.Code != 200 {
		t.Fatalf("revocation: %d", w.Code)
	}
	if activeOf() {
		t.Fatal("active after revocation")
	}
}
