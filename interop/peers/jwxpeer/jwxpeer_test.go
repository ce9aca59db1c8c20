package jwxpeer_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/interop/peers/internal/peercli"
	"github.com/wimse-wg/wimse/interop/peers/internal/peertest"
	"github.com/wimse-wg/wimse/interop/peers/jwxpeer"
	"github.com/wimse-wg/wimse/profiles/httpwpt"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/wimse"
)

const (
	td      = "example.org"
	subject = "wimse://example.org/svc/caller"
)

type fixture struct {
	now      time.Time
	issuer   *peertest.Key
	workload map[string]*peertest.Key // by alg
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	return &fixture{
		now:    peertest.Now,
		issuer: peertest.NewKey(t, "ES256", "issuer-1"),
		workload: map[string]*peertest.Key{
			"ES256": peertest.NewKey(t, "ES256", ""),
			"EdDSA": peertest.NewKey(t, "EdDSA", ""),
		},
	}
}

// peerServer starts the jwxpeer server with the fixture's issuer; audience
// "" means its own URL.
func (f *fixture) peerServer(t *testing.T, audience string) *httptest.Server {
	t.Helper()
	s := &jwxpeer.Server{}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	set, err := jwxpeer.LoadBundle(peertest.WriteFile(t, t.TempDir(), "bundle.jwks", f.issuer.Bundle(t)))
	if err != nil {
		t.Fatal(err)
	}
	if audience == "" {
		audience = srv.URL
	}
	s.WIT = jwxpeer.WITVerifier{TrustDomain: td, Keys: set, Now: peertest.Clock(&f.now)}
	s.Audience = audience
	return srv
}

// ourWIT issues a WIT with our tokens/wit signer (the other implementation).
func (f *fixture) ourWIT(t *testing.T, sub string, w *peertest.Key, exp time.Time) string {
	t.Helper()
	kid, _ := f.issuer.Private.KeyID()
	s, err := (&wit.Signer{Key: f.issuer.Signer, Alg: f.issuer.Alg, KeyID: kid}).Sign(wit.Claims{
		Subject: wimse.MustParseID(sub), Issuer: "https://issuer.example.org",
		IssuedAt: f.now.Add(-time.Minute), Expiry: exp, Key: w.Signer.Public(), KeyAlg: w.Alg,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// ourClient is our profiles/httpwpt Transport.
func (f *fixture) ourClient(witStr string, w *peertest.Key, rev wimse.Revision, base http.RoundTripper) *http.Client {
	return &http.Client{Transport: &httpwpt.Transport{Base: base, WIT: witStr, Key: w.Signer, Alg: w.Alg, Revision: rev, Now: peertest.Clock(&f.now)}}
}

// peerClient is the jwxpeer client with a jwx-minted WIT.
func (f *fixture) peerClient(t *testing.T, sub string, w *peertest.Key, exp time.Time, rev string, base http.RoundTripper) *http.Client {
	t.Helper()
	c := &jwxpeer.Client{WIT: f.issuer.MintWIT(t, peertest.WIT{Subject: sub, Workload: w, IssuedAt: f.now.Add(-time.Minute), Expiry: exp}),
		Key: w.Private, Revision: rev, Now: peertest.Clock(&f.now)}
	return &http.Client{Transport: c.RoundTripper(base)}
}

func get(t *testing.T, c *http.Client, url string) (int, http.Header, string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// recorder keeps the last request it forwarded, to replay it.
type recorder struct{ last *http.Request }

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.last = req.Clone(req.Context())
	return http.DefaultTransport.RoundTrip(req)
}

func (r *recorder) replay(t *testing.T) int {
	t.Helper()
	req, err := http.NewRequest(r.last.Method, r.last.URL.String(), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = r.last.Header.Clone()
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestPeerClientAgainstReferenceServer: the jwx client (jwx-minted WIT and
// WPT) against interop/server.
func TestPeerClientAgainstReferenceServer(t *testing.T) {
	f := newFixture(t)
	ref := peertest.StartReference(t, peertest.TrustStore(t, td, f.issuer), "", peertest.Clock(&f.now), nil)
	for _, alg := range []string{"ES256", "EdDSA"} {
		for _, rev := range []string{"wpt-02", "wpt-01"} {
			t.Run(alg+"/"+rev, func(t *testing.T) {
				code, _, body := get(t, f.peerClient(t, subject, f.workload[alg], f.now.Add(time.Hour), rev, nil), ref.URL+"/hello")
				if code != http.StatusOK || !strings.Contains(body, subject) || !strings.Contains(body, rev) {
					t.Fatalf("got %d %s, want 200 naming %s over %s", code, body, subject, rev)
				}
			})
		}
	}
	t.Run("expired-wit", func(t *testing.T) {
		code, h, _ := get(t, f.peerClient(t, subject, f.workload["ES256"], f.now.Add(-2*time.Minute), "", nil), ref.URL+"/hello")
		if code != http.StatusUnauthorized || h.Get("WWW-Authenticate") != "WPT" {
			t.Fatalf("got %d %q, want 401 with WWW-Authenticate: WPT", code, h.Get("WWW-Authenticate"))
		}
	})
	t.Run("foreign-trust-domain", func(t *testing.T) {
		code, _, _ := get(t, f.peerClient(t, "wimse://other.example/svc/caller", f.workload["ES256"], f.now.Add(time.Hour), "", nil), ref.URL+"/hello")
		if code != http.StatusUnauthorized {
			t.Fatalf("got %d, want 401", code)
		}
	})
	t.Run("wrong-aud", func(t *testing.T) {
		other := peertest.StartReference(t, peertest.TrustStore(t, td, f.issuer), "https://svc.example", peertest.Clock(&f.now), nil)
		code, _, _ := get(t, f.peerClient(t, subject, f.workload["ES256"], f.now.Add(time.Hour), "", nil), other.URL+"/hello")
		if code != http.StatusUnauthorized {
			t.Fatalf("got %d, want 401", code)
		}
	})
	t.Run("replayed-wpt", func(t *testing.T) {
		rec := &recorder{}
		if code, _, body := get(t, f.peerClient(t, subject, f.workload["ES256"], f.now.Add(time.Hour), "", rec), ref.URL+"/hello"); code != http.StatusOK {
			t.Fatalf("first request: got %d %s", code, body)
		}
		if code := rec.replay(t); code != http.StatusUnauthorized {
			t.Fatalf("replay: got %d, want 401", code)
		}
	})
}

// TestReferenceClientAgainstPeerServer: our profiles/httpwpt Transport
// (WIT from our tokens/wit) against the jwx server.
func TestReferenceClientAgainstPeerServer(t *testing.T) {
	f := newFixture(t)
	srv := f.peerServer(t, "")
	for _, alg := range []string{"ES256", "EdDSA"} {
		for _, rev := range []wimse.Revision{wimse.RevisionWPT02, wimse.RevisionWPT01} {
			t.Run(alg+"/"+string(rev), func(t *testing.T) {
				c := f.ourClient(f.ourWIT(t, subject, f.workload[alg], f.now.Add(time.Hour)), f.workload[alg], rev, nil)
				code, _, body := get(t, c, srv.URL+"/hello")
				var a jwxpeer.Answer
				if err := json.Unmarshal([]byte(body), &a); code != http.StatusOK || err != nil || a.Peer != subject || a.Carriage != string(rev) {
					t.Fatalf("got %d %s, want 200 naming %s over %s", code, body, subject, rev)
				}
			})
		}
	}
	t.Run("expired-wit", func(t *testing.T) {
		c := f.ourClient(f.ourWIT(t, subject, f.workload["ES256"], f.now.Add(-2*time.Minute)), f.workload["ES256"], "", nil)
		code, h, _ := get(t, c, srv.URL+"/hello")
		if code != http.StatusUnauthorized || h.Get("WWW-Authenticate") != "WPT" {
			t.Fatalf("got %d %q, want 401 with WWW-Authenticate: WPT", code, h.Get("WWW-Authenticate"))
		}
	})
	t.Run("expired-wit-wpt-01", func(t *testing.T) {
		c := f.ourClient(f.ourWIT(t, subject, f.workload["ES256"], f.now.Add(-2*time.Minute)), f.workload["ES256"], wimse.RevisionWPT01, nil)
		if code, _, _ := get(t, c, srv.URL+"/hello"); code != http.StatusBadRequest {
			t.Fatalf("got %d, want 400 (wpt-01 §3: 401 NOT RECOMMENDED)", code)
		}
	})
	t.Run("foreign-trust-domain", func(t *testing.T) {
		c := f.ourClient(f.ourWIT(t, "wimse://other.example/svc/caller", f.workload["ES256"], f.now.Add(time.Hour)), f.workload["ES256"], "", nil)
		if code, _, _ := get(t, c, srv.URL+"/hello"); code != http.StatusUnauthorized {
			t.Fatalf("got %d, want 401", code)
		}
	})
	t.Run("wrong-aud", func(t *testing.T) {
		tr := &httpwpt.Transport{WIT: f.ourWIT(t, subject, f.workload["ES256"], f.now.Add(time.Hour)), Key: f.workload["ES256"].Signer,
			Now: peertest.Clock(&f.now), Audience: func(*http.Request) string { return "https://svc.example/hello" }}
		if code, _, _ := get(t, &http.Client{Transport: tr}, srv.URL+"/hello"); code != http.StatusUnauthorized {
			t.Fatalf("got %d, want 401", code)
		}
	})
	t.Run("replayed-wpt", func(t *testing.T) {
		rec := &recorder{}
		c := f.ourClient(f.ourWIT(t, subject, f.workload["ES256"], f.now.Add(time.Hour)), f.workload["ES256"], "", rec)
		if code, _, body := get(t, c, srv.URL+"/hello"); code != http.StatusOK {
			t.Fatalf("first request: got %d %s", code, body)
		}
		if code := rec.replay(t); code != http.StatusUnauthorized {
			t.Fatalf("replay: got %d, want 401", code)
		}
	})
	t.Run("expired-wpt", func(t *testing.T) {
		tr := &httpwpt.Transport{WIT: f.ourWIT(t, subject, f.workload["ES256"], f.now.Add(time.Hour)), Key: f.workload["ES256"].Signer,
			Now: func() time.Time { return f.now.Add(-10 * time.Minute) }}
		if code, _, _ := get(t, &http.Client{Transport: tr}, srv.URL+"/hello"); code != http.StatusUnauthorized {
			t.Fatalf("got %d, want 401", code)
		}
	})
	t.Run("healthz", func(t *testing.T) {
		if code, _, _ := get(t, http.DefaultClient, srv.URL+"/healthz"); code != http.StatusOK {
			t.Fatalf("got %d", code)
		}
	})
}

// TestCarriageRules: wpt-02 §2 request-level rules, the same edited
// requests sent to the peer server and to the reference server, which must
// answer alike.
func TestCarriageRules(t *testing.T) {
	f := newFixture(t)
	servers := map[string]string{
		"jwxpeer":   f.peerServer(t, "").URL,
		"reference": peertest.StartReference(t, peertest.TrustStore(t, td, f.issuer), "", peertest.Clock(&f.now), nil).URL,
	}
	w := f.workload["ES256"]
	witStr := f.ourWIT(t, subject, w, f.now.Add(time.Hour))
	sign := func(base string, rev wimse.Revision) http.Header {
		req := httptest.NewRequest(http.MethodGet, base+"/hello", nil)
		tr := &httpwpt.Transport{WIT: witStr, Key: w.Signer, Revision: rev, Now: peertest.Clock(&f.now)}
		if err := tr.Authenticate(req); err != nil {
			t.Fatal(err)
		}
		return req.Header
	}
	cases := []struct {
		name string
		edit func(h http.Header)
		want int
	}{
		{"scheme-lowercase", func(h http.Header) { h.Set("Authorization", "wpt"+strings.TrimPrefix(h.Get("Authorization"), "WPT")) }, 200},
		{"two-spaces", func(h http.Header) {
			h.Set("Authorization", "WPT  "+strings.TrimPrefix(h.Get("Authorization"), "WPT "))
		}, 200},
		{"no-proof", func(h http.Header) { h.Del("Authorization") }, 401},
		{"bearer-scheme", func(h http.Header) {
			h.Set("Authorization", "Bearer"+strings.TrimPrefix(h.Get("Authorization"), "WPT"))
		}, 401},
		{"htab", func(h http.Header) {
			h.Set("Authorization", "WPT\t"+strings.TrimPrefix(h.Get("Authorization"), "WPT "))
		}, 401},
		{"two-wit-fields", func(h http.Header) { h.Add("Workload-Identity-Token", h.Get("Workload-Identity-Token")) }, 401},
		{"mixed-carriage", func(h http.Header) {
			h.Set("Workload-Proof-Token", strings.TrimPrefix(h.Get("Authorization"), "WPT "))
		}, 400},
		{"unbound-txn-token", func(h http.Header) { h.Set("Txn-Token", "abc") }, 401},
	}
	for _, tc := range cases {
		for name, base := range servers {
			t.Run(tc.name+"/"+name, func(t *testing.T) {
				h := sign(base, wimse.RevisionWPT02)
				tc.edit(h)
				req, _ := http.NewRequest(http.MethodGet, base+"/hello", nil)
				req.Header = h
				resp, err := http.DefaultTransport.RoundTrip(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != tc.want {
					t.Fatalf("got %d, want %d", resp.StatusCode, tc.want)
				}
			})
		}
	}
}

// TestCommandLine drives the call subcommand against both servers.
func TestCommandLine(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	w := f.workload["ES256"]
	witFile := peertest.WriteFile(t, dir, "wit.jwt", []byte(f.issuer.MintWIT(t, peertest.WIT{Subject: subject, Workload: w, IssuedAt: time.Now().Add(-time.Minute)})+"\n"))
	keyFile := peertest.WriteFile(t, dir, "wl.jwk", w.PrivateJWK(t))
	ref := peertest.StartReference(t, peertest.TrustStore(t, td, f.issuer), "", nil, nil)
	run := func(args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := peercli.Run(t.Context(), jwxpeer.Command(), args, &out, &errb)
		return code, out.String() + errb.String()
	}
	if code, out := run("call", "--url", ref.URL+"/hello", "--wit", witFile, "--key", keyFile, "--body", `{"a":1}`); code != 0 || !strings.HasPrefix(out, "HTTP/1.1 200 OK\n") {
		t.Fatalf("call: exit %d, output %q", code, out)
	}
	if code, out := run("call", "--url", ref.URL+"/hello", "--wit", witFile, "--key", keyFile, "--revision", "wpt-01"); code != 0 {
		t.Fatalf("call wpt-01: exit %d, output %q", code, out)
	}
	other := peertest.StartReference(t, peertest.TrustStore(t, "other.example", f.issuer), "", nil, nil)
	if code, out := run("call", "--url", other.URL+"/hello", "--wit", witFile, "--key", keyFile); code != 1 || !strings.Contains(out, "401") {
		t.Fatalf("call foreign: exit %d, output %q", code, out)
	}
	if code, _ := run("call", "--url", ref.URL+"/hello", "--wit", witFile); code != 2 {
		t.Fatalf("missing --key: exit %d, want 2", code)
	}
	if code, _ := run("serve", "--listen", "127.0.0.1:0"); code != 2 {
		t.Fatalf("serve without trust: exit %d, want 2", code)
	}

	// serve, called by its own client and by ours, stopped as by SIGTERM.
	addr := peertest.FreeAddr(t)
	bundle := peertest.WriteFile(t, dir, "bundle.jwks", f.issuer.Bundle(t))
	srv := peertest.Serve(t, jwxpeer.Command(), addr, "--trust-bundle", bundle, "--trust-domain", td, "--audience", "http://"+addr)
	if code, out := run("call", "--url", "http://"+addr+"/hello", "--wit", witFile, "--key", keyFile); code != 0 || !strings.Contains(out, `"server":"jwxpeer"`) {
		t.Fatalf("call jwxpeer serve: exit %d, output %q", code, out)
	}
	ours := &httpwpt.Transport{WIT: f.ourWIT(t, subject, w, time.Now().Add(time.Hour)), Key: w.Signer}
	if code, _, body := get(t, &http.Client{Transport: ours}, "http://"+addr+"/hello"); code != http.StatusOK {
		t.Fatalf("our client: got %d %s", code, body)
	}
	if code, _, _ := get(t, http.DefaultClient, "http://"+addr+"/healthz"); code != http.StatusOK {
		t.Fatalf("healthz: got %d", code)
	}
	if code := srv.Stop(); code != 0 {
		t.Fatalf("serve exit %d after stop", code)
	}
	if log := srv.Log.String(); strings.Count(log, "GET /hello 200 peer="+subject) != 2 || !strings.Contains(log, "GET /healthz 200") {
		t.Fatalf("serve log lacks a line per request:\n%s", log)
	}
}

// TestReplayAcrossCarriages: a WPT accepted under wpt-02 is a replay when
// sent again in wpt-01's Workload-Proof-Token, at both servers (one replay
// cache for both carriages).
func TestReplayAcrossCarriages(t *testing.T) {
	f := newFixture(t)
	servers := map[string]string{
		"jwxpeer":   f.peerServer(t, "").URL,
		"reference": peertest.StartReference(t, peertest.TrustStore(t, td, f.issuer), "", peertest.Clock(&f.now), nil).URL,
	}
	w := f.workload["ES256"]
	for name, base := range servers {
		t.Run(name, func(t *testing.T) {
			rec := &recorder{}
			if code, _, body := get(t, f.ourClient(f.ourWIT(t, subject, w, f.now.Add(time.Hour)), w, "", rec), base+"/hello"); code != http.StatusOK {
				t.Fatalf("first: got %d %s", code, body)
			}
			proof := strings.TrimPrefix(rec.last.Header.Get("Authorization"), "WPT ")
			rec.last.Header.Del("Authorization")
			rec.last.Header.Set("Workload-Proof-Token", proof)
			if code := rec.replay(t); code != http.StatusBadRequest {
				t.Fatalf("replay over wpt-01: got %d, want 400", code)
			}
		})
	}
}
