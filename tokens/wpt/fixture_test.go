package wpt_test

import (
	"crypto"
	"encoding/base64"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/tokens/wpt"
	"github.com/wimse-wg/wimse/wimse"
)

// wptNow is the pinned verification time of the generated tokens.
const wptNow int64 = 1_760_000_000

const (
	testAud = "https://workload.example.com/path"
	testSub = "wimse://example.com/workload"
)

// issuerKey signs the generated WITs (Ed25519: fast and deterministic).
var issuerKey = wimsetest.Ed("issuer")

// makeWIT issues and verifies a WIT for sub whose cnf.jwk is the workload
// test key for alg, and returns the verified token.
func makeWIT(t testing.TB, sub, alg string) *wit.Token {
	t.Helper()
	raw, err := (&wit.Signer{Key: issuerKey, KeyID: "k1"}).Sign(wit.Claims{
		Subject: wimse.MustParseID(sub),
		Expiry:  time.Unix(wptNow+3600, 0),
		Key:     wimsetest.For(t, alg, "workload").Public(),
		KeyAlg:  alg,
	})
	if err != nil {
		t.Fatalf("wit Sign: %v", err)
	}
	s := wimse.NewTrustStore()
	s.Set(wimse.MustParseID(sub).TrustDomain(), wimse.Anchors{Keys: []wimse.IssuerKey{{KeyID: "k1", Public: issuerKey.Public()}}})
	tok, err := (&wit.Verifier{Trust: s, Policy: wimse.Policy{Now: wimsetest.Clock(wptNow)}}).Verify(raw)
	if err != nil {
		t.Fatalf("wit Verify: %v", err)
	}
	return tok
}

// wptFixture is one WPT verification: the proof's header and claims, how
// it is signed and post-processed, and what the receiver expects. Invalid
// cases start from baseWPT and change one thing through a mutator; the
// proof is then re-signed with the workload key.
type wptFixture struct {
	header                 map[string]any
	claims                 map[string]any
	headerJSON, claimsJSON []byte
	signAlg                string
	key                    crypto.Signer
	sign                   func(t testing.TB, input string) []byte
	post                   func(raw string) string

	expect  wpt.Expect
	policy  wimse.Policy
	replay  wimse.ReplayCache
	maxSize func(n int) int
}

// baseWPT is the valid baseline: a wpt-02 EdDSA proof for testAud,
// expiring a minute after wptNow, bound to a WIT for testSub.
func baseWPT(t testing.TB) *wptFixture {
	t.Helper()
	tok := makeWIT(t, testSub, "EdDSA")
	return &wptFixture{
		header: map[string]any{"alg": "EdDSA", "typ": "wpt+jwt"},
		claims: map[string]any{
			"aud": testAud,
			"exp": wptNow + 60,
			"jti": "wpt-jti-1",
			"wth": tok.Hash,
		},
		signAlg: "EdDSA",
		key:     wimsetest.For(t, "EdDSA", "workload"),
		expect:  wpt.Expect{Revision: wimse.RevisionWPT02, Audience: testAud, WIT: tok},
		policy:  wimse.Policy{Now: wimsetest.Clock(wptNow)},
	}
}

// bindWIT makes the proof's key, alg and wth those of a WIT whose cnf is
// the workload key for alg.
func (f *wptFixture) bindWIT(t testing.TB, alg string) {
	t.Helper()
	tok := makeWIT(t, testSub, alg)
	f.expect.WIT = tok
	f.claims["wth"] = tok.Hash
	f.header["alg"] = alg
	f.signAlg = alg
	f.key = wimsetest.For(t, alg, "workload")
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

func (f *wptFixture) token(t testing.TB) string {
	t.Helper()
	hb := f.headerJSON
	if hb == nil {
		hb = mustMarshal(t, f.header)
	}
	pb := f.claimsJSON
	if pb == nil {
		pb = mustMarshal(t, f.claims)
	}
	var raw string
	if f.sign != nil {
		input := b64(hb) + "." + b64(pb)
		raw = input + "." + b64(f.sign(t, input))
	} else {
		var err error
		// Deterministic signatures: every run builds the same bytes.
		if raw, err = jose.SignRaw(hb, pb, f.signAlg, f.key, true); err != nil {
			t.Fatalf("SignRaw: %v", err)
		}
	}
	if f.post != nil {
		raw = f.post(raw)
	}
	return raw
}

func (f *wptFixture) verifier(n int) *wpt.Verifier {
	v := &wpt.Verifier{Policy: f.policy, Replay: f.replay}
	if f.maxSize != nil {
		v.Policy.MaxTokenSize = f.maxSize(n)
	}
	return v
}

func segment(raw string, i int) string { return strings.Split(raw, ".")[i] }

func withSegment(i int, seg string) func(string) string {
	return func(raw string) string {
		parts := strings.Split(raw, ".")
		parts[i] = seg
		return strings.Join(parts, ".")
	}
}

func readFile(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func ptr(s string) *string { return &s }

// rawJSON is raw JSON for a claim value.
type rawJSON string

func (j rawJSON) MarshalJSON() ([]byte, error) { return []byte(j), nil }
