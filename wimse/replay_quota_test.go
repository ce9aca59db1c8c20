package wimse

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// TestMemoryReplayCacheOneSenderCannotFillIt is issue 9 item 7: one sender
// used to fill the shared cache, and every sender then got
// server.replay_cache_full. With the default quota (a quarter of the
// capacity) the sender is refused on its own, with
// server.replay_sender_quota, and another sender still gets through.
func TestMemoryReplayCacheOneSenderCannotFillIt(t *testing.T) {
	c := NewMemoryReplayCache(8)
	exp := at(time.Minute)
	var refused error
	for i := 0; i < 8; i++ {
		if _, err := c.Check(ReplayKey(senderA, fmt.Sprint("jti-", i)), exp, at(0)); err != nil {
			refused = err
			break
		}
	}
	if got := ReasonOf(refused); got != ReasonReplaySenderQuota {
		t.Fatalf("sender A filling the cache: reason %q, want %q", got, ReasonReplaySenderQuota)
	}
	if fresh, err := c.Check(ReplayKey(senderB, "jti-0"), exp, at(0)); !fresh || err != nil {
		t.Fatalf("sender B after A's burst: fresh=%v err=%v, want a fresh key", fresh, err)
	}
}

func TestMemoryReplayCacheSenderQuota(t *testing.T) {
	kA := func(i int) string { return ReplayKey(senderA, fmt.Sprint("a-", i)) }
	kB := func(i int) string { return ReplayKey(senderB, fmt.Sprint("b-", i)) }
	tests := []struct {
		name  string
		max   int
		opts  []ReplayCacheOption
		steps []replayStep
	}{
		{
			name: "one sender fills its quota, another still gets through",
			max:  10, opts: []ReplayCacheOption{WithSenderQuota(3)},
			steps: []replayStep{
				{key: kA(1), exp: at(time.Minute), now: at(0), wantFresh: true, wantLen: 1},
				{key: kA(2), exp: at(time.Minute), now: at(0), wantFresh: true, wantLen: 2},
				{key: kA(3), exp: at(time.Minute), now: at(0), wantFresh: true, wantLen: 3},
				{key: kA(4), exp: at(time.Minute), now: at(0), wantReason: ReasonReplaySenderQuota, wantLen: 3},
				// Replays are still detected for a sender at its quota.
				{key: kA(2), exp: at(time.Minute), now: at(time.Second), wantFresh: false, wantLen: 3},
				{key: kB(1), exp: at(time.Minute), now: at(time.Second), wantFresh: true, wantLen: 4},
				{key: kB(2), exp: at(time.Minute), now: at(time.Second), wantFresh: true, wantLen: 5},
			},
		},
		{
			name: "the quota is released as the sender's entries expire",
			max:  10, opts: []ReplayCacheOption{WithSenderQuota(2)},
			steps: []replayStep{
				{key: kA(1), exp: at(time.Minute), now: at(0), wantFresh: true, wantLen: 1},
				{key: kA(2), exp: at(2 * time.Minute), now: at(0), wantFresh: true, wantLen: 2},
				{key: kA(3), exp: at(2 * time.Minute), now: at(time.Minute - time.Nanosecond), wantReason: ReasonReplaySenderQuota, wantLen: 2},
				// kA(1) expires at one minute: one slot comes back.
				{key: kA(3), exp: at(2 * time.Minute), now: at(time.Minute), wantFresh: true, wantLen: 2},
				{key: kA(4), exp: at(3 * time.Minute), now: at(time.Minute), wantReason: ReasonReplaySenderQuota, wantLen: 2},
			},
		},
		{
			name: "an already expired key is fresh for a sender at its quota",
			max:  10, opts: []ReplayCacheOption{WithSenderQuota(1)},
			steps: []replayStep{
				{key: kA(1), exp: at(time.Minute), now: at(0), wantFresh: true, wantLen: 1},
				{key: kA(2), exp: at(0), now: at(0), wantFresh: true, wantLen: 1},
			},
		},
		{
			name: "a full cache answers cache full before the quota",
			max:  2, opts: []ReplayCacheOption{WithSenderQuota(2)},
			steps: []replayStep{
				{key: kA(1), exp: at(time.Minute), now: at(0), wantFresh: true, wantLen: 1},
				{key: kA(2), exp: at(time.Minute), now: at(0), wantFresh: true, wantLen: 2},
				{key: kA(3), exp: at(time.Minute), now: at(0), wantReason: ReasonReplayCacheFull, wantLen: 2},
				{key: kB(1), exp: at(time.Minute), now: at(0), wantReason: ReasonReplayCacheFull, wantLen: 2},
			},
		},
		{
			name: "a negative quota turns it off",
			max:  3, opts: []ReplayCacheOption{WithSenderQuota(-1)},
			steps: []replayStep{
				{key: kA(1), exp: at(time.Minute), now: at(0), wantFresh: true, wantLen: 1},
				{key: kA(2), exp: at(time.Minute), now: at(0), wantFresh: true, wantLen: 2},
				{key: kA(3), exp: at(time.Minute), now: at(0), wantFresh: true, wantLen: 3},
				{key: kB(1), exp: at(time.Minute), now: at(0), wantReason: ReasonReplayCacheFull, wantLen: 3},
			},
		},
		{
			name: "keys not built by ReplayKey count against the capacity only",
			max:  4, opts: []ReplayCacheOption{WithSenderQuota(1)},
			steps: []replayStep{
				{key: "raw-1", exp: at(time.Minute), now: at(0), wantFresh: true, wantLen: 1},
				{key: "raw-2", exp: at(time.Minute), now: at(0), wantFresh: true, wantLen: 2},
				{key: "9:short", exp: at(time.Minute), now: at(0), wantFresh: true, wantLen: 3},
				{key: kA(1), exp: at(time.Minute), now: at(0), wantFresh: true, wantLen: 4},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewMemoryReplayCache(tt.max, tt.opts...)
			for i, s := range tt.steps {
				fresh, err := c.Check(s.key, s.exp, s.now)
				if got := ReasonOf(err); got != s.wantReason {
					t.Fatalf("step %d: reason got %q, want %q (err: %v)", i, got, s.wantReason, err)
				}
				if fresh != s.wantFresh {
					t.Fatalf("step %d: fresh got %v, want %v", i, fresh, s.wantFresh)
				}
				if got := c.Len(); got != s.wantLen {
					t.Fatalf("step %d: Len got %d, want %d", i, got, s.wantLen)
				}
			}
		})
	}
}

// TestMemoryReplayCacheSenderQuotaDefault checks the documented default
// (a quarter of the capacity, at least one entry) and the bounds of an
// explicit quota.
func TestMemoryReplayCacheSenderQuotaDefault(t *testing.T) {
	tests := []struct {
		name string
		c    *MemoryReplayCache
		want int
	}{
		{"zero value", &MemoryReplayCache{}, DefaultReplayCacheSize / DefaultSenderQuotaDivisor},
		{"default size", NewMemoryReplayCache(0), 25_000},
		{"small cache", NewMemoryReplayCache(8), 2},
		{"tiny cache", NewMemoryReplayCache(3), 1},
		{"explicit", NewMemoryReplayCache(100, WithSenderQuota(7)), 7},
		{"explicit zero is the default", NewMemoryReplayCache(100, WithSenderQuota(0)), 25},
		{"larger than the cache", NewMemoryReplayCache(10, WithSenderQuota(50)), 10},
		{"off", NewMemoryReplayCache(10, WithSenderQuota(-1)), 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.senderLimit(); got != tt.want {
				t.Errorf("senderLimit: got %d, want %d", got, tt.want)
			}
		})
	}
}

// TestMemoryReplayCacheSenderCountersBounded checks that the per-sender
// counters live only as long as their sender has unexpired entries: after
// a burst from many senders expires, none is left (the memory of the
// counters is bounded by the live entries, never by the senders ever seen).
func TestMemoryReplayCacheSenderCountersBounded(t *testing.T) {
	c := NewMemoryReplayCache(1000)
	for i := 0; i < 1000; i++ {
		sender := fmt.Sprintf("wimse://example.com/s%d", i%300)
		if i%7 == 0 {
			sender += "/" + strings.Repeat("x", 300) // stored hashed
		}
		if _, err := c.Check(ReplayKey(sender, fmt.Sprint(i)), at(time.Duration(1+i%5)*time.Second), at(0)); err != nil {
			t.Fatalf("key %d: %v", i, err)
		}
	}
	if got := c.senderCount(); got == 0 || got > c.Len() {
		t.Fatalf("after the burst: %d sender counters for %d entries", got, c.Len())
	}
	c.mu.Lock()
	sum := 0
	for _, n := range c.senders {
		sum += n.n
	}
	c.mu.Unlock()
	if sum != c.Len() {
		t.Fatalf("counters add up to %d, want %d entries", sum, c.Len())
	}
	// Expire part of the burst, then all of it: counters follow.
	if _, err := c.Check(ReplayKey(senderA, "probe"), at(10*time.Second), at(3*time.Second)); err != nil {
		t.Fatal(err)
	}
	if got, live := c.senderCount(), c.Len(); got > live {
		t.Fatalf("after partial expiry: %d sender counters for %d entries", got, live)
	}
	if _, err := c.Check(ReplayKey(senderB, "probe"), at(time.Minute), at(30*time.Second)); err != nil {
		t.Fatal(err)
	}
	if got := c.senderCount(); got != 1 {
		t.Fatalf("after expiry: %d sender counters, want 1 (senderB)", got)
	}
}

// TestReplaySender checks the sender read back from a ReplayKey.
func TestReplaySender(t *testing.T) {
	long := "wimse://example.com/" + strings.Repeat("p", 400)
	tests := []struct {
		key    string
		want   string
		wantOK bool
	}{
		{ReplayKey(senderA, "jti"), senderA, true},
		{ReplayKey("", "jti"), "", true},
		{ReplayKey(long, "jti"), long, true},
		{ReplayKey("httpsig "+senderA, "nonce"), "httpsig " + senderA, true},
		{"raw", "", false},
		{"", "", false},
		{":x", "", false},
		{"5:abc", "", false},
		{"-1:abc", "", false},
		{"01:ab", "", false},
		{"99999999999999999999:x", "", false},
	}
	for _, tt := range tests {
		got, ok := replaySender(tt.key)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("replaySender(%.40q) = %.40q, %v; want %.40q, %v", tt.key, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestMemoryReplayCacheSenderQuotaError(t *testing.T) {
	c := NewMemoryReplayCache(4, WithSenderQuota(1))
	if _, err := c.Check(ReplayKey(senderA, "1"), at(time.Minute), at(0)); err != nil {
		t.Fatal(err)
	}
	_, err := c.Check(ReplayKey(senderA, "2"), at(time.Minute), at(0))
	var we *Error
	if !errors.As(err, &we) || we.Reason != ReasonReplaySenderQuota {
		t.Fatalf("err %v, want a *Error with %q", err, ReasonReplaySenderQuota)
	}
	if strings.Contains(we.Detail, senderA) {
		t.Errorf("detail %q names the sender", we.Detail)
	}
	if ClassOf(we.Reason) != ClassRateLimited {
		t.Errorf("class %v, want ClassRateLimited", ClassOf(we.Reason))
	}
}

// TestMemoryReplayCacheSenderQuotaRandom drives a cache with a quota by a
// random workload of three senders and keys without a sender, and compares
// every answer with a naive model of capacity and quota.
func TestMemoryReplayCacheSenderQuotaRandom(t *testing.T) {
	const (
		maxEntries = 40
		quota      = 12
		steps      = 20_000
	)
	senders := []string{senderA, senderB, "wimse://example.com/" + strings.Repeat("c", 300), ""}
	rng := rand.New(rand.NewPCG(3, 4))
	c := NewMemoryReplayCache(maxEntries, WithSenderQuota(quota))
	type entry struct {
		exp    time.Time
		sender string // "" for a key without a sender
	}
	model := map[string]entry{}
	now := replayT0
	seen := map[Reason]int{}
	for i := range steps {
		now = now.Add(time.Duration(rng.IntN(200)) * time.Millisecond)
		s := senders[rng.IntN(len(senders))]
		key := "raw-" + fmt.Sprint(rng.IntN(200))
		if s != "" {
			key = ReplayKey(s, fmt.Sprint(rng.IntN(200)))
		}
		exp := now.Add(time.Duration(rng.IntN(8000)-500) * time.Millisecond)

		live, mine := 0, 0
		for _, e := range model {
			if e.exp.After(now) {
				live++
				if s != "" && e.sender == s {
					mine++
				}
			}
		}
		wantFresh, wantReason := true, Reason("")
		if e, ok := model[key]; ok && e.exp.After(now) {
			wantFresh = false
		} else if exp.After(now) {
			switch {
			case live >= maxEntries:
				wantFresh, wantReason = false, ReasonReplayCacheFull
			case s != "" && mine >= quota:
				wantFresh, wantReason = false, ReasonReplaySenderQuota
			default:
				model[key] = entry{exp, s}
			}
		}
		fresh, err := c.Check(key, exp, now)
		if fresh != wantFresh || ReasonOf(err) != wantReason {
			t.Fatalf("step %d: Check(%.30q) = %v, %q; want %v, %q", i, key, fresh, ReasonOf(err), wantFresh, wantReason)
		}
		seen[wantReason]++
		checkReplayInvariants(t, c)
	}
	if seen[ReasonReplayCacheFull] == 0 || seen[ReasonReplaySenderQuota] == 0 {
		t.Errorf("workload hit full %d times and the quota %d times; want both > 0", seen[ReasonReplayCacheFull], seen[ReasonReplaySenderQuota])
	}
}
