package e2e_test

import (
	"net/url"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	stspkg "github.com/wimse-wg/wimse/interop/sts"
	"github.com/wimse-wg/wimse/tokens/oauth"
)

// reloadTimeout bounds the wait for the server to publish the rotated
// keys after SIGHUP.
const reloadTimeout = 10 * time.Second

func describeRotation() {
	Describe("signing-key rotation: wimse sts keys rotate, then SIGHUP", Label("rotation"), func() {
		var (
			old           tokenResponse
			current, next string
		)
		BeforeAll(func() {
			old = sts.exchangeOK(exchangeRun{method: oauth.AuthMethodClientSecretBasic})
			Expect(header(old.AccessToken).Kid).To(Equal("sts-1"))
		})

		It("rotates the key files: next becomes current, a new next", func() {
			s := sts.run("sts", "keys", "rotate", "--config", sts.d.Config, "--force")
			Expect(s.ExitCode()).To(Equal(0), "%s", s.Err.Contents())
			for _, line := range strings.Split(string(s.Out.Contents()), "\n") {
				f := strings.Fields(line)
				if len(f) == 2 && f[0] == "current" {
					current = f[1]
				}
				if len(f) == 2 && f[0] == "next" {
					next = f[1]
				}
			}
			Expect(current).To(Equal("sts-2"))
			Expect(next).NotTo(BeEmpty())
			Expect(next).NotTo(BeElementOf("sts-1", "sts-2"))
		})

		It("publishes the new current kid first after SIGHUP, then the next, then the retired one", func() {
			sts.srv.Signal(syscall.SIGHUP)
			Eventually(func() []string {
				set, _ := sts.fetchJWKS()
				return set.kids()
			}).WithTimeout(reloadTimeout).WithPolling(25*time.Millisecond).Should(HaveExactElements(current, next, "sts-1"),
				func() string { return "server stderr:\n" + sts.stderrTail() })
		})

		It("signs new tokens with the new current key", func() {
			tr := sts.exchangeOK(exchangeRun{method: oauth.AuthMethodPrivateKeyJWT})
			Expect(header(tr.AccessToken).Kid).To(Equal(current))
			_, err := sts.verify(tr.AccessToken, stspkg.DemoResource, nil)
			Expect(err).NotTo(HaveOccurred())
		})

		It("keeps tokens signed before the rotation verifiable with the published set", func() {
			t, err := sts.verify(old.AccessToken, stspkg.DemoResource, nil)
			Expect(err).NotTo(HaveOccurred())
			Expect(t.KeyID).To(Equal("sts-1"))
			m := oauth.AuthMethodClientSecretBasic
			r := sts.postForm("/introspect", url.Values{"token": {old.AccessToken}}, basic(sts.d.Clients[m].ClientID, sts.secretOf(m)))
			Expect(r.json()).To(HaveKeyWithValue("active", true))
		})
	})
}
