package exchange_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/tokens/accesstoken"
	"github.com/wimse-wg/wimse/tokens/confirmation"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/wimse"
)

// rvCase is one revocation request: a form with token changed by change,
// answered with wantStatus, wantCode (an error) and the recorded
// wantReason, and leaving jti rv-1 revoked or not.
type rvCase struct {
	name        string
	setup       func(*rvEnv)
	change      func(t testing.TB, f url.Values) []func(*http.Request)
	wantStatus  int
	wantCode    string
	wantReason  wimse.Reason
	wantRevoked bool
}

func withToken(tok func(testing.TB) string) func(testing.TB, url.Values) []func(*http.Request) {
	return func(t testing.TB, f url.Values) []func(*http.Request) {
		f.Set("token", tok(t))
		return nil
	}
}

func TestRevocationHandler(t *testing.T) {
	own := func(t testing.TB) string { return ownToken(t, nil) }
	cases := []rvCase{
		{name: "own token revoked", change: withToken(own), wantStatus: 200, wantRevoked: true},
		{name: "hint refresh_token still searches access tokens", change: func(t testing.TB, f url.Values) []func(*http.Request) {
			f.Set("token", own(t))
			f.Set("token_type_hint", "refresh_token")
			return nil
		}, wantStatus: 200, wantRevoked: true},
		{name: "unknown hint ignored", change: func(t testing.TB, f url.Values) []func(*http.Request) {
			f.Set("token", own(t))
			f.Set("token_type_hint", "urn:example:unknown")
			return nil
		}, wantStatus: 200, wantRevoked: true},
		{name: "sender-constrained token revoked without proof", change: withToken(func(t testing.TB) string {
			return ownToken(t, func(c *accesstoken.Claims) {
				cnf, err := confirmation.JKT(workloadKey.Public())
				if err != nil {
					t.Fatal(err)
				}
				c.Confirmation = cnf
			})
		}), wantStatus: 200, wantRevoked: true},
		{name: "expired token no effect", change: withToken(func(t testing.TB) string {
			return ownToken(t, func(c *accesstoken.Claims) {
				c.IssuedAt, c.Expiry = time.Unix(hxNow-3600, 0), time.Unix(hxNow-600, 0)
			})
		}), wantStatus: 200, wantReason: wimse.ReasonAccessTokenExpired},
		{name: "foreign signature no effect", change: withToken(foreignToken), wantStatus: 200, wantReason: wimse.ReasonAccessTokenSignature},
		{name: "other issuer no effect", change: withToken(func(t testing.TB) string {
			return ownToken(t, func(c *accesstoken.Claims) { c.Issuer = "https://other-sts.example.com" })
		}), wantStatus: 200, wantReason: wimse.ReasonAccessTokenIssuer},
		{name: "garbage no effect", change: withToken(func(testing.TB) string { return "not-a-token" }),
			wantStatus: 200, wantReason: wimse.ReasonAccessTokenMalformed},
		{name: "jwt issued for another AS unsupported", change: withToken(func(t testing.TB) string { return typedToken(t, "JWT") }),
			wantStatus: 400, wantCode: "unsupported_token_type", wantReason: wimse.ReasonRevocationUnsupportedTokenType},
		{name: "id token unsupported", change: withToken(idToken),
			wantStatus: 400, wantCode: "unsupported_token_type", wantReason: wimse.ReasonRevocationUnsupportedTokenType},
		{name: "token of another client refused", change: func(t testing.TB, f url.Values) []func(*http.Request) {
			f.Set("token", own(t))
			return []func(*http.Request){withBasic(hxWorkload, "pw-w")}
		}, wantStatus: 400, wantCode: oauth.ErrorUnauthorizedClient, wantReason: wimse.ReasonRevocationClientMismatch},
		{name: "audience client may not revoke", change: func(t testing.TB, f url.Values) []func(*http.Request) {
			f.Set("token", ownToken(t, func(c *accesstoken.Claims) { c.Audience = []string{hxWorkload} }))
			return []func(*http.Request){withBasic(hxWorkload, "pw-w")}
		}, wantStatus: 400, wantCode: oauth.ErrorUnauthorizedClient, wantReason: wimse.ReasonRevocationClientMismatch},
		{name: "token missing", wantStatus: 400, wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonRevocationTokenMissing},
		{name: "token repeated", change: func(t testing.TB, f url.Values) []func(*http.Request) {
			f.Add("token", own(t))
			f.Add("token", own(t))
			return nil
		}, wantStatus: 400, wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonExchangeRequest},
		{name: "token in query only", change: func(t testing.TB, _ url.Values) []func(*http.Request) {
			q := url.Values{"token": {own(t)}}.Encode()
			return []func(*http.Request){func(r *http.Request) { r.URL.RawQuery = q }}
		}, wantStatus: 400, wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonRevocationTokenMissing},
		{name: "method GET", change: func(t testing.TB, f url.Values) []func(*http.Request) {
			f.Set("token", own(t))
			return []func(*http.Request){func(r *http.Request) { r.Method = http.MethodGet }}
		}, wantStatus: 405, wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonExchangeMethod},
		{name: "content type JSON", change: func(t testing.TB, f url.Values) []func(*http.Request) {
			f.Set("token", own(t))
			return []func(*http.Request){func(r *http.Request) { r.Header.Set("Content-Type", "application/json") }}
		}, wantStatus: 400, wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonExchangeContentType},
		{name: "wrong secret", change: func(t testing.TB, f url.Values) []func(*http.Request) {
			f.Set("token", own(t))
			return []func(*http.Request){withBasic(hxClientA, "wrong")}
		}, wantStatus: 401, wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonExchangeClient},
		{name: "no client authentication", change: func(t testing.TB, f url.Values) []func(*http.Request) {
			f.Set("token", own(t))
			return []func(*http.Request){noAuth}
		}, wantStatus: 400, wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonExchangeClient},
		{name: "store down", setup: func(e *rvEnv) { e.store = failingRevocations{errStoreDown} }, change: withToken(own),
			wantStatus: 503, wantCode: "server_error", wantReason: wimse.ReasonRevocationUnavailable},
		{name: "store full", setup: func(e *rvEnv) {
			e.revs = exchange.NewMemoryRevocations(1, hxClock)
			e.store = e.revs
			if err := e.revs.Revoke(context.Background(), "other", time.Unix(hxNow+60, 0)); err != nil {
				t.Fatal(err)
			}
		}, change: withToken(own), wantStatus: 503, wantCode: "server_error", wantReason: wimse.ReasonRevocationUnavailable},
		{name: "audit down on revocation", setup: func(e *rvEnv) { e.auditErr = errors.New("audit down") }, change: withToken(own),
			wantStatus: 503, wantCode: "server_error", wantReason: wimse.ReasonRevocationUnavailable, wantRevoked: true},
		{name: "audit down on no effect", setup: func(e *rvEnv) { e.auditErr = errors.New("audit down") },
			change: withToken(foreignToken), wantStatus: 200, wantReason: wimse.ReasonAccessTokenSignature},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newRvEnv(t)
			if tc.setup != nil {
				tc.setup(e)
			}
			e.wire()
			f := url.Values{}
			var mods []func(*http.Request)
			if tc.change != nil {
				mods = tc.change(t, f)
			}
			w := rvPost(e.revoke, f, mods...)
			d := e.lastRevocation(t)
			if w.Code != tc.wantStatus {
				t.Fatalf("status = %d, want %d (body %s)", w.Code, tc.wantStatus, w.Body)
			}
			if cc := w.Header().Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store", cc)
			}
			if tc.wantStatus == 200 {
				if w.Body.Len() != 0 {
					t.Errorf("body = %q, want empty", w.Body)
				}
			} else {
				var body struct {
					Error string `json:"error"`
				}
				if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Error != tc.wantCode {
					t.Errorf("error = %q (%v), want %q", body.Error, err, tc.wantCode)
				}
			}
			if d.Status != w.Code || d.Error != tc.wantCode || d.Reason != tc.wantReason {
				t.Errorf("decision = status %d error %q reason %q; want %d %q %q", d.Status, d.Error, d.Reason, w.Code, tc.wantCode, tc.wantReason)
			}
			if d.Revoked != tc.wantRevoked {
				t.Errorf("decision.Revoked = %v, want %v", d.Revoked, tc.wantRevoked)
			}
			if tc.wantRevoked && (d.TokenID != "rv-1" || d.TokenClientID != hxClientA || d.Client.ID != hxClientA) {
				t.Errorf("decision = %+v", d)
			}
			revoked, err := e.revs.Revoked(context.Background(), "rv-1")
			if err != nil || revoked != tc.wantRevoked {
				t.Errorf("Revoked(rv-1) = %v, %v; want %v", revoked, err, tc.wantRevoked)
			}
		})
	}
}

func TestRevocationTwiceIsIdempotent(t *testing.T) {
	e := newRvEnv(t)
	e.wire()
	f := url.Values{"token": {ownToken(t, nil)}}
	for i := range 2 {
		if w := rvPost(e.revoke, f); w.Code != 200 {
			t.Fatalf("revocation %d: status %d", i+1, w.Code)
		}
	}
	if n := e.revs.Len(); n != 1 {
		t.Errorf("Len = %d, want 1", n)
	}
}

// TestRevokedSubjectToken: a revoked access token is refused as subject
// token at the token endpoint; the same token before revocation passes.
func TestRevokedSubjectToken(t *testing.T) {
	for _, revoke := range []bool{false, true} {
		e := newEnv(t)
		revs := exchange.NewMemoryRevocations(0, hxClock)
		e.h.Validators[oauth.TokenTypeAccessToken] = &exchange.AccessTokenValidator{Verifier: ownVerifier(t), Revocations: revs}
		if revoke {
			if err := revs.Revoke(context.Background(), "in-1", time.Unix(hxNow+600, 0)); err != nil {
				t.Fatal(err)
			}
		}
		a := post(t, e.h, form(t).Encode())
		d := e.last(t)
		switch {
		case !revoke && a.status != 200:
			t.Errorf("not revoked: status %d (%s)", a.status, a.raw)
		case revoke && (a.status != 400 || a.str("error") != oauth.ErrorInvalidRequest || d.Reason != wimse.ReasonRevocationRevoked):
			t.Errorf("revoked: status %d error %q reason %q", a.status, a.str("error"), d.Reason)
		}
	}
}

func TestRevokedSubjectTokenStoreDown(t *testing.T) {
	e := newEnv(t)
	e.h.Validators[oauth.TokenTypeAccessToken] = &exchange.AccessTokenValidator{Verifier: ownVerifier(t), Revocations: failingRevocations{errStoreDown}}
	a := post(t, e.h, form(t).Encode())
	if d := e.last(t); a.status != 503 || a.str("error") != "server_error" || d.Reason != wimse.ReasonRevocationUnavailable {
		t.Errorf("status %d error %q reason %q; want 503 server_error %s", a.status, a.str("error"), d.Reason, wimse.ReasonRevocationUnavailable)
	}
}

func TestMemoryRevocations(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(hxNow, 0)
	clock := func() time.Time { return now }
	m := exchange.NewMemoryRevocations(2, clock)
	for _, jti := range []string{"a", "b"} {
		if err := m.Revoke(ctx, jti, time.Unix(hxNow+60, 0)); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Revoke(ctx, "past", time.Unix(hxNow-1, 0)); err != nil || m.Len() != 2 {
		t.Fatalf("an expired revocation: err %v, Len %d; want nil, 2", err, m.Len())
	}
	if err := m.Revoke(ctx, "c", time.Unix(hxNow+60, 0)); wimse.ReasonOf(err) != wimse.ReasonRevocationUnavailable {
		t.Fatalf("full list: reason %q, want %q", wimse.ReasonOf(err), wimse.ReasonRevocationUnavailable)
	}
	if err := m.Revoke(ctx, "a", time.Unix(hxNow+120, 0)); err != nil {
		t.Fatalf("revoking again when full: %v", err)
	}
	now = time.Unix(hxNow+60, 0) // b's entry expires; a's was extended
	if ok, _ := m.Revoked(ctx, "b"); ok {
		t.Error("b is still revoked after its exp")
	}
	if ok, _ := m.Revoked(ctx, "a"); !ok {
		t.Error("a's extended entry is gone")
	}
	if err := m.Revoke(ctx, "c", time.Unix(hxNow+120, 0)); err != nil {
		t.Fatalf("after pruning: %v", err)
	}
	if ok, _ := m.Revoked(ctx, "c"); !ok {
		t.Error("c is not revoked")
	}
}

// recordingRevocations records the exp of each Revoke.
type recordingRevocations struct{ exp map[string]time.Time }

func (r *recordingRevocations) Revoke(_ context.Context, jti string, exp time.Time) error {
	r.exp[jti] = exp
	return nil
}
func (r *recordingRevocations) Revoked(_ context.Context, jti string) (bool, error) {
	_, ok := r.exp[jti]
	return ok, nil
}

// TestRevocationOutlivesSkew: the entry is kept until the token's exp plus
// the verifier's skew, as long as a verifier still accepts the token.
func TestRevocationOutlivesSkew(t *testing.T) {
	e := newRvEnv(t)
	rec := &recordingRevocations{exp: map[string]time.Time{}}
	e.store = rec
	e.wire()
	if w := rvPost(e.revoke, url.Values{"token": {ownToken(t, nil)}}); w.Code != 200 {
		t.Fatalf("status %d", w.Code)
	}
	want := time.Unix(hxNow+600, 0).Add(wimse.DefaultClockSkew)
	if got := rec.exp["rv-1"]; !got.Equal(want) {
		t.Errorf("Revoke exp = %v, want %v (token exp + skew)", got, want)
	}
}
