package dpop_test

import (
	"crypto/ecdsa"
	"testing"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/tokens/dpop"
)

// The examples of RFC 9449: the key and proof of §4.1, the thumbprint of
// §6.1 and the access token and ath of §7.1.
const (
	rfcJWK         = `{"kty":"EC","x":"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs","y":"9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA","crv":"P-256"}`
	rfcJKT         = "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"
	rfcAccessToken = "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"
	rfcATH         = "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo"
	rfcProof       = "eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIiwieCI6Imw4dEZyaHgtMzR0VjNoUklDUkRZOXpDa0RscEJoRjQyVVFVZldWQVdCRnMiLCJ5IjoiOVZFNGpmX09rX282NHpiVFRsY3VOSmFqSG10NnY5VERWclUwQ2R2R1JEQSIsImNydiI6IlAtMjU2In19.eyJqdGkiOiItQndDM0VTYzZhY2MybFRjIiwiaHRtIjoiUE9TVCIsImh0dSI6Imh0dHBzOi8vc2VydmVyLmV4YW1wbGUuY29tL3Rva2VuIiwiaWF0IjoxNTYyMjYyNjE2fQ.2-GxA6T8lP4vfrg8v-FdWP0A0zdrj8igiMLvqRMUvwnQg4PtFLbdLXiOSsX0x7NVY-FNyJK70nfbV37xRZT3Lg"
)

func TestPublishedThumbprint(t *testing.T) {
	k, err := jose.ParsePublicJWK([]byte(rfcJWK))
	if err != nil {
		t.Fatal(err)
	}
	got, err := dpop.Thumbprint(k.Key.(*ecdsa.PublicKey))
	if err != nil || got != rfcJKT {
		t.Fatalf("Thumbprint: got %q, %v; want %q", got, err, rfcJKT)
	}
}

func TestPublishedATH(t *testing.T) {
	if got := dpop.AccessTokenHash(rfcAccessToken); got != rfcATH {
		t.Fatalf("AccessTokenHash: got %q, want %q", got, rfcATH)
	}
	p := &dpop.Proof{AccessTokenHash: rfcATH}
	if err := p.BindsAccessToken(rfcAccessToken); err != nil {
		t.Fatal(err)
	}
}

// TestPublishedProof verifies RFC 9449 §4.1's token request proof at its
// own iat.
func TestPublishedProof(t *testing.T) {
	v := &dpop.Verifier{Now: clock(now)}
	p, err := v.Verify(rfcProof, "POST", "https://server.example.com/token", "")
	if err != nil {
		t.Fatal(err)
	}
	if p.JKT != rfcJKT || p.ID != "-BwC3ESc6acc2lTc" || p.IssuedAt.Unix() != now {
		t.Errorf("got jkt %q, jti %q, iat %d", p.JKT, p.ID, p.IssuedAt.Unix())
	}
}
