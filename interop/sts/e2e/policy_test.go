package e2e_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/wimse-wg/wimse/interop/sts/audit"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/wimse"
)

func describePolicy() {
	Describe("the policy (default deny)", Label("policy"), func() {
		It("refuses a resource no rule allows with invalid_target (RFC 8693 §2.2.2)", func() {
			e := sts.exchangeRefused(exchangeRun{method: oauth.AuthMethodClientSecretBasic, resource: "https://ledger.example.org/api"})
			Expect(e.Error).To(Equal(oauth.ErrorInvalidTarget))
			Expect(e.Status).To(Equal(400))
			Expect(sts.lastRecord()).To(And(HaveField("Decision", audit.Denied), HaveField("Reason", wimse.ReasonPolicyTarget)))
		})

		It("refuses a scope beyond the rule's with invalid_scope (RFC 6749 §5.2)", func() {
			e := sts.exchangeRefused(exchangeRun{method: oauth.AuthMethodPrivateKeyJWT, scope: "payments:read payments:refund"})
			Expect(e.Error).To(Equal(oauth.ErrorInvalidScope))
			Expect(e.Status).To(Equal(400))
			Expect(sts.lastRecord()).To(And(HaveField("Decision", audit.Denied), HaveField("Reason", wimse.ReasonPolicyScope)))
		})
	})
}
