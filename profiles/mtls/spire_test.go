package mtls_test

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/spiffe/go-spiffe/v2/spiffeid"
	"github.com/spiffe/go-spiffe/v2/spiffetls/tlsconfig"
	"github.com/spiffe/go-spiffe/v2/svid/x509svid"
	"github.com/wimse-wg/wimse/profiles/mtls"
	"github.com/wimse-wg/wimse/profiles/mtls/mtlstest"
	"github.com/wimse-wg/wimse/wimse"
)

// TestSPIREShapedSVID: an X.509-SVID shaped like SPIRE's (URI SAN
// spiffe://example.org/ns/default/sa/app, EKU serverAuth+clientAuth, key
// usage digitalSignature|keyEncipherment|keyAgreement, under a CA with URI
// SAN spiffe://example.org and keyCertSign|cRLSign) passes VerifyPeer in
// both roles, and go-spiffe's own parser and verifier accept the same
// certificates with our trust store as bundle source.
func TestSPIREShapedSVID(t *testing.T) {
	p := getPKI(t)
	for _, issuer := range []*mtlstest.CA{p.ca, p.inter} {
		leaf := issue(t, issuer, spec(appID))

		// The shape.
		ca := p.ca.Cert
		if len(ca.URIs) != 1 || ca.URIs[0].String() != "spiffe://example.org" ||
			ca.KeyUsage&(x509.KeyUsageCertSign|x509.KeyUsageCRLSign) != x509.KeyUsageCertSign|x509.KeyUsageCRLSign || !ca.IsCA {
			t.Fatalf("CA is not SPIRE-shaped: URIs %v, key usage %v", ca.URIs, ca.KeyUsage)
		}
		l := leaf.Cert
		if l.KeyUsage != x509.KeyUsageDigitalSignature|x509.KeyUsageKeyEncipherment|x509.KeyUsageKeyAgreement ||
			len(l.ExtKeyUsage) != 2 || l.IsCA || !l.BasicConstraintsValid {
			t.Fatalf("leaf is not SPIRE-shaped: key usage %v, EKU %v", l.KeyUsage, l.ExtKeyUsage)
		}

		// Ours.
		for _, role := range []mtls.Role{mtls.Client, mtls.Server} {
			id, err := mtls.VerifyPeer(leaf.Chain, p.store, role, now)
			if err != nil || id.String() != appID {
				t.Errorf("VerifyPeer(%v): %v, %v", role, id, err)
			}
		}

		// go-spiffe's.
		src := mtls.X509BundleSource(p.store)
		id, chains, err := x509svid.Verify(leaf.Chain, src, x509svid.WithTime(now))
		if err != nil || id.String() != appID || len(chains) != 1 {
			t.Errorf("x509svid.Verify: %v, %d chains, %v", id, len(chains), err)
		}
		var raw [][]byte
		var concat []byte
		for _, c := range leaf.Chain {
			raw = append(raw, c.Raw)
			concat = append(concat, c.Raw...)
		}
		if id, _, err := x509svid.ParseAndVerify(raw, src, x509svid.WithTime(now)); err != nil || id.String() != appID {
			t.Errorf("x509svid.ParseAndVerify: %v, %v", id, err)
		}
		key, err := x509.MarshalPKCS8PrivateKey(leaf.Key)
		if err != nil {
			t.Fatal(err)
		}
		// ParseRaw applies X509-SVID's leaf and CA profile rules.
		if svid, err := x509svid.ParseRaw(concat, key); err != nil || svid.ID.String() != appID {
			t.Errorf("x509svid.ParseRaw: %v", err)
		}
	}
}

// TestGoSpiffeAgreement runs every VerifyPeer case with a spiffe://
// identifier through x509svid.Verify as well (without the options, which
// go-spiffe leaves to its authorizers). Whatever go-spiffe rejects we
// reject; whatever it accepts we accept, except where WIMSE checks more:
// the role's extended key usage and digitalSignature.
func TestGoSpiffeAgreement(t *testing.T) {
	p := getPKI(t)
	src := mtls.X509BundleSource(p.store)
	for _, c := range verifyCases() {
		if c.role == 0 || (len(c.uris) > 0 && strings.HasPrefix(c.uris[0], "wimse://")) {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			chain := c.build(t, p)
			_, _, spiffeErr := x509svid.Verify(chain, src, x509svid.WithTime(now))
			_, err := mtls.VerifyPeer(chain, p.store, c.role, now)
			switch r := wimse.ReasonOf(err); {
			case spiffeErr != nil && err == nil:
				t.Errorf("go-spiffe rejects (%v), VerifyPeer accepts", spiffeErr)
			case spiffeErr == nil && err != nil && r != wimse.ReasonMTLSEKU && r != wimse.ReasonMTLSKeyUsage:
				t.Errorf("go-spiffe accepts, VerifyPeer rejects with %q", r)
			}
		})
	}
}

// TestGoSpiffeInterop: our server with a go-spiffe client and a go-spiffe
// server with our client, over loopback, with SVIDs from mtlstest. go-spiffe
// verifies with the wall clock, so these certificates are made around it.
func TestGoSpiffeInterop(t *testing.T) {
	wall := time.Now()
	ca, err := mtlstest.NewCA(tdExample, wall.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	store := mtlstest.TrustStore(ca)
	mk := func(id string) (*mtlstest.Leaf, *x509svid.SVID) {
		l := issue(t, ca, mtlstest.LeafSpec{URIs: []string{id}, NotBefore: wall.Add(-time.Minute), NotAfter: wall.Add(time.Hour)})
		return l, &x509svid.SVID{ID: spiffeid.RequireFromString(id), Certificates: l.Chain, PrivateKey: l.Key}
	}
	serverL, serverSVID := mk(serverID)
	clientL, clientSVID := mk(appID)
	bundle := mtls.X509BundleSource(store)

	t.Run("go-spiffe client, our server", func(t *testing.T) {
		srv := httptest.NewUnstartedServer(mtls.Middleware(store)(echoPeer))
		srv.TLS = mtls.ServerConfig(store, serverL.TLSCertificate())
		srv.Config.ErrorLog = log.New(io.Discard, "", 0)
		srv.StartTLS()
		defer srv.Close()
		cfg := tlsconfig.MTLSClientConfig(clientSVID, bundle, tlsconfig.AuthorizeID(spiffeid.RequireFromString(serverID)))
		body, err := get(&http.Client{Transport: &http.Transport{TLSClientConfig: cfg}}, srv.URL)
		if err != nil || body != appID {
			t.Errorf("got %q, %v; want %q", body, err, appID)
		}
	})
	t.Run("our client, go-spiffe server", func(t *testing.T) {
		seen := make(chan string, 1)
		srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			id, err := x509svid.IDFromCert(r.TLS.PeerCertificates[0])
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			seen <- id.String()
			_, _ = io.WriteString(w, "ok")
		}))
		// Not StartTLS: it would add its own certificate, which crypto/tls
		// prefers to go-spiffe's GetCertificate when there is no SNI.
		cfg := tlsconfig.MTLSServerConfig(serverSVID, bundle, tlsconfig.AuthorizeMemberOf(spiffeid.RequireTrustDomainFromString("example.org")))
		srv.Listener = tls.NewListener(srv.Listener, cfg)
		srv.Config.ErrorLog = log.New(io.Discard, "", 0)
		srv.Start()
		defer srv.Close()
		url := "https://" + srv.Listener.Addr().String()
		cl := &http.Client{Transport: &http.Transport{TLSClientConfig: mtls.ClientConfig(store, clientL.TLSCertificate(),
			mtls.ServerIdentity{ID: wimse.MustParseID(serverID)})}}
		if _, err := get(cl, url); err != nil {
			t.Fatal(err)
		}
		if got := <-seen; got != appID {
			t.Errorf("go-spiffe server saw %q, want %q", got, appID)
		}
	})
}
