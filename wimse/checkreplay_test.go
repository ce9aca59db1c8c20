package wimse

import (
	"errors"
	"testing"
	"time"
)

type replayFunc func(key string, exp, now time.Time) (bool, error)

func (f replayFunc) Check(key string, exp, now time.Time) (bool, error) { return f(key, exp, now) }

// TestCheckReplay: a fresh key, a replay, the cache's own *Error passed
// on unchanged, and any other failure wrapped as ReasonReplayCacheFull
// with the caller's detail.
func TestCheckReplay(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	c := NewMemoryReplayCache(0)
	if fresh, err := CheckReplay(c, "k", now.Add(time.Minute), now, "x"); !fresh || err != nil {
		t.Fatalf("first: %v %v", fresh, err)
	}
	if fresh, err := CheckReplay(c, "k", now.Add(time.Minute), now, "x"); fresh || err != nil {
		t.Fatalf("replay: %v %v", fresh, err)
	}
	own := Errorf(ReasonReplaySenderQuota, "quota")
	if _, err := CheckReplay(replayFunc(func(string, time.Time, time.Time) (bool, error) { return true, own }), "k", now, now, "x"); err != own {
		t.Errorf("the cache's *Error: %v", err)
	}
	disk := errors.New("disk gone")
	_, err := CheckReplay(replayFunc(func(string, time.Time, time.Time) (bool, error) { return true, disk }), "k", now, now, "wpt: replay cache cannot record the proof")
	var we *Error
	if !errors.As(err, &we) || we.Reason != ReasonReplayCacheFull || we.Detail != "wpt: replay cache cannot record the proof" || !errors.Is(err, disk) {
		t.Errorf("a foreign failure: %#v", err)
	}
}
