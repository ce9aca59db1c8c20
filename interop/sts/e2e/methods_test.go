package e2e_test

import (
	"context"
	"crypto/tls"
	"io"
	"net/http"
	"net/url"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	stspkg "github.com/wimse-wg/wimse/interop/sts"
	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/tokens/jwtgrant"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/wimse"
)

// clientAuth is the library's client authentication of the method's demo
// client and the HTTP client to send it with (a client certificate for
// spiffe_x509, the attestation retry transport for spiffe_wit).
func (dep *deployment) clientAuth(method string) (exchange.ClientAuth, *http.Client) {
	GinkgoHelper()
	c := dep.d.Clients[method]
	hc := dep.client()
	switch method {
	case oauth.AuthMethodClientSecretBasic:
		return &exchange.ClientSecretBasic{ClientID: c.ClientID, Secret: dep.secretOf(method)}, hc
	case oauth.AuthMethodClientSecretPost:
		return &exchange.ClientSecretPost{ClientID: c.ClientID, Secret: dep.secretOf(method)}, hc
	case oauth.AuthMethodPrivateKeyJWT:
		k, err := wimse.LoadPrivateJWK(c.Key)
		Expect(err).NotTo(HaveOccurred())
		return &exchange.PrivateKeyJWT{ClientID: c.ClientID, Audience: dep.d.Issuer,
			Signer: &jwtgrant.Signer{Key: k.Signer, KeyID: k.KeyID}}, hc
	case oauth.AuthMethodSPIFFEJWT:
		svid := readToken(c.Token)
		return &exchange.JWTSPIFFE{Audience: dep.d.Issuer, SVID: func(context.Context, string) (string, error) { return svid, nil }}, hc
	case oauth.AuthMethodSPIFFEX509:
		pair, err := tls.LoadX509KeyPair(c.Cert, c.CertKey)
		Expect(err).NotTo(HaveOccurred())
		return &exchange.SPIFFEX509{ClientID: c.ClientID}, dep.client(pair)
	case oauth.AuthMethodSPIFFEWIT:
		k, err := wimse.LoadPrivateJWK(c.Key)
		Expect(err).NotTo(HaveOccurred())
		w := &exchange.SPIFFEWIT{Audience: dep.d.Issuer, WIT: readToken(c.Token), Key: k.Signer,
			ChallengeURL: dep.url("/challenge"), HTTPClient: hc}
		return w, &http.Client{Timeout: cliTimeout, Transport: w.Transport(hc.Transport)}
	}
	Fail("unknown method " + method)
	return nil, nil
}

// postAs sends a form POST authenticated by the method's demo client.
func (dep *deployment) postAs(method, path string, form url.Values) formResponse {
	GinkgoHelper()
	auth, hc := dep.clientAuth(method)
	r, err := http.NewRequest(http.MethodPost, dep.url(path), nil)
	Expect(err).NotTo(HaveOccurred())
	Expect(auth.Authenticate(context.Background(), r, form)).To(Succeed())
	body := form.Encode()
	r.Body = io.NopCloser(strings.NewReader(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(body)), nil }
	r.ContentLength = int64(len(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := hc.Do(r)
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	return formResponse{status: resp.StatusCode, header: resp.Header, body: b}
}

func describeEndpointsPerMethod() {
	Describe("introspection and revocation with every method the metadata names for them", Label("introspection", "revocation"), func() {
		for _, m := range methods {
			It("lets the "+m+" client introspect, then revoke, its own token", Label(m), func() {
				tok := issued[m].AccessToken
				Expect(tok).NotTo(BeEmpty(), "the exchange spec of %s did not run", m)
				r := sts.postAs(m, "/introspect", url.Values{"token": {tok}})
				Expect(r.status).To(Equal(http.StatusOK), "%s", r.body)
				Expect(r.json()).To(And(HaveKeyWithValue("active", true), HaveKeyWithValue("client_id", sts.d.Clients[m].ClientID)))

				r = sts.postAs(m, "/revoke", url.Values{"token": {tok}})
				Expect(r.status).To(Equal(http.StatusOK), "%s", r.body)
				noteRevoked(sts.d.Clients[m].ClientID, tok)
				r = sts.postAs(m, "/introspect", url.Values{"token": {tok}})
				Expect(r.json()).To(Equal(map[string]any{"active": false}))
			})
		}
	})
}

// revokedJTIs are the jti of the tokens the specs revoked, by client.
var revokedJTIs = map[string][]string{}

// noteRevoked records that client revoked token, for the audit spec.
func noteRevoked(client, token string) {
	GinkgoHelper()
	t, err := sts.verify(token, stspkg.DemoResource, anyBinding)
	Expect(err).NotTo(HaveOccurred())
	revokedJTIs[client] = append(revokedJTIs[client], t.ID)
}
