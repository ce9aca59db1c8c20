package jwtgrant_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"maps"
	"testing"
	"time"

	"github.com/spiffe/go-spiffe/v2/bundle/jwtbundle"
	"github.com/spiffe/go-spiffe/v2/spiffeid"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/tokens/jwtgrant"
	"github.com/wimse-wg/wimse/wimse"
)

// The fixed clock of every test: no test reads the wall clock except the
// go-spiffe agreement test, whose library does.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const (
	asIssuer  = "https://as.example"
	tokenURL  = "https://as.example/token"
	clientID  = "https://client.example"
	idp       = "https://idp.example"
	svidID    = "spiffe://example.org/my-oauth-client"
	trustRoot = "example.org"
)

// Test keys, generated once per run.
var (
	clientKey       = mustEC(elliptic.P256())
	idpKey          = mustEC(elliptic.P256())
	otherKey        = mustEC(elliptic.P256())
	svidKey         = mustEC(elliptic.P256())
	edPub, edKey, _ = ed25519.GenerateKey(rand.Reader)
)

func mustEC(c elliptic.Curve) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(c, rand.Reader)
	if err != nil {
		panic(err)
	}
	return k
}

// fixture is an assertion to sign: a header and claims as maps, mutated
// by the cases, then signed with key (or given a fake signature when alg
// is not one the JOSE layer can sign with).
type fixture struct {
	header map[string]any
	claims map[string]any
	key    crypto.Signer
}

func clientFixture() *fixture {
	return &fixture{
		header: map[string]any{"alg": "ES256", "typ": jwtgrant.MediaType, "kid": "c1"},
		claims: map[string]any{
			"iss": clientID, "sub": clientID, "aud": asIssuer, "jti": "a1",
			"iat": t0.Unix(), "exp": t0.Add(5 * time.Minute).Unix(),
		},
		key: clientKey,
	}
}

func grantFixture() *fixture {
	return &fixture{
		header: map[string]any{"alg": "ES256", "kid": "g1"},
		claims: map[string]any{
			"iss": idp, "sub": "mailto:mike@example.com", "aud": asIssuer,
			"nbf": t0.Unix(), "exp": t0.Add(time.Hour).Unix(),
			"http://claims.example.com/member": true,
		},
		key: idpKey,
	}
}

func svidFixture() *fixture {
	return &fixture{
		header: map[string]any{"alg": "ES256", "typ": "JWT", "kid": "s1"},
		claims: map[string]any{
			"sub": svidID, "aud": []string{asIssuer},
			"iat": t0.Unix(), "exp": t0.Add(5 * time.Minute).Unix(),
		},
		key: svidKey,
	}
}

func (f *fixture) clone() *fixture {
	return &fixture{header: maps.Clone(f.header), claims: maps.Clone(f.claims), key: f.key}
}

func (f *fixture) sign(tb testing.TB) string {
	tb.Helper()
	hb, err := jose.Marshal(f.header)
	if err != nil {
		tb.Fatal(err)
	}
	pb, err := jose.Marshal(f.claims)
	if err != nil {
		tb.Fatal(err)
	}
	alg, _ := f.header["alg"].(string)
	if !jose.IsSupported(alg) {
		enc := base64.RawURLEncoding.EncodeToString
		return enc(hb) + "." + enc(pb) + "." + enc([]byte("not a signature"))
	}
	raw, err := jose.SignRaw(hb, pb, alg, f.key, true)
	if err != nil {
		tb.Fatal(err)
	}
	return raw
}

func policy() wimse.Policy { return wimse.Policy{Now: func() time.Time { return t0 }} }

func keys() jwtgrant.StaticKeys {
	return jwtgrant.StaticKeys{
		clientID: {{KeyID: "c1", Public: clientKey.Public()}},
		idp:      {{KeyID: "g1", Public: idpKey.Public()}, {KeyID: "g2", Algorithm: "ES384", Public: otherKey.Public()}},
	}
}

func verifier() *jwtgrant.Verifier {
	return &jwtgrant.Verifier{
		Issuer:         asIssuer,
		GrantAudiences: []string{tokenURL},
		Keys:           keys(),
		Policy:         policy(),
		Replay:         &wimse.MemoryReplayCache{},
	}
}

func bundles() *jwtbundle.Set {
	return jwtbundle.NewSet(
		jwtbundle.FromJWTAuthorities(spiffeid.RequireTrustDomainFromString(trustRoot), map[string]crypto.PublicKey{
			"s1": svidKey.Public(), "ed": edPub,
		}),
		jwtbundle.FromJWTAuthorities(spiffeid.RequireTrustDomainFromString("other.org"), map[string]crypto.PublicKey{
			"o1": otherKey.Public(),
		}),
	)
}

func spiffeVerifier() *jwtgrant.SPIFFEVerifier {
	return &jwtgrant.SPIFFEVerifier{Issuer: asIssuer, Bundles: bundles(), Policy: policy()}
}

// signRaw signs literal header and payload JSON with the client key.
func signRaw(header, payload string) (string, error) {
	return jose.SignRaw([]byte(header), []byte(payload), "ES256", clientKey, true)
}
