package e2e_test

import (
	"net/url"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	stspkg "github.com/wimse-wg/wimse/interop/sts"
	"github.com/wimse-wg/wimse/tokens/confirmation"
	"github.com/wimse-wg/wimse/tokens/dpop"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/wimse"
)

func describeDPoP() {
	Describe("a DPoP-bound token (RFC 9449)", Label("dpop"), func() {
		It("is issued with token_type DPoP and cnf.jkt the DPoP key's thumbprint (§5, §6.1)", func() {
			m := oauth.AuthMethodClientSecretBasic
			tr := sts.exchangeOK(exchangeRun{method: m, extra: []string{"--dpop-key", sts.d.DPoPKey()}})
			Expect(oauth.EqualAccessTokenType(tr.TokenType, oauth.AccessTokenTypeDPoP)).To(BeTrue(), "token_type %q", tr.TokenType)

			k, err := wimse.LoadPrivateJWK(sts.d.DPoPKey())
			Expect(err).NotTo(HaveOccurred())
			jkt, err := dpop.Thumbprint(k.Signer.Public())
			Expect(err).NotTo(HaveOccurred())
			t, err := sts.verify(tr.AccessToken, stspkg.DemoResource, confirmation.Key(k.Signer.Public()))
			Expect(err).NotTo(HaveOccurred())
			Expect(t.Confirmation.Method()).To(Equal(confirmation.MethodJKT))
			Expect(t.Confirmation.Value()).To(Equal(jkt))

			By("a resource server refusing it as a bearer token")
			_, err = sts.verify(tr.AccessToken, stspkg.DemoResource, nil)
			Expect(wimse.ReasonOf(err)).To(Equal(wimse.ReasonCnfUnconfirmed))

			By("introspection reporting token_type DPoP and the cnf (RFC 9449 §6.2)")
			r := sts.postForm("/introspect", url.Values{"token": {tr.AccessToken}}, basic(sts.d.Clients[m].ClientID, sts.secretOf(m)))
			Expect(r.json()).To(And(HaveKeyWithValue("active", true), HaveKeyWithValue("token_type", "DPoP"),
				HaveKeyWithValue("cnf", HaveKeyWithValue("jkt", jkt))))
		})
	})
}
