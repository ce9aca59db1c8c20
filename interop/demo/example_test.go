package demo_test

import (
	"fmt"
	"time"

	"github.com/wimse-wg/wimse/interop/demo"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/wimse"
)

// A throw-away trust domain: its issuer mints a WIT for the demo workload,
// which a receiver trusting the demo's JWK Set verifies.
func ExampleNew() {
	d, err := demo.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Now()
	token, err := d.IssueWIT(now, time.Hour)
	if err != nil {
		fmt.Println(err)
		return
	}

	// The receiver's side: the JWK Set of the issuer keys, trusted for the
	// demo trust domain only.
	bundle, _ := d.BundleJSON()
	keys, _ := wimse.ParseJWKSet(bundle)
	store := wimse.NewTrustStore()
	store.Set(d.Name, wimse.Anchors{Keys: keys})
	tok, err := (&wit.Verifier{Trust: store}).Verify(token)
	if err != nil {
		fmt.Println(wimse.ReasonOf(err))
		return
	}
	fmt.Println(tok.Subject, tok.Subject.TrustDomain())
	// Output: wimse://demo.example/workload/client demo.example
}
