package mtls_test

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/wimse-wg/wimse/profiles/mtls"
	"github.com/wimse-wg/wimse/profiles/mtls/mtlstest"
	"github.com/wimse-wg/wimse/wimse"
)

// logSink collects slog JSON records; safe for concurrent use.
type logSink struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *logSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *logSink) logger() *slog.Logger { return slog.New(slog.NewJSONHandler(s, nil)) }

// reasons returns the reason attribute of every record that has one.
func (s *logSink) reasons(t testing.TB) []string {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(s.buf.String()), "\n") {
		if line == "" {
			continue
		}
		var rec struct {
			Reason string `json:"reason"`
		}
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if rec.Reason != "" {
			out = append(out, rec.Reason)
		}
	}
	return out
}

// echoPeer answers with the identifier of the peer Middleware stored.
var echoPeer = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	p, ok := mtls.PeerFromContext(r.Context())
	if !ok {
		http.Error(w, "no peer", http.StatusInternalServerError)
		return
	}
	_, _ = io.WriteString(w, p.ID.String())
})

// startServer runs echoPeer behind ServerConfig and Middleware on loopback.
func startServer(t *testing.T, store *wimse.TrustStore, cert *mtlstest.Leaf, opts ...mtls.Option) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(mtls.Middleware(store, opts...)(echoPeer))
	srv.TLS = mtls.ServerConfig(store, cert.TLSCertificate(), opts...)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func newClient(store *wimse.TrustStore, cert *mtlstest.Leaf, expect mtls.ServerIdentity, opts ...mtls.Option) *http.Client {
	var c tls.Certificate
	if cert != nil {
		c = cert.TLSCertificate()
	}
	return &http.Client{Transport: &http.Transport{
		TLSClientConfig:   mtls.ClientConfig(store, c, expect, opts...),
		DisableKeepAlives: true,
	}}
}

func get(c *http.Client, url string) (string, error) {
	resp, err := c.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

func serverLeaf(t testing.TB, ca *mtlstest.CA, id string) *mtlstest.Leaf {
	t.Helper()
	s := spec(id)
	s.DNSNames = []string{"server.example.org"}
	return issue(t, ca, s)
}

func TestEndToEnd(t *testing.T) {
	p := getPKI(t)
	server := serverLeaf(t, p.ca, serverID)
	client := issue(t, p.ca, spec(appID))
	expectServer := mtls.ServerIdentity{ID: wimse.MustParseID(serverID)}

	cases := []struct {
		name string
		// client side
		clientCert *mtlstest.Leaf
		expect     mtls.ServerIdentity
		// server side
		serverCert *mtlstest.Leaf
		serverOpts []mtls.Option
		// wantBody is the peer identifier on success. Otherwise the request
		// fails; wantClientReason is the reason of the client's error ("" when
		// the server rejected), wantServerReasons what the server logged.
		wantBody          string
		wantClientReason  wimse.Reason
		wantServerReasons []string
	}{
		{name: "success by identifier", clientCert: client, expect: expectServer, wantBody: appID},
		{name: "success by DNS name", clientCert: client,
			expect: mtls.ServerIdentity{DNSName: "server.example.org"}, wantBody: appID},
		{name: "success by identifier and DNS name", clientCert: client,
			expect: mtls.ServerIdentity{ID: wimse.MustParseID(serverID), DNSName: "server.example.org"}, wantBody: appID},
		{name: "server authorizer allows", clientCert: client, expect: expectServer, wantBody: appID,
			serverOpts: []mtls.Option{mtls.WithAuthorizer(mtls.AuthorizeID(wimse.MustParseID(appID)))}},
		{name: "client without certificate", expect: expectServer},
		{name: "client certificate from an untrusted trust domain", expect: expectServer,
			clientCert:        issue(t, p.untrusted, spec("spiffe://untrusted.org/app")),
			wantServerReasons: []string{string(wimse.ReasonMTLSTrustDomain)}},
		{name: "client certificate from another trust domain's CA (#335)", expect: expectServer,
			clientCert:        issue(t, p.other, spec(appID)),
			wantServerReasons: []string{string(wimse.ReasonMTLSChain)}},
		{name: "client certificate of an unexpected trust domain", expect: expectServer,
			clientCert:        issue(t, p.other, spec("spiffe://other.org/app")),
			serverOpts:        []mtls.Option{mtls.WithTrustDomains(tdExample)},
			wantServerReasons: []string{string(wimse.ReasonMTLSTrustDomain)}},
		{name: "server-only certificate used as client", expect: expectServer,
			clientCert: issue(t, p.ca, func() mtlstest.LeafSpec {
				s := spec(appID)
				s.EKU = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
				return s
			}()),
			wantServerReasons: []string{string(wimse.ReasonMTLSEKU)}},
		{name: "server authorizer denies", clientCert: client, expect: expectServer,
			serverOpts:        []mtls.Option{mtls.WithAuthorizer(mtls.AuthorizeID(wimse.MustParseID(serverID)))},
			wantServerReasons: []string{string(wimse.ReasonMTLSPeerIdentity)}},
		{name: "client rejects unexpected server identifier", clientCert: client,
			expect:           mtls.ServerIdentity{ID: wimse.MustParseID("spiffe://example.org/ns/default/sa/db")},
			wantClientReason: wimse.ReasonMTLSPeerIdentity},
		{name: "client rejects server of another trust domain", clientCert: client,
			expect:           mtls.ServerIdentity{ID: wimse.MustParseID("spiffe://other.org/ns/default/sa/server")},
			wantClientReason: wimse.ReasonMTLSTrustDomain},
		{name: "client rejects DNS-ID mismatch", clientCert: client,
			expect:           mtls.ServerIdentity{DNSName: "db.example.org"},
			wantClientReason: wimse.ReasonMTLSDNSID},
		{name: "client rejects server certificate chaining to another trust domain (#335)", clientCert: client,
			expect: mtls.ServerIdentity{DNSName: "server.example.org"}, serverCert: serverLeaf(t, p.other, serverID),
			wantClientReason: wimse.ReasonMTLSChain},
		{name: "client without expected server identity", clientCert: client,
			wantClientReason: wimse.ReasonMTLSPeerIdentity},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var serverLog, clientLog logSink
			cert := server
			if c.serverCert != nil {
				cert = c.serverCert
			}
			opts := append([]mtls.Option{mtls.WithNow(clock), mtls.WithLogger(serverLog.logger())}, c.serverOpts...)
			srv := startServer(t, p.store, cert, opts...)
			cl := newClient(p.store, c.clientCert, c.expect, mtls.WithNow(clock), mtls.WithLogger(clientLog.logger()))

			body, err := get(cl, srv.URL)
			if c.wantBody != "" {
				if err != nil {
					t.Fatalf("request failed: %v (server log %v)", err, serverLog.reasons(t))
				}
				if body != c.wantBody {
					t.Errorf("peer: got %q, want %q", body, c.wantBody)
				}
				return
			}
			if err == nil {
				t.Fatalf("request succeeded with %q, want a handshake failure", body)
			}
			if c.wantClientReason != "" {
				if got := wimse.ReasonOf(err); got != c.wantClientReason {
					t.Errorf("client reason: got %q, want %q (err: %v)", got, c.wantClientReason, err)
				}
				if diff := cmp.Diff([]string{string(c.wantClientReason)}, clientLog.reasons(t)); diff != "" {
					t.Errorf("client log (-want +got):\n%s", diff)
				}
			}
			if diff := cmp.Diff(c.wantServerReasons, serverLog.reasons(t)); diff != "" {
				t.Errorf("server log (-want +got):\n%s", diff)
			}
		})
	}
}

// TestResumptionReverified: crypto/tls calls VerifyConnection on resumed
// sessions too, so a resumed session is re-validated at the current time.
func TestResumptionReverified(t *testing.T) {
	p := getPKI(t)
	var offset atomic.Int64
	clk := func() time.Time { return now.Add(time.Duration(offset.Load())) }
	var serverLog logSink
	srv := startServer(t, p.store, serverLeaf(t, p.ca, serverID), mtls.WithNow(clk), mtls.WithLogger(serverLog.logger()))
	cfg := mtls.ClientConfig(p.store, issue(t, p.ca, spec(appID)).TLSCertificate(),
		mtls.ServerIdentity{ID: wimse.MustParseID(serverID)}, mtls.WithNow(clock))
	cfg.ClientSessionCache = tls.NewLRUClientSessionCache(4)
	cl := &http.Client{Transport: &http.Transport{TLSClientConfig: cfg, DisableKeepAlives: true}}

	for i, wantResume := range []bool{false, true} {
		resp, err := cl.Get(srv.URL)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.TLS.DidResume != wantResume {
			t.Fatalf("request %d: DidResume = %v, want %v", i, resp.TLS.DidResume, wantResume)
		}
	}
	offset.Store(int64(2 * time.Hour)) // the client certificate has expired
	if _, err := get(cl, srv.URL); err == nil {
		t.Fatal("resumed session with an expired client certificate was accepted")
	}
	if diff := cmp.Diff([]string{string(wimse.ReasonMTLSExpired)}, serverLog.reasons(t)); diff != "" {
		t.Errorf("server log (-want +got):\n%s", diff)
	}
}

func TestMiddleware(t *testing.T) {
	p := getPKI(t)
	good := issue(t, p.ca, spec(appID))
	expired := issue(t, p.ca, func() mtlstest.LeafSpec {
		s := spec(appID)
		s.NotAfter = now.Add(-time.Minute)
		return s
	}())
	cases := []struct {
		name       string
		tls        *tls.ConnectionState
		wantStatus int
		wantReason wimse.Reason
		wantBody   string
	}{
		{name: "plain HTTP", wantStatus: http.StatusBadRequest, wantReason: wimse.ReasonMTLSNoCertificate},
		{name: "TLS without client certificate", tls: &tls.ConnectionState{},
			wantStatus: http.StatusBadRequest, wantReason: wimse.ReasonMTLSNoCertificate},
		{name: "unverified expired certificate", tls: &tls.ConnectionState{PeerCertificates: expired.Chain},
			wantStatus: http.StatusBadRequest, wantReason: wimse.ReasonMTLSExpired},
		{name: "verified peer", tls: &tls.ConnectionState{PeerCertificates: good.Chain},
			wantStatus: http.StatusOK, wantBody: appID},
	}
	var sink logSink
	h := mtls.Middleware(p.store, mtls.WithNow(clock), mtls.WithLogger(sink.logger()))(echoPeer)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/x", nil)
			r.TLS = c.tls
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != c.wantStatus {
				t.Fatalf("status: got %d, want %d", w.Code, c.wantStatus)
			}
			if c.wantReason == "" {
				if got := w.Body.String(); got != c.wantBody {
					t.Errorf("body: got %q, want %q", got, c.wantBody)
				}
				return
			}
			if got, want := w.Header().Get("Content-Type"), "application/problem+json"; got != want {
				t.Errorf("content type: got %q, want %q", got, want)
			}
			var prob struct {
				Type   string `json:"type"`
				Status int    `json:"status"`
				Reason string `json:"reason"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &prob); err != nil {
				t.Fatal(err)
			}
			want := struct {
				Type   string `json:"type"`
				Status int    `json:"status"`
				Reason string `json:"reason"`
			}{mtls.ProblemTypeBase + string(c.wantReason), c.wantStatus, string(c.wantReason)}
			if diff := cmp.Diff(want, prob); diff != "" {
				t.Errorf("problem (-want +got):\n%s", diff)
			}
		})
	}
}

// TestMiddlewarePlainHTTPServer: a request over a plain HTTP listener gets
// the 400 problem, not the handler.
func TestMiddlewarePlainHTTPServer(t *testing.T) {
	p := getPKI(t)
	srv := httptest.NewServer(mtls.Middleware(p.store)(echoPeer))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var prob struct {
		Reason string `json:"reason"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&prob); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusBadRequest || prob.Reason != string(wimse.ReasonMTLSNoCertificate) {
		t.Errorf("got %d %q, want 400 %q", resp.StatusCode, prob.Reason, wimse.ReasonMTLSNoCertificate)
	}
}
