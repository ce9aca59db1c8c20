package tlspeer_test

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/interop/peers/internal/peercli"
	"github.com/wimse-wg/wimse/interop/peers/internal/peertest"
	"github.com/wimse-wg/wimse/interop/peers/tlspeer"
	"github.com/wimse-wg/wimse/interop/server"
	"github.com/wimse-wg/wimse/profiles/mtls"
	"github.com/wimse-wg/wimse/profiles/mtls/mtlstest"
	"github.com/wimse-wg/wimse/wimse"
)

const (
	serverID  = "spiffe://example.org/server"
	clientID  = "spiffe://example.org/client"
	foreignID = "spiffe://other.org/client"
)

// files is one workload's PEM files: chain, key and the bundle it trusts.
type files struct{ cert, key, ca string }

type fixture struct {
	ca, other             *mtlstest.CA
	server, client, alien *mtlstest.Leaf
	dir                   string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	// go-spiffe verifies at the wall clock: certificates are issued
	// around it.
	now := time.Now()
	ca, err := mtlstest.NewCA(wimse.MustParseTrustDomain("example.org"), now, mtlstest.WithSeed(t.Name()))
	if err != nil {
		t.Fatal(err)
	}
	other, err := mtlstest.NewCA(wimse.MustParseTrustDomain("other.org"), now, mtlstest.WithSeed(t.Name()+"other"))
	if err != nil {
		t.Fatal(err)
	}
	leaf := func(ca *mtlstest.CA, id string) *mtlstest.Leaf {
		l, err := mtlstest.NewLeaf(ca, mtlstest.LeafSpec{URIs: []string{id}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	return &fixture{ca: ca, other: other, server: leaf(ca, serverID), client: leaf(ca, clientID), alien: leaf(other, foreignID), dir: t.TempDir()}
}

func pemOf(typ string, ders ...[]byte) []byte {
	var b bytes.Buffer
	for _, d := range ders {
		_ = pem.Encode(&b, &pem.Block{Type: typ, Bytes: d})
	}
	return b.Bytes()
}

// write writes a leaf's chain and key and the bundle of ca.
func (f *fixture) write(t *testing.T, name string, l *mtlstest.Leaf, ca *mtlstest.CA) files {
	t.Helper()
	var chain [][]byte
	for _, c := range l.Chain {
		chain = append(chain, c.Raw)
	}
	key, err := x509.MarshalPKCS8PrivateKey(l.Key)
	if err != nil {
		t.Fatal(err)
	}
	return files{
		cert: peertest.WriteFile(t, f.dir, name+".crt", pemOf("CERTIFICATE", chain...)),
		key:  peertest.WriteFile(t, f.dir, name+".key", pemOf("PRIVATE KEY", key)),
		ca:   peertest.WriteFile(t, f.dir, name+"-bundle.pem", pemOf("CERTIFICATE", ca.Root.Raw)),
	}
}

// peerServer serves the tlspeer handler with the server SVID.
func (f *fixture) peerServer(t *testing.T) string {
	t.Helper()
	fl := f.write(t, "peer-server", f.server, f.ca)
	cfg, err := tlspeer.Load(fl.cert, fl.key, fl.ca, "", "")
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: tlspeer.Handler(nil), ErrorLog: log.New(io.Discard, "", 0)}
	go func() { _ = srv.Serve(tls.NewListener(ln, cfg.ServerTLS())) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "https://" + ln.Addr().String()
}

// referenceServer starts interop/server with the mtls profile only.
func (f *fixture) referenceServer(t *testing.T) string {
	t.Helper()
	trust := mtlstest.TrustStore(f.ca)
	run, err := server.StartLoopbackTLS(func(base string) (server.Config, error) {
		return server.Config{Trust: trust, Audience: base, Profiles: []string{server.ProfileMTLS}}, nil
	}, f.server.TLSCertificate(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = run.Close() })
	return run.URL
}

func (f *fixture) peerClient(t *testing.T, l *mtlstest.Leaf, ca *mtlstest.CA, td, peerID string) *http.Client {
	t.Helper()
	fl := f.write(t, "peer-client", l, ca)
	cfg, err := tlspeer.Load(fl.cert, fl.key, fl.ca, td, peerID)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: cfg.ClientTLS()}}
}

func (f *fixture) ourClient(l *mtlstest.Leaf, expect string) *http.Client {
	var cert tls.Certificate
	if l != nil {
		cert = l.TLSCertificate()
	}
	cfg := mtls.ClientConfig(mtlstest.TrustStore(f.ca, f.other), cert, mtls.ServerIdentity{ID: wimse.MustParseID(expect)})
	return &http.Client{Transport: &http.Transport{TLSClientConfig: cfg}}
}

func get(c *http.Client, url string) (int, string, error) {
	resp, err := c.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), nil
}

func TestPeerClientAgainstReferenceServer(t *testing.T) {
	f := newFixture(t)
	url := f.referenceServer(t) + "/hello"
	t.Run("member", func(t *testing.T) {
		code, body, err := get(f.peerClient(t, f.client, f.ca, "", serverID), url)
		if err != nil || code != http.StatusOK || !strings.Contains(body, clientID) {
			t.Fatalf("got %d %s %v, want 200 naming %s", code, body, err, clientID)
		}
	})
	t.Run("foreign-trust-domain-client", func(t *testing.T) {
		// The client trusts example.org's bundle for the server; its own
		// certificate is other.org's, which the reference server does not trust.
		fl := f.write(t, "alien", f.alien, f.ca)
		cfg, err := tlspeer.Load(fl.cert, fl.key, fl.ca, "example.org", serverID)
		if err != nil {
			t.Fatal(err)
		}
		if code, _, err := get(&http.Client{Transport: &http.Transport{TLSClientConfig: cfg.ClientTLS()}}, url); err == nil {
			t.Fatalf("got %d, want a refused handshake", code)
		}
	})
	t.Run("unexpected-server-id", func(t *testing.T) {
		if code, _, err := get(f.peerClient(t, f.client, f.ca, "", "spiffe://example.org/someone-else"), url); err == nil {
			t.Fatalf("got %d, want the client to refuse the server", code)
		}
	})
}

func TestReferenceClientAgainstPeerServer(t *testing.T) {
	f := newFixture(t)
	base := f.peerServer(t)
	t.Run("member", func(t *testing.T) {
		code, body, err := get(f.ourClient(f.client, serverID), base+"/hello")
		var a tlspeer.Answer
		if err != nil || code != http.StatusOK || json.Unmarshal([]byte(body), &a) != nil || a.Peer != clientID {
			t.Fatalf("got %d %s %v, want 200 naming %s", code, body, err, clientID)
		}
	})
	t.Run("foreign-trust-domain-client", func(t *testing.T) {
		if code, _, err := get(f.ourClient(f.alien, serverID), base+"/hello"); err == nil {
			t.Fatalf("got %d, want a refused handshake", code)
		}
	})
	t.Run("unexpected-server-id", func(t *testing.T) {
		_, _, err := get(f.ourClient(f.client, "spiffe://example.org/someone-else"), base+"/hello")
		var we *wimse.Error
		if !errors.As(err, &we) || we.Reason != wimse.ReasonMTLSPeerIdentity {
			t.Fatalf("got %v, want %s", err, wimse.ReasonMTLSPeerIdentity)
		}
	})
	t.Run("no-client-certificate", func(t *testing.T) {
		if code, _, err := get(f.ourClient(nil, serverID), base+"/hello"); err != nil || code != http.StatusUnauthorized {
			t.Fatalf("got %d %v, want 401", code, err)
		}
		if code, _, err := get(f.ourClient(nil, serverID), base+"/healthz"); err != nil || code != http.StatusOK {
			t.Fatalf("healthz: got %d %v, want 200", code, err)
		}
	})
}

// TestForeignRootForOwnTrustDomain: a certificate naming example.org but
// issued by other.org's CA is refused by both servers (issue #335).
func TestForeignRootForOwnTrustDomain(t *testing.T) {
	f := newFixture(t)
	now := time.Now()
	forged, err := mtlstest.NewLeaf(f.other, mtlstest.LeafSpec{URIs: []string{"spiffe://example.org/forged"}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	for name, base := range map[string]string{"tlspeer": f.peerServer(t), "reference": f.referenceServer(t)} {
		t.Run(name, func(t *testing.T) {
			if code, _, err := get(f.ourClient(forged, serverID), base+"/hello"); err == nil {
				t.Fatalf("got %d, want a refused handshake", code)
			}
		})
	}
}

func TestCommandLine(t *testing.T) {
	f := newFixture(t)
	url := f.referenceServer(t) + "/hello"
	fl := f.write(t, "cli", f.client, f.ca)
	run := func(args ...string) (int, string) {
		var out, errb bytes.Buffer
		code := peercli.Run(t.Context(), tlspeer.Command(), args, &out, &errb)
		return code, out.String() + errb.String()
	}
	if code, out := run("call", "--url", url, "--cert", fl.cert, "--key", fl.key, "--ca", fl.ca, "--peer-id", serverID, "--body", "{}"); code != 0 || !strings.Contains(out, clientID) {
		t.Fatalf("call: exit %d, output %q", code, out)
	}
	if code, out := run("call", "--url", url, "--cert", fl.cert, "--key", fl.key, "--ca", fl.ca, "--peer-id", "spiffe://example.org/nope"); code != 1 {
		t.Fatalf("call wrong server: exit %d, output %q", code, out)
	}
	if code, _ := run("call", "--url", url, "--cert", fl.cert, "--key", fl.key); code != 2 {
		t.Fatalf("call without --ca: exit %d, want 2", code)
	}

	// serve, called by its own client and by ours; a foreign client is
	// refused in the handshake and the refusal is logged.
	sf := f.write(t, "cli-server", f.server, f.ca)
	srv := peertest.Serve(t, tlspeer.Command(), "127.0.0.1:0", "--tls-cert", sf.cert, "--tls-key", sf.key, "--ca", sf.ca)
	base := "https://" + srv.Addr
	if code, out := run("call", "--url", base+"/hello", "--cert", fl.cert, "--key", fl.key, "--ca", fl.ca, "--peer-id", serverID); code != 0 || !strings.Contains(out, `"server":"tlspeer"`) {
		t.Fatalf("call tlspeer serve: exit %d, output %q", code, out)
	}
	if code, body, err := get(f.ourClient(f.client, serverID), base+"/hello"); err != nil || code != http.StatusOK {
		t.Fatalf("our client: got %d %s %v", code, body, err)
	}
	if _, _, err := get(f.ourClient(f.alien, serverID), base+"/hello"); err == nil {
		t.Fatal("foreign client accepted")
	}
	if code, _, err := get(f.ourClient(nil, serverID), base+"/healthz"); err != nil || code != http.StatusOK {
		t.Fatalf("healthz: got %d %v", code, err)
	}
	if code := srv.Stop(); code != 0 {
		t.Fatalf("serve exit %d after stop", code)
	}
	if log := srv.Log.String(); strings.Count(log, "GET /hello 200 peer="+clientID) != 2 || !strings.Contains(log, "TLS handshake error") {
		t.Fatalf("serve log:\n%s", log)
	}
}
