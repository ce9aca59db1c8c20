package htmsigpeer_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/htmsig"
	"github.com/lestrrat-go/htmsig/component"
	"github.com/lestrrat-go/htmsig/input"

	"github.com/wimse-wg/wimse/interop/peers/htmsigpeer"
	"github.com/wimse-wg/wimse/interop/peers/internal/peercli"
	"github.com/wimse-wg/wimse/interop/peers/internal/peertest"
	"github.com/wimse-wg/wimse/interop/peers/jwxpeer"
	"github.com/wimse-wg/wimse/interop/server"
	"github.com/wimse-wg/wimse/profiles/httpsig"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/wimse"
)

const (
	td        = "example.org"
	subject   = "wimse://example.org/svc/caller"
	serverSub = "wimse://example.org/svc/server"
)

type fixture struct {
	now       time.Time
	issuer    *peertest.Key
	workload  map[string]*peertest.Key
	serverKey *peertest.Key
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
		serverKey: peertest.NewKey(t, "ES256", ""),
	}
}

func (f *fixture) verifier(t *testing.T, trustDomain string) *jwxpeer.WITVerifier {
	t.Helper()
	set, err := jwxpeer.LoadBundle(peertest.WriteFile(t, t.TempDir(), "bundle.jwks", f.issuer.Bundle(t)))
	if err != nil {
		t.Fatal(err)
	}
	return &jwxpeer.WITVerifier{TrustDomain: trustDomain, Keys: set, Now: peertest.Clock(&f.now)}
}

// peerServer is the htmsigpeer server; it signs responses with a
// jwx-minted WIT of serverSub.
func (f *fixture) peerServer(t *testing.T) *httptest.Server {
	t.Helper()
	s := &htmsigpeer.Server{WIT: *f.verifier(t, td),
		ResponseWIT: f.issuer.MintWIT(t, peertest.WIT{Subject: serverSub, Workload: f.serverKey, IssuedAt: f.now.Add(-time.Minute)}),
		ResponseKey: f.serverKey.Private}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	s.Audience = srv.URL
	return srv
}

// referenceServer is interop/server, signing responses with a WIT of
// serverSub issued by our tokens/wit.
func (f *fixture) referenceServer(t *testing.T, audience string) string {
	t.Helper()
	serverWIT := f.ourWIT(t, serverSub, f.serverKey, f.now.Add(time.Hour))
	run := peertest.StartReference(t, peertest.TrustStore(t, td, f.issuer), audience, peertest.Clock(&f.now), func(c *server.Config) {
		c.ResponseSigner = &httpsig.Signer{WIT: serverWIT, Key: f.serverKey.Signer, Alg: f.serverKey.Alg, Now: peertest.Clock(&f.now)}
	})
	return run.URL
}

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

func (f *fixture) peerClient(t *testing.T, sub string, w *peertest.Key, exp time.Time) *htmsigpeer.Client {
	t.Helper()
	return &htmsigpeer.Client{WIT: f.issuer.MintWIT(t, peertest.WIT{Subject: sub, Workload: w, IssuedAt: f.now.Add(-time.Minute), Expiry: exp}),
		Key: w.Private, Now: peertest.Clock(&f.now)}
}

func (f *fixture) ourTransport(t *testing.T, sub string, w *peertest.Key, exp time.Time) *httpsig.Transport {
	t.Helper()
	return &httpsig.Transport{Signer: &httpsig.Signer{WIT: f.ourWIT(t, sub, w, exp), Key: w.Signer, Alg: w.Alg, Now: peertest.Clock(&f.now)}}
}

func do(t *testing.T, rt http.RoundTripper, method, url, body string) (int, string, error) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := (&http.Client{Transport: rt}).Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), nil
}

// recorder keeps the last request it forwarded (with its body), to replay
// or tamper with it.
type recorder struct {
	last *http.Request
	body []byte
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		r.body, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(r.body))
	}
	r.last = req.Clone(req.Context())
	return http.DefaultTransport.RoundTrip(req)
}

func (r *recorder) resend(t *testing.T, body []byte) int {
	t.Helper()
	req, err := http.NewRequest(r.last.Method, r.last.URL.String(), bytes.NewReader(body))
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

func TestPeerClientAgainstReferenceServer(t *testing.T) {
	f := newFixture(t)
	base := f.referenceServer(t, "")
	for _, alg := range []string{"ES256", "EdDSA"} {
		for _, body := range []string{"", `{"do stuff":"please"}`} {
			t.Run(alg+"/body="+body, func(t *testing.T) {
				c := f.peerClient(t, subject, f.workload[alg], f.now.Add(time.Hour))
				method := http.MethodGet
				if body != "" {
					method = http.MethodPost
				}
				code, out, err := do(t, c.RoundTripper(nil), method, base+"/hello?x=1", body)
				if err != nil || code != http.StatusOK || !strings.Contains(out, subject) {
					t.Fatalf("got %d %s %v, want 200 naming %s", code, out, err, subject)
				}
			})
		}
	}
	t.Run("signed-response", func(t *testing.T) {
		c := f.peerClient(t, subject, f.workload["ES256"], f.now.Add(time.Hour))
		c.SignResponse, c.Responses, c.Responder = true, f.verifier(t, td), serverSub
		if code, out, err := do(t, c.RoundTripper(nil), http.MethodPost, base+"/hello", `{"a":1}`); err != nil || code != http.StatusOK {
			t.Fatalf("got %d %s %v, want 200 with a verified response signature", code, out, err)
		}
	})
	t.Run("signed-response-wrong-responder", func(t *testing.T) {
		c := f.peerClient(t, subject, f.workload["ES256"], f.now.Add(time.Hour))
		c.SignResponse, c.Responses, c.Responder = true, f.verifier(t, td), "wimse://example.org/svc/other"
		if _, _, err := do(t, c.RoundTripper(nil), http.MethodGet, base+"/hello", ""); err == nil {
			t.Fatal("accepted a response signed by another workload")
		}
	})
	negatives := []struct {
		name string
		c    func(t *testing.T) *htmsigpeer.Client
		url  func(t *testing.T) string
	}{
		{"expired-wit", func(t *testing.T) *htmsigpeer.Client {
			return f.peerClient(t, subject, f.workload["ES256"], f.now.Add(-2*time.Minute))
		}, func(*testing.T) string { return base }},
		{"foreign-trust-domain", func(t *testing.T) *htmsigpeer.Client {
			return f.peerClient(t, "wimse://other.example/svc/caller", f.workload["ES256"], f.now.Add(time.Hour))
		}, func(*testing.T) string { return base }},
		{"wrong-aud", func(t *testing.T) *htmsigpeer.Client {
			return f.peerClient(t, subject, f.workload["ES256"], f.now.Add(time.Hour))
		}, func(t *testing.T) string { return f.referenceServer(t, "https://svc.example") }},
	}
	for _, n := range negatives {
		t.Run(n.name, func(t *testing.T) {
			if code, _, err := do(t, n.c(t).RoundTripper(nil), http.MethodGet, n.url(t)+"/hello", ""); err != nil || code != http.StatusBadRequest {
				t.Fatalf("got %d %v, want 400", code, err)
			}
		})
	}
	t.Run("replayed-signature", func(t *testing.T) {
		rec := &recorder{}
		c := f.peerClient(t, subject, f.workload["ES256"], f.now.Add(time.Hour))
		if code, out, err := do(t, c.RoundTripper(rec), http.MethodPost, base+"/hello", `{"a":1}`); err != nil || code != http.StatusOK {
			t.Fatalf("first: got %d %s %v", code, out, err)
		}
		if code := rec.resend(t, rec.body); code != http.StatusBadRequest {
			t.Fatalf("replay: got %d, want 400", code)
		}
	})
}

func TestReferenceClientAgainstPeerServer(t *testing.T) {
	f := newFixture(t)
	srv := f.peerServer(t)
	for _, alg := range []string{"ES256", "EdDSA"} {
		for _, body := range []string{"", `{"do stuff":"please"}`} {
			t.Run(alg+"/body="+body, func(t *testing.T) {
				method := http.MethodGet
				if body != "" {
					method = http.MethodPost
				}
				code, out, err := do(t, f.ourTransport(t, subject, f.workload[alg], f.now.Add(time.Hour)), method, srv.URL+"/hello?x=1", body)
				if err != nil || code != http.StatusOK || !strings.Contains(out, subject) {
					t.Fatalf("got %d %s %v, want 200 naming %s", code, out, err, subject)
				}
			})
		}
	}
	t.Run("signed-response", func(t *testing.T) {
		tr := f.ourTransport(t, subject, f.workload["ES256"], f.now.Add(time.Hour))
		tr.RequireSignedResponse = true
		tr.Responses = &wit.Verifier{Trust: peertest.TrustStore(t, td, f.issuer), Policy: wimse.Policy{Now: peertest.Clock(&f.now)}}
		tr.Responder = httpsig.AuthorizeID(wimse.MustParseID(serverSub))
		if code, out, err := do(t, tr, http.MethodPost, srv.URL+"/hello", `{"a":1}`); err != nil || code != http.StatusOK {
			t.Fatalf("got %d %s %v, want 200 with a verified response signature", code, out, err)
		}
	})
	t.Run("expired-wit", func(t *testing.T) {
		if code, _, err := do(t, f.ourTransport(t, subject, f.workload["ES256"], f.now.Add(-2*time.Minute)), http.MethodGet, srv.URL+"/hello", ""); err != nil || code != http.StatusBadRequest {
			t.Fatalf("got %d %v, want 400", code, err)
		}
	})
	t.Run("foreign-trust-domain", func(t *testing.T) {
		if code, _, err := do(t, f.ourTransport(t, "wimse://other.example/svc/caller", f.workload["ES256"], f.now.Add(time.Hour)), http.MethodGet, srv.URL+"/hello", ""); err != nil || code != http.StatusBadRequest {
			t.Fatalf("got %d %v, want 400", code, err)
		}
	})
	t.Run("wrong-aud", func(t *testing.T) {
		tr := f.ourTransport(t, subject, f.workload["ES256"], f.now.Add(time.Hour))
		tr.Audience = func(*http.Request) string { return "https://svc.example/hello" }
		if code, _, err := do(t, tr, http.MethodGet, srv.URL+"/hello", ""); err != nil || code != http.StatusBadRequest {
			t.Fatalf("got %d %v, want 400", code, err)
		}
	})
	t.Run("expired-signature", func(t *testing.T) {
		tr := f.ourTransport(t, subject, f.workload["ES256"], f.now.Add(time.Hour))
		tr.Signer.Now = func() time.Time { return f.now.Add(-10 * time.Minute) }
		if code, _, err := do(t, tr, http.MethodGet, srv.URL+"/hello", ""); err != nil || code != http.StatusBadRequest {
			t.Fatalf("got %d %v, want 400", code, err)
		}
	})
	t.Run("replayed-and-tampered", func(t *testing.T) {
		rec := &recorder{}
		tr := f.ourTransport(t, subject, f.workload["ES256"], f.now.Add(time.Hour))
		tr.Base = rec
		if code, out, err := do(t, tr, http.MethodPost, srv.URL+"/hello", `{"a":1}`); err != nil || code != http.StatusOK {
			t.Fatalf("first: got %d %s %v", code, out, err)
		}
		if code := rec.resend(t, rec.body); code != http.StatusBadRequest {
			t.Fatalf("replay: got %d, want 400", code)
		}
		if code := rec.resend(t, []byte(`{"a":2}`)); code != http.StatusBadRequest {
			t.Fatalf("tampered body: got %d, want 400", code)
		}
	})
}

// TestHtmsigDropsExtraParameters records why the peer builds the signature
// base itself: htmsig v1.0.0 sends wimse-aud in Signature-Input but leaves
// it out of the signed @signature-params, so a signature made with
// htmsig.SignRequest does not verify at the reference server (nor at this
// peer), and htmsig cannot resolve @query without a query.
func TestHtmsigDropsExtraParameters(t *testing.T) {
	f := newFixture(t)
	base := f.referenceServer(t, "")
	w := f.workload["ES256"]
	witStr := f.issuer.MintWIT(t, peertest.WIT{Subject: subject, Workload: w, IssuedAt: f.now.Add(-time.Minute)})
	req, _ := http.NewRequest(http.MethodGet, base+"/hello?x=1", nil)
	req.Header.Set("Workload-Identity-Token", witStr)
	def := input.NewDefinitionBuilder().Label("sig1").
		Components(component.Method(), component.New("@path"), component.New("@query"), component.New("workload-identity-token")).
		CreatedTime(f.now).ExpiresTime(f.now.Add(time.Minute)).Nonce("n-0123456789abcdef").Tag(htmsigpeer.Tag).
		Parameter("wimse-aud", base+"/hello").MustBuild()
	ctx := component.WithRequestInfoFromHTTP(context.Background(), req)
	if err := htmsig.SignRequest(ctx, req.Header, input.NewValueBuilder().AddDefinition(def).MustBuild(), w.Signer); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(req.Header.Get("Signature-Input"), "wimse-aud=") {
		t.Fatalf("Signature-Input %q lacks wimse-aud", req.Header.Get("Signature-Input"))
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("htmsig-signed request: got %d, want 400 (wimse-aud not signed)", resp.StatusCode)
	}

	noQuery, _ := http.NewRequest(http.MethodGet, base+"/hello", nil)
	ctx = component.WithMode(component.WithRequestInfoFromHTTP(context.Background(), noQuery), component.ModeRequest)
	if _, err := component.Resolve(ctx, component.New("@query")); err == nil {
		t.Fatal("htmsig resolved @query without a query; the peer's workaround may be dropped")
	}
}

func TestCommandLine(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	w := f.workload["EdDSA"]
	witFile := peertest.WriteFile(t, dir, "wit.jwt", []byte(f.issuer.MintWIT(t, peertest.WIT{Subject: subject, Workload: w, IssuedAt: time.Now().Add(-time.Minute)})))
	keyFile := peertest.WriteFile(t, dir, "wl.jwk", w.PrivateJWK(t))
	bundle := peertest.WriteFile(t, dir, "bundle.jwks", f.issuer.Bundle(t))
	serverWIT := f.ourWIT(t, serverSub, f.serverKey, time.Now().Add(time.Hour))
	run := peertest.StartReference(t, peertest.TrustStore(t, td, f.issuer), "", nil, func(c *server.Config) {
		c.ResponseSigner = &httpsig.Signer{WIT: serverWIT, Key: f.serverKey.Signer, Alg: f.serverKey.Alg}
	})
	call := func(args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := peercli.Run(t.Context(), htmsigpeer.Command(), append([]string{"call", "--url", run.URL + "/hello", "--wit", witFile, "--key", keyFile}, args...), &out, &errb)
		return code, out.String() + errb.String()
	}
	if code, out := call("--body", `{"a":1}`); code != 0 || !strings.HasPrefix(out, "HTTP/1.1 200 OK\n") {
		t.Fatalf("call: exit %d, output %q", code, out)
	}
	if code, out := call("--sign-response", "true", "--trust-bundle", bundle, "--trust-domain", td, "--responder", serverSub); code != 0 {
		t.Fatalf("call with signed response: exit %d, output %q", code, out)
	}
	if code, out := call("--sign-response", "true", "--trust-bundle", bundle, "--trust-domain", td, "--responder", subject); code != 1 {
		t.Fatalf("call with a wrong responder: exit %d, output %q", code, out)
	}
	if code, _ := call("--sign-response", "true"); code != 2 {
		t.Fatalf("--sign-response without trust: exit %d, want 2", code)
	}

	// serve over TLS, called by its own client and by ours.
	addr := peertest.FreeAddr(t)
	certFile, keyPEM, caFile := tlsFiles(t, dir)
	srv := peertest.Serve(t, htmsigpeer.Command(), addr, "--trust-bundle", bundle, "--trust-domain", td, "--audience", "https://"+addr, "--tls-cert", certFile, "--tls-key", keyPEM)
	var out, errb bytes.Buffer
	code := peercli.Run(t.Context(), htmsigpeer.Command(), []string{"call", "--url", "https://" + addr + "/hello", "--wit", witFile, "--key", keyFile, "--ca", caFile, "--body", "{}"}, &out, &errb)
	if code != 0 || !strings.Contains(out.String(), `"server":"htmsigpeer"`) {
		t.Fatalf("call htmsigpeer serve: exit %d, output %q %q", code, out.String(), errb.String())
	}
	// The CLI server has no WIT to sign with: 501, unsigned, which a client
	// that asked for a signed response refuses (-07 §3.5, §3.6).
	out.Reset()
	errb.Reset()
	code = peercli.Run(t.Context(), htmsigpeer.Command(), []string{"call", "--url", "https://" + addr + "/hello", "--wit", witFile, "--key", keyFile, "--ca", caFile, "--sign-response", "true", "--trust-bundle", bundle, "--trust-domain", td}, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "not signed") {
		t.Fatalf("signed response from the CLI server: exit %d, output %q %q", code, out.String(), errb.String())
	}
	roots, err := peercli.RootsFromPEM(caFile)
	if err != nil {
		t.Fatal(err)
	}
	tr := f.ourTransport(t, subject, w, time.Now().Add(time.Hour))
	tr.Signer.Now = nil
	tr.Base = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}
	if code, out, err := do(t, tr, http.MethodPost, "https://"+addr+"/hello", `{"a":1}`); err != nil || code != http.StatusOK {
		t.Fatalf("our client: got %d %s %v", code, out, err)
	}
	if code := srv.Stop(); code != 0 {
		t.Fatalf("serve exit %d after stop", code)
	}
	if log := srv.Log.String(); strings.Count(log, "POST /hello 200 peer="+subject) != 2 || !strings.Contains(log, "GET /hello 501") {
		t.Fatalf("serve log lacks a line per request:\n%s", log)
	}
}

// tlsFiles writes a self-signed server certificate for 127.0.0.1, its key
// and the certificate again as the client's CA file.
func tlsFiles(t *testing.T, dir string) (cert, key, ca string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "htmsigpeer test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kd, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	return peertest.WriteFile(t, dir, "srv.crt", certPEM),
		peertest.WriteFile(t, dir, "srv.key", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kd})),
		peertest.WriteFile(t, dir, "ca.pem", certPEM)
}

// TestHtmsigParsePanics records FINDINGS.md F9: htmsig v1.0.0's input.Parse
// panics on a parameter of the wrong type, which a client controls. When
// this test fails, htmsig returns an error instead and the peer's
// checkParamTypes and recover may go.
func TestHtmsigParsePanics(t *testing.T) {
	for _, si := range []string{`sig1=("@method");created="1"`, `sig1=("@method");nonce=1`} {
		panicked := func() (p bool) {
			defer func() { p = recover() != nil }()
			_, _ = input.Parse([]byte(si))
			return false
		}()
		if !panicked {
			t.Errorf("input.Parse(%s) no longer panics", si)
		}
	}
}
