package exchange_test

import (
	"crypto"
	"testing"

	"github.com/wimse-wg/wimse/internal/jose"
)

// confirmationJWK is key's public JWK as a map, for hand-built proofs.
func confirmationJWK(t testing.TB, key crypto.Signer) (map[string]any, error) {
	t.Helper()
	return jose.PublicJWKJSON(key.Public(), "", "")
}

// signJWT signs a hand-built proof with ES256.
func signJWT(t testing.TB, key crypto.Signer, header, claims map[string]any) string {
	t.Helper()
	raw, err := jose.Sign(header, claims, "ES256", key, true)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
