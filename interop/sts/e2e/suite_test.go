package e2e_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// TestSTSProcess runs the end-to-end specs of `wimse sts serve`.
func TestSTSProcess(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "wimse sts serve end-to-end")
}

// sts is the running deployment every spec talks to.
var sts *deployment

var _ = BeforeSuite(func() {
	sts = startDeployment()
})

// The specs share one server and build on one another (revocation after
// issuance, rotation after both, the audit log last), so they run in one
// ordered container, one file per area.
var _ = Describe("wimse sts serve", Ordered, func() {
	describeMetadata()
	describeExchange()
	describeClientAuthFailures()
	describeDPoP()
	describePolicy()
	describeTokenEndpointHTTP()
	describeRevocation()
	describeEndpointsPerMethod()
	describeRotation()
	describeAudit()
})
