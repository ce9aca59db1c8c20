package wimse

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// replayT0 is a pinned instant; tests move the clock from it, never sleep.
var replayT0 = time.Date(2026, 8, 27, 12, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return replayT0.Add(d) }

const (
	senderA = "wimse://example.com/svcA"
	senderB = "wimse://example.com/svcB"
)

type replayStep struct {
	key        string
	exp, now   time.Time
	wantFresh  bool
	wantReason Reason // "" means no error
	wantLen    int
}

func TestMemoryReplayCacheCheck(t *testing.T) {
	kA1 := ReplayKey(senderA, "jti-1")
	kA2 := ReplayKey(senderA, "jti-2")
	kA3 := ReplayKey(senderA, "jti-3")
	kB1 := ReplayKey(senderB, "jti-1")
	tests := []struct {
		name  string
		max   int
		steps []replayStep
	}{
		{
			name: "fresh then replay",
			steps: []replayStep{
				{key: kA1, exp: at(time.Minute), now: at(0), wantFresh: true, wantLen: 1},
				{key: kA1, exp: at(time.Minute), now: at(time.Second), wantFresh: false, wantLen: 1},
				{key: kA1, exp: at(time.Hour), now: at(59 * time.Second), wantFresh: false, wantLen: 1},
			},
		},
		{
			name: "same jti from another sender is fresh",
			steps: []replayStep{
				{key: kA1, exp: at(time.Minute), now: at(0), wantFresh: true, wantLen: 1},
				{key: kB1, exp: at(time.Minute), now: at(0), wantFresh: true, wantLen: 2},
				{key: kB1, exp: at(time.Minute), now: at(0), wantFresh: false, wantLen: 2},
			},
		},
		{
			name: "fresh again once expired",
			steps: []replayStep{
				{key: kA1, exp: at(time.Minute), now: at(0), wantFresh: true, wantLen: 1},
				{key: kA1, exp: at(2 * time.Minute), now: at(time.Minute - time.Nanosecond), wantFresh: false, wantLen: 1},
				// exp <= now: the entry is absent and is recorded anew.
				{key: kA1, exp: at(2 * time.Minute), now: at(time.Minute), wantFresh: true, wantLen: 1},
				{key: kA1, exp: at(3 * time.Minute), now: at(90 * time.Second), wantFresh: false, wantLen: 1},
			},
		},
		{
			name: "already expired key is fresh and not recorded",
			steps: []replayStep{
				{key: kA1, exp: at(0), now: at(0), wantFresh: true, wantLen: 0},
				{key: kA1, exp: at(-time.Second), now: at(0), wantFresh: true, wantLen: 0},
			},
		},
		{
			name: "full cache rejects a new key and still reports a replay",
			max:  2,
			steps: []replayStep{
				{key: kA1, exp: at(time.Minute), now: at(0), wantFresh: true, wantLen: 1},
				{key: kA2, exp: at(2 * time.Minute), now: at(0), wantFresh: true, wantLen: 2},
				{key: kA3, exp: at(time.Minute), now: at(time.Second), wantReason: ReasonReplayCacheFull, wantLen: 2},
				{key: kA1, exp: at(time.Minute), now: at(time.Second), wantFresh: false, wantLen: 2},
				{key: kA2, exp: at(time.Minute), now: at(time.Second), wantFresh: false, wantLen: 2},
				// The rejected key was not recorded: still refused, not a replay.
				{key: kA3, exp: at(time.Minute), now: at(time.Second), wantReason: ReasonReplayCacheFull, wantLen: 2},
			},
		},
		{
			name: "full cache accepts a new key once an entry expires",
			max:  2,
			steps: []replayStep{
				{key: kA1, exp: at(time.Minute), now: at(0), wantFresh: true, wantLen: 1},
				{key: kA2, exp: at(2 * time.Minute), now: at(0), wantFresh: true, wantLen: 2},
				{key: kA3, exp: at(3 * time.Minute), now: at(time.Minute - time.Nanosecond), wantReason: ReasonReplayCacheFull, wantLen: 2},
				{key: kA3, exp: at(3 * time.Minute), now: at(time.Minute), wantFresh: true, wantLen: 2},
				{key: kA2, exp: at(3 * time.Minute), now: at(time.Minute), wantFresh: false, wantLen: 2},
				{key: kA1, exp: at(3 * time.Minute), now: at(time.Minute), wantReason: ReasonReplayCacheFull, wantLen: 2},
				// Everything expires: the cache empties.
				{key: kB1, exp: at(4 * time.Minute), now: at(3 * time.Minute), wantFresh: true, wantLen: 1},
			},
		},
		{
			name: "expiry beyond the UnixNano range",
			steps: []replayStep{
				{key: kA1, exp: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), now: at(0), wantFresh: true, wantLen: 1},
				{key: kA1, exp: at(time.Minute), now: time.Date(2261, 1, 1, 0, 0, 0, 0, time.UTC), wantFresh: false, wantLen: 1},
				{key: kA2, exp: time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), now: at(0), wantFresh: true, wantLen: 1},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// One sender fills the cache: capacity, not the quota, is tested.
			c := NewMemoryReplayCache(tt.max, WithSenderQuota(-1))
			for i, s := range tt.steps {
				fresh, err := c.Check(s.key, s.exp, s.now)
				if got := ReasonOf(err); got != s.wantReason {
					t.Fatalf("step %d: Check(%q) reason = %q, want %q", i, s.key, got, s.wantReason)
				}
				if fresh != s.wantFresh {
					t.Errorf("step %d: Check(%q) fresh = %v, want %v", i, s.key, fresh, s.wantFresh)
				}
				if got := c.Len(); got != s.wantLen {
					t.Errorf("step %d: Len() = %d, want %d", i, got, s.wantLen)
				}
				checkReplayInvariants(t, c)
			}
		})
	}
}

func TestMemoryReplayCacheFullError(t *testing.T) {
	c := NewMemoryReplayCache(1)
	if _, err := c.Check("a", at(time.Minute), at(0)); err != nil {
		t.Fatalf("Check(a) error = %v", err)
	}
	_, err := c.Check("b", at(time.Minute), at(0))
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Check(b) error = %T %v, want *Error", err, err)
	}
	if got, want := ClassOf(ReasonOf(err)), ClassUnavailable; got != want {
		t.Errorf("ClassOf(%q) = %v, want %v", ReasonOf(err), got, want)
	}
}

func TestNewMemoryReplayCacheSize(t *testing.T) {
	tests := []struct {
		name string
		c    *MemoryReplayCache
		want int
	}{
		{"zero", NewMemoryReplayCache(0), DefaultReplayCacheSize},
		{"negative", NewMemoryReplayCache(-1), DefaultReplayCacheSize},
		{"explicit", NewMemoryReplayCache(7), 7},
		{"zero value", &MemoryReplayCache{}, DefaultReplayCacheSize},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.limit(); got != tt.want {
				t.Errorf("limit() = %d, want %d", got, tt.want)
			}
			fresh, err := tt.c.Check("k", at(time.Minute), at(0))
			if !fresh || err != nil {
				t.Errorf("Check() = %v, %v, want true, nil", fresh, err)
			}
		})
	}
}

func TestReplayKey(t *testing.T) {
	// Pairs that a naive concatenation would confuse.
	pairs := [][2]string{
		{"a", "bc"}, {"ab", "c"}, {"abc", ""}, {"", "abc"},
		{"a\x00", "b"}, {"a", "\x00b"},
		{"1:a", "b"}, {"1", ":ab"}, {"3:a", "bc"},
		{senderA, "jti-1"}, {senderB, "jti-1"}, {senderA + "jti", "-1"},
	}
	seen := map[string][2]string{}
	for _, p := range pairs {
		k := ReplayKey(p[0], p[1])
		if prev, ok := seen[k]; ok {
			t.Errorf("ReplayKey(%q, %q) = ReplayKey(%q, %q) = %q", p[0], p[1], prev[0], prev[1], k)
		}
		seen[k] = p
	}
	if got, want := ReplayKey(senderA, "x"), "24:wimse://example.com/svcAx"; got != want {
		t.Errorf("ReplayKey(%q, %q) = %q, want %q", senderA, "x", got, want)
	}
}

func TestMemoryReplayCacheLongKeys(t *testing.T) {
	long := ReplayKey("wimse://example.com/"+strings.Repeat("p/", 1500), "jti-1")
	longOther := long[:len(long)-1] + "2"
	sum := sha256.Sum256([]byte(long))
	digest := string(sum[:]) // a short key equal to long's stored form

	c := NewMemoryReplayCache(10)
	steps := []struct {
		name      string
		key       string
		wantFresh bool
	}{
		{"long key", long, true},
		{"long key again", long, false},
		{"long key differing in the last byte", longOther, true},
		{"short key equal to the digest", digest, true},
		{"at the threshold", strings.Repeat("k", maxStoredKeyLen), true},
		{"one past the threshold", strings.Repeat("k", maxStoredKeyLen+1), true},
		{"one past the threshold again", strings.Repeat("k", maxStoredKeyLen+1), false},
	}
	for _, s := range steps {
		fresh, err := c.Check(s.key, at(time.Minute), at(0))
		if err != nil || fresh != s.wantFresh {
			t.Errorf("%s: Check() = %v, %v, want %v, nil", s.name, fresh, err, s.wantFresh)
		}
	}
	for k := range c.keys {
		if len(k.s) > maxStoredKeyLen {
			t.Errorf("stored key of %d bytes, want at most %d", len(k.s), maxStoredKeyLen)
		}
	}
	for k := range c.senders {
		if len(k.s) > maxStoredKeyLen {
			t.Errorf("stored sender of %d bytes, want at most %d", len(k.s), maxStoredKeyLen)
		}
	}
}

// TestMemoryReplayCacheRandom drives the cache with a random workload and
// compares every answer with a naive model; Len never exceeds the maximum.
func TestMemoryReplayCacheRandom(t *testing.T) {
	const (
		maxEntries = 64
		keySpace   = 300
		steps      = 20_000
	)
	rng := rand.New(rand.NewPCG(1, 2))
	c := NewMemoryReplayCache(maxEntries, WithSenderQuota(-1)) // one sender: see the quota tests
	model := map[string]time.Time{}                            // key -> exp, expired entries included
	now := replayT0
	var full, replays int
	for i := range steps {
		now = now.Add(time.Duration(rng.IntN(300)) * time.Millisecond)
		key := ReplayKey(senderA, fmt.Sprint(rng.IntN(keySpace)))
		exp := now.Add(time.Duration(rng.IntN(20_000)-1_000) * time.Millisecond)

		live := 0
		for _, e := range model {
			if e.After(now) {
				live++
			}
		}
		e, known := model[key]
		known = known && e.After(now)
		wantFresh, wantReason := !known, Reason("")
		if !known && exp.After(now) && live >= maxEntries {
			wantFresh, wantReason = false, ReasonReplayCacheFull
		}

		fresh, err := c.Check(key, exp, now)
		if fresh != wantFresh || ReasonOf(err) != wantReason {
			t.Fatalf("step %d: Check(%q) = %v, %q, want %v, %q", i, key, fresh, ReasonOf(err), wantFresh, wantReason)
		}
		if fresh && exp.After(now) {
			model[key] = exp
		}
		switch {
		case wantReason != "":
			full++
		case !wantFresh:
			replays++
		}
		if n := c.Len(); n > maxEntries {
			t.Fatalf("step %d: Len() = %d, want at most %d", i, n, maxEntries)
		}
		checkReplayInvariants(t, c)
	}
	if full == 0 || replays == 0 {
		t.Errorf("workload hit full %d times and replays %d times; want both > 0", full, replays)
	}
}

// TestMemoryReplayCacheConcurrent checks, under -race, that each key is
// reported fresh exactly once however many goroutines present it.
func TestMemoryReplayCacheConcurrent(t *testing.T) {
	const (
		goroutines = 32
		keys       = 2_000
	)
	c := NewMemoryReplayCache(keys, WithSenderQuota(-1))
	var freshCount [keys]atomic.Int32
	var errCount atomic.Int32
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 0))
			for _, i := range rng.Perm(keys) {
				fresh, err := c.Check(ReplayKey(senderA, fmt.Sprint(i)), at(time.Minute), at(time.Duration(g)))
				if err != nil {
					errCount.Add(1)
				}
				if fresh {
					freshCount[i].Add(1)
				}
			}
		})
	}
	wg.Wait()
	if n := errCount.Load(); n != 0 {
		t.Errorf("%d Check calls failed, want 0", n)
	}
	for i := range freshCount {
		if n := freshCount[i].Load(); n != 1 {
			t.Errorf("key %d reported fresh %d times, want 1", i, n)
		}
	}
	if got := c.Len(); got != keys {
		t.Errorf("Len() = %d, want %d", got, keys)
	}
}

// checkReplayInvariants verifies that map and heap agree, the heap is ordered
// and neither exceeds the maximum.
func checkReplayInvariants(t testing.TB, c *MemoryReplayCache) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.heap) != len(c.keys) || len(c.keys) > c.limit() {
		t.Fatalf("len(heap) = %d, len(keys) = %d, limit %d", len(c.heap), len(c.keys), c.limit())
	}
	counted := map[storedKey]int{}
	for i, e := range c.heap {
		if _, ok := c.keys[e.key]; !ok {
			t.Fatalf("heap[%d] key %q not in map", i, e.key.s)
		}
		if p := (i - 1) / 2; i > 0 && c.heap[p].exp > e.exp {
			t.Fatalf("heap[%d].exp = %d < parent heap[%d].exp = %d", i, e.exp, p, c.heap[p].exp)
		}
		if e.sender != nil {
			if c.senders[e.sender.key] != e.sender {
				t.Fatalf("heap[%d]: sender counter %.40q is not the map's", i, e.sender.key.s)
			}
			counted[e.sender.key]++
		}
	}
	// Per-sender counters: one per sender with entries, each its count.
	if len(counted) != len(c.senders) {
		t.Fatalf("%d senders have entries, %d counters", len(counted), len(c.senders))
	}
	for s, n := range counted {
		if c.senders[s].n != n || n > c.senderLimit() {
			t.Fatalf("sender %.40q: %d entries, counter %d, quota %d", s.s, n, c.senders[s].n, c.senderLimit())
		}
	}
}

func BenchmarkMemoryReplayCacheCheck(b *testing.B) {
	// Steady state: one proof per millisecond, each valid for 10 s, so about
	// 10,000 live entries and one eviction per recorded key.
	b.Run("fresh", func(b *testing.B) {
		keys := make([]string, b.N)
		for i := range keys {
			keys[i] = ReplayKey(senderA, fmt.Sprintf("x-_1CTL2cca3CSE4c%08d", i))
		}
		c := NewMemoryReplayCache(0)
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			now := at(time.Duration(i) * time.Millisecond)
			if fresh, err := c.Check(keys[i], now.Add(10*time.Second), now); !fresh || err != nil {
				b.Fatalf("Check() = %v, %v", fresh, err)
			}
		}
	})
	b.Run("replay", func(b *testing.B) {
		c := NewMemoryReplayCache(0)
		key := ReplayKey(senderA, "x-_1CTL2cca3CSE4cwb_l")
		c.Check(key, at(time.Hour), at(0))
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			if fresh, err := c.Check(key, at(time.Hour), at(time.Second)); fresh || err != nil {
				b.Fatalf("Check() = %v, %v", fresh, err)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		c := NewMemoryReplayCache(0)
		var next atomic.Int64
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				i := next.Add(1)
				now := at(time.Duration(i) * time.Millisecond)
				key := ReplayKey(senderA, fmt.Sprint(i))
				if fresh, err := c.Check(key, now.Add(10*time.Second), now); err != nil {
					b.Errorf("Check() = %v, %v", fresh, err)
					return
				}
			}
		})
	})
}
