//go:build unix

package spire_test

import (
	"context"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/spiffe/go-spiffe/v2/bundle/jwtbundle"
	"github.com/spiffe/go-spiffe/v2/bundle/x509bundle"
	"github.com/spiffe/go-spiffe/v2/federation"
	"github.com/spiffe/go-spiffe/v2/spiffeid"
	"github.com/spiffe/go-spiffe/v2/svid/jwtsvid"
	"github.com/spiffe/go-spiffe/v2/svid/x509svid"
	"github.com/spiffe/go-spiffe/v2/workloadapi"

	"github.com/wimse-wg/wimse/interop/spire"
	"github.com/wimse-wg/wimse/profiles/mtls"
	"github.com/wimse-wg/wimse/profiles/mtls/mtlstest"
	"github.com/wimse-wg/wimse/tokens/jwtgrant"
	"github.com/wimse-wg/wimse/wimse"
)

// The audiences JWT-SVIDs are fetched for: the authorization server the
// SPIFFEVerifier plays, and one it is not.
const (
	issuer    = "https://sts.example.org"
	otherAud  = "https://elsewhere.example.org"
	otherTD   = "other.example"
	readiness = 90 * time.Second
)

// workload is one workload's identity as the Workload API gave it to the
// workload itself.
type workload struct {
	ID    spiffeid.ID
	Cert  tls.Certificate
	Chain []*x509.Certificate
	// Roots are the X.509 authorities of the workload's trust domain from
	// its Workload API bundle.
	Roots []*x509.Certificate
	// JWT maps an audience to a JWT-SVID (workload B only).
	JWT map[string]string
}

func (w *workload) wimseID() wimse.ID { return wimse.MustParseID(w.ID.String()) }

// store is the workload's trust store: its own trust domain, anchored in
// the bundle its Workload API serves.
func (w *workload) store() *wimse.TrustStore {
	s := wimse.NewTrustStore()
	s.Set(wimse.MustParseTrustDomain(w.ID.TrustDomain().Name()), wimse.Anchors{X509Roots: w.Roots})
	return s
}

func fromX509Context(x *workloadapi.X509Context) (*workload, error) {
	svid := x.DefaultSVID()
	b, err := x.Bundles.GetX509BundleForTrustDomain(svid.ID.TrustDomain())
	if err != nil {
		return nil, err
	}
	w := &workload{ID: svid.ID, Chain: svid.Certificates, Roots: b.X509Authorities()}
	w.Cert = tls.Certificate{PrivateKey: svid.PrivateKey, Leaf: svid.Certificates[0]}
	for _, c := range svid.Certificates {
		w.Cert.Certificate = append(w.Cert.Certificate, c.Raw)
	}
	return w, nil
}

// TestSPIRE runs a real SPIRE server and agent (tools/spire) on loopback
// with two registered workloads, A (this test process) and B (a copy of
// the test binary run as a child process), and checks our mTLS profile,
// our JWT-SVID verifier and our SPIFFE bundle loader against what SPIRE
// issues. See doc.go.
func TestSPIRE(t *testing.T) {
	bin := spire.Require(t)
	self, copied := copyExecutable(t, t.TempDir())
	td := spiffeid.RequireTrustDomainFromString("example.org")
	idA := spiffeid.RequireFromPath(td, "/workload/a")
	idB := spiffeid.RequireFromPath(td, "/workload/b")
	uid := fmt.Sprintf("unix:uid:%d", os.Getuid())

	h := spire.Start(t, spire.Config{
		Bin:         bin,
		TrustDomain: td,
		Entries: []spire.Entry{
			{ID: idA, Selectors: []string{uid, "unix:path:" + self}},
			{ID: idB, Selectors: []string{uid, "unix:path:" + copied}},
		},
		Timeout: readiness,
	})
	t.Logf("spire-server healthy after %v; join token and 2 entries registered in %v; spire-agent healthy after %v",
		h.Timings.ServerHealthy.Round(time.Millisecond), h.Timings.Entries.Round(time.Millisecond),
		h.Timings.AgentHealthy.Round(time.Millisecond))

	ctx, cancel := context.WithTimeout(context.Background(), readiness)
	defer cancel()
	client, err := workloadapi.New(ctx, workloadapi.WithAddr(h.WorkloadAPIAddr))
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	t0 := time.Now()
	x, err := spire.FirstX509Context(ctx, client)
	if err != nil {
		t.Fatalf("%v\n%s", err, h.Logs())
	}
	t.Logf("workload A: first X.509-SVID %s %v after the agent was healthy", x.DefaultSVID().ID, time.Since(t0).Round(time.Millisecond))
	a, err := fromX509Context(x)
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != idA {
		t.Fatalf("workload A got %s, want %s", a.ID, idA)
	}

	t0 = time.Now()
	b := fetchWorkloadB(ctx, t, copied, h.WorkloadAPIAddr, issuer)
	t.Logf("workload B: X.509-SVID %s and a JWT-SVID fetched by a child process in %v", b.ID, time.Since(t0).Round(time.Millisecond))
	if b.ID != idB {
		t.Fatalf("workload B got %s, want %s", b.ID, idB)
	}

	// Workload B as a process of its own, for the mTLS calls.
	remote := &remoteB{path: copied, addr: h.WorkloadAPIAddr}
	t.Run("mtls/a-client-b-server", func(t *testing.T) { aCallsB(ctx, t, a, b, remote) })
	t.Run("mtls/b-client-a-server", func(t *testing.T) { bCallsA(ctx, t, a, b, remote) })
	t.Run("mtls/other-trust-domain", func(t *testing.T) { otherTrustDomain(ctx, t, a, b, remote) })
	t.Run("jwtsvid", func(t *testing.T) { jwtSVIDs(ctx, t, client, b) })
	t.Run("bundle-endpoint", func(t *testing.T) { bundleEndpoint(ctx, t, h, a, b) })
	t.Run("sts/jwt-spiffe", func(t *testing.T) { stsJWTSPIFFE(ctx, t, h, client, a, remote) })
}

// echoPeer answers with the client's verified identifier.
var echoPeer = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	p, _ := mtls.PeerFromContext(r.Context())
	io.WriteString(w, p.ID.String())
})

// serve starts an HTTPS server in the test process with our server half of
// the mTLS profile (ServerConfig and Middleware) presenting cert and
// answering with the client's verified identifier. Rejections are recorded
// in the returned reasons.
func serve(t *testing.T, store *wimse.TrustStore, cert tls.Certificate) (*httptest.Server, *reasons) {
	t.Helper()
	rec := &reasons{}
	opts := []mtls.Option{mtls.WithLogger(slog.New(rec))}
	srv := httptest.NewUnstartedServer(mtls.Middleware(store, opts...)(echoPeer))
	srv.TLS = mtls.ServerConfig(store, cert, opts...)
	srv.Config.ErrorLog = slog.NewLogLogger(slog.DiscardHandler, slog.LevelError)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, rec
}

// call GETs srv with our client half of the mTLS profile, presenting cert
// (none when empty) and expecting the server to be expect.
func call(store *wimse.TrustStore, cert tls.Certificate, expect wimse.ID, url string) (string, error) {
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: mtls.ClientConfig(store, cert, mtls.ServerIdentity{ID: expect})}}
	defer c.CloseIdleConnections()
	resp, err := c.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("status %d: %s", resp.StatusCode, body)
	}
	return string(body), nil
}

// remoteB runs workload B's serve and call modes.
type remoteB struct{ path, addr string }

// aCallsB: workload A (this process, its SVID and Workload API bundle)
// calls workload B's server (B's process, its own SVID and bundle).
func aCallsB(ctx context.Context, t *testing.T, a, b *workload, remote *remoteB) {
	srv := serveWorkloadB(ctx, t, remote.path, remote.addr)
	got, err := call(a.store(), a.Cert, b.wimseID(), srv.URL)
	rejected := srv.rejections(t)
	if err != nil {
		t.Fatalf("A -> B: %v (B's server rejected: %v)", err, rejected)
	}
	if got != a.ID.String() || len(rejected) != 0 {
		t.Errorf("B's server saw client %q, rejections %v; want %q, none", got, rejected, a.ID)
	}
	checkVerifyPeer(t, b.store(), a, b)
}

// bCallsA: workload B's process calls workload A's server.
func bCallsA(ctx context.Context, t *testing.T, a, b *workload, remote *remoteB) {
	srv, rec := serve(t, a.store(), a.Cert)
	r := callWorkloadB(ctx, t, remote.path, remote.addr, srv.URL, a.ID)
	if r.Error != "" {
		t.Fatalf("B -> A: %s (reason %q; A's server rejected: %v)", r.Error, r.Reason, rec.list())
	}
	if r.Body != b.ID.String() || len(rec.list()) != 0 {
		t.Errorf("A's server saw client %q, rejections %v; want %q, none", r.Body, rec.list(), b.ID)
	}
	checkVerifyPeer(t, a.store(), b, a)
}

// checkVerifyPeer: the verification core agrees with the handshake on
// both chains, in their roles.
func checkVerifyPeer(t *testing.T, store *wimse.TrustStore, client, server *workload) {
	t.Helper()
	for _, c := range []struct {
		w    *workload
		role mtls.Role
	}{{client, mtls.Client}, {server, mtls.Server}} {
		id, err := mtls.VerifyPeer(c.w.Chain, store, c.role, time.Now())
		if err != nil || id != c.w.wimseID() {
			t.Errorf("VerifyPeer(%s, %v) = %v, %v", c.w.ID, c.role, id, err)
		}
	}
}

// otherTrustDomain: certificates from a CA of another trust domain are
// refused by both halves, whether they name that trust domain or claim
// SPIRE's.
func otherTrustDomain(ctx context.Context, t *testing.T, a, b *workload, remote *remoteB) {
	now := time.Now()
	ca, err := mtlstest.NewCA(wimse.MustParseTrustDomain(otherTD), now.Add(-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	leaf := func(uri string) *mtlstest.Leaf {
		l, err := mtlstest.NewLeaf(ca, mtlstest.LeafSpec{URIs: []string{uri}, NotBefore: now.Add(-time.Minute), NotAfter: now.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	foreign := leaf("spiffe://" + otherTD + "/workload/x")
	forged := leaf(a.ID.String()) // claims SPIRE's trust domain, issued by the other CA

	for _, c := range []struct {
		name string
		leaf *mtlstest.Leaf
		want wimse.Reason
	}{
		{"foreign", foreign, wimse.ReasonMTLSTrustDomain},
		{"forged", forged, wimse.ReasonMTLSChain},
	} {
		t.Run(c.name+"/client", func(t *testing.T) {
			// The foreign client trusts SPIRE's bundle for B: only B's
			// verdict on the client is under test.
			srv := serveWorkloadB(ctx, t, remote.path, remote.addr)
			_, err := call(b.store(), c.leaf.TLSCertificate(), b.wimseID(), srv.URL)
			got := srv.rejections(t)
			if err == nil {
				t.Fatal("B's server accepted the client certificate")
			}
			if !slices.Equal(got, []wimse.Reason{c.want}) {
				t.Errorf("B's server rejections %v, want [%s]", got, c.want)
			}
		})
		t.Run(c.name+"/server", func(t *testing.T) {
			srv, _ := serve(t, a.store(), c.leaf.TLSCertificate())
			expect := wimse.MustParseID(c.leaf.Cert.URIs[0].String())
			_, err := call(a.store(), a.Cert, expect, srv.URL)
			if got := wimse.ReasonOf(err); got != c.want {
				t.Errorf("client: reason %q (%v), want %s", got, err, c.want)
			}
		})
	}
}

// jwtSVIDs: SPIRE's JWT-SVIDs verify with our SPIFFEVerifier against the
// JWT bundle from the Workload API; one for another audience does not.
func jwtSVIDs(ctx context.Context, t *testing.T, client *workloadapi.Client, b *workload) {
	bundles, err := client.FetchJWTBundles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	v := &jwtgrant.SPIFFEVerifier{Issuer: issuer, Bundles: bundles}

	mine, err := client.FetchJWTSVID(ctx, jwtsvid.Params{Audience: issuer})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, token string
		want        spiffeid.ID
	}{
		{"workload-a", mine.Marshal(), mine.ID},
		{"workload-b", b.JWT[issuer], b.ID},
	} {
		as, err := v.Verify(c.token, c.want.String())
		if err != nil {
			t.Errorf("%s: Verify: %v", c.name, err)
			continue
		}
		if as.SPIFFEID != c.want {
			t.Errorf("%s: SPIFFE ID %s, want %s", c.name, as.SPIFFEID, c.want)
		}
		// SPIRE leaves iss out unless jwt_issuer is configured (see
		// sts/jwt-spiffe/subject-jwt-svid).
		t.Logf("%s: SPIRE JWT-SVID sub %s, iss %q", c.name, as.SPIFFEID, as.Issuer)
		// go-spiffe agrees.
		if _, err := jwtsvid.ParseAndValidate(c.token, bundles, []string{issuer}); err != nil {
			t.Errorf("%s: jwtsvid.ParseAndValidate: %v", c.name, err)
		}
	}

	wrong, err := client.FetchJWTSVID(ctx, jwtsvid.Params{Audience: otherAud})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(wrong.Marshal(), ""); wimse.ReasonOf(err) != wimse.ReasonJWTGrantAudMismatch {
		t.Errorf("JWT-SVID for %s: %v, want reason %s", otherAud, err, wimse.ReasonJWTGrantAudMismatch)
	}
	if _, err := v.Verify(b.JWT[issuer], mine.ID.String()); wimse.ReasonOf(err) != wimse.ReasonJWTGrantClientIDMismatch {
		t.Errorf("B's JWT-SVID with A's client_id: %v, want reason %s", err, wimse.ReasonJWTGrantClientIDMismatch)
	}
}

// bundleEndpoint: the trust bundle served by SPIRE's federation bundle
// endpoint (https_spiffe: authenticated by the server's own X.509-SVID,
// checked with our client half against the Workload API bundle) parses with
// wimse.ParseSPIFFEBundle into a trust store that verifies SPIRE's
// X.509-SVIDs, and its JWT authorities verify SPIRE's JWT-SVIDs.
func bundleEndpoint(ctx context.Context, t *testing.T, h *spire.Harness, a, b *workload) {
	doc, err := call(a.store(), tls.Certificate{}, wimse.MustParseID(h.ServerID.String()), h.BundleEndpointURL)
	if err != nil {
		t.Fatalf("GET %s: %v", h.BundleEndpointURL, err)
	}
	td := wimse.MustParseTrustDomain(h.TrustDomain.Name())
	anchors, err := wimse.ParseSPIFFEBundle(td, []byte(doc))
	if err != nil {
		t.Fatalf("ParseSPIFFEBundle: %v\n%s", err, doc)
	}
	if !slices.EqualFunc(anchors.X509Roots, a.Roots, (*x509.Certificate).Equal) {
		t.Errorf("bundle endpoint X.509 roots differ from the Workload API's (%d vs %d)", len(anchors.X509Roots), len(a.Roots))
	}
	// go-spiffe's federation client reads the same bundle.
	gb, err := federation.FetchBundle(ctx, h.TrustDomain, h.BundleEndpointURL,
		federation.WithSPIFFEAuth(x509bundle.FromX509Authorities(h.TrustDomain, a.Roots), h.ServerID))
	if err != nil {
		t.Fatalf("federation.FetchBundle: %v", err)
	}
	if !slices.EqualFunc(anchors.X509Roots, gb.X509Authorities(), (*x509.Certificate).Equal) || len(anchors.Keys) != len(gb.JWTAuthorities()) {
		t.Errorf("ParseSPIFFEBundle: %d X.509 roots, %d keys; go-spiffe: %d, %d",
			len(anchors.X509Roots), len(anchors.Keys), len(gb.X509Authorities()), len(gb.JWTAuthorities()))
	}
	store := wimse.NewTrustStore()
	store.Set(td, anchors)
	for _, w := range []*workload{a, b} {
		for _, role := range []mtls.Role{mtls.Client, mtls.Server} {
			id, err := mtls.VerifyPeer(w.Chain, store, role, time.Now())
			if err != nil || id != w.wimseID() {
				t.Errorf("VerifyPeer(%s, %v) with the bundle endpoint's trust: %v, %v", w.ID, role, id, err)
			}
		}
		// And go-spiffe, fed from our trust store.
		if _, _, err := x509svid.Verify(w.Chain, mtls.X509BundleSource(store)); err != nil {
			t.Errorf("x509svid.Verify(%s) with our trust store: %v", w.ID, err)
		}
	}

	if len(anchors.Keys) == 0 {
		t.Fatal("the bundle endpoint's bundle has no JWT authority")
	}
	keys := map[string]crypto.PublicKey{}
	for _, k := range anchors.Keys {
		keys[k.KeyID] = k.Public
	}
	v := &jwtgrant.SPIFFEVerifier{Issuer: issuer, Bundles: jwtbundle.FromJWTAuthorities(h.TrustDomain, keys)}
	if as, err := v.Verify(b.JWT[issuer], ""); err != nil || as.SPIFFEID != b.ID {
		t.Errorf("B's JWT-SVID with the bundle endpoint's JWT authorities: %v", err)
	}
}

// reasons is a slog.Handler that records the reason attribute of every
// record: the mtls rejections a server logged.
type reasons struct {
	mu  sync.Mutex
	got []wimse.Reason
}

func (r *reasons) Enabled(context.Context, slog.Level) bool { return true }
func (r *reasons) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *reasons) WithGroup(string) slog.Handler            { return r }
func (r *reasons) Handle(_ context.Context, rec slog.Record) error {
	rec.Attrs(func(a slog.Attr) bool {
		if a.Key == "reason" {
			r.mu.Lock()
			r.got = append(r.got, wimse.Reason(a.Value.String()))
			r.mu.Unlock()
		}
		return true
	})
	return nil
}

func (r *reasons) list() []wimse.Reason {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}
