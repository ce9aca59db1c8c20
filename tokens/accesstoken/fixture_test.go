package accesstoken_test

import (
	"crypto"
	"crypto/elliptic"
	"testing"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/tokens/accesstoken"
	"github.com/wimse-wg/wimse/wimse"
)

const (
	issuer   = "https://sts.example.com"
	audience = "https://api.example.com"
	now      = 1767225600 // 2026-01-01T00:00:00Z
)

var stsTD = wimse.MustParseTrustDomain("sts.example.com")

func stsKey(t testing.TB) crypto.Signer { return wimsetest.EC(t, elliptic.P256(), "accesstoken sts") }

// store trusts the test STS: trust domain sts.example.com, issuer
// https://sts.example.com, key k1.
func store(t testing.TB) *wimse.TrustStore {
	s := wimse.NewTrustStore()
	s.Set(stsTD, wimse.Anchors{Issuers: []string{issuer}, Keys: []wimse.IssuerKey{{KeyID: "k1", Public: stsKey(t).Public()}}})
	return s
}

func verifier(t testing.TB) *accesstoken.Verifier {
	return &accesstoken.Verifier{Trust: store(t), Audiences: []string{audience}, Policy: wimse.Policy{Now: wimsetest.Clock(now)}}
}

// fixture is a token as header and claims maps, mutated before signing.
type fixture struct {
	header map[string]any
	claims map[string]any
	key    crypto.Signer
	alg    string
}

func base(t testing.TB) *fixture {
	return &fixture{
		header: map[string]any{"typ": "at+jwt", "kid": "k1"},
		claims: map[string]any{
			"iss": issuer, "sub": "wimse://td.example/workload-a", "aud": audience,
			"client_id": "wimse://td.example/workload-a", "jti": "8cb2a9c4", "iat": now - 60, "exp": now + 600,
			"scope": "orders:read",
		},
		key: stsKey(t),
		alg: "ES256",
	}
}

func (f *fixture) token(t testing.TB) string {
	t.Helper()
	raw, err := jose.Sign(f.header, f.claims, f.alg, f.key, true)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

type mutator func(testing.TB, *fixture)

func setHeader(k string, v any) mutator {
	return func(_ testing.TB, f *fixture) {
		if v == nil {
			delete(f.header, k)
		} else {
			f.header[k] = v
		}
	}
}

func setClaim(k string, v any) mutator {
	return func(_ testing.TB, f *fixture) {
		if v == nil {
			delete(f.claims, k)
		} else {
			f.claims[k] = v
		}
	}
}
