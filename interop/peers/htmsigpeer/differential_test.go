package htmsigpeer

import (
	"crypto/rand"
	"crypto/sha512"
	"encoding/base64"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/htmsig/component"
	"github.com/lestrrat-go/htmsig/input"

	"github.com/wimse-wg/wimse/interop/peers/internal/peertest"
	"github.com/wimse-wg/wimse/interop/peers/jwxpeer"
)

// sigCase crafts one signed request from a valid baseline; the htmsig peer
// and the reference server must answer as the case says.
type sigCase struct {
	name   string
	body   string
	path   string // default /hello
	comps  []string
	edit   func(b *input.DefinitionBuilder)
	noAud  bool
	aud    func(want string) string
	times  func(now time.Time) (created, expires time.Time)
	noNon  bool
	label  string
	digest func(body string) string // Content-Digest value; nil means sha-256
	after  func(h http.Header, sign func(label string, tag string) (string, string))
	accept bool
	peer   *bool
	ref    *bool
	note   string
}

func yes() *bool { b := true; return &b }

var baseComps = []string{"@method", "@path", "@query", "workload-identity-token"}

func with(extra ...string) []string { return append(slices.Clone(baseComps), extra...) }

func without(name string) []string {
	return slices.DeleteFunc(slices.Clone(baseComps), func(s string) bool { return s == name })
}

func sigCases() []sigCase {
	return []sigCase{
		{name: "baseline", accept: true},
		{name: "baseline-body", body: `{"a":1}`, comps: with("content-type", "content-digest"), accept: true},
		{name: "label-wimse", label: "wimse", accept: true},
		{name: "authority-covered-too", comps: with("@authority"), accept: true},
		{name: "query-present", path: "/hello?x=1&y=2", accept: true},
		{name: "no-query-component", comps: without("@query"), accept: false},
		{name: "no-path-component", comps: without("@path"), accept: false},
		{name: "no-method-component", comps: without("@method"), accept: false},
		{name: "wit-not-covered", comps: without("workload-identity-token"), accept: false},
		{name: "request-target-instead", comps: []string{"@method", "@request-target", "workload-identity-token"}, accept: false,
			ref: yes(), note: "the reference server accepts http-signature-06 too (wimse.Policy.Revisions nil); the peer speaks -07 only"},
		{name: "content-type-not-covered", body: `{"a":1}`, comps: with("content-digest"), accept: false},
		{name: "digest-not-covered", body: `{"a":1}`, comps: with("content-type"), accept: false},
		{name: "body-without-digest", body: `{"a":1}`, comps: with("content-type"), digest: func(string) string { return "" }, accept: false},
		{name: "digest-mismatch", body: `{"a":1}`, comps: with("content-type", "content-digest"), digest: func(string) string { return contentDigestOf("other") }, accept: false},
		{name: "digest-sha512-only", body: `{"a":1}`, comps: with("content-type", "content-digest"), digest: sha512Digest, accept: true},
		{name: "keyid-param", edit: func(b *input.DefinitionBuilder) { b.KeyID("k1") }, accept: false},
		{name: "alg-param", edit: func(b *input.DefinitionBuilder) { b.Algorithm("ecdsa-p256-sha256") }, accept: false},
		{name: "no-wimse-aud", noAud: true, accept: false},
		{name: "wimse-aud-trailing-slash", aud: func(w string) string { return w + "/" }, accept: false},
		{name: "wimse-aud-with-query", path: "/hello?x=1", aud: func(w string) string { return w + "?x=1" }, accept: false},
		{name: "no-nonce", noNon: true, accept: false},
		{name: "sign-response-false", edit: func(b *input.DefinitionBuilder) { b.Parameter("wimse-sign-response", false) }, accept: true},
		{name: "unknown-parameter", edit: func(b *input.DefinitionBuilder) { b.Parameter("x-ext", "1") }, accept: true},
		{name: "created-future", times: func(n time.Time) (time.Time, time.Time) { return n.Add(10 * time.Minute), n.Add(11 * time.Minute) }, accept: false},
		{name: "expired", times: func(n time.Time) (time.Time, time.Time) { return n.Add(-10 * time.Minute), n.Add(-9 * time.Minute) }, accept: false},
		{name: "expires-before-created", times: func(n time.Time) (time.Time, time.Time) { return n, n.Add(-time.Second) }, accept: false},
		{name: "expires-far-future", times: func(n time.Time) (time.Time, time.Time) { return n, n.Add(time.Hour) }, accept: false},
		{name: "second-signature-other-tag", after: func(h http.Header, sign func(string, string) (string, string)) {
			si, s := sign("proxy", "proxy-tag")
			h.Add("Signature-Input", si)
			h.Add("Signature", s)
		}, accept: true},
		{name: "two-wimse-signatures", after: func(h http.Header, sign func(string, string) (string, string)) {
			si, s := sign("sig2", Tag)
			h.Add("Signature-Input", si)
			h.Add("Signature", s)
		}, accept: false},
		{name: "no-wimse-tag", after: func(h http.Header, sign func(string, string) (string, string)) {
			si, s := sign("sig1", "other-tag")
			h.Set("Signature-Input", si)
			h.Set("Signature", s)
		}, accept: false},
		{name: "authorization-not-covered", after: func(h http.Header, _ func(string, string) (string, string)) {
			h.Set("Authorization", "Bearer abc")
		}, accept: false},
		{name: "txn-token-not-covered", after: func(h http.Header, _ func(string, string) (string, string)) {
			h.Set("Txn-Token", "abc")
		}, accept: false},
		{name: "uncovered-other-field", after: func(h http.Header, _ func(string, string) (string, string)) {
			h.Set("X-Other", "abc")
		}, accept: true},
		{name: "percent-encoded-path", path: "/hel%6Co", accept: true},
		// htmsig's input.Parse panics on these (FINDINGS.md F9).
		{name: "created-string", after: retype("created=", `created="1"`), accept: false},
		{name: "nonce-integer", after: retype(`nonce="`, `nonce=1`), accept: false},
		{name: "sign-response-string", edit: func(b *input.DefinitionBuilder) { b.Parameter("wimse-sign-response", "true") }, accept: false},
		{name: "sign-response-integer", edit: func(b *input.DefinitionBuilder) { b.Parameter("wimse-sign-response", int64(1)) }, accept: false},
	}
}

func contentDigestOf(s string) string { return ContentDigest([]byte(s)) }

func sha512Digest(body string) string {
	sum := sha512.Sum512([]byte(body))
	return "sha-512=:" + base64.StdEncoding.EncodeToString(sum[:]) + ":"
}

// TestDifferential sends each crafted request to the htmsig peer and to
// the reference server.
func TestDifferential(t *testing.T) {
	now := peertest.Now
	issuer := peertest.NewKey(t, "ES256", "issuer-1")
	w := peertest.NewKey(t, "ES256", "")
	set, err := jwxpeer.LoadBundle(peertest.WriteFile(t, t.TempDir(), "b.jwks", issuer.Bundle(t)))
	if err != nil {
		t.Fatal(err)
	}
	peer := &Server{WIT: jwxpeer.WITVerifier{TrustDomain: "example.org", Keys: set, Now: peertest.Clock(&now)}}
	ps := newLoopback(t, peer)
	peer.Audience = ps
	servers := map[string]string{
		"htmsigpeer": ps,
		"reference":  peertest.StartReference(t, peertest.TrustStore(t, "example.org", issuer), "", peertest.Clock(&now), nil).URL,
	}
	witStr := issuer.MintWIT(t, peertest.WIT{Subject: "wimse://example.org/svc/caller", Workload: w, IssuedAt: now.Add(-time.Minute)})
	for _, tc := range sigCases() {
		for _, name := range slices.Sorted(maps.Keys(servers)) {
			base := servers[name]
			t.Run(tc.name+"/"+name, func(t *testing.T) {
				want := tc.accept
				if name == "htmsigpeer" && tc.peer != nil {
					want = *tc.peer
				}
				if name == "reference" && tc.ref != nil {
					want = *tc.ref
				}
				code, detail := craft(t, tc, base, witStr, w, now)
				if got := code == http.StatusOK; got != want {
					t.Errorf("got %d %s (accepted=%v), want accepted=%v %s", code, detail, got, want, tc.note)
				}
			})
		}
	}
}

func craft(t *testing.T, tc sigCase, base, witStr string, w *peertest.Key, now time.Time) (int, string) {
	t.Helper()
	path := tc.path
	if path == "" {
		path = "/hello"
	}
	method := http.MethodGet
	var body *strings.Reader
	if tc.body != "" {
		method, body = http.MethodPost, strings.NewReader(tc.body)
	}
	var req *http.Request
	var err error
	if body != nil {
		req, err = http.NewRequest(method, base+path, body)
	} else {
		req, err = http.NewRequest(method, base+path, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Workload-Identity-Token", witStr)
	if tc.body != "" {
		req.Header.Set("Content-Type", "application/json")
		d := contentDigestOf(tc.body)
		if tc.digest != nil {
			d = tc.digest(tc.body)
		}
		if d != "" {
			req.Header.Set("Content-Digest", d)
		}
	}
	p, _, _ := strings.Cut(path, "?")
	aud := base + p
	sign := func(label, tag string, comps []string, edit func(*input.DefinitionBuilder)) (string, string) {
		var ids []component.Identifier
		for _, c := range comps {
			ids = append(ids, component.New(c))
		}
		created, expires := now, now.Add(time.Minute)
		if tc.times != nil {
			created, expires = tc.times(now)
		}
		b := input.NewDefinitionBuilder().Label(label).Components(ids...).CreatedTime(created).ExpiresTime(expires).Tag(tag)
		if !tc.noNon {
			b = b.Nonce(rand.Text())
		}
		if !tc.noAud {
			a := aud
			if tc.aud != nil {
				a = tc.aud(aud)
			}
			b = b.Parameter("wimse-aud", a)
		}
		if edit != nil {
			edit(b)
		}
		def := b.MustBuild()
		params, err := def.MarshalSFV()
		if err != nil {
			t.Fatal(err)
		}
		sb, err := signatureBase(requestMessage(req), def, string(params))
		if err != nil {
			t.Fatalf("base: %v", err)
		}
		sig, err := sign(w.Private, "ES256", sb)
		if err != nil {
			t.Fatal(err)
		}
		return label + "=" + string(params), label + "=:" + base64.StdEncoding.EncodeToString(sig) + ":"
	}
	comps := tc.comps
	if comps == nil {
		comps = baseComps
	}
	label := tc.label
	if label == "" {
		label = "sig1"
	}
	si, s := sign(label, Tag, comps, tc.edit)
	req.Header.Set("Signature-Input", si)
	req.Header.Set("Signature", s)
	if tc.after != nil {
		tc.after(req.Header, func(label, tag string) (string, string) { return sign(label, tag, baseComps, nil) })
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	buf := new(strings.Builder)
	_, _ = io.Copy(buf, resp.Body)
	return resp.StatusCode, buf.String()
}

// retype rewrites Signature-Input after signing, replacing the first
// parameter that starts with prefix (and its value up to the next ";") by
// repl; the signature no longer matters, the parse does.
func retype(prefix, repl string) func(h http.Header, _ func(string, string) (string, string)) {
	return func(h http.Header, _ func(string, string) (string, string)) {
		si := h.Get("Signature-Input")
		i := strings.Index(si, prefix)
		if i < 0 {
			panic("retype: no " + prefix)
		}
		j := strings.IndexByte(si[i:], ';')
		if j < 0 {
			j = len(si) - i
		}
		h.Set("Signature-Input", si[:i]+repl+si[i+j:])
	}
}
