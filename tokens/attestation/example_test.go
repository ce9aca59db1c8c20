package attestation_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"net/http"
	"time"

	"github.com/wimse-wg/wimse/tokens/attestation"
	"github.com/wimse-wg/wimse/wimse"
)

// A client signs a PoP with its instance key; the server reads the
// fields and verifies the PoP with the attestation's cnf key.
func ExamplePoPVerifier_Verify() {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	instance, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)

	pop, _ := (&attestation.PoPSigner{Key: instance}).Sign(attestation.PoPClaims{
		Audience: "https://sts.example.com", ID: "jti-1", IssuedAt: now,
	})
	h := http.Header{}
	h.Set(attestation.HeaderAttestation, "eyJ.attestation.sig") // the WIT-SVID
	h.Set(attestation.HeaderPoP, pop)

	_, rawPoP, err := attestation.FromHeader(h)
	if err != nil {
		fmt.Println(wimse.ReasonOf(err))
		return
	}
	v := &attestation.PoPVerifier{Audience: "https://sts.example.com", Replay: wimse.NewMemoryReplayCache(0), Now: clock}
	key := attestation.Key{Public: instance.Public(), Alg: "ES256"}
	p, err := v.Verify(rawPoP, key, "spiffe://example.org/client")
	fmt.Println(p.ID, err)
	_, err = v.Verify(rawPoP, key, "spiffe://example.org/client")
	fmt.Println(wimse.ReasonOf(err))
	// Output:
	// jti-1 <nil>
	// attestation.pop_replayed
}
