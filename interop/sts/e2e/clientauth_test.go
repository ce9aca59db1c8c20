package e2e_test

import (
	"net/http"
	"path/filepath"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/wimse-wg/wimse/interop/sts/audit"
	"github.com/wimse-wg/wimse/tokens/jwtgrant"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/wimse"
)

// badCredential makes the flags (and environment) of a request whose
// client authentication must fail.
type badCredential func() exchangeRun

func describeClientAuthFailures() {
	Describe("client authentication failures at the token endpoint", Label("client-auth"), func() {
		DescribeTable("answer invalid_client and exit 1",
			func(method string, want wimse.Reason, bad badCredential) {
				x := bad()
				x.method = method
				e := sts.exchangeRefused(x)
				Expect(e.Error).To(Equal(oauth.ErrorInvalidClient))
				if method == oauth.AuthMethodClientSecretBasic {
					By("with 401, since the client used the Authorization header (RFC 6749 §5.2)")
					Expect(e.Status).To(Equal(http.StatusUnauthorized))
				} else {
					Expect(e.Status).To(BeElementOf(http.StatusBadRequest, http.StatusUnauthorized))
				}
				By("recording the denial with the reason of the failed check")
				Expect(sts.lastRecord()).To(And(HaveField("Decision", audit.Denied), HaveField("Reason", want)))
			},
			Entry("client_secret_basic with a wrong secret", Label(oauth.AuthMethodClientSecretBasic),
				oauth.AuthMethodClientSecretBasic, wimse.ReasonExchangeClient, badCredential(func() exchangeRun {
					return exchangeRun{env: []string{sts.d.Clients[oauth.AuthMethodClientSecretBasic].SecretEnv + "=not-the-secret"}}
				})),
			Entry("client_secret_post with a wrong secret", Label(oauth.AuthMethodClientSecretPost),
				oauth.AuthMethodClientSecretPost, wimse.ReasonExchangeClient, badCredential(func() exchangeRun {
					return exchangeRun{env: []string{sts.d.Clients[oauth.AuthMethodClientSecretPost].SecretEnv + "=not-the-secret"}}
				})),
			Entry("private_key_jwt with an assertion signed by another key under the client's kid", Label(oauth.AuthMethodPrivateKeyJWT),
				oauth.AuthMethodPrivateKeyJWT, wimse.ReasonJWTGrantSignature, badCredential(func() exchangeRun {
					return exchangeRun{extra: []string{"--client-key", sts.scratchFile("other-pkjwt.jwk", privateJWK(newKey(), "demo-pkjwt-1"))}}
				})),
			Entry("spiffe_jwt with an expired JWT-SVID", Label(oauth.AuthMethodSPIFFEJWT),
				oauth.AuthMethodSPIFFEJWT, wimse.ReasonJWTGrantExpired, badCredential(func() exchangeRun {
					return exchangeRun{extra: []string{"--jwt-svid", sts.scratchFile("expired.jwt", []byte(sts.jwtSVID(-20*time.Minute, -10*time.Minute)))}}
				})),
			Entry("spiffe_jwt with a tampered JWT-SVID (sub changed)", Label(oauth.AuthMethodSPIFFEJWT),
				oauth.AuthMethodSPIFFEJWT, wimse.ReasonJWTGrantSignature, badCredential(func() exchangeRun {
					svid := tamper(readToken(sts.d.Clients[oauth.AuthMethodSPIFFEJWT].Token), "sub", "spiffe://example.org/admin")
					return exchangeRun{extra: []string{"--jwt-svid", sts.scratchFile("tampered.jwt", []byte(svid))}}
				})),
			Entry("spiffe_x509 with an X.509-SVID of the same ID from another CA", Label(oauth.AuthMethodSPIFFEX509),
				oauth.AuthMethodSPIFFEX509, wimse.ReasonMTLSChain, badCredential(func() exchangeRun {
					cert, key := foreignX509SVID(sts.d.Clients[oauth.AuthMethodSPIFFEX509].ClientID)
					return exchangeRun{extra: []string{"--cert", sts.scratchFile("foreign.pem", cert), "--cert-key", sts.scratchFile("foreign.key.pem", key)}}
				})),
			Entry("spiffe_wit with the PoP signed by a key that is not the WIT's", Label(oauth.AuthMethodSPIFFEWIT),
				oauth.AuthMethodSPIFFEWIT, wimse.ReasonAttestationPoPSignature, badCredential(func() exchangeRun {
					return exchangeRun{extra: []string{"--wit-key", sts.scratchFile("other-wit.jwk", privateJWK(newKey(), ""))}}
				})),
			Entry("spiffe_wit with a tampered WIT-SVID (sub changed)", Label(oauth.AuthMethodSPIFFEWIT),
				oauth.AuthMethodSPIFFEWIT, wimse.ReasonWITSignature, badCredential(func() exchangeRun {
					w := tamper(readToken(sts.d.Clients[oauth.AuthMethodSPIFFEWIT].Token), "sub", "spiffe://example.org/admin")
					return exchangeRun{extra: []string{"--wit", sts.scratchFile("tampered.wit", []byte(w))}}
				})),
		)
	})
}

// jwtSVID mints a JWT-SVID of the spiffe_jwt client with the trust
// domain's JWT authority key, valid from now+from to now+to.
func (dep *deployment) jwtSVID(from, to time.Duration) string {
	GinkgoHelper()
	k, err := wimse.LoadPrivateJWK(filepath.Join(dep.d.Dir, "authority", "jwt-svid.jwk"))
	Expect(err).NotTo(HaveOccurred())
	now := time.Now()
	svid, err := (&jwtgrant.Signer{Key: k.Signer, KeyID: k.KeyID, Type: "JWT"}).SignGrant(jwtgrant.Claims{
		Issuer: "spiffe://example.org", Subject: dep.d.Clients[oauth.AuthMethodSPIFFEJWT].ClientID,
		Audience: dep.d.Issuer, IssuedAt: now.Add(from), Expiry: now.Add(to),
	})
	Expect(err).NotTo(HaveOccurred())
	return svid
}
