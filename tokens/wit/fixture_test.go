package wit_test

import (
	"crypto"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/wimse"
)

// witNow is the pinned verification time of the generated tokens.
const witNow int64 = 1_760_000_000

// witFixture is everything that goes into one WIT verification: the token's
// header and claims, how it is signed and post-processed, and the receiver's
// trust store and policy. Invalid cases start from baseWIT and change one
// thing through a mutator; the token is then re-signed with the real key, so
// only the rule under test breaks.
type witFixture struct {
	header map[string]any
	claims map[string]any
	// headerJSON and claimsJSON, when non-nil, replace the marshalled maps
	// (hand-crafted bytes: duplicate members, invalid UTF-8, arrays).
	headerJSON, claimsJSON []byte
	// signAlg and key compute the signature; signAlg may differ from the
	// header's alg on purpose.
	signAlg string
	key     crypto.Signer
	// sign, when non-nil, computes the signature instead (HMAC, none).
	sign func(t testing.TB, input string) []byte
	// post rewrites the signed compact token (truncation, padding, ...).
	post func(raw string) string

	anchors  map[string]wimse.Anchors // trust domain name -> anchors
	nilTrust bool                     // Verifier.Trust = nil
	policy   wimse.Policy
	schemes  []string
	// maxSize, when non-nil, sets Policy.MaxTokenSize from the token length.
	maxSize func(n int) int
}

func jwkOf(t testing.TB, pub crypto.PublicKey, alg string) map[string]any {
	t.Helper()
	m, err := jose.PublicJWKJSON(pub, alg, "")
	if err != nil {
		t.Fatalf("PublicJWKJSON: %v", err)
	}
	return m
}

// baseWIT is the valid baseline: an ES256 WIT with kid k1 from
// example.com's issuer, binding wimse://example.com/workload to an Ed25519
// workload key (cnf.jwk.alg EdDSA), verified at witNow.
func baseWIT(t testing.TB) *witFixture {
	t.Helper()
	issuer := wimsetest.For(t, "ES256", "issuer")
	return &witFixture{
		header: map[string]any{"alg": "ES256", "typ": "wit+jwt", "kid": "k1"},
		claims: map[string]any{
			"iss": "https://issuer.example.com",
			"sub": "wimse://example.com/workload",
			"exp": witNow + 3600,
			"iat": witNow - 60,
			"jti": "wit-jti-1",
			"cnf": map[string]any{"jwk": jwkOf(t, wimsetest.Ed("workload").Public(), "EdDSA")},
		},
		signAlg: "ES256",
		key:     issuer,
		anchors: map[string]wimse.Anchors{
			"example.com": {Keys: []wimse.IssuerKey{{KeyID: "k1", Public: issuer.Public()}}},
		},
		policy: wimse.Policy{Now: wimsetest.Clock(witNow)},
	}
}

// setIssuer makes example.com's only key (kid k1) the issuer key for alg
// and signs with it.
func (f *witFixture) setIssuer(t testing.TB, alg string) {
	t.Helper()
	key := wimsetest.For(t, alg, "issuer")
	f.header["alg"] = alg
	f.signAlg = alg
	f.key = key
	f.anchors["example.com"] = wimse.Anchors{Keys: []wimse.IssuerKey{{KeyID: "k1", Public: key.Public()}}}
}

// setCnf binds the WIT to the workload test key for alg.
func (f *witFixture) setCnf(t testing.TB, alg string) {
	t.Helper()
	f.claims["cnf"] = map[string]any{"jwk": jwkOf(t, wimsetest.For(t, alg, "workload").Public(), alg)}
}

// jwk returns the cnf.jwk map for in-place changes.
func (f *witFixture) jwk() map[string]any {
	return f.claims["cnf"].(map[string]any)["jwk"].(map[string]any)
}

func mustMarshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := jose.Marshal(v)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	return b
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func (f *witFixture) headerBytes(t testing.TB) []byte {
	t.Helper()
	if f.headerJSON != nil {
		return f.headerJSON
	}
	return mustMarshal(t, f.header)
}

func (f *witFixture) claimsBytes(t testing.TB) []byte {
	t.Helper()
	if f.claimsJSON != nil {
		return f.claimsJSON
	}
	return mustMarshal(t, f.claims)
}

// token signs the fixture deterministically (RFC 6979 for ECDSA) and
// applies post, so every run builds the same bytes.
func (f *witFixture) token(t testing.TB) string {
	t.Helper()
	hb, pb := f.headerBytes(t), f.claimsBytes(t)
	var raw string
	if f.sign != nil {
		input := b64(hb) + "." + b64(pb)
		raw = input + "." + b64(f.sign(t, input))
	} else {
		var err error
		if raw, err = jose.SignRaw(hb, pb, f.signAlg, f.key, true); err != nil {
			t.Fatalf("SignRaw: %v", err)
		}
	}
	if f.post != nil {
		raw = f.post(raw)
	}
	return raw
}

func (f *witFixture) store() *wimse.TrustStore {
	s := wimse.NewTrustStore()
	for name, a := range f.anchors {
		s.Set(wimse.MustParseTrustDomain(name), a)
	}
	return s
}

// verifier builds the receiver for a token of n bytes.
func (f *witFixture) verifier(n int) *wit.Verifier {
	v := &wit.Verifier{Trust: f.store(), Policy: f.policy, Schemes: f.schemes}
	if f.nilTrust {
		v.Trust = nil
	}
	if f.maxSize != nil {
		v.Policy.MaxTokenSize = f.maxSize(n)
	}
	return v
}

// Token rewriting helpers for post.

func dropLast(n int) func(string) string {
	return func(raw string) string { return raw[:len(raw)-n] }
}

func segment(raw string, i int) string { return strings.Split(raw, ".")[i] }

// withSegment replaces segment i of the compact token by seg.
func withSegment(i int, seg string) func(string) string {
	return func(raw string) string {
		parts := strings.Split(raw, ".")
		parts[i] = seg
		return strings.Join(parts, ".")
	}
}

// insertAt inserts s at byte offset off of the token (negative: from the end).
func insertAt(off int, s string) func(string) string {
	return func(raw string) string {
		if off < 0 {
			off += len(raw) + 1
		}
		return raw[:off] + s + raw[off:]
	}
}

// replaceFirst replaces the first occurrence of one of the characters in
// from, within segment i, by to.
func replaceFirstIn(i int, from string, to string) func(string) string {
	return func(raw string) string {
		parts := strings.Split(raw, ".")
		j := strings.IndexAny(parts[i], from)
		if j < 0 {
			panic("replaceFirstIn: no character of " + from + " in segment")
		}
		parts[i] = parts[i][:j] + to + parts[i][j+1:]
		return strings.Join(parts, ".")
	}
}

// prependMember inserts member (`"name":value`) as the first member of a
// JSON object.
func prependMember(obj []byte, member string) []byte {
	return []byte("{" + member + "," + string(obj[1:]))
}
