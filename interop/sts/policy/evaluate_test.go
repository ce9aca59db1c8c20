package policy

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/tokens/scope"
	"github.com/wimse-wg/wimse/wimse"
)

func loadTestPolicy(t testing.TB) *Policy {
	t.Helper()
	p, err := Load("testdata/policy.json")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return p
}

// baseline is a request rule 1 permits: an orders workload exchanging its
// own access token for the payments API.
func baseline() Input {
	return Input{
		Client:     wimse.MustParseID("wimse://example.org/orders/api"),
		AuthMethod: oauth.AuthMethodSPIFFEWIT,
		Subject: Party{
			Issuer:    "https://sts.example.org",
			Subject:   "wimse://example.org/orders/api",
			TokenType: oauth.TokenTypeAccessToken,
		},
		Resources: []string{"https://payments.example.org/api"},
		Scope:     scope.MustParse("payments:read"),
	}
}

// agent is a request rule 2 permits: the agent acting as a user.
func agent(in *Input) {
	in.Client = wimse.MustParseID("spiffe://example.org/agent")
	in.Subject = Party{Issuer: "https://idp.example.org", Subject: "alice", TokenType: oauth.TokenTypeIDToken}
	in.Resources = []string{"https://calendar.example.org/"}
	in.Scope = scope.Set{}
}

func TestEvaluate(t *testing.T) {
	pol := loadTestPolicy(t)
	tests := []struct {
		name       string
		mutate     func(*Input)
		wantReason wimse.Reason // "" for allowed
		wantRule   int
		wantMode   Mode
	}{
		{"baseline", func(*Input) {}, "", 1, ModeSelf},

		// Client matchers: prefix boundary, trust domain, scheme, exact ID, client_id.
		{"prefix itself", func(in *Input) {
			in.Client = wimse.MustParseID("wimse://example.org/orders")
			in.Subject.Subject = in.Client.String()
		}, "", 1, ModeSelf},
		{"prefix descendant", func(in *Input) {
			in.Client = wimse.MustParseID("wimse://example.org/orders/eu/api")
			in.Subject.Subject = in.Client.String()
		}, "", 1, ModeSelf},
		{"prefix boundary /orders vs /ordersx", func(in *Input) {
			in.Client = wimse.MustParseID("wimse://example.org/ordersx/api")
			in.Subject.Subject = in.Client.String()
		}, wimse.ReasonPolicyNoRule, -1, ModeSelf},
		{"trust domain mismatch", func(in *Input) {
			in.Client = wimse.MustParseID("wimse://example.com/orders/api")
			in.Subject.Subject = in.Client.String()
		}, wimse.ReasonPolicyNoRule, -1, ModeSelf},
		{"trust domain is not a suffix pattern", func(in *Input) {
			in.Client = wimse.MustParseID("wimse://evil.example.org/orders/api")
			in.Subject.Subject = in.Client.String()
		}, wimse.ReasonPolicyNoRule, -1, ModeSelf},
		{"spiffe scheme does not match a wimse rule", func(in *Input) {
			in.Client = wimse.MustParseID("spiffe://example.org/orders/api")
			in.Subject.Subject = in.Client.String()
		}, wimse.ReasonPolicyNoRule, -1, ModeSelf},
		{"exact spiffe id", agent, "", 2, ModeImpersonation},
		{"exact id mismatch", func(in *Input) {
			agent(in)
			in.Client = wimse.MustParseID("spiffe://example.org/agent2")
		}, wimse.ReasonPolicyNoRule, -1, ModeImpersonation},
		{"wimse scheme does not match a spiffe id", func(in *Input) {
			agent(in)
			in.Client = wimse.MustParseID("wimse://example.org/agent")
		}, wimse.ReasonPolicyNoRule, -1, ModeImpersonation},
		{"client_id", legacy, "", 0, ModeImpersonation},
		{"client_id mismatch", func(in *Input) { legacy(in); in.ClientID = "batch-legacy2" }, wimse.ReasonPolicyNoRule, -1, ModeImpersonation},
		{"auth method not allowed", func(in *Input) { legacy(in); in.AuthMethod = oauth.AuthMethodClientSecretPost }, wimse.ReasonPolicyNoRule, -1, ModeImpersonation},

		// Subject token issuer and type.
		{"second issuer", func(in *Input) { in.Subject.Issuer = "wimse://example.org" }, "", 1, ModeSelf},
		{"issuer not allowed", func(in *Input) { in.Subject.Issuer = "https://evil.example" }, wimse.ReasonPolicySubject, 1, ModeSelf},
		{"issuer compared exactly", func(in *Input) { in.Subject.Issuer = "https://STS.example.org" }, wimse.ReasonPolicySubject, 1, ModeSelf},
		{"token type not allowed", func(in *Input) { in.Subject.TokenType = oauth.TokenTypeIDToken }, wimse.ReasonPolicySubject, 1, ModeSelf},

		// Resources and audiences.
		{"resource under prefix", func(in *Input) { in.Resources = []string{"https://payments.example.org/v2/charges"} }, "", 1, ModeSelf},
		{"resource is the prefix", func(in *Input) { in.Resources = []string{"https://payments.example.org/v2/"} }, "", 1, ModeSelf},
		{"resource not allowed", func(in *Input) { in.Resources = []string{"https://payments.example.org/admin"} }, wimse.ReasonPolicyTarget, 1, ModeSelf},
		{"resource prefix boundary", func(in *Input) { in.Resources = []string{"https://payments.example.org/v2x/charges"} }, wimse.ReasonPolicyTarget, 1, ModeSelf},
		{"resource prefix without slash", func(in *Input) { in.Resources = []string{"https://payments.example.org/v2"} }, wimse.ReasonPolicyTarget, 1, ModeSelf},
		{"resource prefix dot segment", func(in *Input) { in.Resources = []string{"https://payments.example.org/v2/../admin"} }, wimse.ReasonPolicyTarget, 1, ModeSelf},
		{"resource prefix encoded dot segment", func(in *Input) { in.Resources = []string{"https://payments.example.org/v2/%2e%2e/admin"} }, wimse.ReasonPolicyTarget, 1, ModeSelf},
		{"resource prefix empty segment", func(in *Input) { in.Resources = []string{"https://payments.example.org/v2//admin"} }, wimse.ReasonPolicyTarget, 1, ModeSelf},
		{"resource prefix query", func(in *Input) { in.Resources = []string{"https://payments.example.org/v2/x?tenant=2"} }, wimse.ReasonPolicyTarget, 1, ModeSelf},
		{"resource exact, other host spelling", func(in *Input) { in.Resources = []string{"https://PAYMENTS.example.org/api"} }, wimse.ReasonPolicyTarget, 1, ModeSelf},
		{"resource with fragment is malformed", func(in *Input) { in.Resources = []string{"https://payments.example.org/api#x"} }, wimse.ReasonPolicyTarget, -1, ModeSelf},
		{"relative resource is malformed", func(in *Input) { in.Resources = []string{"/api"} }, wimse.ReasonPolicyTarget, -1, ModeSelf},
		{"audience not allowed", func(in *Input) { in.Resources = nil; in.Audiences = []string{"payments"} }, wimse.ReasonPolicyTarget, 1, ModeSelf},
		{"no target", func(in *Input) { in.Resources = nil }, wimse.ReasonPolicyTarget, 1, ModeSelf},
		{"two targets over the default limit", func(in *Input) {
			in.Resources = append(in.Resources, "https://payments.example.org/v2/x")
		}, wimse.ReasonPolicyTarget, 1, ModeSelf},
		{"two targets within maxTargets", func(in *Input) { agent(in); in.Audiences = []string{"calendar"} }, "", 2, ModeImpersonation},
		{"three targets over maxTargets", func(in *Input) {
			agent(in)
			in.Audiences = []string{"calendar", "calendar"}
		}, wimse.ReasonPolicyTarget, 2, ModeImpersonation},

		// Scope ceiling.
		{"scope within ceiling", func(in *Input) { in.Scope = scope.MustParse("payments:charge payments:read") }, "", 1, ModeSelf},
		{"scope beyond ceiling", func(in *Input) { in.Scope = scope.MustParse("payments:read payments:refund") }, wimse.ReasonPolicyScope, 1, ModeSelf},
		{"scope on a rule without scopes", func(in *Input) { agent(in); in.Scope = scope.MustParse("calendar:write") }, wimse.ReasonPolicyScope, 2, ModeImpersonation},

		// Delegation and impersonation.
		{"delegation allowed", func(in *Input) {
			in.Subject = Party{Issuer: "https://sts.example.org", Subject: "alice", TokenType: oauth.TokenTypeAccessToken}
			in.Actor = &Party{Issuer: "wimse://example.org", Subject: "wimse://example.org/orders/api", TokenType: oauth.TokenTypeJWT}
		}, "", 1, ModeDelegation},
		{"delegation with actor issuer not allowed", func(in *Input) {
			in.Actor = &Party{Issuer: "https://other.example", Subject: "bob"}
		}, wimse.ReasonPolicyDelegation, 1, ModeDelegation},
		{"delegation not allowed", func(in *Input) {
			agent(in)
			in.Actor = &Party{Issuer: "https://idp.example.org", Subject: "spiffe://example.org/agent"}
		}, wimse.ReasonPolicyDelegation, 2, ModeDelegation},
		{"impersonation not allowed", func(in *Input) { in.Subject.Subject = "alice" }, wimse.ReasonPolicyImpersonation, 1, ModeImpersonation},
		{"impersonation allowed", agent, "", 2, ModeImpersonation},

		// Default deny.
		{"anonymous client", func(in *Input) { in.Client = wimse.ID{} }, wimse.ReasonPolicyNoRule, -1, ModeImpersonation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := baseline()
			tt.mutate(&in)
			d := pol.Evaluate(in)
			if got := d.Reason; got != tt.wantReason {
				t.Errorf("reason: got %q, want %q\n%s", got, tt.wantReason, d.Explain())
			}
			if d.Allowed != (tt.wantReason == "") {
				t.Errorf("allowed: got %v, want %v", d.Allowed, tt.wantReason == "")
			}
			if d.Rule != tt.wantRule {
				t.Errorf("rule: got %d, want %d\n%s", d.Rule, tt.wantRule, d.Explain())
			}
			if d.Mode != tt.wantMode {
				t.Errorf("mode: got %v, want %v", d.Mode, tt.wantMode)
			}
			if got, want := d.Code, CodeOf(tt.wantReason); got != want {
				t.Errorf("code: got %q, want %q", got, want)
			}
			if got := wimse.ReasonOf(d.Err()); got != tt.wantReason {
				t.Errorf("Err reason: got %q, want %q", got, tt.wantReason)
			}
		})
	}
}

func legacy(in *Input) {
	in.Client = wimse.ID{}
	in.ClientID = "batch-legacy"
	in.AuthMethod = oauth.AuthMethodClientSecretBasic
	in.Subject = Party{Issuer: "https://idp.example.org", Subject: "alice", TokenType: oauth.TokenTypeIDToken}
	in.Resources, in.Audiences = nil, []string{"reports"}
	in.Scope = scope.Set{}
}

func TestCodes(t *testing.T) {
	want := map[wimse.Reason]string{
		wimse.ReasonPolicyNoRule:        "unauthorized_client",
		wimse.ReasonPolicySubject:       "invalid_request",
		wimse.ReasonPolicyDelegation:    "invalid_request",
		wimse.ReasonPolicyImpersonation: "invalid_request",
		wimse.ReasonPolicyTarget:        "invalid_target",
		wimse.ReasonPolicyScope:         "invalid_scope",
		wimse.ReasonPolicyMalformed:     "",
	}
	for r, code := range want {
		if got := CodeOf(r); got != code {
			t.Errorf("CodeOf(%s): got %q, want %q", r, got, code)
		}
		if !r.Known() {
			t.Errorf("%s is not a known reason", r)
		}
	}
}

// TestGrant: the grant is the request within the ceiling; the ceiling
// when no scope is requested; the lifetime is capped, never denied.
func TestGrant(t *testing.T) {
	pol := loadTestPolicy(t)
	tests := []struct {
		name         string
		mutate       func(*Input)
		wantAudience []string
		wantScope    string
		wantLifetime time.Duration
	}{
		{"requested scope", func(*Input) {}, []string{"https://payments.example.org/api"}, "payments:read", 10 * time.Minute},
		{"no scope: the ceiling", func(in *Input) { in.Scope = scope.Set{} }, []string{"https://payments.example.org/api"}, "payments:charge payments:read", 10 * time.Minute},
		{"shorter lifetime kept", func(in *Input) { in.Lifetime = 3 * time.Minute }, []string{"https://payments.example.org/api"}, "payments:read", 3 * time.Minute},
		{"longer lifetime capped", func(in *Input) { in.Lifetime = 2 * time.Hour }, []string{"https://payments.example.org/api"}, "payments:read", 10 * time.Minute},
		{"negative lifetime is none", func(in *Input) { in.Lifetime = -time.Second }, []string{"https://payments.example.org/api"}, "payments:read", 10 * time.Minute},
		{"targets in request order", func(in *Input) { agent(in); in.Audiences = []string{"calendar"} }, []string{"https://calendar.example.org/", "calendar"}, "calendar:read", time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := baseline()
			tt.mutate(&in)
			d := pol.Evaluate(in)
			if !d.Allowed {
				t.Fatalf("denied: %s", d.Explain())
			}
			if diff := cmp.Diff(tt.wantAudience, d.Audience); diff != "" {
				t.Errorf("audience (-want +got):\n%s", diff)
			}
			if got := d.Scope.String(); got != tt.wantScope {
				t.Errorf("scope: got %q, want %q", got, tt.wantScope)
			}
			if d.Lifetime != tt.wantLifetime {
				t.Errorf("lifetime: got %v, want %v", d.Lifetime, tt.wantLifetime)
			}
		})
	}
}

// TestTrace: the trace has one step per rule examined, each with the
// reason the rule did not permit the request, and Explain lists them.
func TestTrace(t *testing.T) {
	pol := loadTestPolicy(t)
	in := baseline()
	agent(&in)
	d := pol.Evaluate(in)
	want := []wimse.Reason{wimse.ReasonPolicyNoRule, wimse.ReasonPolicyNoRule, ""}
	var got []wimse.Reason
	for i, s := range d.Trace {
		got = append(got, s.Reason)
		if s.Rule != i || s.Name != pol.Rules[i].Name {
			t.Errorf("step %d: rule %d %q", i, s.Rule, s.Name)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("trace reasons (-want +got):\n%s", diff)
	}
	ex := d.Explain()
	if lines := strings.Split(strings.TrimSuffix(ex, "\n"), "\n"); len(lines) != 4 {
		t.Fatalf("Explain has %d lines, want a headline and 3 rules:\n%s", len(lines), ex)
	}
	for _, s := range []string{`allowed by rule 2 "agent-as-user"`, `rule 0 "legacy-batch": client spiffe://example.org/agent is not client_id batch-legacy`, `rule 2 "agent-as-user": permits`} {
		if !strings.Contains(ex, s) {
			t.Errorf("Explain lacks %q:\n%s", s, ex)
		}
	}

	// A denial examines every rule; the first rule that permits stops the trace.
	in = baseline()
	in.Subject.Issuer = "https://evil.example"
	if d := pol.Evaluate(in); len(d.Trace) != len(pol.Rules) {
		t.Errorf("denial trace has %d steps, want %d", len(d.Trace), len(pol.Rules))
	}
	if d := pol.Evaluate(baseline()); len(d.Trace) != 2 {
		t.Errorf("allowed trace has %d steps, want 2 (rules 0 and 1)", len(d.Trace))
	}
}

// TestAttribution: a denial is attributed to the applicable rule that got
// furthest; the first permitting rule wins over a later broader one.
func TestAttribution(t *testing.T) {
	narrow := Rule{
		Name: "narrow", Client: Client{ID: wimse.MustParseID("wimse://example.org/a")},
		SubjectIssuers: []string{"https://sts.example.org"}, Resources: []string{"https://r.example/"},
		Scopes: scope.MustParse("read"), MaxLifetime: time.Minute,
	}
	broad := narrow
	broad.Name, broad.Client = "broad", Client{TrustDomain: wimse.MustParseTrustDomain("example.org"), Scheme: "wimse"}
	broad.Scopes, broad.MaxLifetime = scope.MustParse("read write"), time.Hour
	other := narrow
	other.Name, other.SubjectIssuers = "other-issuer", []string{"https://idp.example.org"}
	pol := &Policy{Rules: []Rule{other, narrow, broad}}
	if err := pol.Validate(); err != nil {
		t.Fatal(err)
	}
	in := Input{
		Client:    wimse.MustParseID("wimse://example.org/a"),
		Subject:   Party{Issuer: "https://sts.example.org", Subject: "wimse://example.org/a"},
		Resources: []string{"https://r.example/"},
	}
	d := pol.Evaluate(in)
	if !d.Allowed || d.Rule != 1 || d.Lifetime != time.Minute || d.Scope.String() != "read" {
		t.Errorf("first permitting rule: got rule %d, lifetime %v, scope %q; want narrow's\n%s", d.Rule, d.Lifetime, d.Scope, d.Explain())
	}
	in.Scope = scope.MustParse("write")
	if d := pol.Evaluate(in); !d.Allowed || d.Rule != 2 {
		t.Errorf("write: got rule %d allowed %v, want broad\n%s", d.Rule, d.Allowed, d.Explain())
	}
	in.Scope = scope.MustParse("admin")
	d = pol.Evaluate(in)
	if d.Allowed || d.Rule != 1 || d.Reason != wimse.ReasonPolicyScope {
		t.Errorf("admin: got rule %d reason %s, want rule 1 (the earliest rule reaching the scope check)\n%s", d.Rule, d.Reason, d.Explain())
	}
}

func TestEmptyPolicyDeniesEverything(t *testing.T) {
	for _, pol := range []*Policy{{}, mustParse(t, `{"version":1,"rules":[]}`)} {
		d := pol.Evaluate(baseline())
		if d.Allowed || d.Reason != wimse.ReasonPolicyNoRule || d.Code != oauth.ErrorUnauthorizedClient || d.Rule != -1 {
			t.Errorf("got %+v, want a default denial", d)
		}
	}
}

func mustParse(t testing.TB, s string) *Policy {
	t.Helper()
	p, err := Parse([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return p
}
