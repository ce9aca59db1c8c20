package audit

import (
	"bufio"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestFilter(t *testing.T) {
	store, log, _ := newFileLog(t, 2)
	ctx := context.Background()
	// Entries: seq 1 A, 2 B, c3, 4 A, 5 B, c6, 7 A; the clock gives seq n
	// the time t0 + (n-1)s.
	for _, c := range []string{"A", "B", "A", "B", "A"} {
		r := issued(t, c, 0)
		if c == "B" {
			r.Subject.Sub = MustParseLabel("user-b")
		}
		if _, err := log.Append(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	seqs := func(f Filter) []uint64 {
		var out []uint64
		for e, err := range store.Range(ctx, f) {
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, e.Seq)
		}
		return out
	}
	for _, tt := range []struct {
		name string
		f    Filter
		want []uint64
	}{
		{"all", Filter{}, []uint64{1, 2, 3, 4, 5, 6, 7}},
		{"client", Filter{Client: MustParseLabel("A")}, []uint64{1, 4, 7}},
		{"unknown client", Filter{Client: MustParseLabel("C")}, nil},
		{"subject", Filter{Subject: Subject{Sub: MustParseLabel("user-b")}}, []uint64{2, 5}},
		{"subject and issuer", Filter{Subject: Subject{Issuer: MustParseLabel("https://idp.example"), Sub: MustParseLabel("user-a")}}, []uint64{1, 4, 7}},
		{"other issuer", Filter{Subject: Subject{Issuer: MustParseLabel("https://other.example")}}, nil},
		{"since", Filter{Since: t0.Add(3 * time.Second)}, []uint64{4, 5, 6, 7}},
		{"until", Filter{Until: t0.Add(3 * time.Second)}, []uint64{1, 2, 3}},
		{"client and time", Filter{Client: MustParseLabel("A"), Since: t0.Add(time.Second), Until: t0.Add(6 * time.Second)}, []uint64{4}},
	} {
		if got := seqs(tt.f); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%s: got seqs %v; want %v", tt.name, got, tt.want)
		}
	}
	// Stopping early is allowed.
	for range store.Range(ctx, Filter{}) {
		break
	}
}

func TestConcurrentAppend(t *testing.T) {
	store, log, _ := newFileLog(t, 10)
	ctx := context.Background()
	const workers, each = 8, 25
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				if _, err := log.Append(ctx, issued(t, "client-"+strconv.Itoa(w), i)); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	// Readers and on-demand checkpoints run alongside the writers.
	wg.Go(func() {
		for range 5 {
			for _, err := range store.Range(ctx, Filter{}) {
				if err != nil {
					t.Error(err)
				}
			}
		}
	})
	wg.Wait()
	opts := trusted()
	opts.MaxUnprotected = 10
	rep, err := Verify(ctx, store.Range(ctx, Filter{}), opts)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Records != workers*each || rep.Checkpoints != workers*each/10 {
		t.Errorf("report = %+v; want %d records and %d checkpoints", rep, workers*each, workers*each/10)
	}
}

// TestReopen: what a crash leaves (complete lines and at most one
// incomplete last line) reopens, verifies and takes new appends.
func TestReopen(t *testing.T) {
	store, log, path := newFileLog(t, 3)
	ctx := context.Background()
	for i := range 5 {
		if _, err := log.Append(ctx, issued(t, "c", i)); err != nil {
			t.Fatal(err)
		}
	}
	// No Close: the process "dies". A write that never completed leaves
	// half a line.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(`{"seq":7,"prev":"ab`); err != nil {
		t.Fatal(err)
	}
	f.Close()
	store.Close()

	if _, err := Verify(ctx, ReadLog(openFile(t, path)), trusted()); ReasonOf(err) != ReasonMalformed {
		t.Errorf("Verify of the torn file = %v; want %s", err, ReasonMalformed)
	}
	store2, err := OpenFile(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer store2.Close()
	head, ok, err := store2.Head(ctx)
	if err != nil || !ok || head.Seq != 6 {
		t.Fatalf("head after reopen = seq %d, %v, %v; want 6", head.Seq, ok, err)
	}
	log2, err := New(store2, WithSigner(testKey("checkpoint")), WithNow(stepClock()), WithCheckpointEvery(3))
	if err != nil {
		t.Fatal(err)
	}
	if e, err := log2.Append(ctx, issued(t, "c", 9)); err != nil || e.Seq != 7 {
		t.Fatalf("Append after reopen = seq %d, %v; want 7", e.Seq, err)
	}
	// The reopened log's first record is followed by a checkpoint, so the
	// tail left by the first writer (r5 r6) and the new records never make
	// more than 3 unprotected records in a row.
	for i := range 4 {
		if _, err := log2.Append(ctx, issued(t, "c", i)); err != nil {
			t.Fatal(err)
		}
	}
	opts := trusted()
	opts.MaxUnprotected = 3
	rep, err := Verify(ctx, store2.Range(ctx, Filter{}), opts)
	if err != nil || rep.Records != 10 || rep.Checkpoints != 3 {
		t.Errorf("Verify after reopen = %+v, %v; want 10 records, 3 checkpoints", rep, err)
	}
}

// TestAppendConflict: an entry that does not follow the head is refused,
// and a Log retries on the new head (a second writer on the same store).
func TestAppendConflict(t *testing.T) {
	store, log, _ := newFileLog(t, 0)
	ctx := context.Background()
	if _, err := log.Append(ctx, issued(t, "c", 0)); err != nil {
		t.Fatal(err)
	}
	r := issued(t, "c", 1)
	for name, e := range map[string]Entry{
		"same seq": {Seq: 1, Time: t0, Record: &r},
		"bad prev": {Seq: 2, Time: t0, Record: &r},
	} {
		if err := store.Append(ctx, e); !errors.Is(err, ErrConflict) {
			t.Errorf("%s: Append = %v; want ErrConflict", name, err)
		}
	}
	other, err := New(store, WithNow(stepClock()))
	if err != nil {
		t.Fatal(err)
	}
	if e, err := other.Append(ctx, r); err != nil || e.Seq != 2 {
		t.Errorf("second writer: seq %d, %v; want 2", e.Seq, err)
	}
	if e, err := log.Append(ctx, r); err != nil || e.Seq != 3 {
		t.Errorf("first writer again: seq %d, %v; want 3", e.Seq, err)
	}
}

func TestCheckpointES256(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), testRand{})
	if err != nil {
		t.Fatal(err)
	}
	store, _, _ := newFileLog(t, 0)
	log, err := New(store, WithSigner(key), WithNow(stepClock()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := log.Checkpoint(ctx); err == nil {
		t.Error("Checkpoint of an empty log succeeded")
	}
	if _, err := log.Append(ctx, issued(t, "c", 0)); err != nil {
		t.Fatal(err)
	}
	cp, err := log.Checkpoint(ctx)
	if err != nil || cp.Alg != AlgES256 || cp.Seq != 1 {
		t.Fatalf("Checkpoint = %+v, %v", cp, err)
	}
	rep, err := Verify(ctx, store.Range(ctx, Filter{}), VerifyOptions{Keys: []crypto.PublicKey{key.Public()}, Anchor: &cp})
	if err != nil || rep.Checkpoints != 1 || rep.Unprotected != 0 {
		t.Errorf("Verify = %+v, %v", rep, err)
	}
	if _, err := New(store, WithSigner(mustP384(t))); err == nil {
		t.Error("New accepted a P-384 checkpoint key")
	}
	if _, err := New(store, WithCheckpointEvery(3)); err == nil {
		t.Error("New accepted WithCheckpointEvery without a signer")
	}
	nolog, _ := New(store)
	if _, err := nolog.Checkpoint(ctx); err == nil {
		t.Error("Checkpoint without a signer succeeded")
	}
}

// TestKillDurability runs a writer in a child process, kills it with
// SIGKILL in the middle of a burst, and checks that every record the child
// reported as acknowledged is in the reopened log, which verifies.
func TestKillDurability(t *testing.T) {
	if path := os.Getenv("AUDIT_KILL_CHILD"); path != "" {
		killChild(path)
		return
	}
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	path := t.TempDir() + "/audit.jsonl"
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillDurability$")
	cmd.Env = append(os.Environ(), "AUDIT_KILL_CHILD="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var acked uint64
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		n, err := strconv.ParseUint(sc.Text(), 10, 64)
		if err != nil {
			continue
		}
		acked = n
		if acked >= 40 {
			cmd.Process.Signal(syscall.SIGKILL)
			break
		}
	}
	go func() {
		for sc.Scan() {
		}
	}()
	cmd.Wait()
	if acked < 40 {
		t.Fatalf("child acknowledged only %d records", acked)
	}
	ctx := context.Background()
	store, err := OpenFile(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	seen := map[uint64]bool{}
	for e, err := range store.Range(ctx, Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		if e.Record != nil {
			seen[e.Seq] = true
		}
	}
	if !seen[acked] {
		t.Errorf("acknowledged seq %d is not in the log after SIGKILL", acked)
	}
	if _, err := Verify(ctx, store.Range(ctx, Filter{}), trusted()); err != nil {
		t.Error(err)
	}
}

// killChild appends until killed, printing each acknowledged record's seq.
func killChild(path string) {
	ctx := context.Background()
	store, err := OpenFile(ctx, path)
	if err != nil {
		panic(err)
	}
	log, err := New(store, WithSigner(testKey("checkpoint")), WithNow(stepClock()), WithCheckpointEvery(7))
	if err != nil {
		panic(err)
	}
	w := bufio.NewWriter(os.Stdout)
	for i := 0; ; i++ {
		e, err := log.Append(ctx, issued(&testing.T{}, "c", i))
		if err != nil {
			panic(err)
		}
		fmt.Fprintln(w, e.Seq)
		w.Flush()
	}
}

func openFile(tb testing.TB, path string) *os.File {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { f.Close() })
	return f
}

// testRand is a deterministic io.Reader for key generation in tests.
type testRand struct{}

func (testRand) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(i*7 + 1)
	}
	return len(p), nil
}

func mustP384(tb testing.TB) *ecdsa.PrivateKey {
	tb.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P384(), testRand{})
	if err != nil {
		tb.Fatal(err)
	}
	return k
}
