package e2e_test

import (
	"net/http"
	"net/url"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	stspkg "github.com/wimse-wg/wimse/interop/sts"
	"github.com/wimse-wg/wimse/tokens/oauth"
)

// exchangeForm is a token exchange request whose subject token is a fresh
// JWT-SVID of the trust domain: it needs no Workload-Proof-Token, so a
// plain net/http request can send it.
func exchangeForm() url.Values {
	return url.Values{
		"grant_type":         {oauth.GrantTypeTokenExchange},
		"subject_token":      {sts.jwtSVID(0, 5*time.Minute)},
		"subject_token_type": {oauth.TokenTypeJWT},
		"resource":           {stspkg.DemoResource},
		"scope":              {stspkg.DemoScope},
	}
}

func describeTokenEndpointHTTP() {
	Describe("the token endpoint over net/http", Label("token-endpoint"), func() {
		It("answers a token response as JSON that no cache may store (RFC 8693 §2.2.1, RFC 6749 §5.1)", func() {
			m := oauth.AuthMethodClientSecretPost
			r := sts.postForm("/token", exchangeForm(), post(sts.d.Clients[m].ClientID, sts.secretOf(m)))
			Expect(r.status).To(Equal(http.StatusOK), "%s", r.body)
			Expect(r.header.Get("Content-Type")).To(HavePrefix("application/json"))
			Expect(r.header.Get("Cache-Control")).To(ContainSubstring("no-store"))
			Expect(r.json()).To(And(HaveKeyWithValue("issued_token_type", oauth.TokenTypeAccessToken),
				HaveKeyWithValue("token_type", "Bearer"), HaveKeyWithValue("access_token", Not(BeEmpty()))))
		})

		It("answers a failed client_secret_basic with 401 and WWW-Authenticate (RFC 6749 §5.2)", func() {
			m := oauth.AuthMethodClientSecretBasic
			r := sts.postForm("/token", exchangeForm(), basic(sts.d.Clients[m].ClientID, "wrong"))
			Expect(r.status).To(Equal(http.StatusUnauthorized))
			Expect(r.header.Get("WWW-Authenticate")).To(HavePrefix("Basic"))
			Expect(r.header.Get("Cache-Control")).To(ContainSubstring("no-store"))
			Expect(r.json()).To(HaveKeyWithValue("error", oauth.ErrorInvalidClient))
		})

		It("refuses a request without client authentication", func() {
			r := sts.postForm("/token", exchangeForm(), nil)
			Expect(r.status).To(BeElementOf(http.StatusBadRequest, http.StatusUnauthorized))
			Expect(r.json()).To(HaveKeyWithValue("error", oauth.ErrorInvalidClient))
		})

		It("refuses GET (RFC 6749 §3.2: the client MUST use POST)", func() {
			resp, err := sts.client().Get(sts.url("/token"))
			Expect(err).NotTo(HaveOccurred())
			resp.Body.Close()
			Expect(resp.StatusCode).To(BeElementOf(http.StatusMethodNotAllowed, http.StatusBadRequest))
		})
	})
}
