package policy_test

import (
	"fmt"

	"github.com/wimse-wg/wimse/interop/sts/policy"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/tokens/scope"
	"github.com/wimse-wg/wimse/wimse"
)

// A policy lets the orders workloads obtain tokens for the payments API;
// a request for another resource is denied. The explanation, for the
// operator, says why each rule did not permit it; the error, for the
// client, names only the refused value.
func ExamplePolicy_Evaluate() {
	pol, err := policy.Parse([]byte(`// Reference STS policy
{"version": 1, "rules": [
  {"name": "batch", "client": {"clientId": "batch"},
   "subjectIssuers": ["https://idp.example.org"], "audiences": ["reports"], "maxLifetime": "5m"},
  {"name": "orders-to-payments",
   "client": {"trustDomain": "example.org", "scheme": "wimse", "pathPrefix": "/orders"},
   "subjectIssuers": ["https://sts.example.org"],
   "resources": ["https://payments.example.org/api"],
   "scopes": ["payments:read", "payments:charge"], "maxLifetime": "10m"}
]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	in := policy.Input{
		Client:     wimse.MustParseID("wimse://example.org/orders/api"),
		AuthMethod: oauth.AuthMethodSPIFFEWIT,
		Subject:    policy.Party{Issuer: "https://sts.example.org", Subject: "wimse://example.org/orders/api", TokenType: oauth.TokenTypeAccessToken},
		Resources:  []string{"https://payments.example.org/api"},
		Scope:      scope.MustParse("payments:read"),
	}
	fmt.Print(pol.Evaluate(in).Explain())

	in.Resources = []string{"https://payments.example.org/admin"}
	d := pol.Evaluate(in)
	fmt.Print(d.Explain())
	// What the client may be told: the code and the refused value only.
	fmt.Println(d.Code, d.Err())
	// Output:
	// allowed by rule 1 "orders-to-payments": mode self, audience https://payments.example.org/api, scope payments:read, lifetime 10m0s
	//   rule 0 "batch": client wimse://example.org/orders/api is not client_id batch
	//   rule 1 "orders-to-payments": permits
	// denied (invalid_target, policy.target): rule 1 "orders-to-payments": resource "https://payments.example.org/admin" is not permitted
	//   rule 0 "batch": client wimse://example.org/orders/api is not client_id batch
	//   rule 1 "orders-to-payments": resource "https://payments.example.org/admin" is not permitted (the rule permits https://payments.example.org/api)
	// invalid_target policy.target: policy: resource "https://payments.example.org/admin" is not permitted
}
