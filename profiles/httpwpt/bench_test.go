package httpwpt_test

// Benchmarks of request verification beside the bare cryptography, in one
// run so the ratios show (a cold request costs two signature verifications, a
// warm one a single one).
//
// What is measured:
//
//   - BenchmarkVerifyRequest/cold: Verifier.Verify of a wpt-02 request with
//     an ES256 WIT and an ES256 WPT, no WIT cache: carriage detection,
//     parsing and full validation of both tokens (two ECDSA P-256
//     verifications), the audience, and the replay check with a real
//     MemoryReplayCache. Each iteration presents a distinct proof (distinct
//     jti), pre-signed before the timer starts, so no iteration is a replay
//     and no signing is timed. The replay cache is fresh for each benchmark
//     run and sized b.N+1, so it never fills: it grows by one entry per
//     iteration, and that insertion is part of the measured cost, as in a
//     server. Swapping the proof in is one slice-element store.
//   - BenchmarkVerifyRequest/warm: the same with a WIT cache, warmed before
//     the timer starts, so the WIT costs a hash and a map lookup plus the
//     per-request rechecks instead of a signature verification.
//   - BenchmarkBareECDSAVerifyTwice: the cryptography alone: SHA-256 of the
//     WIT's and the WPT's signing inputs and crypto/ecdsa.Verify of each.
//     r and s are parsed from the JWS r||s signatures once, outside the
//     loop; that is the API the JOSE layer (lestrrat-go/dsig) ends in, and
//     leaving the parsing out keeps this the floor, not a second
//     implementation.
//
// Run: go test ./profiles/httpwpt -run XXX -bench . -benchtime 2000x -count 5

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/base64"
	"math/big"
	"strings"
	"testing"

	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/wimse"
)

func BenchmarkVerifyRequest(b *testing.B) {
	b.Run("cold", func(b *testing.B) { benchmarkVerify(b, nil) })
	b.Run("warm", func(b *testing.B) { benchmarkVerify(b, wit.NewCache(0)) })
}

func benchmarkVerify(b *testing.B, cache *wit.Cache) {
	f := newFixture(b)
	// proofs[b.N] is spent warming the WIT cache (warm) or checking the
	// setup (cold), before the timer starts.
	proofs := make([]string, b.N+1)
	for i := range proofs {
		proofs[i] = "WPT " + f.signWPT(b, nil)
	}
	v := f.verifier()
	v.WITCache = cache
	// No sender quota: every proof comes from the one fixture workload.
	v.Replay = wimse.NewMemoryReplayCache(b.N+1, wimse.WithSenderQuota(-1))
	r := request(header(hWIT, f.wit, hAuth, proofs[b.N]))
	if _, err := v.Verify(r); err != nil {
		b.Fatalf("setup request rejected: %v", err)
	}
	if cache != nil && cache.Len() != 1 {
		b.Fatalf("WIT cache holds %d entries after warm-up, want 1", cache.Len())
	}
	auth := r.Header["Authorization"]

	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		auth[0] = proofs[i]
		if _, err := v.Verify(r); err != nil {
			b.Fatalf("iteration %d: %v", i, err)
		}
	}
}

// bareSignature is one JWS signature ready for crypto/ecdsa.
type bareSignature struct {
	input []byte
	pub   *ecdsa.PublicKey
	r, s  *big.Int
}

func parseBare(b *testing.B, compact string, pub *ecdsa.PublicKey) bareSignature {
	b.Helper()
	dot := strings.LastIndexByte(compact, '.')
	sig, err := base64.RawURLEncoding.DecodeString(compact[dot+1:])
	if err != nil || len(sig) != 64 {
		b.Fatalf("not an ES256 signature: %v", err)
	}
	return bareSignature{
		input: []byte(compact[:dot]),
		pub:   pub,
		r:     new(big.Int).SetBytes(sig[:32]),
		s:     new(big.Int).SetBytes(sig[32:]),
	}
}

func BenchmarkBareECDSAVerifyTwice(b *testing.B) {
	f := newFixture(b)
	sigs := [2]bareSignature{
		parseBare(b, f.wit, &f.issuer.PublicKey),
		parseBare(b, f.signWPT(b, nil), &f.workload.PublicKey),
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := range sigs {
			digest := sha256.Sum256(sigs[j].input)
			if !ecdsa.Verify(sigs[j].pub, digest[:], sigs[j].r, sigs[j].s) {
				b.Fatal("signature does not verify")
			}
		}
	}
}
