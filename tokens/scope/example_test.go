package scope_test

import (
	"fmt"

	"github.com/wimse-wg/wimse/tokens/scope"
	"github.com/wimse-wg/wimse/wimse"
)

// A token endpoint narrows the subject token's scope to the request, and
// refuses a request for more.
func ExampleSet_Narrow() {
	granted := scope.MustParse("orders:read orders:write")

	requested, _ := scope.Parse("orders:read")
	issued, err := granted.Narrow(requested)
	fmt.Println(issued, err)

	requested, _ = scope.Parse("orders:read orders:delete")
	_, err = granted.Narrow(requested)
	fmt.Println(wimse.ReasonOf(err))

	_, err = scope.Parse("orders:read  orders:write")
	fmt.Println(wimse.ReasonOf(err))
	// Output:
	// orders:read <nil>
	// scope.exceeds
	// scope.malformed
}
