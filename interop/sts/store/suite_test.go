package store_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/interop/sts/audit"
	"github.com/wimse-wg/wimse/interop/sts/store"
	"github.com/wimse-wg/wimse/wimse"
)

// t0 is the pinned start of every test clock.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// opener opens an empty store of one implementation.
type opener func(t testing.TB, opts ...store.Option) store.Store

// stepClock starts at t0 and advances one second per call.
func stepClock() func() time.Time {
	var mu sync.Mutex
	t := t0
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now := t
		t = t.Add(time.Second)
		return now
	}
}

func fixedClock() time.Time { return t0 }

func checkpointKey() ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("store test checkpoint key"))
	return ed25519.NewKeyFromSeed(seed[:])
}

func trusted() audit.VerifyOptions {
	return audit.VerifyOptions{Keys: []crypto.PublicKey{checkpointKey().Public()}}
}

func record(client, sub string, n int) audit.Record {
	return audit.Record{
		Decision:  audit.Issued,
		Client:    audit.Client{ID: audit.MustParseLabel(client), Method: audit.MustParseLabel("client_secret_basic")},
		Subject:   audit.Subject{Issuer: audit.MustParseLabel("https://idp.example"), Sub: audit.MustParseLabel(sub)},
		Requested: audit.Grant{Resource: []audit.Label{audit.MustParseLabel("https://api.example/orders")}},
		Granted:   audit.Grant{Audience: []audit.Label{audit.MustParseLabel("https://api.example")}, Scope: []audit.Label{audit.MustParseLabel("orders.read")}},
		JTI:       audit.MustParseLabel("jti-" + strconv.Itoa(n)),
		Lifetime:  5 * time.Minute,
	}
}

func newLog(t testing.TB, s audit.Store, every int) *audit.Log {
	t.Helper()
	opts := []audit.Option{audit.WithSigner(checkpointKey()), audit.WithNow(stepClock())}
	if every > 0 {
		opts = append(opts, audit.WithCheckpointEvery(every))
	}
	l, err := audit.New(s, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// runSuite runs the Store contract against one implementation.
func runSuite(t *testing.T, open opener) {
	for _, tc := range []struct {
		name string
		fn   func(*testing.T, opener)
	}{
		{"AuditOrderAndBytes", testAuditOrderAndBytes},
		{"AuditConflict", testAuditConflict},
		{"AuditFilter", testAuditFilter},
		{"AuditConcurrentLog", testAuditConcurrentLog},
		{"Revocation", testRevocation},
		{"Replay", testReplay},
		{"ReplayFull", testReplayFull},
		{"KeyState", testKeyState},
		{"Closed", testClosed},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open) })
	}
}

// testAuditOrderAndBytes: Range yields the entries in seq order with the
// exact canonical bytes Log appended; Head is the last.
func testAuditOrderAndBytes(t *testing.T, open opener) {
	ctx := context.Background()
	st := open(t).Audit()
	if _, ok, err := st.Head(ctx); ok || err != nil {
		t.Fatalf("Head of an empty log = %v, %v; want none", ok, err)
	}
	l := newLog(t, st, 3)
	var want [][]byte
	for i := range 7 {
		e, err := l.Append(ctx, record("c", "user-a", i))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := e.MarshalText()
		want = append(want, b)
		if i%3 == 2 { // the checkpoint after every third record
			h, _, _ := st.Head(ctx)
			b, _ := h.MarshalText()
			want = append(want, b)
		}
	}
	var got [][]byte
	for e, err := range st.Range(ctx, audit.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		if e.Seq != uint64(len(got)+1) {
			t.Fatalf("entry %d has seq %d", len(got)+1, e.Seq)
		}
		b, _ := e.MarshalText()
		got = append(got, b)
	}
	if len(got) != len(want) {
		t.Fatalf("got %d entries; want %d", len(got), len(want))
	}
	for i := range want {
		if !bytes.Equal(got[i], want[i]) {
			t.Errorf("entry %d:\ngot  %s\nwant %s", i+1, got[i], want[i])
		}
	}
	h, ok, err := st.Head(ctx)
	if hb, _ := h.MarshalText(); !ok || err != nil || !bytes.Equal(hb, want[len(want)-1]) {
		t.Errorf("Head = %s, %v, %v; want the last entry", hb, ok, err)
	}
	rep, err := audit.Verify(ctx, st.Range(ctx, audit.Filter{}), trusted())
	if err != nil || rep.Records != 7 || rep.Checkpoints != 2 {
		t.Errorf("Verify = %+v, %v", rep, err)
	}
}

// testAuditConflict: an entry that does not follow the head is refused
// with audit.ErrConflict; a second Log on the store continues the chain.
func testAuditConflict(t *testing.T, open opener) {
	ctx := context.Background()
	st := open(t).Audit()
	r := record("c", "user-a", 0)
	if err := st.Append(ctx, audit.Entry{Seq: 2, Time: t0, Record: &r}); !errors.Is(err, audit.ErrConflict) {
		t.Errorf("seq 2 on an empty log: %v; want ErrConflict", err)
	}
	if err := st.Append(ctx, audit.Entry{Seq: 1, Prev: audit.Hash{1}, Time: t0, Record: &r}); !errors.Is(err, audit.ErrConflict) {
		t.Errorf("seq 1 with a non-zero prev: %v; want ErrConflict", err)
	}
	first := audit.Entry{Seq: 1, Time: t0, Record: &r}
	if err := st.Append(ctx, first); err != nil {
		t.Fatal(err)
	}
	h, _ := first.Hash()
	for name, e := range map[string]audit.Entry{
		"same seq":  {Seq: 1, Time: t0, Record: &r},
		"bad prev":  {Seq: 2, Prev: audit.Hash{2}, Time: t0, Record: &r},
		"gap":       {Seq: 3, Prev: h, Time: t0, Record: &r},
		"zero prev": {Seq: 2, Time: t0, Record: &r},
	} {
		if err := st.Append(ctx, e); !errors.Is(err, audit.ErrConflict) {
			t.Errorf("%s: Append = %v; want ErrConflict", name, err)
		}
	}
	a, b := newLog(t, st, 0), newLog(t, st, 0)
	if e, err := a.Append(ctx, r); err != nil || e.Seq != 2 {
		t.Errorf("first writer: seq %d, %v; want 2", e.Seq, err)
	}
	if e, err := b.Append(ctx, r); err != nil || e.Seq != 3 {
		t.Errorf("second writer: seq %d, %v; want 3", e.Seq, err)
	}
	if _, err := audit.Verify(ctx, st.Range(ctx, audit.Filter{}), trusted()); err != nil {
		t.Error(err)
	}
}

// testAuditFilter is audit's TestFilter (FileStore) on this store: the
// same log, the same filters, the same selections.
func testAuditFilter(t *testing.T, open opener) {
	ctx := context.Background()
	st := open(t).Audit()
	l := newLog(t, st, 2)
	// Entries: seq 1 A, 2 B, c3, 4 A, 5 B, c6, 7 A; seq n at t0 + (n-1)s.
	for i, c := range []string{"A", "B", "A", "B", "A"} {
		sub := "user-a"
		if c == "B" {
			sub = "user-b"
		}
		if _, err := l.Append(ctx, record(c, sub, i)); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		name string
		f    audit.Filter
		want []uint64
	}{
		{"all", audit.Filter{}, []uint64{1, 2, 3, 4, 5, 6, 7}},
		{"client", audit.Filter{Client: audit.MustParseLabel("A")}, []uint64{1, 4, 7}},
		{"unknown client", audit.Filter{Client: audit.MustParseLabel("C")}, nil},
		{"subject", audit.Filter{Subject: audit.Subject{Sub: audit.MustParseLabel("user-b")}}, []uint64{2, 5}},
		{"subject and issuer", audit.Filter{Subject: audit.Subject{Issuer: audit.MustParseLabel("https://idp.example"), Sub: audit.MustParseLabel("user-a")}}, []uint64{1, 4, 7}},
		{"other issuer", audit.Filter{Subject: audit.Subject{Issuer: audit.MustParseLabel("https://other.example")}}, nil},
		{"since", audit.Filter{Since: t0.Add(3 * time.Second)}, []uint64{4, 5, 6, 7}},
		{"until", audit.Filter{Until: t0.Add(3 * time.Second)}, []uint64{1, 2, 3}},
		{"client and time", audit.Filter{Client: audit.MustParseLabel("A"), Since: t0.Add(time.Second), Until: t0.Add(6 * time.Second)}, []uint64{4}},
	} {
		var got []uint64
		for e, err := range st.Range(ctx, tt.f) {
			if err != nil {
				t.Fatal(err)
			}
			if !tt.f.Match(e) {
				t.Errorf("%s: Range yielded seq %d, which Filter.Match refuses", tt.name, e.Seq)
			}
			got = append(got, e.Seq)
		}
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%s: got seqs %v; want %v", tt.name, got, tt.want)
		}
	}
	for range st.Range(ctx, audit.Filter{}) {
		break // stopping early is allowed
	}
}

// testAuditConcurrentLog: many goroutines appending through one Log, and
// through a second Log on the same store (a second replica), leave one
// chain that Verify accepts.
func testAuditConcurrentLog(t *testing.T, open opener) {
	ctx := context.Background()
	st := open(t).Audit()
	logs := []*audit.Log{newLog(t, st, 10), newLog(t, st, 10)}
	const workers, each = 8, 25
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				if _, err := logs[w%2].Append(ctx, record("client-"+strconv.Itoa(w), "user-a", i)); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Go(func() {
		for range 3 {
			for _, err := range st.Range(ctx, audit.Filter{}) {
				if err != nil {
					t.Error(err)
				}
			}
		}
	})
	wg.Wait()
	rep, err := audit.Verify(ctx, st.Range(ctx, audit.Filter{}), trusted())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Records != workers*each || rep.Checkpoints < workers*each/10 {
		t.Errorf("report = %+v; want %d records and at least %d checkpoints", rep, workers*each, workers*each/10)
	}
}

// testRevocation: Revoke is idempotent, keeps the later exp, and prunes
// revocations expired more than the clock skew ago.
func testRevocation(t *testing.T, open opener) {
	ctx := context.Background()
	s := open(t, store.WithNow(fixedClock))
	later := t0.Add(time.Hour)
	for range 2 {
		if err := s.Revoke(ctx, "a", later); err != nil {
			t.Fatal(err)
		}
	}
	for jti, want := range map[string]bool{"a": true, "b": false} {
		if got, err := s.Revoked(ctx, jti); err != nil || got != want {
			t.Errorf("Revoked(%q) = %v, %v; want %v", jti, got, err, want)
		}
	}
	long := string(bytes.Repeat([]byte("x"), store.MaxJTILength+1))
	for _, jti := range []string{"", long} {
		if err := s.Revoke(ctx, jti, later); err == nil {
			t.Errorf("Revoke of a %d-byte jti succeeded", len(jti))
		}
	}
	// "old" expired more than the skew ago: the next Revoke prunes it.
	// "renewed" was revoked with an old exp, then a later one: it stays.
	// "recent" expired within the skew: it stays.
	old := t0.Add(-wimse.DefaultClockSkew - time.Second)
	for jti, exp := range map[string]time.Time{"old": old, "renewed": old, "recent": t0.Add(-time.Second)} {
		if err := s.Revoke(ctx, jti, exp); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Revoke(ctx, "renewed", later); err != nil {
		t.Fatal(err)
	}
	if err := s.Revoke(ctx, "a", t0); err != nil { // an earlier exp does not shorten it
		t.Fatal(err)
	}
	for jti, want := range map[string]bool{"old": false, "renewed": true, "recent": true, "a": true} {
		if got, err := s.Revoked(ctx, jti); err != nil || got != want {
			t.Errorf("after pruning: Revoked(%q) = %v, %v; want %v", jti, got, err, want)
		}
	}
}

// testReplay: fresh, replayed, expired, and namespaces kept apart.
func testReplay(t *testing.T, open opener) {
	s := open(t)
	proofs, assertions := s.Replay(store.ReplayProof), s.Replay(store.ReplayClientAssertion)
	exp := t0.Add(time.Minute)
	check := func(c wimse.ReplayCache, key string, exp, now time.Time, want bool) {
		t.Helper()
		if got, err := c.Check(key, exp, now); err != nil || got != want {
			t.Errorf("Check(%q, exp %v, now %v) = %v, %v; want %v", key, exp.Sub(t0), now.Sub(t0), got, err, want)
		}
	}
	check(proofs, "k1", exp, t0, true)
	check(proofs, "k1", exp, t0.Add(time.Second), false) // replayed
	check(assertions, "k1", exp, t0, true)               // another namespace
	check(assertions, "k1", exp, t0, false)
	check(proofs, "k1", exp, exp, true) // expired at now: gone
	check(proofs, "k1", exp, exp, true) // and not recorded again
	check(proofs, "k2", t0, t0, true)   // exp not after now: not recorded
	check(proofs, "k2", exp, t0, true)
	check(proofs, "k2", exp, t0, false)
	if _, err := s.Replay("").Check("k", exp, t0); err == nil {
		t.Error("Check in the empty namespace succeeded")
	}
}

// testReplayFull: a full namespace refuses a new key with
// ReasonReplayCacheFull, still reports replays, leaves other namespaces
// alone, and has room again once entries expire.
func testReplayFull(t *testing.T, open opener) {
	s := open(t, store.WithReplayLimit(3))
	c := s.Replay(store.ReplayProof)
	for i := range 3 {
		if fresh, err := c.Check("k"+strconv.Itoa(i), t0.Add(time.Duration(i+1)*time.Minute), t0); !fresh || err != nil {
			t.Fatalf("Check k%d = %v, %v", i, fresh, err)
		}
	}
	if _, err := c.Check("k3", t0.Add(time.Hour), t0); wimse.ReasonOf(err) != wimse.ReasonReplayCacheFull {
		t.Errorf("Check on a full namespace: %v; want %s", err, wimse.ReasonReplayCacheFull)
	}
	if fresh, err := c.Check("k0", t0.Add(time.Minute), t0); fresh || err != nil {
		t.Errorf("replay on a full namespace = %v, %v; want a replay", fresh, err)
	}
	if fresh, err := s.Replay(store.ReplayClientAssertion).Check("k3", t0.Add(time.Hour), t0); !fresh || err != nil {
		t.Errorf("other namespace = %v, %v; want fresh", fresh, err)
	}
	// k0 expires at t0+1m: room for one.
	now := t0.Add(time.Minute)
	if fresh, err := c.Check("k3", t0.Add(time.Hour), now); !fresh || err != nil {
		t.Errorf("after expiry = %v, %v; want fresh", fresh, err)
	}
	if _, err := c.Check("k4", t0.Add(time.Hour), now); wimse.ReasonOf(err) != wimse.ReasonReplayCacheFull {
		t.Errorf("full again: %v; want %s", err, wimse.ReasonReplayCacheFull)
	}
}

// testKeyState: compare-and-swap on the version; of concurrent writers
// from one version exactly one wins.
func testKeyState(t *testing.T, open opener) {
	ctx := context.Background()
	s := open(t)
	if v, data, err := s.KeyState(ctx); v != 0 || data != nil || err != nil {
		t.Fatalf("initial KeyState = %d, %q, %v; want 0, nil", v, data, err)
	}
	if err := s.PutKeyState(ctx, 0, []byte("state-1")); err != nil {
		t.Fatal(err)
	}
	if err := s.PutKeyState(ctx, 0, []byte("stale")); !errors.Is(err, store.ErrConflict) {
		t.Errorf("stale PutKeyState = %v; want ErrConflict", err)
	}
	if v, data, err := s.KeyState(ctx); v != 1 || string(data) != "state-1" || err != nil {
		t.Errorf("KeyState = %d, %q, %v; want 1, state-1", v, data, err)
	}
	if err := s.PutKeyState(ctx, 1, make([]byte, store.MaxKeyStateSize+1)); err == nil {
		t.Error("PutKeyState of an oversized blob succeeded")
	}
	var wins, conflicts atomic.Int32
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			switch err := s.PutKeyState(ctx, 1, []byte("writer-"+strconv.Itoa(i))); {
			case err == nil:
				wins.Add(1)
			case errors.Is(err, store.ErrConflict):
				conflicts.Add(1)
			default:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if wins.Load() != 1 || conflicts.Load() != 7 {
		t.Errorf("%d wins and %d conflicts; want 1 and 7", wins.Load(), conflicts.Load())
	}
	if v, _, _ := s.KeyState(ctx); v != 2 {
		t.Errorf("version %d; want 2", v)
	}
}

// testClosed: every method fails after Close.
func testClosed(t *testing.T, open opener) {
	ctx := context.Background()
	s := open(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	r := record("c", "user-a", 0)
	checks := map[string]error{
		"Revoke":      s.Revoke(ctx, "a", t0),
		"PutKeyState": s.PutKeyState(ctx, 0, nil),
		"Append":      s.Audit().Append(ctx, audit.Entry{Seq: 1, Time: t0, Record: &r}),
	}
	_, checks["Revoked"] = s.Revoked(ctx, "a")
	_, _, checks["KeyState"] = s.KeyState(ctx)
	_, _, checks["Head"] = s.Audit().Head(ctx)
	for _, err := range s.Audit().Range(ctx, audit.Filter{}) {
		checks["Range"] = err
	}
	for name, err := range checks {
		if !errors.Is(err, store.ErrClosed) {
			t.Errorf("%s after Close = %v; want ErrClosed", name, err)
		}
	}
	if _, err := s.Replay(store.ReplayProof).Check("k", t0.Add(time.Minute), t0); err == nil {
		t.Error("replay Check after Close succeeded")
	}
}
