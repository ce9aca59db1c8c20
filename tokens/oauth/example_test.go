package oauth_test

import (
	"fmt"
	"net/url"

	"github.com/wimse-wg/wimse/tokens/oauth"
)

// A token endpoint dispatches on grant_type and client_assertion_type by
// exact string comparison.
func Example() {
	form := url.Values{
		"grant_type":            {oauth.GrantTypeJWTBearer},
		"client_assertion_type": {oauth.ClientAssertionTypeJWTSPIFFE},
	}
	switch form.Get("grant_type") {
	case oauth.GrantTypeJWTBearer:
		fmt.Println("RFC 7523 grant")
	case oauth.GrantTypeTokenExchange:
		fmt.Println("RFC 8693 token exchange")
	}
	fmt.Println(form.Get("client_assertion_type") == oauth.ClientAssertionTypeJWTSPIFFE)
	fmt.Println(oauth.EqualAccessTokenType("bearer", oauth.AccessTokenTypeBearer))
	// Output:
	// RFC 7523 grant
	// true
	// true
}
