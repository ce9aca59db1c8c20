package wit_test

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/wimse"
)

func ExampleSigner_Sign() {
	// Fixed seeds keep the example reproducible; real keys come from a KMS.
	issuerSeed := sha256.Sum256([]byte("example issuer"))
	workloadSeed := sha256.Sum256([]byte("example workload"))
	issuer := ed25519.NewKeyFromSeed(issuerSeed[:])
	workload := ed25519.NewKeyFromSeed(workloadSeed[:])

	raw, err := (&wit.Signer{Key: issuer, KeyID: "2025-04"}).Sign(wit.Claims{
		Subject:  wimse.MustParseID("wimse://example.com/specific-workload"),
		Issuer:   "https://issuer.example.com",
		IssuedAt: time.Unix(1745508910, 0),
		Expiry:   time.Unix(1745512510, 0),
		Key:      workload.Public(),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, seg := range strings.Split(raw, ".")[:2] {
		b, _ := base64.RawURLEncoding.DecodeString(seg)
		fmt.Println(string(b))
	}

	// A receiver that trusts the issuer key for example.com accepts it.
	store := wimse.NewTrustStore()
	store.Set(wimse.MustParseTrustDomain("example.com"), wimse.Anchors{
		Keys: []wimse.IssuerKey{{KeyID: "2025-04", Public: issuer.Public()}},
	})
	now := time.Unix(1745509000, 0)
	tok, err := (&wit.Verifier{Trust: store, Policy: wimse.Policy{Now: func() time.Time { return now }}}).Verify(raw)
	fmt.Println(tok.Subject, err)
	// Output:
	// {"alg":"EdDSA","kid":"2025-04","typ":"wit+jwt"}
	// {"cnf":{"jwk":{"alg":"EdDSA","crv":"Ed25519","kty":"OKP","x":"ZcH1O-o4yBy9Qj935uBw41jKRv7T7u3Qqk52gmRXEYk"}},"exp":1745512510,"iat":1745508910,"iss":"https://issuer.example.com","sub":"wimse://example.com/specific-workload"}
	// wimse://example.com/specific-workload <nil>
}

func ExampleVerifier_Verify() {
	// The "June 5" Identity Server key and WIT of
	// draft-ietf-wimse-workload-creds-02 §5.1.
	keys, err := wimse.ParseJWKSet([]byte(`{"keys":[{"kty":"EC","kid":"June 5","crv":"P-256",
		"x":"kXqnA2Op7hgd4zRMbw0iFcc_hDxUxhojxOFVGjE2gks","y":"n__VndPMR021-59UAs0b9qDTFT-EZtT6xSNs_xFskLo"}]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	store := wimse.NewTrustStore()
	store.Set(wimse.MustParseTrustDomain("example.com"), wimse.Anchors{Keys: keys})

	const raw = "eyJhbGciOiJFUzI1NiIsImtpZCI6Ikp1bmUgNSIsInR5cCI6IndpdCtqd3QifQ" +
		".eyJjbmYiOnsiandrIjp7ImFsZyI6IkVkRFNBIiwiY3J2IjoiRWQyNTUxOSIsImt0eSI6Ik9LUCIsIngiOiIxQ1hYdmZsTl9MVlZzSXNZWHNVdkIwM0ptbEdXZUNIcVFWdW91Q0Y5MmJnIn19LCJleHAiOjE3NDU1MTI1MTAsImlhdCI6MTc0NTUwODkxMCwianRpIjoieC1fMUNUTDJjY2EzQ1NFNGN3Yl9sIiwic3ViIjoid2ltc2U6Ly9leGFtcGxlLmNvbS9zcGVjaWZpYy13b3JrbG9hZCJ9" +
		".6KraSQUxWdl9dxFQ3Fj6dPY0Vi88OkwFwZpAIOhLeq6AbXAnLLQgOp8U9UDGcBuYF3KiNv6oKQD1ZWAzrMZOJw"

	// The clock is pinned to the example's lifetime.
	now := time.Date(2025, 4, 24, 15, 40, 0, 0, time.UTC)
	v := &wit.Verifier{Trust: store, Policy: wimse.Policy{Now: func() time.Time { return now }}}
	tok, err := v.Verify(raw)
	if err != nil {
		fmt.Println(wimse.ReasonOf(err))
		return
	}
	fmt.Println(tok.Subject)
	fmt.Println(tok.Confirmation.Alg, tok.Expiry.UTC().Format(time.RFC3339))
	fmt.Println(tok.Hash)

	// Two hours later the WIT has expired.
	now = now.Add(2 * time.Hour)
	_, err = v.Verify(raw)
	fmt.Println(wimse.ReasonOf(err))
	// Output:
	// wimse://example.com/specific-workload
	// EdDSA 2025-04-24T16:35:10Z
	// AaYUfC34D1di2FxQLpiIJJ7Sg8VZ6o8OCdwSf9IToLg
	// wit.expired
}
