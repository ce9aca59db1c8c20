package wpt_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/internal/reasontest"

	"github.com/google/go-cmp/cmp"

	"github.com/wimse-wg/wimse/wimse"
)

// TestReplay covers P9/V9: a jti is accepted once per sender within its
// validity window, and only valid proofs are recorded.
func TestReplay(t *testing.T) {
	type step struct {
		jti, sub string // sub "" means testSub
		aud      string // "" means testAud
		want     wimse.Reason
	}
	tests := []struct {
		name  string
		max   int
		steps []step
	}{
		{name: "same proof twice", steps: []step{{jti: "a"}, {jti: "a", want: wimse.ReasonWPTReplayed}}},
		{name: "same proof three times", steps: []step{{jti: "a"}, {jti: "a", want: wimse.ReasonWPTReplayed}, {jti: "a", want: wimse.ReasonWPTReplayed}}},
		{name: "another jti is fresh", steps: []step{{jti: "a"}, {jti: "b"}}},
		{name: "same jti from another subject is fresh", steps: []step{
			{jti: "a"}, {jti: "a", sub: "wimse://example.com/other"}, {jti: "a", sub: "wimse://example.com/other", want: wimse.ReasonWPTReplayed},
		}},
		{name: "same jti from another trust domain is fresh", steps: []step{{jti: "a"}, {jti: "a", sub: "wimse://other.example/workload"}}},
		{name: "a rejected proof is not recorded", steps: []step{
			{jti: "a", aud: "https://other.example/", want: wimse.ReasonWPTAudMismatch}, {jti: "a"}, {jti: "a", want: wimse.ReasonWPTReplayed},
		}},
		{name: "full cache fails closed", max: 1, steps: []step{
			{jti: "a"}, {jti: "b", want: wimse.ReasonReplayCacheFull}, {jti: "a", want: wimse.ReasonWPTReplayed},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cache := wimse.NewMemoryReplayCache(tc.max)
			wits := map[string]*wptFixture{}
			for i, s := range tc.steps {
				sub := s.sub
				if sub == "" {
					sub = testSub
				}
				f := baseWPT(t)
				if w, ok := wits[sub]; ok {
					f.expect.WIT = w.expect.WIT
				} else {
					f.expect.WIT = makeWIT(t, sub, "EdDSA")
					wits[sub] = f
				}
				f.claims["wth"] = f.expect.WIT.Hash
				f.claims["jti"] = s.jti
				if s.aud != "" {
					f.claims["aud"] = s.aud
				}
				f.replay = cache
				raw := f.token(t)
				_, err := f.verifier(len(raw)).Verify(raw, f.expect)
				if got := wimse.ReasonOf(err); got != s.want {
					t.Fatalf("step %d: reason %q, want %q (err: %v)", i, got, s.want, err)
				}
			}
		})
	}
}

type replayCall struct {
	Key      string
	Exp, Now time.Time
}

// recordingCache records its calls and answers fresh, or err.
type recordingCache struct {
	mu    sync.Mutex
	calls []replayCall
	err   error
}

func (c *recordingCache) Check(key string, exp, now time.Time) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, replayCall{key, exp, now})
	return c.err == nil, c.err
}

// TestReplayKeyAndWindow: the cache gets the (sub, jti) key and keeps it
// until exp plus the skew, the last instant the proof is acceptable.
func TestReplayKeyAndWindow(t *testing.T) {
	tests := []struct {
		name string
		skew time.Duration
		want time.Duration // exp - wptNow recorded
	}{
		{name: "default skew", skew: 0, want: 60*time.Second + wimse.DefaultClockSkew},
		{name: "no skew", skew: -1, want: 60 * time.Second},
		{name: "skew 5s", skew: 5 * time.Second, want: 65 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &recordingCache{}
			f := baseWPT(t)
			f.replay = c
			f.policy.ClockSkew = tc.skew
			raw := f.token(t)
			if _, err := f.verifier(len(raw)).Verify(raw, f.expect); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			want := []replayCall{{
				Key: wimse.ReplayKey(testSub, "wpt-jti-1"),
				Exp: time.Unix(wptNow, 0).Add(tc.want),
				Now: time.Unix(wptNow, 0),
			}}
			if diff := cmp.Diff(want, c.calls); diff != "" {
				t.Errorf("replay cache calls (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReplayCacheError: a cache that cannot record fails the proof closed.
func TestReplayCacheError(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want wimse.Reason
	}{
		{name: "cache full", err: wimse.Errorf(wimse.ReasonReplayCacheFull, "wimse: full"), want: wimse.ReasonReplayCacheFull},
		{name: "cache failure without a reason", err: errors.New("redis: connection refused"), want: wimse.ReasonReplayCacheFull},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := baseWPT(t)
			f.replay = &recordingCache{err: tc.err}
			raw := f.token(t)
			tok, err := f.verifier(len(raw)).Verify(raw, f.expect)
			if tok != nil {
				t.Errorf("Verify returned a token despite the cache error")
			}
			reasontest.CheckReason(t, err, tc.want, raw)
			if !errors.Is(err, tc.err) {
				t.Errorf("error %v does not wrap the cache error %v", err, tc.err)
			}
		})
	}
}

// TestReplayNotConsultedForInvalid: the cache only sees otherwise valid
// proofs (wpt doc: "last the replay check").
func TestReplayNotConsultedForInvalid(t *testing.T) {
	c := &recordingCache{}
	f := baseWPT(t)
	f.replay = c
	f.claims["exp"] = wptNow - 3600
	raw := f.token(t)
	_, err := f.verifier(len(raw)).Verify(raw, f.expect)
	reasontest.CheckReason(t, err, wimse.ReasonWPTExpired, raw)
	if len(c.calls) != 0 {
		t.Errorf("replay cache consulted %d times for an invalid proof", len(c.calls))
	}
}

var _ wimse.ReplayCache = (*recordingCache)(nil)
