package mtls_test

import (
	"crypto/x509"
	"fmt"
	"time"

	"github.com/wimse-wg/wimse/profiles/mtls"
	"github.com/wimse-wg/wimse/profiles/mtls/mtlstest"
	"github.com/wimse-wg/wimse/wimse"
)

func ExampleVerifyPeer() {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	td := wimse.MustParseTrustDomain("example.org")
	ca, _ := mtlstest.NewCA(td, now.Add(-time.Hour))
	store := wimse.NewTrustStore()
	store.Set(td, wimse.Anchors{X509Roots: []*x509.Certificate{ca.Root}})

	client, _ := mtlstest.NewLeaf(ca, mtlstest.LeafSpec{
		URIs:      []string{"spiffe://example.org/ns/default/sa/app"},
		NotBefore: now.Add(-time.Minute), NotAfter: now.Add(time.Hour),
	})
	id, err := mtls.VerifyPeer(client.Chain, store, mtls.Client, now)
	fmt.Println(id, err)

	_, err = mtls.VerifyPeer(client.Chain, store, mtls.Client, now.Add(2*time.Hour))
	fmt.Println(wimse.ReasonOf(err))
	// Output:
	// spiffe://example.org/ns/default/sa/app <nil>
	// mtls.expired
}
