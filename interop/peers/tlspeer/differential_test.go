package tlspeer_test

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/spiffe/go-spiffe/v2/bundle/x509bundle"
	"github.com/spiffe/go-spiffe/v2/spiffeid"
	"github.com/spiffe/go-spiffe/v2/svid/x509svid"

	"github.com/wimse-wg/wimse/interop/peers/tlspeer"
	"github.com/wimse-wg/wimse/profiles/mtls/mtlstest"
)

// certCase is a client certificate variant; the tlspeer server and the
// reference server must answer as the case says.
type certCase struct {
	name   string
	spec   func(now time.Time) mtlstest.LeafSpec
	accept bool
	peer   *bool
	note   string
}

func certCases() []certCase {
	valid := func(now time.Time) mtlstest.LeafSpec {
		return mtlstest.LeafSpec{URIs: []string{clientID}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour)}
	}
	edit := func(f func(*mtlstest.LeafSpec)) func(time.Time) mtlstest.LeafSpec {
		return func(now time.Time) mtlstest.LeafSpec { s := valid(now); f(&s); return s }
	}
	return []certCase{
		{name: "valid", spec: valid, accept: true},
		{name: "no-eku", spec: edit(func(s *mtlstest.LeafSpec) { s.NoEKU = true }), accept: true},
		{name: "eku-client-only", spec: edit(func(s *mtlstest.LeafSpec) { s.EKU = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth} }), accept: true},
		{name: "eku-server-only", spec: edit(func(s *mtlstest.LeafSpec) { s.EKU = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth} }), accept: false},
		{name: "two-uri-sans", spec: edit(func(s *mtlstest.LeafSpec) { s.URIs = []string{clientID, "spiffe://example.org/second"} }), accept: false},
		{name: "no-uri-san", spec: edit(func(s *mtlstest.LeafSpec) { s.URIs = nil; s.DNSNames = []string{"client.example.org"} }), accept: false},
		{name: "uri-san-other-trust-domain", spec: edit(func(s *mtlstest.LeafSpec) { s.URIs = []string{"spiffe://other.org/client"} }), accept: false},
		{name: "uri-san-wimse-scheme", spec: edit(func(s *mtlstest.LeafSpec) { s.URIs = []string{"wimse://example.org/client"} }), accept: true,
			peer: new(bool), note: "go-spiffe accepts spiffe:// identifiers only (see FINDINGS.md F7)"},
		{name: "uri-san-uppercase-trust-domain", spec: edit(func(s *mtlstest.LeafSpec) { s.URIs = []string{"spiffe://Example.org/client"} }), accept: false},
		{name: "leaf-is-ca", spec: edit(func(s *mtlstest.LeafSpec) { s.IsCA = true }), accept: false},
		{name: "key-usage-without-digital-signature", spec: edit(func(s *mtlstest.LeafSpec) { s.KeyUsage = x509.KeyUsageKeyEncipherment }), accept: false},
		{name: "key-usage-cert-sign", spec: edit(func(s *mtlstest.LeafSpec) { s.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign }), accept: false},
		{name: "expired", spec: edit(func(s *mtlstest.LeafSpec) {
			s.NotBefore, s.NotAfter = s.NotBefore.Add(-3*time.Hour), s.NotBefore.Add(-time.Hour)
		}), accept: false},
		{name: "not-yet-valid", spec: edit(func(s *mtlstest.LeafSpec) { s.NotBefore, s.NotAfter = s.NotAfter, s.NotAfter.Add(time.Hour) }), accept: false},
	}
}

// TestDifferential presents each client certificate variant to both
// servers.
func TestDifferential(t *testing.T) {
	f := newFixture(t)
	servers := map[string]string{"tlspeer": f.peerServer(t), "reference": f.referenceServer(t)}
	now := time.Now()
	for i, tc := range certCases() {
		spec := tc.spec(now)
		spec.Seed = tc.name
		spec.Serial = int64(100 + i)
		leaf, err := mtlstest.NewLeaf(f.ca, spec)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"reference", "tlspeer"} {
			t.Run(tc.name+"/"+name, func(t *testing.T) {
				want := tc.accept
				if name == "tlspeer" && tc.peer != nil {
					want = *tc.peer
				}
				code, _, err := get(f.ourClientWithCert(leaf.TLSCertificate(), serverID), servers[name]+"/hello")
				if got := err == nil && code == http.StatusOK; got != want {
					t.Errorf("got %d %v (accepted=%v), want accepted=%v %s", code, err, got, want, tc.note)
				}
			})
		}
	}
}

func (f *fixture) ourClientWithCert(cert tls.Certificate, expect string) *http.Client {
	c := f.ourClient(nil, expect)
	c.Transport.(*http.Transport).TLSClientConfig.Certificates = []tls.Certificate{cert}
	return c
}

// TestGoSpiffeLeniency records why tlspeer checks usages itself: go-spiffe
// v2.9.0's x509svid.Verify accepts a client SVID whose EKU allows only
// serverAuth and one whose key usage lacks digitalSignature. When this
// test fails, go-spiffe got stricter and checkLeaf may go.
func TestGoSpiffeLeniency(t *testing.T) {
	f := newFixture(t)
	now := time.Now()
	bundle := x509bundle.FromX509Authorities(spiffeid.RequireTrustDomainFromString("example.org"), []*x509.Certificate{f.ca.Root})
	for name, edit := range map[string]func(*mtlstest.LeafSpec){
		"eku-server-only":                     func(s *mtlstest.LeafSpec) { s.EKU = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth} },
		"key-usage-without-digital-signature": func(s *mtlstest.LeafSpec) { s.KeyUsage = x509.KeyUsageKeyEncipherment },
	} {
		spec := mtlstest.LeafSpec{URIs: []string{clientID}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), Seed: name}
		edit(&spec)
		leaf, err := mtlstest.NewLeaf(f.ca, spec)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := x509svid.Verify(leaf.Chain, bundle); err != nil {
			t.Errorf("%s: go-spiffe now rejects it (%v): drop tlspeer's checkLeaf workaround and FINDINGS F6", name, err)
		}
	}
}

// TestDifferentialServerCertificate presents server certificate variants
// to both clients: the tlspeer client and our profiles/mtls client.
func TestDifferentialServerCertificate(t *testing.T) {
	f := newFixture(t)
	now := time.Now()
	cases := []struct {
		name   string
		edit   func(*mtlstest.LeafSpec)
		accept bool
	}{
		{"valid", func(*mtlstest.LeafSpec) {}, true},
		{"no-eku", func(s *mtlstest.LeafSpec) { s.NoEKU = true }, true},
		{"eku-client-only", func(s *mtlstest.LeafSpec) { s.EKU = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth} }, false},
		{"two-uri-sans", func(s *mtlstest.LeafSpec) { s.URIs = append(s.URIs, "spiffe://example.org/second") }, false},
		{"leaf-is-ca", func(s *mtlstest.LeafSpec) { s.IsCA = true }, false},
		{"key-usage-without-digital-signature", func(s *mtlstest.LeafSpec) { s.KeyUsage = x509.KeyUsageKeyEncipherment }, false},
		{"expired", func(s *mtlstest.LeafSpec) { s.NotBefore, s.NotAfter = now.Add(-3*time.Hour), now.Add(-time.Hour) }, false},
	}
	fl := f.write(t, "client", f.client, f.ca)
	peerCfg, err := tlspeer.Load(fl.cert, fl.key, fl.ca, "", serverID)
	if err != nil {
		t.Fatal(err)
	}
	for i, tc := range cases {
		spec := mtlstest.LeafSpec{URIs: []string{serverID}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), Seed: "server-" + tc.name, Serial: int64(200 + i)}
		tc.edit(&spec)
		leaf, err := mtlstest.NewLeaf(f.ca, spec)
		if err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		srv := &http.Server{Handler: tlspeer.Handler(nil), ErrorLog: log.New(io.Discard, "", 0)}
		go func() {
			_ = srv.Serve(tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{leaf.TLSCertificate()}, ClientAuth: tls.RequestClientCert}))
		}()
		t.Cleanup(func() { _ = srv.Close() })
		url := "https://" + ln.Addr().String() + "/hello"
		clients := map[string]*http.Client{
			"tlspeer":   {Transport: &http.Transport{TLSClientConfig: peerCfg.ClientTLS()}},
			"reference": f.ourClient(f.client, serverID),
		}
		for _, name := range []string{"reference", "tlspeer"} {
			t.Run(tc.name+"/"+name, func(t *testing.T) {
				code, _, err := get(clients[name], url)
				if got := err == nil && code == http.StatusOK; got != tc.accept {
					t.Errorf("got %d %v (accepted=%v), want accepted=%v", code, err, got, tc.accept)
				}
			})
		}
	}
}
