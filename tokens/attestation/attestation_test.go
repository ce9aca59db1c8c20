package attestation_test

import (
	"crypto"
	"crypto/elliptic"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/tokens/attestation"
	"github.com/wimse-wg/wimse/wimse"
)

func attesterKey(t testing.TB) crypto.Signer {
	return wimsetest.EC(t, elliptic.P256(), "attestation attester")
}

func TestVerifier(t *testing.T) {
	jwk, err := jose.PublicJWKJSON(instanceKey(t).Public(), "ES256", "")
	if err != nil {
		t.Fatal(err)
	}
	base := func() (map[string]any, map[string]any) {
		return map[string]any{"typ": attestation.MediaType, "kid": "a1"},
			map[string]any{"sub": "https://client.example.com", "exp": int64(tNow + 3600), "iat": int64(tNow), "cnf": map[string]any{"jwk": jwk}}
	}
	cases := []struct {
		name       string
		mod        func(h, c map[string]any)
		signer     crypto.Signer
		wantReason wimse.Reason
	}{
		{name: "ok"},
		{name: "ok unknown claims and iss", mod: func(_, c map[string]any) { c["iss"] = "x"; c["other"] = true }},
		{name: "typ wit+jwt", mod: func(h, _ map[string]any) { h["typ"] = "wit+jwt" }, wantReason: wimse.ReasonAttestationTyp},
		{name: "x5c in header", mod: func(h, _ map[string]any) { h["x5c"] = []string{"AA"} }, wantReason: wimse.ReasonAttestationHeader},
		{name: "unknown kid", mod: func(h, _ map[string]any) { h["kid"] = "a2" }, wantReason: wimse.ReasonAttestationKeyUnknown},
		{name: "signed by another key", signer: instanceKey(t), wantReason: wimse.ReasonAttestationSignature},
		{name: "sub missing", mod: func(_, c map[string]any) { delete(c, "sub") }, wantReason: wimse.ReasonAttestationSubMissing},
		{name: "sub a number", mod: func(_, c map[string]any) { c["sub"] = 1 }, wantReason: wimse.ReasonAttestationClaimType},
		{name: "exp missing", mod: func(_, c map[string]any) { delete(c, "exp") }, wantReason: wimse.ReasonAttestationExpMissing},
		{name: "expired", mod: func(_, c map[string]any) { c["exp"] = int64(tNow - 61) }, wantReason: wimse.ReasonAttestationExpired},
		{name: "iat in the future", mod: func(_, c map[string]any) { c["iat"] = int64(tNow + 120) }, wantReason: wimse.ReasonAttestationNotYetValid},
		{name: "cnf missing", mod: func(_, c map[string]any) { delete(c, "cnf") }, wantReason: wimse.ReasonAttestationCnf},
		{name: "cnf a string", mod: func(_, c map[string]any) { c["cnf"] = "x" }, wantReason: wimse.ReasonAttestationClaimType},
		{name: "cnf without jwk", mod: func(_, c map[string]any) { c["cnf"] = map[string]any{"jkt": "x"} }, wantReason: wimse.ReasonAttestationCnf},
		{name: "cnf.jwk private", mod: func(_, c map[string]any) {
			k := map[string]any{}
			for n, v := range jwk {
				k[n] = v
			}
			k["d"] = "AAAA"
			c["cnf"] = map[string]any{"jwk": k}
		}, wantReason: wimse.ReasonAttestationCnf},
		{name: "cnf.jwk alg unfit", mod: func(_, c map[string]any) {
			k := map[string]any{}
			for n, v := range jwk {
				k[n] = v
			}
			k["alg"] = "ES384"
			c["cnf"] = map[string]any{"jwk": k}
		}, wantReason: wimse.ReasonAttestationCnf},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, c := base()
			if tc.mod != nil {
				tc.mod(h, c)
			}
			signer := tc.signer
			if signer == nil {
				signer = attesterKey(t)
			}
			raw, err := jose.Sign(h, c, "ES256", signer, true)
			if err != nil {
				t.Fatal(err)
			}
			v := &attestation.Verifier{Attesters: map[string]crypto.PublicKey{"a1": attesterKey(t).Public()}, Now: tClock}
			a, err := v.Verify(raw)
			if got := wimse.ReasonOf(err); got != tc.wantReason {
				t.Fatalf("reason = %q, want %q (%v)", got, tc.wantReason, err)
			}
			if err == nil && (a.Key.Alg != "ES256" || a.Subject != "https://client.example.com") {
				t.Fatalf("attestation = %+v", a)
			}
		})
	}
}

// Signer and Verifier agree, and the attestation's key verifies the PoP.
func TestSignerRoundTrip(t *testing.T) {
	raw, err := (&attestation.Signer{Key: attesterKey(t), KeyID: "a1", Deterministic: true}).Sign(attestation.Claims{
		Subject: "https://client.example.com", IssuedAt: tClock(), Expiry: tClock().Add(time.Hour), Key: instanceKey(t).Public(),
	})
	if err != nil {
		t.Fatal(err)
	}
	a, err := (&attestation.Verifier{Attesters: map[string]crypto.PublicKey{"a1": attesterKey(t).Public()}, Now: tClock}).Verify(raw)
	if err != nil {
		t.Fatal(err)
	}
	pop, err := (&attestation.PoPSigner{Key: instanceKey(t)}).Sign(attestation.PoPClaims{Audience: tIssuer, ID: "p", IssuedAt: tClock()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&attestation.PoPVerifier{Audience: tIssuer, Now: tClock}).Verify(pop, a.Key, a.Subject); err != nil {
		t.Fatal(err)
	}
	if _, err := (&attestation.Signer{Key: attesterKey(t)}).Sign(attestation.Claims{Subject: "x"}); err == nil {
		t.Fatal("Sign without exp and key succeeded")
	}
}
