package exchange_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/profiles/mtls/mtlstest"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/wimse"
)

// x5c is the JOSE x5c form of certificates (standard base64 DER).
func x5c(t testing.TB, certs ...tls.Certificate) string {
	t.Helper()
	var out []string
	for _, c := range certs {
		out = append(out, base64.StdEncoding.EncodeToString(c.Certificate[0]))
	}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The validator alone: each rule passes and fails.
func TestX509SubjectValidator(t *testing.T) {
	f := newX5Fixture(t)
	cert := f.leaf(t, f.ca, caSPIFFE, nil)
	other := f.leaf(t, f.ca, caStranger, nil)
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	wimseLeaf, err := x509.ParseCertificate(f.leaf(t, f.ca, "wimse://example.org/workload", nil).Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	withCert := exchange.ClientIdentity{ID: caSPIFFE, Method: oauth.AuthMethodSPIFFEX509, Certificate: leaf}
	cases := []struct {
		name   string
		token  string
		client exchange.ClientIdentity
		ok     bool
	}{
		{"literal", exchange.X509ClientCertificateToken, withCert, true},
		{"x5c of the TLS leaf", x5c(t, cert), withCert, true},
		{"x5c of the TLS leaf with another certificate after it", x5c(t, cert, other), withCert, true},
		{"x5c whose leaf is another certificate", x5c(t, other, cert), withCert, false},
		{"x5c, empty", "[]", withCert, false},
		{"x5c, not base64", `["%%%"]`, withCert, false},
		{"another literal", "client_certificate", withCert, false},
		{"no client certificate", exchange.X509ClientCertificateToken, exchange.ClientIdentity{ID: caClient, Method: oauth.AuthMethodClientSecretBasic}, false},
		{"the certificate's URI SAN is not a SPIFFE ID", exchange.X509ClientCertificateToken, exchange.ClientIdentity{ID: caSPIFFE, Certificate: wimseLeaf}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := exchange.X509SubjectValidator{}.ValidateToken(context.Background(), exchange.Presentation{
				Token: tc.token, TokenType: oauth.TokenTypeMTLS, Role: exchange.RoleSubject, Client: tc.client,
			})
			if !tc.ok {
				if wimse.ReasonOf(err) != wimse.ReasonExchangeX509Subject {
					t.Fatalf("err %v, want %s", err, wimse.ReasonExchangeX509Subject)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Subject != caSPIFFE || p.Issuer != "spiffe://example.org" || !p.Expiry.Equal(leaf.NotAfter) || p.TokenType != oauth.TokenTypeMTLS || p.Scoped {
				t.Fatalf("party %+v", p)
			}
		})
	}
}

// The profile end to end over mutual TLS: audience required,
// requested_token_type access_token only, the chain verified by
// spiffe_x509, the issued token bounded by the certificate.
func TestX509SubjectProfile(t *testing.T) {
	f := newX5Fixture(t)
	notAfter := hxClock().Add(10 * time.Minute).Truncate(time.Second)
	good := f.leaf(t, f.ca, caSPIFFE, func(s *mtlstest.LeafSpec) { s.NotAfter = notAfter })
	other := f.leaf(t, f.ca, caStranger, nil)
	valid := exchange.Request{SubjectToken: exchange.X509ClientCertificateToken, SubjectTokenType: oauth.TokenTypeMTLS, Audience: []string{hxCoop}, RequestedTokenType: oauth.TokenTypeAccessToken}
	cases := []struct {
		name       string
		cert       tls.Certificate
		mod        func(*exchange.Request)
		wantCode   string
		wantReason wimse.Reason
	}{
		{name: "ok", cert: good},
		{name: "ok, x5c subject token", cert: good, mod: func(r *exchange.Request) { r.SubjectToken = x5c(t, good) }},
		{name: "ok, no requested_token_type", cert: good, mod: func(r *exchange.Request) { r.RequestedTokenType = "" }},
		{name: "no audience", cert: good, mod: func(r *exchange.Request) { r.Audience, r.Resource = nil, []string{hxBackend} },
			wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonExchangeAudienceRequired},
		{name: "requested_token_type jwt", cert: good, mod: func(r *exchange.Request) { r.RequestedTokenType = oauth.TokenTypeJWT },
			wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonExchangeRequestedTokenType},
		{name: "x5c of another certificate", cert: good, mod: func(r *exchange.Request) { r.SubjectToken = x5c(t, other) },
			wantCode: oauth.ErrorInvalidRequest, wantReason: wimse.ReasonExchangeX509Subject},
		{name: "certificate from an unconfigured CA", cert: f.leaf(t, f.otherCA, caSPIFFE, nil),
			wantCode: oauth.ErrorInvalidClient, wantReason: wimse.ReasonMTLSChain},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, e := x5STS(t, exchange.Methods{oauth.AuthMethodSPIFFEX509: f.auth()})
			e.h.Validators[oauth.TokenTypeMTLS] = exchange.X509SubjectValidator{}
			req := valid
			if tc.mod != nil {
				tc.mod(&req)
			}
			resp, err := x5Client(srv, tc.cert, &exchange.SPIFFEX509{ClientID: caSPIFFE}).Exchange(context.Background(), req)
			code, _ := outcome(err)
			if code != tc.wantCode {
				t.Fatalf("code %q, want %q; err = %v", code, tc.wantCode, err)
			}
			if d := e.last(t); d.Reason != tc.wantReason {
				t.Fatalf("reason %q, want %q", d.Reason, tc.wantReason)
			}
			if err != nil {
				return
			}
			if resp.IssuedTokenType != oauth.TokenTypeAccessToken || resp.RefreshToken != "" {
				t.Fatalf("response %+v", resp)
			}
			c := claimsOf(t, resp.AccessToken)
			exp, _ := c["exp"].(float64)
			if c["sub"] != caSPIFFE || int64(exp) > notAfter.Unix() {
				t.Fatalf("sub %v, exp %v after the certificate's notAfter %d", c["sub"], c["exp"], notAfter.Unix())
			}
		})
	}
}

// Without mutual TLS (client_secret_basic), an mtls subject token has no
// certificate to stand for.
func TestX509SubjectWithoutCertificate(t *testing.T) {
	e := newEnv(t)
	e.h.Validators[oauth.TokenTypeMTLS] = exchange.X509SubjectValidator{}
	a := post(t, e.h, "grant_type="+oauth.GrantTypeTokenExchange+"&audience="+hxCoop+"&subject_token=mtls_client_certificate&subject_token_type="+oauth.TokenTypeMTLS)
	if a.status != http.StatusBadRequest || a.str("error") != oauth.ErrorInvalidRequest || e.last(t).Reason != wimse.ReasonExchangeX509Subject {
		t.Fatalf("%d %s %s", a.status, a.raw, e.last(t).Reason)
	}
}
