package jwxpeer_test

import (
	"crypto"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwk"

	"github.com/wimse-wg/wimse/interop/peers/internal/peertest"
	"github.com/wimse-wg/wimse/interop/peers/jwxpeer"
)

// diffCase crafts one WIT+WPT request from a valid baseline; both servers
// receive it, and each must answer as the case says.
type diffCase struct {
	name      string
	alg       string // workload key: ES256 (default) or EdDSA
	witHdr    func(h map[string]any)
	witClaims func(c map[string]any)
	wptAlg    string
	wptHdr    func(h map[string]any)
	wptClaims func(c map[string]any)
	header    func(h http.Header)
	// wpt01 sends the proof in Workload-Proof-Token (wpt-01 §3).
	wpt01 bool
	// accept is what the drafts ask for; peer and ref override it for a
	// recorded disagreement (finding names the FINDINGS.md entry).
	accept    bool
	peer, ref *bool
	finding   string
}

func no() *bool { b := false; return &b }

func diffCases() []diffCase {
	set := func(k string, v any) func(map[string]any) { return func(m map[string]any) { m[k] = v } }
	del := func(k string) func(map[string]any) { return func(m map[string]any) { delete(m, k) } }
	cnf := func(edit func(j map[string]any)) func(map[string]any) {
		return func(c map[string]any) { edit(c["cnf"].(map[string]any)["jwk"].(map[string]any)) }
	}
	now := peertest.Now
	return []diffCase{
		{name: "baseline", accept: true},
		{name: "baseline-eddsa", alg: "EdDSA", accept: true},
		{name: "wit-typ-application-prefix", witHdr: set("typ", "application/wit+jwt"), accept: true},
		{name: "wit-typ-uppercase", witHdr: set("typ", "WIT+JWT"), accept: true},
		{name: "wit-typ-jwt", witHdr: set("typ", "JWT"), accept: false},
		{name: "wit-typ-missing", witHdr: del("typ"), accept: false},
		{name: "wit-no-kid-single-key", witHdr: del("kid"), accept: true},
		{name: "wit-unknown-kid", witHdr: set("kid", "nope"), accept: false},
		{name: "wit-crit", witHdr: func(h map[string]any) { h["crit"] = []string{"x-ext"}; h["x-ext"] = 1 }, accept: false},
		{name: "wit-with-aud", witClaims: set("aud", "https://somewhere.example"), accept: true},
		{name: "wit-without-iss-jti-iat", witClaims: func(c map[string]any) { delete(c, "iss"); delete(c, "jti"); delete(c, "iat") }, accept: true},
		{name: "wit-nbf-future", witClaims: set("nbf", now.Add(10*time.Minute).Unix()), accept: false},
		{name: "wit-iat-future", witClaims: set("iat", now.Add(10*time.Minute).Unix()), accept: false},
		{name: "wit-no-exp", witClaims: del("exp"), accept: false},
		{name: "wit-exp-string", witClaims: set("exp", "1900000000"), accept: false},
		{name: "wit-sub-spiffe", witClaims: set("sub", "spiffe://example.org/svc/caller"), accept: true},
		{name: "wit-sub-trailing-slash", witClaims: set("sub", "wimse://example.org/svc/"), accept: false},
		{name: "wit-sub-percent-encoded", witClaims: set("sub", "wimse://example.org/svc/%70ay"), accept: false},
		{name: "wit-sub-uppercase-td", witClaims: set("sub", "wimse://Example.org/svc"), accept: false},
		{name: "wit-sub-port", witClaims: set("sub", "wimse://example.org:443/svc"), accept: false},
		{name: "wit-sub-https", witClaims: set("sub", "https://example.org/svc"), accept: false},
		{name: "wit-sub-missing", witClaims: del("sub"), accept: false},
		{name: "wit-cnf-private-member", witClaims: cnf(func(j map[string]any) { j["d"] = "AAAA" }), accept: false},
		{name: "wit-cnf-no-alg", witClaims: cnf(func(j map[string]any) { delete(j, "alg") }), accept: false},
		{name: "wit-cnf-alg-hs256", witClaims: cnf(func(j map[string]any) { j["alg"] = "HS256" }), wptAlg: "ES256", accept: false},
		{name: "wit-cnf-alg-es384-p256-key", witClaims: cnf(func(j map[string]any) { j["alg"] = "ES384" }), wptAlg: "ES256", accept: false},
		{name: "wit-cnf-jkt-only", witClaims: set("cnf", map[string]any{"jkt": "abc"}), accept: false},
		{name: "wit-cnf-with-kid", witClaims: cnf(func(j map[string]any) { j["kid"] = "wl-1" }), accept: true},
		{name: "wit-cnf-use-sig", witClaims: cnf(func(j map[string]any) { j["use"] = "sig" }), accept: true},
		{name: "wit-cnf-use-enc", witClaims: cnf(func(j map[string]any) { j["use"] = "enc" }), accept: false},
		{name: "wit-cnf-key-ops-encrypt", witClaims: cnf(func(j map[string]any) { j["key_ops"] = []string{"encrypt"} }), accept: false},
		{name: "wit-cnf-jwk-and-x5t", witClaims: func(c map[string]any) { c["cnf"].(map[string]any)["x5t#S256"] = jwxpeer.Hash("cert") }, accept: false},
		{name: "wit-cnf-jwk-and-jkt-other-key", witClaims: func(c map[string]any) { c["cnf"].(map[string]any)["jkt"] = jwxpeer.Hash("other") }, accept: false},
		{name: "wit-cnf-jwk-and-jkt-same-key", witClaims: func(c map[string]any) { c["cnf"].(map[string]any)["jkt"] = jktOf(c) }, accept: true, ref: no(), finding: "F10"},
		{name: "wpt-typ-application-prefix", wptHdr: set("typ", "application/wpt+jwt"), accept: true},
		{name: "wpt-typ-wit", wptHdr: set("typ", "wit+jwt"), accept: false},
		{name: "wpt-typ-missing", wptHdr: del("typ"), accept: false},
		{name: "wpt-header-kid", wptHdr: set("kid", "wl-1"), accept: true},
		{name: "wpt-alg-differs-from-cnf", alg: "EdDSA", wptAlg: "Ed25519", accept: false},
		{name: "wpt-ed25519-fully-specified", alg: "EdDSA", witClaims: cnf(func(j map[string]any) { j["alg"] = "Ed25519" }), wptAlg: "Ed25519", accept: true},
		{name: "wpt-aud-array", wptClaims: func(c map[string]any) { c["aud"] = []any{c["aud"]} }, accept: false},
		{name: "wpt-aud-trailing-slash", wptClaims: func(c map[string]any) { c["aud"] = c["aud"].(string) + "/" }, accept: false},
		{name: "wpt-aud-with-query", wptClaims: func(c map[string]any) { c["aud"] = c["aud"].(string) + "?x=1" }, accept: false},
		{name: "wpt-no-jti", wptClaims: del("jti"), accept: false},
		{name: "wpt-empty-jti", wptClaims: set("jti", ""), accept: false},
		{name: "wpt-no-exp", wptClaims: del("exp"), accept: false},
		{name: "wpt-exp-past", wptClaims: set("exp", now.Add(-5*time.Minute).Unix()), accept: false},
		{name: "wpt-exp-far-future", wptClaims: set("exp", now.Add(time.Hour).Unix()), accept: false},
		{name: "wpt-no-wth", wptClaims: del("wth"), accept: false},
		{name: "wpt-wth-other", wptClaims: set("wth", jwxpeer.Hash("other")), accept: false},
		{name: "wpt-nbf-future", wptClaims: set("nbf", now.Add(10*time.Minute).Unix()), accept: false},
		{name: "wpt-iat-future", wptClaims: set("iat", now.Add(10*time.Minute).Unix()), accept: false},
		{name: "wpt-iat-past", wptClaims: set("iat", now.Add(-time.Minute).Unix()), accept: true},
		{name: "wpt-ath-ignored-in-wpt-02", wptClaims: set("ath", jwxpeer.Hash("x")), accept: true},
		{name: "wpt-tth-without-txn-token", wptClaims: set("tth", jwxpeer.Hash("x")), accept: true, ref: no(), finding: "F2"},
		{name: "wpt-exp-string", wptClaims: set("exp", "1900000000"), accept: false},
		{name: "wpt-tth-matching", wptClaims: set("tth", jwxpeer.Hash("txn-1")), header: func(h http.Header) { h.Set("Txn-Token", "txn-1") }, accept: true},
		{name: "wpt-oth-empty", wptClaims: set("oth", map[string]any{}), accept: true},
		{name: "wpt-oth-unknown-entry", wptClaims: set("oth", map[string]any{"x-foo": jwxpeer.Hash("bar")}), header: func(h http.Header) { h.Set("X-Foo", "bar") }, accept: false},
		{name: "wpt-unknown-claim", wptClaims: set("example.com/claim", 1), accept: true},
		{name: "wpt01-baseline", wpt01: true, accept: true},
		{name: "wpt01-bearer-with-ath", wpt01: true, wptClaims: set("ath", jwxpeer.Hash("tok-1")), header: func(h http.Header) { h.Set("Authorization", "Bearer tok-1") }, accept: true},
		{name: "wpt01-bearer-without-ath", wpt01: true, header: func(h http.Header) { h.Set("Authorization", "Bearer tok-1") }, accept: false},
		{name: "wpt01-bearer-wrong-ath", wpt01: true, wptClaims: set("ath", jwxpeer.Hash("tok-2")), header: func(h http.Header) { h.Set("Authorization", "Bearer tok-1") }, accept: false},
		{name: "wpt01-dpop-scheme-lowercase-with-ath", wpt01: true, wptClaims: set("ath", jwxpeer.Hash("tok-1")), header: func(h http.Header) { h.Set("Authorization", "dpop tok-1") }, accept: true},
		{name: "wpt01-basic-auth-no-ath", wpt01: true, header: func(h http.Header) { h.Set("Authorization", "Basic dXNlcjpwYXNz") }, accept: true},
		{name: "wpt01-bearer-htab", wpt01: true, header: func(h http.Header) { h.Set("Authorization", "Bearer\ttok-1") }, accept: false},
		{name: "wpt01-two-proof-fields", wpt01: true, header: func(h http.Header) { h.Add("Workload-Proof-Token", h.Get("Workload-Proof-Token")) }, accept: false},
		{name: "wpt01-ath-without-access-token", wpt01: true, wptClaims: set("ath", jwxpeer.Hash("tok-1")), accept: true, ref: no(), finding: "F2"},
		{name: "wpt01-and-wpt02-together", wpt01: true, header: func(h http.Header) { h.Set("Authorization", "WPT "+h.Get("Workload-Proof-Token")) }, accept: false},
	}
}

// TestDifferential sends each crafted request to the jwx peer and to the
// reference server; they must answer as the case says, and alike unless a
// disagreement is recorded in FINDINGS.md.
func TestDifferential(t *testing.T) {
	f := newFixture(t)
	servers := map[string]string{
		"jwxpeer":   f.peerServer(t, "").URL,
		"reference": peertest.StartReference(t, peertest.TrustStore(t, td, f.issuer), "", peertest.Clock(&f.now), nil).URL,
	}
	for _, tc := range diffCases() {
		for _, name := range slices.Sorted(maps.Keys(servers)) {
			base := servers[name]
			t.Run(tc.name+"/"+name, func(t *testing.T) {
				want := tc.accept
				if name == "jwxpeer" && tc.peer != nil {
					want = *tc.peer
				}
				if name == "reference" && tc.ref != nil {
					want = *tc.ref
				}
				code := f.sendCrafted(t, tc, base)
				if got := code == http.StatusOK; got != want {
					t.Errorf("got %d (accepted=%v), want accepted=%v %s", code, got, want, tc.finding)
				}
			})
		}
	}
}

func (f *fixture) sendCrafted(t *testing.T, tc diffCase, base string) int {
	t.Helper()
	alg := tc.alg
	if alg == "" {
		alg = "ES256"
	}
	w := f.workload[alg]
	now := f.now
	jwkm := w.PublicJWKMap(t)
	witHdr := map[string]any{"typ": "wit+jwt", "kid": "issuer-1"}
	witClaims := map[string]any{"iss": "https://issuer.example.org", "sub": subject, "iat": now.Add(-time.Minute).Unix(),
		"exp": now.Add(time.Hour).Unix(), "jti": rand.Text(), "cnf": map[string]any{"jwk": jwkm}}
	if tc.witHdr != nil {
		tc.witHdr(witHdr)
	}
	if tc.witClaims != nil {
		tc.witClaims(witClaims)
	}
	witStr := f.issuer.SignJWS(t, "", witHdr, witClaims)
	wptHdr := map[string]any{"typ": "wpt+jwt"}
	wptClaims := map[string]any{"aud": base + "/hello", "exp": now.Add(time.Minute).Unix(), "jti": rand.Text(), "wth": jwxpeer.Hash(witStr)}
	if tc.wptHdr != nil {
		tc.wptHdr(wptHdr)
	}
	if tc.wptClaims != nil {
		tc.wptClaims(wptClaims)
	}
	wptAlg := tc.wptAlg
	if wptAlg == "" {
		wptAlg, _ = jwkm["alg"].(string)
	}
	proof := w.SignJWS(t, wptAlg, wptHdr, wptClaims)
	req, err := http.NewRequest(http.MethodGet, base+"/hello", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Workload-Identity-Token", witStr)
	if tc.wpt01 {
		req.Header.Set("Workload-Proof-Token", proof)
	} else {
		req.Header.Set("Authorization", "WPT "+proof)
	}
	if tc.header != nil {
		tc.header(req.Header)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// jktOf is the RFC 7638 thumbprint of the claims' cnf.jwk.
func jktOf(c map[string]any) string {
	b, _ := json.Marshal(c["cnf"].(map[string]any)["jwk"])
	k, err := jwk.ParseKey(b)
	if err != nil {
		panic(err)
	}
	tp, err := k.Thumbprint(crypto.SHA256)
	if err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(tp)
}
