package confirmation_test

import (
	"crypto/elliptic"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/tokens/confirmation"
	"github.com/wimse-wg/wimse/wimse"
)

// An STS binds a token to the DPoP key of the token request; a resource
// server checks the DPoP proof key of each request against it.
func ExampleKey() {
	dpopKey := &wimsetest.EC(&testing.T{}, elliptic.P256(), "example dpop").PublicKey
	cnf, _ := confirmation.JKT(dpopKey)
	out, _ := json.Marshal(cnf)
	fmt.Println(string(out))

	fmt.Println(confirmation.Confirm(cnf, confirmation.Key(dpopKey)))
	fmt.Println(wimse.ReasonOf(confirmation.Confirm(cnf, nil))) // sent as Bearer
	// Output:
	// {"jkt":"WURtRRT7C20UrsXJD5jFqyBRczERNvTpIEfem5aFkVo"}
	// <nil>
	// cnf.unconfirmed
}
