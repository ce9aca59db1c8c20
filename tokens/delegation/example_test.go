package delegation_test

import (
	"encoding/json"
	"fmt"

	"github.com/wimse-wg/wimse/tokens/delegation"
	"github.com/wimse-wg/wimse/wimse"
)

// A token endpoint reads the subject token's act chain, checks may_act
// against the new actor and pushes it as the current actor.
func ExampleChain_Push() {
	chain, err := delegation.ParseChain([]byte(`{"sub":"wimse://td.example/agent"}`), 0)
	if err != nil {
		fmt.Println(wimse.ReasonOf(err))
		return
	}
	mayAct, _ := delegation.ParseMayAct([]byte(`{"sub":"wimse://td.example/gateway"}`))
	gateway := delegation.Actor{Subject: "wimse://td.example/gateway"}
	fmt.Println("permitted:", mayAct.Permits(gateway) == nil)

	chain = chain.Push(gateway)
	current, _ := chain.Current()
	fmt.Println("current:", current.Subject)
	out, _ := json.Marshal(chain)
	fmt.Println(string(out))

	_, err = delegation.ParseChain([]byte(`{"sub":"x","exp":1700000000}`), 0)
	fmt.Println(wimse.ReasonOf(err))
	// Output:
	// permitted: true
	// current: wimse://td.example/gateway
	// {"act":{"sub":"wimse://td.example/agent"},"sub":"wimse://td.example/gateway"}
	// act.forbidden_member
}
