package dpop_test

import (
	"crypto"
	"crypto/elliptic"
	"encoding/base64"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/tokens/dpop"
)

// now is the pinned clock of every test: RFC 9449's example iat.
const now = 1562262616

const tokenURL = "https://server.example.com/token"

func clock(sec int64) func() time.Time { return wimsetest.Clock(sec) }

func ecKey(t testing.TB) crypto.Signer { return wimsetest.EC(t, elliptic.P256(), "dpop client") }

// proof is a proof under construction: header and claims as maps that a
// test case mutates before signing.
type proof struct {
	key    crypto.Signer
	alg    string
	header map[string]any
	claims map[string]any
}

// baseline returns a valid token-endpoint proof made with key and alg.
func baseline(t testing.TB, key crypto.Signer, alg string) *proof {
	t.Helper()
	jwk, err := jose.PublicJWKJSON(key.Public(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	return &proof{
		key: key, alg: alg,
		header: map[string]any{"typ": dpop.MediaType, "alg": alg, "jwk": jwk},
		claims: map[string]any{"jti": "-BwC3ESc6acc2lTc", "htm": "POST", "htu": tokenURL, "iat": now},
	}
}

// sign serializes and signs p with p.alg, whatever the header says, so a
// test can claim another alg than the one used.
func (p *proof) sign(t testing.TB) string {
	t.Helper()
	hb, err := jose.Marshal(p.header)
	if err != nil {
		t.Fatal(err)
	}
	cb, err := jose.Marshal(p.claims)
	if err != nil {
		t.Fatal(err)
	}
	return signRaw(t, hb, cb, p.alg, p.key)
}

func signRaw(t testing.TB, header, claims []byte, alg string, key crypto.Signer) string {
	t.Helper()
	if !jose.IsSupported(alg) {
		// none, HS256: the verifier refuses them before any signature.
		return b64(header) + "." + b64(claims) + "." + b64([]byte("sig"))
	}
	tok, err := jose.SignRaw(header, claims, alg, key, true)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func jsonMarshal(v any) ([]byte, error) { return jose.Marshal(v) }
