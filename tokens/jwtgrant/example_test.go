package jwtgrant_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/spiffe/go-spiffe/v2/bundle/jwtbundle"
	"github.com/spiffe/go-spiffe/v2/spiffeid"

	"github.com/wimse-wg/wimse/tokens/jwtgrant"
	"github.com/wimse-wg/wimse/wimse"
)

// A client authenticates with private_key_jwt: it signs a client assertion
// for the authorization server's issuer identifier, and the server
// verifies it once.
func ExampleVerifier_VerifyClientAssertion() {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)

	// Client side.
	signer := &jwtgrant.Signer{Key: key, KeyID: "16"}
	raw, err := signer.SignClientAssertion(jwtgrant.Claims{
		Issuer:   "https://client.example",
		Audience: "https://as.example",
		IssuedAt: now,
		Expiry:   now.Add(time.Minute),
		ID:       "4b3c2a1d",
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	// Server side.
	v := &jwtgrant.Verifier{
		Issuer: "https://as.example",
		Keys: jwtgrant.StaticKeys{
			"https://client.example": {{KeyID: "16", Public: key.Public()}},
		},
		Policy: wimse.Policy{Now: func() time.Time { return now }},
		Replay: &wimse.MemoryReplayCache{},
	}
	a, err := v.VerifyClientAssertion(context.Background(), raw, "https://client.example")
	fmt.Println(a.ClientID(), a.Type, err)
	_, err = v.VerifyClientAssertion(context.Background(), raw, "")
	fmt.Println(wimse.ReasonOf(err))
	// Output:
	// https://client.example client-authentication+jwt <nil>
	// jwtgrant.replayed
}

// An authorization server accepts a JWT grant from a trusted identity
// provider (RFC 7523 §4), and refuses one minted for another server.
func ExampleVerifier_VerifyGrant() {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	signer := &jwtgrant.Signer{Key: key}
	grant := func(aud string) string {
		raw, _ := signer.SignGrant(jwtgrant.Claims{
			Issuer:    "https://jwt-idp.example.com",
			Subject:   "mailto:mike@example.com",
			Audience:  aud,
			NotBefore: now,
			Expiry:    now.Add(time.Hour),
			Extra:     map[string]any{"http://claims.example.com/member": true},
		})
		return raw
	}
	v := &jwtgrant.Verifier{
		Issuer: "https://jwt-rp.example.net",
		Keys: jwtgrant.StaticKeys{
			"https://jwt-idp.example.com": {{Public: key.Public()}},
		},
		Policy: wimse.Policy{Now: func() time.Time { return now }},
	}
	a, err := v.VerifyGrant(context.Background(), grant("https://jwt-rp.example.net"))
	fmt.Println(a.Subject, err)
	_, err = v.VerifyGrant(context.Background(), grant("https://other-as.example"))
	fmt.Println(wimse.ReasonOf(err))
	// Output:
	// mailto:mike@example.com <nil>
	// jwtgrant.aud_mismatch
}

// A SPIFFE workload authenticates with its JWT-SVID (client_assertion_type
// urn:ietf:params:oauth:client-assertion-type:jwt-spiffe); the server
// checks it against its trust domain's JWT bundle.
func ExampleSPIFFEVerifier_Verify() {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	authority, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	td := spiffeid.RequireTrustDomainFromString("example.org")
	bundle := jwtbundle.FromJWTAuthorities(td, map[string]crypto.PublicKey{"4vC8": authority.Public()})

	// The SPIFFE issuer mints the JWT-SVID (typ JWT, no iss or jti needed).
	signer := &jwtgrant.Signer{Key: authority, KeyID: "4vC8", Type: "JWT"}
	svid, _ := signer.SignGrant(jwtgrant.Claims{
		Issuer:   "https://oidc.example.org", // optional in a JWT-SVID
		Subject:  "spiffe://example.org/my-oauth-client",
		Audience: "https://as.example.com",
		IssuedAt: now,
		Expiry:   now.Add(5 * time.Minute),
	})

	v := &jwtgrant.SPIFFEVerifier{
		Issuer:  "https://as.example.com",
		Bundles: jwtbundle.NewSet(bundle),
		Policy:  wimse.Policy{Now: func() time.Time { return now }},
	}
	a, err := v.Verify(svid, "")
	fmt.Println(a.ClientID(), err)
	_, err = v.Verify(svid, "spiffe://example.org/someone-else")
	fmt.Println(wimse.ReasonOf(err))
	// Output:
	// spiffe://example.org/my-oauth-client <nil>
	// jwtgrant.client_id_mismatch
}
