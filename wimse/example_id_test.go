package wimse_test

import (
	"fmt"

	"github.com/wimse-wg/wimse/wimse"
)

func ExampleParseID() {
	id, err := wimse.ParseID("wimse://trust.example.com/service/payment")
	if err != nil {
		fmt.Println(wimse.ReasonOf(err))
		return
	}
	fmt.Println(id.Scheme(), id.TrustDomain(), id.Path())
	fmt.Println(id == wimse.MustParseID("wimse://trust.example.com/service/payment"))

	// Non-canonical identifiers are rejected, never repaired.
	for _, s := range []string{
		"wimse://trust.example.com/service/%70ayment",
		"wimse://trust.example.com:443/service/payment",
		"wimse://trust.example.com/service/payment/",
		"https://trust.example.com/service/payment",
	} {
		_, err := wimse.ParseID(s)
		fmt.Println(wimse.ReasonOf(err))
	}
	// Output:
	// wimse trust.example.com /service/payment
	// true
	// id.not_canonical
	// id.trust_domain
	// id.path
	// id.scheme
}
