package wimse_test

import (
	"fmt"

	"github.com/wimse-wg/wimse/wimse"
)

// A SPIFFE bundle set binds each trust domain to its own anchors; install
// each with TrustStore.Set for its own trust domain only.
func ExampleParseSPIFFEBundleSet() {
	set, err := wimse.ParseSPIFFEBundleSet([]byte(`{
	  "spiffe://example.org": {"spiffe_sequence": 1, "keys": [
	    {"use": "jwt-svid", "kid": "jwt-1", "kty": "EC", "crv": "P-256",
	     "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	store := wimse.NewTrustStore()
	for td, anchors := range set {
		store.Set(td, anchors)
	}
	a, _ := store.Anchors(wimse.MustParseTrustDomain("example.org"))
	fmt.Println(store.TrustDomains(), len(a.Keys), a.Keys[0].KeyID)
	// Output: [example.org] 1 jwt-1
}
