package mtlstest_test

import (
	"bytes"
	"fmt"
	"time"

	"github.com/wimse-wg/wimse/profiles/mtls"
	"github.com/wimse-wg/wimse/profiles/mtls/mtlstest"
	"github.com/wimse-wg/wimse/wimse"
)

// A trust domain's CA and an X.509-SVID-shaped Workload Identity
// Certificate, byte-identical from run to run, that profiles/mtls accepts.
func ExampleNewLeaf() {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	ca, _ := mtlstest.NewCA(wimse.MustParseTrustDomain("example.org"), now.Add(-time.Hour))
	spec := mtlstest.LeafSpec{
		URIs:      []string{"spiffe://example.org/ns/default/sa/app"},
		NotBefore: now, NotAfter: now.Add(time.Hour),
	}
	leaf, _ := mtlstest.NewLeaf(ca, spec)
	again, _ := mtlstest.NewLeaf(ca, spec)
	fmt.Println(leaf.Cert.URIs[0], len(leaf.Chain), bytes.Equal(leaf.Cert.Raw, again.Cert.Raw))

	id, err := mtls.VerifyPeer(leaf.Chain, mtlstest.TrustStore(ca), mtls.Client, now.Add(time.Minute))
	fmt.Println(id, err)
	// Output:
	// spiffe://example.org/ns/default/sa/app 1 true
	// spiffe://example.org/ns/default/sa/app <nil>
}
