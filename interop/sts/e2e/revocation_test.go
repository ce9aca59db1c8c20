package e2e_test

import (
	"net/http"
	"net/url"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/wimse-wg/wimse/interop/sts/audit"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/wimse"
)

func describeRevocation() {
	Describe("revocation (RFC 7009) and introspection (RFC 7662)", Label("revocation", "introspection"), func() {
		var (
			basicID, basicSecret string
			postID, postSecret   string
			// revoked is demo-basic's token this container revokes; other
			// is demo-post's.
			revoked, other string
		)
		BeforeAll(func() {
			basicID, basicSecret = sts.d.Clients[oauth.AuthMethodClientSecretBasic].ClientID, sts.secretOf(oauth.AuthMethodClientSecretBasic)
			postID, postSecret = sts.d.Clients[oauth.AuthMethodClientSecretPost].ClientID, sts.secretOf(oauth.AuthMethodClientSecretPost)
			revoked = sts.exchangeOK(exchangeRun{method: oauth.AuthMethodClientSecretBasic}).AccessToken
			other = sts.exchangeOK(exchangeRun{method: oauth.AuthMethodClientSecretPost}).AccessToken
		})
		introspect := func(token string, auth func(*http.Request, url.Values)) map[string]any {
			GinkgoHelper()
			r := sts.postForm("/introspect", url.Values{"token": {token}}, auth)
			Expect(r.status).To(Equal(http.StatusOK), "%s", r.body)
			Expect(r.header.Get("Content-Type")).To(HavePrefix("application/json"))
			Expect(r.header.Get("Cache-Control")).To(ContainSubstring("no-store"))
			return r.json()
		}

		It("introspects a fresh token as active, with its claims (RFC 7662 §2.2)", func() {
			Expect(introspect(revoked, basic(basicID, basicSecret))).To(And(
				HaveKeyWithValue("active", true), HaveKeyWithValue("client_id", basicID),
				HaveKeyWithValue("sub", sts.d.Workload), HaveKeyWithValue("iss", sts.d.Issuer),
				HaveKeyWithValue("scope", "payments:read"), HaveKeyWithValue("token_type", "Bearer"),
				HaveKey("exp"), HaveKey("jti")))
		})

		It("revokes it with 200 (RFC 7009 §2.2), after which it is inactive and nothing more is said", func() {
			r := sts.postForm("/revoke", url.Values{"token": {revoked}, "token_type_hint": {"access_token"}}, basic(basicID, basicSecret))
			Expect(r.status).To(Equal(http.StatusOK), "%s", r.body)
			noteRevoked(basicID, revoked)
			Expect(introspect(revoked, basic(basicID, basicSecret))).To(Equal(map[string]any{"active": false}))

			By("recording the revocation with the token's jti")
			Expect(sts.lastRecord()).To(And(HaveField("Decision", audit.Revoked),
				HaveField("JTI", WithTransform(audit.Label.String, Equal(revokedJTIs[basicID][0])))))
		})

		It("refuses to revoke a token issued to another client, which stays active", func() {
			r := sts.postForm("/revoke", url.Values{"token": {other}}, basic(basicID, basicSecret))
			Expect(r.status).To(Equal(http.StatusBadRequest), "%s", r.body)
			Expect(r.json()).To(HaveKeyWithValue("error", oauth.ErrorUnauthorizedClient))
			Expect(sts.lastRecord()).To(And(HaveField("Decision", audit.Denied), HaveField("Reason", wimse.ReasonRevocationClientMismatch)))
			Expect(introspect(other, post(postID, postSecret))).To(HaveKeyWithValue("active", true))
		})

		It("does not show a client another client's token (RFC 7662 §4)", func() {
			Expect(introspect(other, basic(basicID, basicSecret))).To(Equal(map[string]any{"active": false}))
		})

		It("answers 200 to the revocation of a token it cannot read (RFC 7009 §2.2)", func() {
			r := sts.postForm("/revoke", url.Values{"token": {"not-a-token"}}, basic(basicID, basicSecret))
			Expect(r.status).To(Equal(http.StatusOK), "%s", r.body)
			Expect(introspect("not-a-token", basic(basicID, basicSecret))).To(Equal(map[string]any{"active": false}))
		})

		It("requires client authentication at both endpoints (RFC 7009 §2.1, RFC 7662 §2.1)", func() {
			for _, path := range []string{"/revoke", "/introspect"} {
				r := sts.postForm(path, url.Values{"token": {revoked}}, basic(basicID, "wrong"))
				Expect(r.status).To(Equal(http.StatusUnauthorized), path)
				Expect(r.header.Get("WWW-Authenticate")).To(HavePrefix("Basic"), path)
				Expect(r.json()).To(HaveKeyWithValue("error", oauth.ErrorInvalidClient), path)
				r = sts.postForm(path, url.Values{"token": {revoked}}, nil)
				Expect(r.status).To(BeElementOf(http.StatusBadRequest, http.StatusUnauthorized), path)
			}
		})

		It("refuses a revoked token as subject token (RFC 8693 §2.2.2: invalid_request), and records why", func() {
			f := exchangeForm()
			f.Set("subject_token", revoked)
			f.Set("subject_token_type", oauth.TokenTypeAccessToken)
			r := sts.postForm("/token", f, basic(basicID, basicSecret))
			Expect(r.status).To(Equal(http.StatusBadRequest), "%s", r.body)
			Expect(r.json()).To(HaveKeyWithValue("error", oauth.ErrorInvalidRequest))
			Expect(sts.lastRecord()).To(And(HaveField("Decision", audit.Denied), HaveField("Reason", wimse.ReasonRevocationRevoked),
				HaveField("Client.ID", WithTransform(audit.Label.String, Equal(basicID)))))
		})
	})
}
