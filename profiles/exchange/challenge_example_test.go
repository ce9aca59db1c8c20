package exchange_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http/httptest"

	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/tokens/attestation"
)

// A token endpoint that requires attestation challenges serves them at its
// challenge endpoint and checks them with the same source
// (AttestationAuthenticator.Challenges); SPIFFEWIT.ChallengeURL makes the
// client fetch one before each request.
func ExampleChallengeHandler() {
	key := make([]byte, attestation.MinChallengeKeySize)
	_, _ = rand.Read(key)
	src := &attestation.Challenges{Key: key}
	srv := httptest.NewServer(exchange.ChallengeHandler(src))
	defer srv.Close()

	c, err := exchange.FetchChallenge(context.Background(), srv.Client(), srv.URL)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(src.CheckChallenge(context.Background(), c))
	// Output: <nil>
}
