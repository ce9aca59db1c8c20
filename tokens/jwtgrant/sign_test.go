package jwtgrant_test

import (
	"context"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/tokens/jwtgrant"
)

// TestSignerRefuses: the signer will not build an assertion a verifier
// must refuse.
func TestSignerRefuses(t *testing.T) {
	s := &jwtgrant.Signer{Key: clientKey}
	base := jwtgrant.Claims{Issuer: clientID, Audience: asIssuer, Expiry: t0.Add(time.Minute), ID: "x"}
	tests := []struct {
		name string
		sign func() (string, error)
	}{
		{"client assertion with sub other than iss", func() (string, error) {
			c := base
			c.Subject = "https://other.example"
			return s.SignClientAssertion(c)
		}},
		{"client assertion without jti", func() (string, error) {
			c := base
			c.ID = ""
			return s.SignClientAssertion(c)
		}},
		{"grant without sub", func() (string, error) { return s.SignGrant(base) }},
		{"without aud", func() (string, error) {
			c := base
			c.Audience = ""
			return s.SignClientAssertion(c)
		}},
		{"without exp", func() (string, error) {
			c := base
			c.Expiry = time.Time{}
			return s.SignClientAssertion(c)
		}},
		{"without key", func() (string, error) { return (&jwtgrant.Signer{}).SignClientAssertion(base) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if raw, err := tt.sign(); err == nil {
				t.Fatalf("signed %q, want an error", raw)
			}
		})
	}
}

// TestSignerRoundTrip: what Signer builds, Verifier accepts, with the
// header and claims the signer was given.
func TestSignerRoundTrip(t *testing.T) {
	s := &jwtgrant.Signer{Key: clientKey, KeyID: "c1", Deterministic: true}
	raw, err := s.SignClientAssertion(jwtgrant.Claims{
		Issuer: clientID, Audience: asIssuer, IssuedAt: t0, NotBefore: t0, Expiry: t0.Add(time.Minute), ID: "r1",
		Extra: map[string]any{"iss": "ignored", "x": 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	a, err := verifier().VerifyClientAssertion(context.Background(), raw, clientID)
	if err != nil {
		t.Fatal(err)
	}
	if a.Type != jwtgrant.MediaType || a.KeyID != "c1" || a.Algorithm != "ES256" || a.Issuer != clientID ||
		a.Subject != clientID || a.ID != "r1" || !a.IssuedAt.Equal(t0) || !a.NotBefore.Equal(t0) ||
		string(a.Claims["x"]) != "1" {
		t.Errorf("round trip: got %+v", a)
	}
	again, _ := s.SignClientAssertion(jwtgrant.Claims{
		Issuer: clientID, Audience: asIssuer, IssuedAt: t0, NotBefore: t0, Expiry: t0.Add(time.Minute), ID: "r1",
		Extra: map[string]any{"iss": "ignored", "x": 1},
	})
	if again != raw {
		t.Error("a deterministic signer gave two different assertions")
	}
	id, err := jwtgrant.NewID(nil)
	if err != nil || len(id) != 22 {
		t.Errorf("NewID: %q, %v", id, err)
	}
}
