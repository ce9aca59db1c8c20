package exchange_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/tokens/accesstoken"
	"github.com/wimse-wg/wimse/tokens/confirmation"
	"github.com/wimse-wg/wimse/tokens/delegation"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/tokens/scope"
	"github.com/wimse-wg/wimse/wimse"
)

// hxCase is one request to the handler: a valid baseline changed by
// change, answered with wantStatus and, for an error, wantCode and the
// recorded wantReason.
type hxCase struct {
	name       string
	setup      func(*env)
	change     func(t testing.TB, f url.Values) []func(*http.Request)
	wantStatus int
	wantCode   string
	wantReason wimse.Reason
	check      func(t *testing.T, a answer, d exchange.Decision)
}

func set(k, v string) func(testing.TB, url.Values) []func(*http.Request) {
	return func(_ testing.TB, f url.Values) []func(*http.Request) {
		if v == "" {
			f.Del(k)
		} else {
			f.Set(k, v)
		}
		return nil
	}
}

func runCases(t *testing.T, cases []hxCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			if tc.setup != nil {
				tc.setup(e)
			}
			f := form(t)
			var mods []func(*http.Request)
			if tc.change != nil {
				mods = tc.change(t, f)
			}
			a := post(t, e.h, f.Encode(), mods...)
			d := e.last(t)
			if a.status != tc.wantStatus {
				t.Fatalf("status = %d, want %d (body %s)", a.status, tc.wantStatus, a.raw)
			}
			if cc := a.header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control = %q, want no-store", cc)
			}
			if ct := a.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", ct)
			}
			if d.Status != a.status {
				t.Errorf("decision status = %d, answered %d", d.Status, a.status)
			}
			if tc.wantStatus == http.StatusOK {
				if !d.Issued || d.Reason != "" || d.Error != "" {
					t.Errorf("decision = issued %v, error %q, reason %q; want issued", d.Issued, d.Error, d.Reason)
				}
			} else {
				if got := a.str("error"); got != tc.wantCode {
					t.Errorf("error = %q, want %q (%s)", got, tc.wantCode, a.raw)
				}
				if d.Issued || d.Error != tc.wantCode || d.Reason != tc.wantReason {
					t.Errorf("decision = issued %v, error %q, reason %q; want %q, %q", d.Issued, d.Error, d.Reason, tc.wantCode, tc.wantReason)
				}
				if _, ok := a.body["access_token"]; ok {
					t.Error("an error answer carries access_token")
				}
			}
			if tc.check != nil {
				tc.check(t, a, d)
			}
		})
	}
}

func TestHandlerRequest(t *testing.T) {
	runCases(t, []hxCase{
		{name: "valid", wantStatus: 200, check: func(t *testing.T, a answer, d exchange.Decision) {
			c := claimsOf(t, a.str("access_token"))
			if c["aud"] != "https://backend.example.com" || c["sub"] != "user@example.net" || c["iss"] != hxIssuer || c["client_id"] != hxClientA {
				t.Errorf("claims = %v", c)
			}
			if _, ok := c["act"]; ok {
				t.Error("impersonation token carries act")
			}
			if a.str("issued_token_type") != oauth.TokenTypeAccessToken || a.str("token_type") != "Bearer" {
				t.Errorf("issued_token_type %q token_type %q", a.str("issued_token_type"), a.str("token_type"))
			}
			if d.TokenID == "" || d.TokenID != c["jti"] || d.Subject != "user@example.net" || d.Client.ID != hxClientA || d.Client.Method != oauth.AuthMethodClientSecretBasic {
				t.Errorf("decision = %+v", d)
			}
		}},
		{name: "method GET", change: func(_ testing.TB, _ url.Values) []func(*http.Request) {
			return []func(*http.Request){func(r *http.Request) { r.Method = http.MethodGet }}
		}, wantStatus: 405, wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonExchangeMethod,
			check: func(t *testing.T, a answer, _ exchange.Decision) {
				if a.header.Get("Allow") != "POST" {
					t.Errorf("Allow = %q", a.header.Get("Allow"))
				}
			}},
		{name: "content type JSON", change: func(_ testing.TB, _ url.Values) []func(*http.Request) {
			return []func(*http.Request){func(r *http.Request) { r.Header.Set("Content-Type", "application/json") }}
		}, wantStatus: 400, wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonExchangeContentType},
		{name: "content type with charset utf-8", change: func(_ testing.TB, _ url.Values) []func(*http.Request) {
			return []func(*http.Request){func(r *http.Request) {
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
			}}
		}, wantStatus: 200},
		{name: "content type charset latin1", change: func(_ testing.TB, _ url.Values) []func(*http.Request) {
			return []func(*http.Request){func(r *http.Request) {
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=iso-8859-1")
			}}
		}, wantStatus: 400, wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonExchangeContentType},
		{name: "repeated subject_token", change: func(t testing.TB, f url.Values) []func(*http.Request) {
			f.Add("subject_token", subjectToken(t, nil))
			return nil
		}, wantStatus: 400, wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonExchangeRequest},
		{name: "unknown parameter ignored", change: set("foo", "bar"), wantStatus: 200},
		{name: "query parameters ignored", change: func(t testing.TB, f url.Values) []func(*http.Request) {
			f.Del("subject_token")
			return []func(*http.Request){func(r *http.Request) { r.URL.RawQuery = "subject_token=" + subjectToken(t, nil) }}
		}, wantStatus: 400, wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonExchangeRequest},
		{name: "missing subject_token", change: set("subject_token", ""), wantStatus: 400, wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonExchangeRequest},
		{name: "missing grant_type", change: set("grant_type", ""), wantStatus: 400, wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonExchangeRequest},
		{name: "other grant_type", change: set("grant_type", "client_credentials"), wantStatus: 400, wantCode: oauth.ErrorUnsupportedGrantType, wantReason: wimse.ReasonExchangeGrantType},
		{name: "body too large", setup: func(e *env) { e.h.MaxBodySize = 100 }, wantStatus: 400, wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonExchangeRequest},
	})
}

func TestHandlerClient(t *testing.T) {
	runCases(t, []hxCase{
		{name: "wrong secret over Basic", change: func(_ testing.TB, _ url.Values) []func(*http.Request) {
			return []func(*http.Request){withBasic(hxClientA, "wrong")}
		}, wantStatus: 401, wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonExchangeClient,
			check: func(t *testing.T, a answer, _ exchange.Decision) {
				if w := a.header.Get("WWW-Authenticate"); !strings.HasPrefix(w, "Basic ") {
					t.Errorf("WWW-Authenticate = %q", w)
				}
			}},
		{name: "wrong secret in the body", change: func(_ testing.TB, f url.Values) []func(*http.Request) {
			f.Set("client_id", hxClientA)
			f.Set("client_secret", "wrong")
			return []func(*http.Request){noAuth}
		}, wantStatus: 400, wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonExchangeClient,
			check: func(t *testing.T, a answer, _ exchange.Decision) {
				if w := a.header.Get("WWW-Authenticate"); w != "" {
					t.Errorf("WWW-Authenticate = %q without Authorization", w)
				}
			}},
		{name: "secret in the body", change: func(_ testing.TB, f url.Values) []func(*http.Request) {
			f.Set("client_id", hxClientA)
			f.Set("client_secret", "pw-a")
			return []func(*http.Request){noAuth}
		}, wantStatus: 200, check: func(t *testing.T, _ answer, d exchange.Decision) {
			if d.Client.Method != oauth.AuthMethodClientSecretPost {
				t.Errorf("method = %q", d.Client.Method)
			}
		}},
		{name: "no authenticator", setup: func(e *env) { e.h.Clients = nil },
			wantStatus: 401, wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonExchangeClient},
		{name: "authenticator error with a reason", setup: func(e *env) {
			e.h.Clients = exchange.ClientAuthenticatorFunc(func(context.Context, *http.Request) (exchange.ClientIdentity, error) {
				return exchange.ClientIdentity{}, wimse.Errorf(wimse.ReasonJWTGrantExpired, "jwtgrant: expired")
			})
		}, wantStatus: 401, wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonJWTGrantExpired},
		{name: "authenticator failure of the server", setup: func(e *env) {
			e.h.Clients = exchange.ClientAuthenticatorFunc(func(context.Context, *http.Request) (exchange.ClientIdentity, error) {
				return exchange.ClientIdentity{}, wimse.Errorf(wimse.ReasonReplayCacheFull, "full")
			})
		}, wantStatus: 503, wantCode: "server_error", wantReason: wimse.ReasonReplayCacheFull},
	})
}

func TestHandlerSubjectToken(t *testing.T) {
	runCases(t, []hxCase{
		{name: "unknown subject_token_type", change: set("subject_token_type", "urn:example:not-a-type"),
			wantStatus: 400, wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonExchangeTokenType},
		{name: "WIT declared as access token", change: func(t testing.TB, f url.Values) []func(*http.Request) {
			f.Set("subject_token", witToken(t, workloadKey.Public()))
			return nil
		}, wantStatus: 400, wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonAccessTokenTyp},
		{name: "access token declared as WIT", change: set("subject_token_type", tokenTypeWIT),
			wantStatus: 400, wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonWITTyp},
		{name: "opaque subject token", change: set("subject_token", "accVkjcJyb4BWCxGsndESCJQbdFMogUC5PbRDqceLTC"),
			wantStatus: 400, wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonAccessTokenMalformed},
		{name: "expired subject token", change: func(t testing.TB, f url.Values) []func(*http.Request) {
			f.Set("subject_token", subjectToken(t, func(c *accesstoken.Claims) {
				c.IssuedAt, c.Expiry = time.Unix(hxNow-3600, 0), time.Unix(hxNow-600, 0)
			}))
			return nil
		}, wantStatus: 400, wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonAccessTokenExpired},
		{name: "subject token of another issuer", change: func(t testing.TB, f url.Values) []func(*http.Request) {
			f.Set("subject_token", subjectToken(t, func(c *accesstoken.Claims) { c.Issuer = "https://other-as.example" }))
			return nil
		}, wantStatus: 400, wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonAccessTokenIssuer},
		{name: "cnf-bound subject token with the client's proof", change: func(t testing.TB, f url.Values) []func(*http.Request) {
			f.Set("subject_token", subjectToken(t, func(c *accesstoken.Claims) { c.Confirmation = jkt(t, workloadKey.Public()) }))
			return []func(*http.Request){withBasic(hxWorkload, "pw-w")}
		}, wantStatus: 200},
		{name: "cnf-bound subject token without proof", change: func(t testing.TB, f url.Values) []func(*http.Request) {
			f.Set("subject_token", subjectToken(t, func(c *accesstoken.Claims) { c.Confirmation = jkt(t, workloadKey.Public()) }))
			return nil
		}, wantStatus: 400, wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonCnfUnconfirmed},
		{name: "validator failure of the server", setup: func(e *env) {
			e.h.Validators[oauth.TokenTypeAccessToken] = exchange.TokenValidatorFunc(func(context.Context, exchange.Presentation) (*exchange.Party, error) {
				return nil, wimse.Errorf(wimse.ReasonInternal, "boom")
			})
		}, wantStatus: 500, wantCode: "server_error", wantReason: wimse.ReasonInternal},
	})
}

// witRequest makes the request present the workload's WIT as subject token.
func witRequest(t testing.TB, f url.Values, key any) string {
	raw := witToken(t, key)
	f.Set("subject_token", raw)
	f.Set("subject_token_type", tokenTypeWIT)
	f.Del("resource")
	f.Set("audience", hxCoop)
	return raw
}

func TestHandlerWIT(t *testing.T) {
	runCases(t, []hxCase{
		{name: "WIT with WPT", change: func(t testing.TB, f url.Values) []func(*http.Request) {
			raw := witRequest(t, f, workloadKey.Public())
			return []func(*http.Request){withHeader(exchange.HeaderWPT, proof(t, raw, hxEndpoint, "p1"))}
		}, wantStatus: 200, check: func(t *testing.T, a answer, d exchange.Decision) {
			c := claimsOf(t, a.str("access_token"))
			if c["sub"] != hxWorkload || c["aud"] != hxCoop {
				t.Errorf("claims = %v", c)
			}
			if d.SubjectIssuer != "https://wit-issuer.td.example" {
				t.Errorf("subject issuer = %q", d.SubjectIssuer)
			}
		}},
		{name: "WIT without proof", change: func(t testing.TB, f url.Values) []func(*http.Request) {
			witRequest(t, f, workloadKey.Public())
			return nil
		}, wantStatus: 400, wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonExchangeProofMissing},
		{name: "WIT with WPT for another audience", change: func(t testing.TB, f url.Values) []func(*http.Request) {
			raw := witRequest(t, f, workloadKey.Public())
			return []func(*http.Request){withHeader(exchange.HeaderWPT, proof(t, raw, "https://other.example.com/token", "p1"))}
		}, wantStatus: 400, wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonWPTAudMismatch},
		{name: "WIT with WPT of another WIT", change: func(t testing.TB, f url.Values) []func(*http.Request) {
			witRequest(t, f, workloadKey.Public())
			return []func(*http.Request){withHeader(exchange.HeaderWPT, proof(t, witToken(t, otherKey.Public()), hxEndpoint, "p1"))}
		}, wantStatus: 400, wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonWPTWTHMismatch},
		{name: "WIT with two WPTs", change: func(t testing.TB, f url.Values) []func(*http.Request) {
			raw := witRequest(t, f, workloadKey.Public())
			return []func(*http.Request){withHeader(exchange.HeaderWPT, proof(t, raw, hxEndpoint, "p1")), withHeader(exchange.HeaderWPT, proof(t, raw, hxEndpoint, "p2"))}
		}, wantStatus: 400, wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonWPTMultiple},
		{name: "WIT proved by client authentication with its key", change: func(t testing.TB, f url.Values) []func(*http.Request) {
			witRequest(t, f, workloadKey.Public())
			return []func(*http.Request){withBasic(hxWorkload, "pw-w")}
		}, wantStatus: 200, check: func(t *testing.T, _ answer, d exchange.Decision) {
			if d.Client.Method != oauth.AuthMethodSPIFFEWIT {
				t.Errorf("method = %q", d.Client.Method)
			}
		}},
		{name: "WIT of another key, client proved its own", change: func(t testing.TB, f url.Values) []func(*http.Request) {
			witRequest(t, f, otherKey.Public())
			return []func(*http.Request){withBasic(hxWorkload, "pw-w")}
		}, wantStatus: 400, wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonExchangeProofMissing},
	})
}

func TestHandlerWPTReplay(t *testing.T) {
	e := newEnv(t)
	f := form(t)
	raw := witRequest(t, f, workloadKey.Public())
	p := proof(t, raw, hxEndpoint, "once")
	if a := post(t, e.h, f.Encode(), withHeader(exchange.HeaderWPT, p)); a.status != 200 {
		t.Fatalf("first: %d %s", a.status, a.raw)
	}
	a := post(t, e.h, f.Encode(), withHeader(exchange.HeaderWPT, p))
	if a.status != 400 || e.last(t).Reason != wimse.ReasonWPTReplayed {
		t.Errorf("replay: status %d reason %q, want 400 %q", a.status, e.last(t).Reason, wimse.ReasonWPTReplayed)
	}
}

func TestHandlerTarget(t *testing.T) {
	runCases(t, []hxCase{
		{name: "resource with fragment", change: set("resource", "https://backend.example.com/api#frag"),
			wantStatus: 400, wantCode: oauth.ErrorInvalidTarget, wantReason: wimse.ReasonExchangeResourceMalformed},
		{name: "relative resource", change: set("resource", "/relative/path"),
			wantStatus: 400, wantCode: oauth.ErrorInvalidTarget, wantReason: wimse.ReasonExchangeResourceMalformed},
		{name: "unknown resource", change: set("resource", "https://unknown.example.com/"),
			wantStatus: 400, wantCode: oauth.ErrorInvalidTarget, wantReason: wimse.ReasonPolicyTarget},
		{name: "audience", change: func(_ testing.TB, f url.Values) []func(*http.Request) {
			f.Del("resource")
			f.Set("audience", hxCoop)
			return nil
		}, wantStatus: 200, check: func(t *testing.T, a answer, _ exchange.Decision) {
			if c := claimsOf(t, a.str("access_token")); c["aud"] != hxCoop {
				t.Errorf("aud = %v", c["aud"])
			}
		}},
		{name: "two targets", change: func(_ testing.TB, f url.Values) []func(*http.Request) {
			f.Add("audience", hxCoop)
			return nil
		}, wantStatus: 400, wantCode: oauth.ErrorInvalidTarget, wantReason: wimse.ReasonExchangeTooManyTargets},
		{name: "two targets allowed", setup: func(e *env) { e.h.MaxTargets = 2 }, change: func(_ testing.TB, f url.Values) []func(*http.Request) {
			f.Add("audience", hxCoop)
			return nil
		}, wantStatus: 200, check: func(t *testing.T, a answer, _ exchange.Decision) {
			aud, _ := claimsOf(t, a.str("access_token"))["aud"].([]any)
			if len(aud) != 2 {
				t.Errorf("aud = %v", aud)
			}
		}},
		{name: "no target and no default", change: set("resource", ""),
			wantStatus: 400, wantCode: oauth.ErrorInvalidTarget, wantReason: wimse.ReasonExchangeTarget},
	})
}

func TestHandlerScope(t *testing.T) {
	runCases(t, []hxCase{
		{name: "narrower scope", change: set("scope", "orders"), wantStatus: 200, check: func(t *testing.T, a answer, d exchange.Decision) {
			if a.str("scope") != "orders" || claimsOf(t, a.str("access_token"))["scope"] != "orders" || d.GrantedScope != scope.MustParse("orders") {
				t.Errorf("scope = %q", a.str("scope"))
			}
		}},
		{name: "no scope requested: the subject's within the policy's", setup: func(e *env) { e.policy.scope = scope.MustParse("orders history feed") },
			wantStatus: 200, check: func(t *testing.T, a answer, _ exchange.Decision) {
				if a.str("scope") != "history orders" {
					t.Errorf("scope = %q, want the intersection", a.str("scope"))
				}
			}},
		{name: "wider than the subject token", change: set("scope", "orders status"),
			wantStatus: 400, wantCode: oauth.ErrorInvalidScope, wantReason: wimse.ReasonScopeExceeds},
		{name: "wider than the policy", setup: func(e *env) { e.policy.scope = scope.MustParse("profile") }, change: set("scope", "orders"),
			wantStatus: 400, wantCode: oauth.ErrorInvalidScope, wantReason: wimse.ReasonScopeExceeds},
		{name: "malformed scope", change: set("scope", "orders  profile"),
			wantStatus: 400, wantCode: oauth.ErrorInvalidScope, wantReason: wimse.ReasonScopeMalformed},
		{name: "subject token without scope grants none", change: func(t testing.TB, f url.Values) []func(*http.Request) {
			f.Set("subject_token", subjectToken(t, func(c *accesstoken.Claims) { c.Scope = scope.Set{} }))
			f.Set("scope", "orders")
			return nil
		}, wantStatus: 400, wantCode: oauth.ErrorInvalidScope, wantReason: wimse.ReasonScopeExceeds},
	})
}

func expiresIn(t *testing.T, a answer, want float64) {
	t.Helper()
	if got, _ := a.body["expires_in"].(float64); got != want {
		t.Errorf("expires_in = %v, want %v", a.body["expires_in"], want)
	}
	c := claimsOf(t, a.str("access_token"))
	if c["exp"].(float64)-c["iat"].(float64) != want || c["iat"].(float64) != hxNow {
		t.Errorf("iat %v exp %v, want lifetime %v", c["iat"], c["exp"], want)
	}
}

func TestHandlerLifetime(t *testing.T) {
	runCases(t, []hxCase{
		{name: "capped by the subject token", wantStatus: 200, check: func(t *testing.T, a answer, d exchange.Decision) {
			expiresIn(t, a, 600)
			if d.Lifetime != 600*time.Second {
				t.Errorf("decision lifetime = %s", d.Lifetime)
			}
		}},
		{name: "capped by the handler", setup: func(e *env) { e.h.MaxLifetime = 2 * time.Minute }, wantStatus: 200,
			check: func(t *testing.T, a answer, _ exchange.Decision) { expiresIn(t, a, 120) }},
		{name: "capped by the grant", setup: func(e *env) { e.policy.lifetime = 5 * time.Minute }, wantStatus: 200,
			check: func(t *testing.T, a answer, _ exchange.Decision) { expiresIn(t, a, 300) }},
		{name: "grant cannot extend", setup: func(e *env) { e.policy.lifetime = 48 * time.Hour; e.h.MaxLifetime = 3 * time.Minute }, wantStatus: 200,
			check: func(t *testing.T, a answer, _ exchange.Decision) { expiresIn(t, a, 180) }},
		{name: "capped by the actor token", change: func(t testing.TB, f url.Values) []func(*http.Request) {
			f.Set("actor_token", actorToken(t, "admin@example.net", func(c *accesstoken.Claims) { c.Expiry = time.Unix(hxNow+90, 0) }))
			f.Set("actor_token_type", oauth.TokenTypeAccessToken)
			return nil
		}, wantStatus: 200, check: func(t *testing.T, a answer, _ exchange.Decision) { expiresIn(t, a, 90) }},
		{name: "subject expiring within the skew", change: func(t testing.TB, f url.Values) []func(*http.Request) {
			f.Set("subject_token", subjectToken(t, func(c *accesstoken.Claims) { c.Expiry = time.Unix(hxNow-10, 0) }))
			return nil
		}, wantStatus: 400, wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonExchangeLifetime},
	})
}

// delegated sets a subject token with the given act and may_act and an
// actor token for actorSub.
func delegated(act delegation.Chain, mayAct *delegation.MayAct, actorSub string) func(testing.TB, url.Values) []func(*http.Request) {
	return func(t testing.TB, f url.Values) []func(*http.Request) {
		f.Set("subject_token", subjectToken(t, func(c *accesstoken.Claims) { c.Act, c.MayAct = act, mayAct }))
		f.Set("actor_token", actorToken(t, actorSub, nil))
		f.Set("actor_token_type", oauth.TokenTypeAccessToken)
		return nil
	}
}

func TestHandlerDelegation(t *testing.T) {
	service77 := delegation.Chain{{Subject: "https://service77.example.com"}}
	admin := &delegation.MayAct{Actor: delegation.Actor{Subject: "admin@example.net", Issuer: hxIssuer}}
	runCases(t, []hxCase{
		{name: "actor becomes act", change: delegated(nil, nil, "admin@example.net"), wantStatus: 200, check: func(t *testing.T, a answer, d exchange.Decision) {
			act, _ := claimsOf(t, a.str("access_token"))["act"].(map[string]any)
			if act["sub"] != "admin@example.net" || act["iss"] != hxIssuer || len(act) != 2 {
				t.Errorf("act = %v", act)
			}
			if len(d.Actors) != 1 || d.Actors[0].Subject != "admin@example.net" {
				t.Errorf("decision actors = %v", d.Actors)
			}
		}},
		{name: "chain nests, current actor outermost", change: delegated(service77, nil, "https://service16.example.com"), wantStatus: 200,
			check: func(t *testing.T, a answer, _ exchange.Decision) {
				c := claimsOf(t, a.str("access_token"))
				act, _ := c["act"].(map[string]any)
				inner, _ := act["act"].(map[string]any)
				if act["sub"] != "https://service16.example.com" || inner["sub"] != "https://service77.example.com" {
					t.Errorf("act = %v", c["act"])
				}
				for _, m := range []map[string]any{act, inner} {
					for _, k := range []string{"exp", "nbf", "aud"} {
						if _, ok := m[k]; ok {
							t.Errorf("act object carries %s", k)
						}
					}
				}
				if _, ok := c["may_act"]; ok {
					t.Error("may_act copied to the issued token")
				}
			}},
		{name: "impersonation keeps the subject's chain", change: func(t testing.TB, f url.Values) []func(*http.Request) {
			f.Set("subject_token", subjectToken(t, func(c *accesstoken.Claims) { c.Act = service77 }))
			return nil
		}, wantStatus: 200, check: func(t *testing.T, a answer, _ exchange.Decision) {
			act, _ := claimsOf(t, a.str("access_token"))["act"].(map[string]any)
			if act["sub"] != "https://service77.example.com" {
				t.Errorf("act = %v", act)
			}
		}},
		{name: "may_act permits the actor", change: delegated(nil, admin, "admin@example.net"), wantStatus: 200},
		{name: "may_act denies another actor", change: delegated(nil, admin, "eve@example.net"),
			wantStatus: 400, wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonMayActMismatch},
		{name: "actor token itself delegated", change: func(t testing.TB, f url.Values) []func(*http.Request) {
			f.Set("actor_token", actorToken(t, "admin@example.net", func(c *accesstoken.Claims) { c.Act = service77 }))
			f.Set("actor_token_type", oauth.TokenTypeAccessToken)
			return nil
		}, wantStatus: 400, wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonExchangeActorDelegated},
		{name: "chain too deep", change: func(t testing.TB, f url.Values) []func(*http.Request) {
			var long delegation.Chain
			for range delegation.MaxDepth {
				long = append(long, delegation.Actor{Subject: "https://hop.example.com"})
			}
			return delegated(long, nil, "admin@example.net")(t, f)
		}, wantStatus: 400, wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonActTooDeep},
		{name: "actor_token_type without actor_token", change: set("actor_token_type", oauth.TokenTypeAccessToken),
			wantStatus: 400, wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonExchangeRequest},
		{name: "delegation not granted", setup: func(e *env) { e.policy.delegate = false }, change: delegated(nil, nil, "admin@example.net"),
			wantStatus: 400, wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonExchangeDelegation},
		{name: "impersonation not granted", setup: func(e *env) { e.policy.impersonate = false },
			wantStatus: 400, wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonExchangeImpersonation},
		{name: "self exchange needs no impersonation grant", setup: func(e *env) { e.policy.impersonate = false }, change: func(t testing.TB, f url.Values) []func(*http.Request) {
			witRequest(t, f, workloadKey.Public())
			return []func(*http.Request){withBasic(hxWorkload, "pw-w")}
		}, wantStatus: 200},
	})
}

func TestHandlerPolicy(t *testing.T) {
	runCases(t, []hxCase{
		{name: "no authorizer denies", setup: func(e *env) { e.h.Authorize = nil },
			wantStatus: 400, wantCode: oauth.ErrorUnauthorizedClient, wantReason: wimse.ReasonExchangeDenied},
		{name: "policy.no_rule", setup: func(e *env) {
			e.h.Authorize = func(context.Context, *exchange.Proposal) (exchange.Grant, error) {
				return exchange.Grant{}, wimse.Errorf(wimse.ReasonPolicyNoRule, "policy: no rule")
			}
		}, wantStatus: 400, wantCode: oauth.ErrorUnauthorizedClient, wantReason: wimse.ReasonPolicyNoRule},
		{name: "Deny chooses the code", setup: func(e *env) {
			e.h.Authorize = func(context.Context, *exchange.Proposal) (exchange.Grant, error) {
				return exchange.Grant{}, exchange.Deny(oauth.ErrorInvalidTarget, wimse.Errorf(wimse.ReasonPolicySubject, "policy: no"))
			}
		}, wantStatus: 400, wantCode: oauth.ErrorInvalidTarget, wantReason: wimse.ReasonPolicySubject},
		{name: "error without reason", setup: func(e *env) {
			e.h.Authorize = func(context.Context, *exchange.Proposal) (exchange.Grant, error) {
				return exchange.Grant{}, errors.New("database down")
			}
		}, wantStatus: 500, wantCode: "server_error", wantReason: wimse.ReasonInternal},
	})
}

func TestHandlerProposal(t *testing.T) {
	e := newEnv(t)
	f := form(t)
	f.Set("scope", "orders")
	f.Set("requested_token_type", oauth.TokenTypeJWT)
	if a := post(t, e.h, f.Encode()); a.status != 200 {
		t.Fatalf("status %d %s", a.status, a.raw)
	}
	p := e.policy.seen
	if p == nil || p.Client.ID != hxClientA || p.Subject.Subject != "user@example.net" || p.Actor != nil ||
		!slices.Equal(p.Resources, []string{hxBackend}) || p.Scope != scope.MustParse("orders") || p.TokenType != oauth.TokenTypeJWT ||
		!p.Subject.Scoped || !slices.Equal(p.Subject.Audience, []string{hxClientA}) {
		t.Errorf("proposal = %+v", p)
	}
}

func TestHandlerTokenType(t *testing.T) {
	runCases(t, []hxCase{
		{name: "jwt is not an access token", change: set("requested_token_type", oauth.TokenTypeJWT), wantStatus: 200,
			check: func(t *testing.T, a answer, d exchange.Decision) {
				if a.str("issued_token_type") != oauth.TokenTypeJWT || a.str("token_type") != oauth.AccessTokenTypeNA || d.IssuedTokenType != oauth.TokenTypeJWT {
					t.Errorf("issued_token_type %q token_type %q", a.str("issued_token_type"), a.str("token_type"))
				}
				if typ := headerOf(t, a.str("access_token"))["typ"]; typ != "JWT" {
					t.Errorf("typ = %v", typ)
				}
			}},
		{name: "access token requested", change: set("requested_token_type", oauth.TokenTypeAccessToken), wantStatus: 200,
			check: func(t *testing.T, a answer, _ exchange.Decision) {
				if typ := headerOf(t, a.str("access_token"))["typ"]; typ != "at+jwt" {
					t.Errorf("typ = %v", typ)
				}
			}},
		{name: "unsupported type", change: set("requested_token_type", oauth.TokenTypeSAML2),
			wantStatus: 400, wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonExchangeRequestedTokenType},
	})
}

// TestHandlerNoPassthrough exchanges a token and then the token it got:
// each answer is a new token, never an input.
func TestHandlerNoPassthrough(t *testing.T) {
	e := newEnv(t)
	f := form(t)
	in := f.Get("subject_token")
	a := post(t, e.h, f.Encode())
	if a.status != 200 || a.str("access_token") == in {
		t.Fatalf("first exchange: %d, passthrough %v", a.status, a.str("access_token") == in)
	}
	f.Set("subject_token", a.str("access_token"))
	f.Set("scope", "orders")
	b := post(t, e.h, f.Encode())
	if b.status != 200 || b.str("access_token") == a.str("access_token") || b.str("access_token") == in {
		t.Fatalf("second exchange: %d %s", b.status, b.raw)
	}
	if claimsOf(t, a.str("access_token"))["jti"] == claimsOf(t, b.str("access_token"))["jti"] {
		t.Error("jti reused")
	}
}

func TestHandlerDecisionFailure(t *testing.T) {
	e := newEnv(t)
	calls := 0
	e.h.OnDecision = func(_ context.Context, d exchange.Decision) error {
		calls++
		if d.Issued {
			return errors.New("audit log unavailable")
		}
		if d.Status != 500 || d.Reason != wimse.ReasonInternal || d.TokenID != "" {
			t.Errorf("second record = %+v", d)
		}
		return nil
	}
	a := post(t, e.h, form(t).Encode())
	if a.status != 500 || a.str("error") != "server_error" || a.str("access_token") != "" || calls != 2 {
		t.Errorf("status %d body %s calls %d", a.status, a.raw, calls)
	}
}

func TestHandlerMisconfigured(t *testing.T) {
	e := newEnv(t)
	e.h.Signer = nil
	if a := post(t, e.h, form(t).Encode()); a.status != 500 || e.last(t).Reason != wimse.ReasonInternal {
		t.Errorf("status %d reason %q", a.status, e.last(t).Reason)
	}
}

func TestHandlerJWTSVID(t *testing.T) {
	svidRequest := func(aud string) func(testing.TB, url.Values) []func(*http.Request) {
		return func(t testing.TB, f url.Values) []func(*http.Request) {
			f.Set("subject_token", svid(t, aud))
			f.Set("subject_token_type", oauth.TokenTypeJWT)
			return nil
		}
	}
	runCases(t, []hxCase{
		{name: "JWT-SVID for this STS", change: svidRequest(hxIssuer), wantStatus: 200, check: func(t *testing.T, a answer, d exchange.Decision) {
			if c := claimsOf(t, a.str("access_token")); c["sub"] != "spiffe://example.org/workload" {
				t.Errorf("sub = %v", c["sub"])
			}
			// Its issuer is its trust domain, not its iss (SPIRE omits iss).
			if d.SubjectIssuer != "spiffe://example.org" {
				t.Errorf("subject issuer = %q, want the trust domain spiffe://example.org", d.SubjectIssuer)
			}
		}},
		{name: "JWT-SVID for another service", change: svidRequest("https://backend.example.com"),
			wantStatus: 400, wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonJWTGrantAudMismatch},
	})
}

func jkt(t testing.TB, pub any) confirmation.Claim {
	t.Helper()
	c, err := confirmation.JKT(pub)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
