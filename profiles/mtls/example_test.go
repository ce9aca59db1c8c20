package mtls_test

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/wimse-wg/wimse/profiles/mtls"
	"github.com/wimse-wg/wimse/profiles/mtls/mtlstest"
	"github.com/wimse-wg/wimse/wimse"
)

func ExampleVerifyPeer() {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	td := wimse.MustParseTrustDomain("example.org")
	ca, _ := mtlstest.NewCA(td, now.Add(-time.Hour))
	store := wimse.NewTrustStore()
	store.Set(td, wimse.Anchors{X509Roots: []*x509.Certificate{ca.Root}})

	client, _ := mtlstest.NewLeaf(ca, mtlstest.LeafSpec{
		URIs:      []string{"spiffe://example.org/ns/default/sa/app"},
		NotBefore: now.Add(-time.Minute), NotAfter: now.Add(time.Hour),
	})
	id, err := mtls.VerifyPeer(client.Chain, store, mtls.Client, now)
	fmt.Println(id, err)

	_, err = mtls.VerifyPeer(client.Chain, store, mtls.Client, now.Add(2*time.Hour))
	fmt.Println(wimse.ReasonOf(err))
	// Output:
	// spiffe://example.org/ns/default/sa/app <nil>
	// mtls.expired
}

// exampleLeaf is a certificate ca issued for the identifier uri, valid
// for an hour from now.
func exampleLeaf(ca *mtlstest.CA, uri string, now time.Time) tls.Certificate {
	leaf, _ := mtlstest.NewLeaf(ca, mtlstest.LeafSpec{
		URIs: []string{uri}, NotBefore: now.Add(-time.Minute), NotAfter: now.Add(time.Hour),
	})
	return leaf.TLSCertificate()
}

// The server half: ServerConfig requires and verifies a client's Workload
// Identity Certificate in the handshake; Middleware puts the peer in the
// request context. The client here is any TLS client with a certificate.
func ExampleServerConfig() {
	now := time.Now()
	td := wimse.MustParseTrustDomain("example.org")
	ca, _ := mtlstest.NewCA(td, now.Add(-time.Hour))
	store := mtlstest.TrustStore(ca)

	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := mtls.PeerFromContext(r.Context())
		fmt.Fprintf(w, "hello %s", p.ID)
	})
	srv := httptest.NewUnstartedServer(mtls.Middleware(store)(app))
	srv.TLS = mtls.ServerConfig(store, exampleLeaf(ca, "spiffe://example.org/svc/server", now))
	srv.StartTLS()
	defer srv.Close()

	// A client that presents its certificate and checks the server's own
	// (here with ClientConfig; see its example).
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: mtls.ClientConfig(store,
		exampleLeaf(ca, "spiffe://example.org/svc/client", now),
		mtls.ServerIdentity{ID: wimse.MustParseID("spiffe://example.org/svc/server")})}}
	resp, err := c.Get(srv.URL + "/orders")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(b))
	// Output: 200 hello spiffe://example.org/svc/client
}

// The client half: ClientConfig authenticates the server by the Workload
// Identifier it expects, never by the trust domain alone, and presents the
// client's own certificate.
func ExampleClientConfig() {
	now := time.Now()
	td := wimse.MustParseTrustDomain("example.org")
	ca, _ := mtlstest.NewCA(td, now.Add(-time.Hour))
	store := mtlstest.TrustStore(ca)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, "hello")
	}))
	srv.TLS = mtls.ServerConfig(store, exampleLeaf(ca, "spiffe://example.org/svc/server", now))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake
	srv.StartTLS()
	defer srv.Close()

	cert := exampleLeaf(ca, "spiffe://example.org/svc/client", now)
	for _, expect := range []string{"spiffe://example.org/svc/server", "spiffe://example.org/svc/billing"} {
		c := &http.Client{Transport: &http.Transport{TLSClientConfig: mtls.ClientConfig(store, cert,
			mtls.ServerIdentity{ID: wimse.MustParseID(expect)})}}
		resp, err := c.Get(srv.URL)
		if err != nil {
			fmt.Println(expect, "->", wimse.ReasonOf(err))
			continue
		}
		resp.Body.Close()
		fmt.Println(expect, "->", resp.StatusCode)
	}
	// Output:
	// spiffe://example.org/svc/server -> 200
	// spiffe://example.org/svc/billing -> mtls.peer_identity
}
