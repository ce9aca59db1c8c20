package wit_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/internal/reasontest"

	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/wimse"
)

// cachedVerifier returns a verifier with a cache whose clock reads *now,
// and the WIT of f.
func cachedVerifier(t testing.TB, f *witFixture, max int, now *int64) (*wit.Verifier, string) {
	t.Helper()
	raw := f.token(t)
	v := f.verifier(len(raw))
	v.Cache = wit.NewCache(max)
	v.Policy.Now = func() time.Time { return time.Unix(*now, 0) }
	return v, raw
}

func TestCacheHit(t *testing.T) {
	now := witNow
	v, raw := cachedVerifier(t, baseWIT(t), 0, &now)
	first, err := v.Verify(raw)
	if err != nil {
		t.Fatalf("first Verify: %v", err)
	}
	second, err := v.Verify(raw)
	if err != nil {
		t.Fatalf("second Verify: %v", err)
	}
	if first != second {
		t.Errorf("second Verify returned a new token; want the cached one")
	}
	if got, want := v.Cache.Len(), 1; got != want {
		t.Errorf("Len = %d, want %d", got, want)
	}
}

func TestCacheFailureNotCached(t *testing.T) {
	now := witNow
	f := baseWIT(t)
	f.key = wimsetest.For(t, "ES256", "attacker")
	v, raw := cachedVerifier(t, f, 0, &now)
	for i := range 2 {
		_, err := v.Verify(raw)
		reasontest.CheckReason(t, err, wimse.ReasonWITSignature, raw)
		if got := v.Cache.Len(); got != 0 {
			t.Fatalf("after failure %d: Len = %d, want 0", i, got)
		}
	}
}

// TestCacheRecheck: a cached WIT is re-checked on every hit against the
// current trust store and clock. Each case verifies once (filling the
// cache), changes the world, and verifies again.
func TestCacheRecheck(t *testing.T) {
	const exp = witNow + 3600
	skew := int64(wimse.DefaultClockSkew / time.Second)
	td := wimse.MustParseTrustDomain("example.com")
	issuer := func(t testing.TB) wimse.IssuerKey {
		return wimse.IssuerKey{KeyID: "k1", Public: wimsetest.For(t, "ES256", "issuer").Public()}
	}
	tests := []struct {
		name   string
		change func(t testing.TB, v *wit.Verifier, now *int64)
		want   wimse.Reason
		// uncached is the reason a fresh verifier without cache gives; the
		// cache must never accept what a fresh verification rejects.
		uncached wimse.Reason
	}{
		{name: "nothing changes"},
		{name: "clock moves within validity", change: func(_ testing.TB, _ *wit.Verifier, now *int64) { *now = exp + skew - 1 }},
		{name: "clock passes exp + skew", change: func(_ testing.TB, _ *wit.Verifier, now *int64) { *now = exp + skew },
			want: wimse.ReasonWITExpired, uncached: wimse.ReasonWITExpired},
		{name: "clock moves back before iat - skew", change: func(_ testing.TB, _ *wit.Verifier, now *int64) { *now = witNow - 60 - skew - 1 },
			want: wimse.ReasonWITNotYetValid, uncached: wimse.ReasonWITNotYetValid},
		{name: "issuer key replaced under the same kid", change: func(t testing.TB, v *wit.Verifier, _ *int64) {
			v.Trust.Set(td, wimse.Anchors{Keys: []wimse.IssuerKey{{KeyID: "k1", Public: wimsetest.For(t, "ES256", "issuer-2").Public()}}})
		}, want: wimse.ReasonWITKeyUnknown, uncached: wimse.ReasonWITSignature},
		{name: "issuer key kid renamed", change: func(t testing.TB, v *wit.Verifier, _ *int64) {
			k := issuer(t)
			k.KeyID = "k2"
			v.Trust.Set(td, wimse.Anchors{Keys: []wimse.IssuerKey{k}})
		}, want: wimse.ReasonWITKeyUnknown, uncached: wimse.ReasonWITKeyUnknown},
		{name: "issuer key still present after rotation", change: func(t testing.TB, v *wit.Verifier, _ *int64) {
			v.Trust.Set(td, wimse.Anchors{Keys: []wimse.IssuerKey{
				{KeyID: "k2", Public: wimsetest.For(t, "ES256", "issuer-2").Public()}, issuer(t),
			}})
		}},
		{name: "trust domain no longer trusted", change: func(_ testing.TB, v *wit.Verifier, _ *int64) {
			v.Trust = wimse.NewTrustStore()
		}, want: wimse.ReasonWITTrustDomain, uncached: wimse.ReasonWITTrustDomain},
		{name: "issuer allow-list added", change: func(t testing.TB, v *wit.Verifier, _ *int64) {
			v.Trust.Set(td, wimse.Anchors{Keys: []wimse.IssuerKey{issuer(t)}, Issuers: []string{"https://other.example"}})
		}, want: wimse.ReasonWITIssuer, uncached: wimse.ReasonWITIssuer},
		{name: "trust domain algorithms restricted", change: func(t testing.TB, v *wit.Verifier, _ *int64) {
			v.Trust.Set(td, wimse.Anchors{Keys: []wimse.IssuerKey{issuer(t)}, Algorithms: []string{"EdDSA"}})
		}, want: wimse.ReasonWITAlg, uncached: wimse.ReasonWITAlg},
		{name: "issuer key restricted to another alg", change: func(t testing.TB, v *wit.Verifier, _ *int64) {
			k := issuer(t)
			k.Algorithm = "ES384"
			v.Trust.Set(td, wimse.Anchors{Keys: []wimse.IssuerKey{k}})
		}, want: wimse.ReasonWITSignature, uncached: wimse.ReasonWITSignature},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			now := witNow
			v, raw := cachedVerifier(t, baseWIT(t), 0, &now)
			if _, err := v.Verify(raw); err != nil {
				t.Fatalf("first Verify: %v", err)
			}
			if tc.change != nil {
				tc.change(t, v, &now)
			}
			fresh := *v
			fresh.Cache = nil
			_, err := fresh.Verify(raw)
			reasontest.CheckReason(t, err, tc.uncached, raw)
			_, err = v.Verify(raw)
			reasontest.CheckReason(t, err, tc.want, raw)
		})
	}
}

// signedWIT returns a valid WIT for sub that expires at exp.
func signedWIT(t testing.TB, sub string, exp int64) string {
	t.Helper()
	f := baseWIT(t)
	f.claims["sub"] = sub
	f.claims["exp"] = exp
	return f.token(t)
}

func TestCacheBounded(t *testing.T) {
	now := witNow
	v, _ := cachedVerifier(t, baseWIT(t), 2, &now)
	for i := range 5 {
		raw := signedWIT(t, fmt.Sprintf("wimse://example.com/w%d", i), witNow+3600)
		if _, err := v.Verify(raw); err != nil {
			t.Fatalf("Verify %d: %v", i, err)
		}
		if got := v.Cache.Len(); got > 2 {
			t.Fatalf("after %d WITs: Len = %d, want at most 2", i+1, got)
		}
	}
	if got, want := v.Cache.Len(), 2; got != want {
		t.Errorf("Len = %d, want %d", got, want)
	}
}

// TestCacheEvictsExpiredFirst: when full, an expired entry goes before a
// live one.
func TestCacheEvictsExpiredFirst(t *testing.T) {
	now := witNow
	v, _ := cachedVerifier(t, baseWIT(t), 2, &now)
	short := signedWIT(t, "wimse://example.com/short", witNow+100)
	long := signedWIT(t, "wimse://example.com/long", witNow+3600)
	third := signedWIT(t, "wimse://example.com/third", witNow+3600)
	tokLong, err := v.Verify(long)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(short); err != nil {
		t.Fatal(err)
	}
	now = witNow + 500 // short has expired (and is past the skew)
	if _, err := v.Verify(third); err != nil {
		t.Fatal(err)
	}
	if got, want := v.Cache.Len(), 2; got != want {
		t.Errorf("Len = %d, want %d", got, want)
	}
	again, err := v.Verify(long)
	if err != nil {
		t.Fatal(err)
	}
	if again != tokLong {
		t.Errorf("the live WIT was evicted; want the expired one evicted first")
	}
}

func TestCacheDefaultSize(t *testing.T) {
	for _, n := range []int{0, -1} {
		c := wit.NewCache(n)
		if c.Len() != 0 {
			t.Errorf("NewCache(%d).Len() = %d, want 0", n, c.Len())
		}
	}
}

// TestCacheConcurrent runs cached verifications from several goroutines
// (meaningful under -race).
func TestCacheConcurrent(t *testing.T) {
	now := witNow
	v, _ := cachedVerifier(t, baseWIT(t), 3, &now)
	raws := make([]string, 4)
	for i := range raws {
		raws[i] = signedWIT(t, fmt.Sprintf("wimse://example.com/c%d", i), witNow+3600)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4*len(raws))
	for g := range 4 {
		wg.Go(func() {
			for i := range raws {
				if _, err := v.Verify(raws[(i+g)%len(raws)]); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent Verify: %v", err)
	}
	if got := v.Cache.Len(); got > 3 {
		t.Errorf("Len = %d, want at most 3", got)
	}
}
