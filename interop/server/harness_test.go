package server_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/wimse-wg/wimse/interop/server"
	"github.com/wimse-wg/wimse/profiles/httpwpt"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/wimse"
)

// configuredBase is the public base URL the plain-HTTP server is configured
// with. It deliberately differs from the loopback address the server
// listens on, as behind a TLS-terminating proxy: the expected aud comes
// from configuration only.
const configuredBase = "https://workload.example.com"

// epoch is the time every spec starts at.
var epoch = time.Date(2026, time.March, 2, 10, 0, 0, 0, time.UTC)

var (
	callerID   = wimse.MustParseID("wimse://example.com/service/caller")
	otherID    = wimse.MustParseID("wimse://example.com/service/other")
	strangerID = wimse.MustParseID("wimse://untrusted.example/service/caller")
)

// keys are generated once for the suite.
type suiteKeys struct {
	issuer, stranger, workload, otherWorkload *ecdsa.PrivateKey
}

var keys suiteKeys

var _ = BeforeSuite(func() {
	gen := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		Expect(err).NotTo(HaveOccurred())
		return k
	}
	keys = suiteKeys{issuer: gen(), stranger: gen(), workload: gen(), otherWorkload: gen()}
})

// clock is a controllable clock shared by the server and the client. It is
// safe for concurrent use: the server reads it from its own goroutines.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// syncBuffer is the log sink: slog handlers serialise their writes, but the
// spec reads the buffer from another goroutine.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// harness is one running reference server and what a spec needs to talk to
// it.
type harness struct {
	srv   *httptest.Server
	base  string // the server's configured audience base URL
	clock *clock
	logs  *syncBuffer
	store *wimse.TrustStore
	// wit is a valid WIT for callerID bound to keys.workload.
	wit string
	// audience is the client's aud rule; nil means httpwpt.AudienceOf.
	audience func(*http.Request) string
	// rt sends every request of the spec and records its credentials.
	rt *recordingRT
}

// recordingRT records the credential fields of every request on its way
// to the server, so that the log checks know every secret that was sent.
type recordingRT struct {
	next    http.RoundTripper
	mu      sync.Mutex
	secrets []string
	bodies  []string
}

func (r *recordingRT) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	for _, name := range []string{"Authorization", httpwpt.HeaderWIT, httpwpt.HeaderWPT, httpwpt.HeaderTxnToken} {
		r.secrets = append(r.secrets, req.Header.Values(name)...)
	}
	r.mu.Unlock()
	res, err := r.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	r.mu.Lock()
	r.bodies = append(r.bodies, string(body))
	r.mu.Unlock()
	return res, nil
}

// responseBodies returns every response body received.
func (r *recordingRT) responseBodies() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.bodies...)
}

// sentSecrets returns every credential value sent, and for each compact
// token its signature segment, which alone must not leak either.
func (r *recordingRT) sentSecrets() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, s := range r.secrets {
		if len(s) < 12 {
			continue
		}
		out = append(out, s)
		if i := strings.LastIndexByte(s, '.'); i >= 0 && len(s)-i > 20 {
			out = append(out, s[i+1:])
		}
		if _, cred, ok := strings.Cut(s, " "); ok && len(cred) >= 12 {
			out = append(out, strings.TrimLeft(cred, " "))
		}
	}
	return out
}

func newHarness(c *clock) *harness {
	store := wimse.NewTrustStore()
	store.Set(wimse.MustParseTrustDomain("example.com"), wimse.Anchors{
		Keys: []wimse.IssuerKey{{KeyID: "k1", Public: &keys.issuer.PublicKey}},
	})
	h := &harness{clock: c, logs: &syncBuffer{}, store: store}
	h.wit = h.signWIT(callerID, keys.issuer, &keys.workload.PublicKey)
	return h
}

func (h *harness) config(mods []func(*server.Config)) server.Config {
	cfg := server.Config{
		Trust:    h.store,
		Audience: h.base,
		Policy:   wimse.Policy{Now: h.clock.Now},
		Logger:   slog.New(slog.NewJSONHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	for _, m := range mods {
		m(&cfg)
	}
	return cfg
}

// startPlain serves the reference server over plain HTTP on loopback,
// configured with configuredBase as its audience; clients mint aud as
// configuredBase + path.
func startPlain(c *clock, mods []func(*server.Config)) *harness {
	h := newHarness(c)
	h.base = configuredBase
	h.audience = func(r *http.Request) string { return configuredBase + r.URL.EscapedPath() }
	handler, err := server.New(h.config(mods))
	Expect(err).NotTo(HaveOccurred())
	h.srv = httptest.NewServer(handler)
	DeferCleanup(h.srv.Close)
	h.rt = &recordingRT{next: h.srv.Client().Transport}
	return h
}

// startTLS serves the reference server over TLS on loopback, configured
// with its own https URL as audience; clients trust its certificate and
// mint aud from the target URI (httpwpt.AudienceOf).
func startTLS(c *clock, mods []func(*server.Config)) *harness {
	h := newHarness(c)
	srv := httptest.NewUnstartedServer(nil)
	h.base = "https://" + srv.Listener.Addr().String()
	handler, err := server.New(h.config(mods))
	Expect(err).NotTo(HaveOccurred())
	srv.Config.Handler = handler
	srv.StartTLS()
	Expect(srv.URL).To(Equal(h.base))
	h.srv = srv
	DeferCleanup(h.srv.Close)
	h.rt = &recordingRT{next: h.srv.Client().Transport}
	return h
}

// signWIT issues a one-hour WIT (from the epoch) for sub, bound to pub.
func (h *harness) signWIT(sub wimse.ID, issuer *ecdsa.PrivateKey, pub *ecdsa.PublicKey) string {
	GinkgoHelper()
	s, err := (&wit.Signer{Key: issuer, KeyID: "k1"}).Sign(wit.Claims{
		Subject:  sub,
		IssuedAt: epoch.Add(-time.Minute),
		Expiry:   epoch.Add(time.Hour),
		Key:      pub,
	})
	Expect(err).NotTo(HaveOccurred())
	return s
}

// transport is the client side: httpwpt.Transport over the recording
// round-tripper, with the spec's clock.
func (h *harness) transport(rev wimse.Revision, mods ...func(*httpwpt.Transport)) *httpwpt.Transport {
	tr := &httpwpt.Transport{
		Base:     h.rt,
		WIT:      h.wit,
		Key:      keys.workload,
		Revision: rev,
		Audience: h.audience,
		Now:      h.clock.Now,
	}
	for _, m := range mods {
		m(tr)
	}
	return tr
}

// client is an http.Client that authenticates with h.transport.
func (h *harness) client(rev wimse.Revision, mods ...func(*httpwpt.Transport)) *http.Client {
	return &http.Client{Transport: h.transport(rev, mods...)}
}

// request builds a request for path on the server.
func (h *harness) request(method, path string, body io.Reader) *http.Request {
	GinkgoHelper()
	req, err := http.NewRequest(method, h.srv.URL+path, body)
	Expect(err).NotTo(HaveOccurred())
	return req
}

// signed builds a GET for path and authenticates it as the transport
// would, so a spec can then tamper with the fields before sending.
func (h *harness) signed(rev wimse.Revision, path string, mods ...func(*httpwpt.Transport)) *http.Request {
	GinkgoHelper()
	req := h.request(http.MethodGet, path, nil)
	Expect(h.transport(rev, mods...).Authenticate(req)).To(Succeed())
	return req
}

// reply is a response with its body read.
type reply struct {
	*http.Response
	body []byte
}

// send sends req as is (no authentication added).
func (h *harness) send(req *http.Request) reply {
	GinkgoHelper()
	return do(&http.Client{Transport: h.rt}, req)
}

func do(c *http.Client, req *http.Request) reply {
	GinkgoHelper()
	res, err := c.Do(req)
	Expect(err).NotTo(HaveOccurred())
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	Expect(err).NotTo(HaveOccurred())
	return reply{res, body}
}

// expectAccepted asserts a 200 with the JSON body the server documents.
func expectAccepted(r reply, id wimse.ID, carriage wimse.Revision) {
	GinkgoHelper()
	Expect(r.StatusCode).To(Equal(http.StatusOK), "body: %s", r.body)
	Expect(r.Header.Get("Content-Type")).To(Equal("application/json"))
	var got map[string]any
	Expect(json.Unmarshal(r.body, &got)).To(Succeed())
	Expect(got).To(Equal(map[string]any{
		"subject":      id.String(),
		"trust_domain": id.TrustDomain().String(),
		"carriage":     string(carriage),
	}))
}

// expectProblem asserts a rejection: status, challenge, and an
// application/problem+json body whose "reason" is the expected code.
func expectProblem(r reply, status int, challenge bool, reason wimse.Reason) {
	GinkgoHelper()
	Expect(r.StatusCode).To(Equal(status), "body: %s", r.body)
	Expect(r.Header.Get("Content-Type")).To(Equal("application/problem+json"))
	if challenge {
		Expect(r.Header.Values("WWW-Authenticate")).To(Equal([]string{"WPT"}))
	} else {
		Expect(r.Header.Values("WWW-Authenticate")).To(BeEmpty())
	}
	var got map[string]any
	Expect(json.Unmarshal(r.body, &got)).To(Succeed(), "body: %s", r.body)
	Expect(got).To(HaveKeyWithValue("reason", string(reason)))
	Expect(got).To(HaveKeyWithValue("status", BeNumerically("==", status)))
	Expect(got).To(HaveKeyWithValue("type", httpwpt.ProblemTypeBase+string(reason)))
}
