package exchange_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/spiffe/go-spiffe/v2/spiffeid"

	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/profiles/mtls"
	"github.com/wimse-wg/wimse/profiles/mtls/mtlstest"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/wimse"
)

// spiffe_x509 fixtures: CAs of example.org (trusted) and other.org (not),
// valid from the test clock.
type x5Fixture struct {
	ca, otherCA *mtlstest.CA
	trust       *wimse.TrustStore
}

func newX5Fixture(t testing.TB) *x5Fixture {
	t.Helper()
	ca, err := mtlstest.NewCA(wimse.MustParseTrustDomain("example.org"), hxClock().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	other, err := mtlstest.NewCA(wimse.MustParseTrustDomain("other.org"), hxClock().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return &x5Fixture{ca: ca, otherCA: other, trust: mtlstest.TrustStore(ca)}
}

// leaf issues a client certificate from ca for uri.
func (f *x5Fixture) leaf(t testing.TB, ca *mtlstest.CA, uri string, mod func(*mtlstest.LeafSpec)) tls.Certificate {
	t.Helper()
	spec := mtlstest.LeafSpec{URIs: []string{uri}, NotBefore: hxClock().Add(-time.Minute), NotAfter: hxClock().Add(time.Hour)}
	if mod != nil {
		mod(&spec)
	}
	l, err := mtlstest.NewLeaf(ca, spec)
	if err != nil {
		t.Fatal(err)
	}
	return l.TLSCertificate()
}

func (f *x5Fixture) auth() *exchange.X509SVIDAuthenticator {
	return &exchange.X509SVIDAuthenticator{Trust: f.trust, Now: hxClock}
}

// x5STS is a token endpoint over TLS that asks for client certificates
// without verifying them (the authenticator does).
func x5STS(t *testing.T, clients exchange.ClientAuthenticator) (*httptest.Server, *env) {
	t.Helper()
	e := newEnv(t)
	e.h.Clients = clients
	srv := httptest.NewUnstartedServer(e.h)
	srv.TLS = &tls.Config{ClientAuth: tls.RequestClientCert, MinVersion: tls.VersionTLS12}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, e
}

// x5Client is a token exchange client of srv presenting cert (none when
// cert has no certificate).
func x5Client(srv *httptest.Server, cert tls.Certificate, auth exchange.ClientAuth) *exchange.Client {
	tr := srv.Client().Transport.(*http.Transport).Clone()
	if len(cert.Certificate) > 0 {
		tr.TLSClientConfig.Certificates = []tls.Certificate{cert}
	}
	return &exchange.Client{TokenURL: srv.URL, Auth: auth, HTTPClient: &http.Client{Transport: tr}}
}

func TestX509SVIDOverTLS(t *testing.T) {
	f := newX5Fixture(t)
	req := exchange.Request{SubjectToken: subjectToken(t, nil), SubjectTokenType: oauth.TokenTypeAccessToken, Resource: []string{hxBackend}}
	good := f.leaf(t, f.ca, caSPIFFE, nil)
	cases := []struct {
		name       string
		cert       tls.Certificate
		auth       exchange.ClientAuth
		config     func(*exchange.X509SVIDAuthenticator)
		wantCode   string
		wantReason wimse.Reason
	}{
		{name: "ok", cert: good, auth: &exchange.SPIFFEX509{ClientID: caSPIFFE}},
		{name: "ok known client", cert: good, auth: &exchange.SPIFFEX509{ClientID: caSPIFFE},
			config: func(a *exchange.X509SVIDAuthenticator) {
				a.Known = func(id spiffeid.ID) bool { return id.String() == caSPIFFE }
			}},
		{name: "ok without client_id when optional", cert: good, config: func(a *exchange.X509SVIDAuthenticator) { a.ClientIDOptional = true }},
		{name: "client_id is another SPIFFE ID", cert: good, auth: &exchange.SPIFFEX509{ClientID: caStranger},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonExchangeClientIDMismatch},
		{name: "no client_id", cert: good,
			wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonExchangeRequest},
		{name: "no certificate", auth: &exchange.SPIFFEX509{ClientID: caSPIFFE},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonExchangeClient},
		{name: "certificate from another trust domain", cert: f.leaf(t, f.otherCA, "spiffe://other.org/workload", nil), auth: &exchange.SPIFFEX509{ClientID: "spiffe://other.org/workload"},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonMTLSTrustDomain},
		{name: "example.org SAN issued by other.org's CA", cert: f.leaf(t, f.otherCA, caSPIFFE, nil), auth: &exchange.SPIFFEX509{ClientID: caSPIFFE},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonMTLSChain},
		{name: "self-signed", cert: f.leaf(t, nil, caSPIFFE, nil), auth: &exchange.SPIFFEX509{ClientID: caSPIFFE},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonMTLSChain},
		{name: "expired", cert: f.leaf(t, f.ca, caSPIFFE, func(s *mtlstest.LeafSpec) { s.NotAfter = hxClock().Add(-time.Second) }), auth: &exchange.SPIFFEX509{ClientID: caSPIFFE},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonMTLSExpired},
		{name: "leaf is a CA", cert: f.leaf(t, f.ca, caSPIFFE, func(s *mtlstest.LeafSpec) { s.IsCA = true }), auth: &exchange.SPIFFEX509{ClientID: caSPIFFE},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonMTLSKeyUsage},
		{name: "two URI SANs", cert: f.leaf(t, f.ca, caSPIFFE, func(s *mtlstest.LeafSpec) { s.URIs = append(s.URIs, caStranger) }), auth: &exchange.SPIFFEX509{ClientID: caSPIFFE},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonMTLSURISAN},
		{name: "server authentication only", cert: f.leaf(t, f.ca, caSPIFFE, func(s *mtlstest.LeafSpec) { s.EKU = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth} }), auth: &exchange.SPIFFEX509{ClientID: caSPIFFE},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonMTLSEKU},
		{name: "a wimse:// identifier", cert: f.leaf(t, f.ca, "wimse://example.org/workload", nil), auth: &exchange.SPIFFEX509{ClientID: "wimse://example.org/workload"},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonExchangeClientCertificate},
		{name: "unknown client", cert: good, auth: &exchange.SPIFFEX509{ClientID: caSPIFFE},
			config:   func(a *exchange.X509SVIDAuthenticator) { a.Known = func(spiffeid.ID) bool { return false } },
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonExchangeClientCertificate},
		{name: "trust domain not allowed", cert: good, auth: &exchange.SPIFFEX509{ClientID: caSPIFFE},
			config: func(a *exchange.X509SVIDAuthenticator) {
				a.Options = []mtls.Option{mtls.WithTrustDomains(wimse.MustParseTrustDomain("other.org"))}
			},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonMTLSTrustDomain},
		{name: "certificate with client_secret_post is not spiffe_x509", cert: good, auth: &exchange.ClientSecretPost{ClientID: caClient, Secret: caSecret},
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonExchangeClient},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := f.auth()
			if tc.config != nil {
				tc.config(a)
			}
			srv, e := x5STS(t, exchange.Methods{oauth.AuthMethodSPIFFEX509: a})
			resp, err := x5Client(srv, tc.cert, tc.auth).Exchange(context.Background(), req)
			code, _ := outcome(err)
			if code != tc.wantCode {
				t.Fatalf("code %q, want %q; err = %v", code, tc.wantCode, err)
			}
			d := e.last(t)
			if d.Reason != tc.wantReason {
				t.Fatalf("reason %q, want %q", d.Reason, tc.wantReason)
			}
			if err != nil {
				if d.Status != http.StatusBadRequest {
					t.Fatalf("status %d", d.Status)
				}
				return
			}
			if c := claimsOf(t, resp.AccessToken)["client_id"]; c != caSPIFFE {
				t.Fatalf("client_id %v", c)
			}
		})
	}
}

// The authenticator hands the leaf on; a certificate beside Basic
// credentials is not this method; a nil trust store is the server's fault.
func TestX509SVIDAuthenticatorUnit(t *testing.T) {
	f := newX5Fixture(t)
	cert := f.leaf(t, f.ca, caSPIFFE, nil)
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	withCert := func(r *http.Request) { r.TLS = &tls.ConnectionState{PeerCertificates: []*x509.Certificate{leaf}} }
	c, err := f.auth().AuthenticateClient(context.Background(), caRequest(t, url.Values{"client_id": {caSPIFFE}}, withCert))
	if err != nil || c.Certificate != leaf || c.Method != oauth.AuthMethodSPIFFEX509 || c.ID != caSPIFFE {
		t.Fatalf("client %+v, err %v", c, err)
	}
	_, err = f.auth().AuthenticateClient(context.Background(), caRequest(t, nil, withCert, basicAuth(caClient, caSecret)))
	if code, reason := outcome(err); code != oauth.ErrorInvalidClient || reason != wimse.ReasonExchangeClient {
		t.Fatalf("basic with a certificate: (%q, %q)", code, reason)
	}
	_, err = (&exchange.X509SVIDAuthenticator{}).AuthenticateClient(context.Background(), caRequest(t, nil, withCert))
	if _, reason := outcome(err); reason != wimse.ReasonInternal {
		t.Fatalf("no trust: %q", reason)
	}
	if err := (&exchange.SPIFFEX509{}).Authenticate(context.Background(), nil, url.Values{}); err == nil || !strings.Contains(err.Error(), "ClientID") {
		t.Fatalf("SPIFFEX509 without ClientID: %v", err)
	}
}
