package wpt_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/tokens/wpt"
	"github.com/wimse-wg/wimse/wimse"
)

// The WIT of draft-ietf-wimse-wpt-02 Figure 5 and its "June 5" issuer key.
const (
	exampleWIT = "eyJhbGciOiJFUzI1NiIsImtpZCI6Ikp1bmUgNSIsInR5cCI6IndpdCtqd3QifQ" +
		".eyJjbmYiOnsiandrIjp7ImFsZyI6IkVkRFNBIiwiY3J2IjoiRWQyNTUxOSIsImt0eSI6Ik9LUCIsIngiOiIxQ1hYdmZsTl9MVlZzSXNZWHNVdkIwM0ptbEdXZUNIcVFWdW91Q0Y5MmJnIn19LCJleHAiOjE3NDU1MTI1MTAsImlhdCI6MTc0NTUwODkxMCwianRpIjoieC1fMUNUTDJjY2EzQ1NFNGN3Yl9sIiwic3ViIjoid2ltc2U6Ly9leGFtcGxlLmNvbS9zcGVjaWZpYy13b3JrbG9hZCJ9" +
		".ohKJ50QaW8ydALJwaA0Sz4ys3hcN_1S-aTZBytMGc3u8QWUmn5uxUDSonoZFAfZk1Ro1kR4vE_xa7mvoE37R-Q"
	exampleJWKS = `{"keys":[{"kty":"EC","kid":"June 5","crv":"P-256",
		"x":"kXqnA2Op7hgd4zRMbw0iFcc_hDxUxhojxOFVGjE2gks","y":"n__VndPMR021-59UAs0b9qDTFT-EZtT6xSNs_xFskLo"}]}`
)

// exampleVerifiedWIT verifies exampleWIT at now.
func exampleVerifiedWIT(now time.Time) (*wit.Token, error) {
	keys, err := wimse.ParseJWKSet([]byte(exampleJWKS))
	if err != nil {
		return nil, err
	}
	store := wimse.NewTrustStore()
	store.Set(wimse.MustParseTrustDomain("example.com"), wimse.Anchors{Keys: keys})
	return (&wit.Verifier{Trust: store, Policy: wimse.Policy{Now: func() time.Time { return now }}}).Verify(exampleWIT)
}

func ExampleSigner_Sign() {
	// The workload key published in the drafts "for elucidative purposes".
	d, _ := base64.RawURLEncoding.DecodeString("sdLX8yCYKqo_XvGBLn-ZWeKT7llYeeQpgeCaXVxb5kY")
	key := ed25519.NewKeyFromSeed(d)

	proof, err := (&wpt.Signer{Key: key}).Sign(wpt.Claims{
		Audience: "https://workload.example.com/path",
		Expiry:   time.Unix(1745510016, 0),
		ID:       "__bwc4ESC3acc2LTC1-_x", // in production: wpt.NewID(nil)
		WITHash:  wit.Hash(exampleWIT),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	// Ed25519 is deterministic: this is wpt-02 Figure 2, byte for byte.
	fmt.Println(proof)
	// Output:
	// eyJhbGciOiJFZERTQSIsInR5cCI6IndwdCtqd3QifQ.eyJhdWQiOiJodHRwczovL3dvcmtsb2FkLmV4YW1wbGUuY29tL3BhdGgiLCJleHAiOjE3NDU1MTAwMTYsImp0aSI6Il9fYndjNEVTQzNhY2MyTFRDMS1feCIsInd0aCI6Ilg5d2lQZ3EzamxTR3pBZWdIQ0doTk8xbEpnVWJEb0kxTWprYXQ1UUhKQjAifQ.sa5ZYHTeCx4AsurafaBJ2rrMnE7TBHBB47ZUT7yoiyz2lcGY5XAnpGPjPnzeRroJJiR7Nr_C5J7mexxrsHM3CQ
}

func ExampleVerifier_Verify() {
	const proof = "eyJhbGciOiJFZERTQSIsInR5cCI6IndwdCtqd3QifQ" +
		".eyJhdWQiOiJodHRwczovL3dvcmtsb2FkLmV4YW1wbGUuY29tL3BhdGgiLCJleHAiOjE3NDU1MTAwMTYsImp0aSI6Il9fYndjNEVTQzNhY2MyTFRDMS1feCIsInd0aCI6Ilg5d2lQZ3EzamxTR3pBZWdIQ0doTk8xbEpnVWJEb0kxTWprYXQ1UUhKQjAifQ" +
		".sa5ZYHTeCx4AsurafaBJ2rrMnE7TBHBB47ZUT7yoiyz2lcGY5XAnpGPjPnzeRroJJiR7Nr_C5J7mexxrsHM3CQ"

	// The clock is pinned inside the example proof's two-minute lifetime.
	now := time.Date(2025, 4, 24, 15, 51, 40, 0, time.UTC)
	witTok, err := exampleVerifiedWIT(now)
	if err != nil {
		fmt.Println(wimse.ReasonOf(err))
		return
	}
	v := &wpt.Verifier{
		Policy: wimse.Policy{Now: func() time.Time { return now }},
		Replay: wimse.NewMemoryReplayCache(0),
	}
	e := wpt.Expect{
		Revision: wimse.RevisionWPT02,
		Audience: "https://workload.example.com/path", // from configuration, never from Host
		WIT:      witTok,
	}
	tok, err := v.Verify(proof, e)
	if err != nil {
		fmt.Println(wimse.ReasonOf(err))
		return
	}
	fmt.Println(witTok.Subject, tok.Audience, tok.ID)

	// The same proof again is a replay.
	_, err = v.Verify(proof, e)
	fmt.Println(wimse.ReasonOf(err))
	// Output:
	// wimse://example.com/specific-workload https://workload.example.com/path __bwc4ESC3acc2LTC1-_x
	// wpt.replayed
}
