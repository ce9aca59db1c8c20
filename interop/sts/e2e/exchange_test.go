package e2e_test

import (
	"crypto/tls"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	stspkg "github.com/wimse-wg/wimse/interop/sts"
	"github.com/wimse-wg/wimse/tokens/confirmation"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/tokens/scope"
)

// maxLifetime is the deployment's maxLifetime (sts.json and policy).
const maxLifetime = 10 * time.Minute

// issued holds a token per method, for the specs that follow.
var issued = map[string]tokenResponse{}

func describeExchange() {
	Describe("wimse sts exchange, one client per authentication method (RFC 8693)", Label("exchange"), func() {
		for _, m := range methods {
			It("issues an access token to the "+m+" client for the resource and scope asked", Label(m), func() {
				before := time.Now().Truncate(time.Second)
				tr := sts.exchangeOK(exchangeRun{method: m})
				issued[m] = tr

				Expect(tr.IssuedTokenType).To(Equal(oauth.TokenTypeAccessToken))
				Expect(oauth.EqualAccessTokenType(tr.TokenType, oauth.AccessTokenTypeBearer)).To(BeTrue(), "token_type %q", tr.TokenType)
				Expect(tr.AccessToken).NotTo(Equal(readToken(sts.d.WIT)), "the subject token came back")
				Expect(tr.ExpiresIn).To(BeNumerically(">", 0))
				Expect(tr.ExpiresIn).To(BeNumerically("<=", int64(maxLifetime/time.Second)))

				proof := confirmation.Proof(nil)
				if m == oauth.AuthMethodSPIFFEX509 {
					pair, err := tls.LoadX509KeyPair(sts.d.Clients[m].Cert, sts.d.Clients[m].CertKey)
					Expect(err).NotTo(HaveOccurred())
					proof = confirmation.Certificate(pair.Leaf)
				}
				t, err := sts.verify(tr.AccessToken, stspkg.DemoResource, proof)
				Expect(err).NotTo(HaveOccurred())
				Expect(t.Audience).To(Equal([]string{stspkg.DemoResource}))
				Expect(t.ClientID).To(Equal(sts.d.Clients[m].ClientID))
				Expect(t.Subject).To(Equal(sts.d.Workload))
				Expect(scope.MustParse(stspkg.DemoScope).Covers(t.Scope)).To(BeTrue(), "scope %q", t.Scope)
				Expect(t.Scope.IsZero()).To(BeFalse())
				if tr.Scope != "" {
					Expect(scope.MustParse(tr.Scope)).To(Equal(t.Scope))
				}
				Expect(t.Expiry).To(BeTemporally("<=", time.Now().Add(maxLifetime)))
				Expect(t.Expiry).To(BeTemporally(">", before))
				Expect(header(tr.AccessToken).Kid).To(Equal("sts-1"))
				if m == oauth.AuthMethodSPIFFEX509 {
					By("binding the token to the client certificate (RFC 8705 §3)")
					Expect(t.Confirmation.Method()).To(Equal(confirmation.MethodX5TS256))
				} else {
					Expect(t.Confirmation.IsZero()).To(BeTrue(), "cnf %s", t.Confirmation.Method())
				}
			})
		}

		It("narrows the scope to what was asked", func() {
			tr := sts.exchangeOK(exchangeRun{method: oauth.AuthMethodClientSecretPost, scope: "payments:charge"})
			t, err := sts.verify(tr.AccessToken, stspkg.DemoResource, nil)
			Expect(err).NotTo(HaveOccurred())
			Expect(t.Scope).To(Equal(scope.MustParse("payments:charge")))
		})

		It("authenticates spiffe_wit alone: the attestation proves the subject WIT's key", Label(oauth.AuthMethodSPIFFEWIT), func() {
			x := exchangeRun{method: oauth.AuthMethodSPIFFEWIT}
			args := sts.args(x)
			for i := range args {
				if args[i] == "--subject-key" {
					args = append(args[:i:i], args[i+2:]...)
					break
				}
			}
			s := sts.run(args...)
			Expect(s.ExitCode()).To(Equal(0), "stdout:\n%s\nstderr:\n%s", s.Out.Contents(), s.Err.Contents())
		})
	})
}

// readToken reads a token file without its trailing newline.
func readToken(path string) string {
	GinkgoHelper()
	b, err := readFileTrim(path)
	Expect(err).NotTo(HaveOccurred())
	return b
}
