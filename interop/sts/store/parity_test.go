package store_test

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/interop/sts/store"
	"github.com/wimse-wg/wimse/wimse"
)

// TestReplayParity runs one deterministic pseudo-random sequence of
// checks (three senders and keys without a sender, repeated jtis, moving
// clock, short lifetimes) on wimse.MemoryReplayCache and on each store's
// replay cache with the same limit and sender quota, and requires the
// same answer (fresh, and the error's reason) at every step.
func TestReplayParity(t *testing.T) {
	for _, impl := range []struct {
		name string
		open opener
	}{{"sqlite", openSQLite}, {"memory", openMemory}} {
		for _, quota := range []int{0, 2, -1} {
			t.Run(impl.name+"/quota="+strconv.Itoa(quota), func(t *testing.T) {
				const limit = 5
				want := wimse.NewMemoryReplayCache(limit, wimse.WithSenderQuota(quota))
				got := impl.open(t, store.WithReplayLimit(limit), store.WithReplaySenderQuota(quota)).Replay(store.ReplayProof)
				rng := rand.New(rand.NewPCG(1, 2))
				now := t0
				seen := map[string]int{}
				for step := range 300 {
					now = now.Add(time.Duration(rng.IntN(3)) * time.Second)
					jti := "j" + strconv.Itoa(rng.IntN(12))
					key := jti // no sender
					if s := rng.IntN(4); s < 3 {
						key = wimse.ReplayKey("wimse://td.example/w"+strconv.Itoa(s), jti)
					}
					exp := now.Add(time.Duration(rng.IntN(10)) * time.Second)
					wf, werr := want.Check(key, exp, now)
					gf, gerr := got.Check(key, exp, now)
					if wf != gf || wimse.ReasonOf(werr) != wimse.ReasonOf(gerr) {
						t.Fatalf("step %d: Check(%q, +%v) = %v, %q; MemoryReplayCache says %v, %q",
							step, key, exp.Sub(now), gf, wimse.ReasonOf(gerr), wf, wimse.ReasonOf(werr))
					}
					switch {
					case werr != nil:
						seen[string(wimse.ReasonOf(werr))]++
					case wf:
						seen["fresh"]++
					default:
						seen["replayed"]++
					}
				}
				// The sequence reaches every outcome the settings allow.
				outcomes := []string{"fresh", "replayed", string(wimse.ReasonReplayCacheFull)}
				if quota >= 0 {
					outcomes = append(outcomes, string(wimse.ReasonReplaySenderQuota))
				}
				for _, o := range outcomes {
					if seen[o] == 0 {
						t.Errorf("no step gave %s: %v", o, seen)
					}
				}
				t.Logf("outcomes: %v", seen)
			})
		}
	}
}
