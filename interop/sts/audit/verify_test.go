package audit

import (
	"bytes"
	"context"
	"crypto"
	"errors"
	"os"
	"testing"
)

// writeLog writes 10 records with a checkpoint every 3, giving entries
//
//	r1 r2 r3 c4 r5 r6 r7 c8 r9 r10 r11 c12 r13
//
// (r: record, c: checkpoint; the number is the seq, line seq-1), and
// returns the file's bytes and the last checkpoint.
func writeLog(tb testing.TB) ([]byte, Checkpoint) {
	tb.Helper()
	_, log, path := newFileLog(tb, 3)
	ctx := context.Background()
	var last Checkpoint
	for i := range 10 {
		r := issued(tb, "wimse://example.com/client", i)
		if i%4 == 1 {
			r = denied(tb, "wimse://example.com/other")
		}
		e, err := log.Append(ctx, r)
		if err != nil {
			tb.Fatal(err)
		}
		if e.Seq == 11 {
			last = checkpointAt(tb, log, 12)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b, last
}

func checkpointAt(tb testing.TB, log *Log, seq uint64) Checkpoint {
	tb.Helper()
	head, _, err := log.store.Head(context.Background())
	if err != nil || head.Seq != seq || head.Checkpoint == nil {
		tb.Fatalf("head = %+v, %v; want a checkpoint at seq %d", head, err, seq)
	}
	return *head.Checkpoint
}

func parse(tb testing.TB, line []byte) Entry {
	tb.Helper()
	e, err := ParseEntry(line)
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

func marshal(tb testing.TB, e Entry) []byte {
	tb.Helper()
	b, err := e.MarshalText()
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// rechain recomputes the prev of every entry from index from on, as an
// attacker without the checkpoint key can; with heads, checkpoints also
// get the new head (their signatures then no longer verify).
func rechain(tb testing.TB, ls [][]byte, from int, heads bool) [][]byte {
	tb.Helper()
	for i := from; i < len(ls); i++ {
		e := parse(tb, ls[i])
		e.Prev = Hash{}
		if i > 0 {
			h, err := parse(tb, ls[i-1]).Hash()
			if err != nil {
				tb.Fatal(err)
			}
			e.Prev = h
		}
		if heads && e.Checkpoint != nil {
			e.Checkpoint.Head = e.Prev
		}
		ls[i] = marshal(tb, e)
	}
	return ls
}

// forged returns a checkpoint entry over the entry before it, signed by
// another key; claimKid makes it name the trusted key's ID.
func forged(tb testing.TB, prevLine []byte, claimKid bool) []byte {
	tb.Helper()
	prev := parse(tb, prevLine)
	h, err := prev.Hash()
	if err != nil {
		tb.Fatal(err)
	}
	e := Entry{Seq: prev.Seq + 1, Prev: h, Time: prev.Time.Add(1)}
	e.Checkpoint = &Checkpoint{Seq: prev.Seq, Head: h, Time: e.Time}
	if err := e.Checkpoint.sign(testKey("attacker")); err != nil {
		tb.Fatal(err)
	}
	if claimKid {
		kid, err := KeyID(testKey("checkpoint").Public())
		if err != nil {
			tb.Fatal(err)
		}
		e.Checkpoint.KeyID = kid
	}
	return marshal(tb, e)
}

// appendRecord returns a record entry chained after prevLine.
func appendRecord(tb testing.TB, prevLine []byte) []byte {
	tb.Helper()
	prev := parse(tb, prevLine)
	h, err := prev.Hash()
	if err != nil {
		tb.Fatal(err)
	}
	r := issued(tb, "wimse://example.com/intruder", 0)
	return marshal(tb, Entry{Seq: prev.Seq + 1, Prev: h, Time: prev.Time.Add(1), Record: &r})
}

func TestVerifyIntact(t *testing.T) {
	b, last := writeLog(t)
	opts := trusted()
	opts.Anchor = &last
	opts.MaxUnprotected = 3
	rep, err := Verify(context.Background(), ReadLog(bytes.NewReader(b)), opts)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Entries != 13 || rep.Records != 10 || rep.Checkpoints != 3 || rep.Unprotected != 1 || rep.LastCheckpoint.Seq != 11 {
		t.Errorf("report = %+v; want 13 entries, 10 records, 3 checkpoints, last over seq 11, 1 unprotected", rep)
	}
}

func TestVerifyTamper(t *testing.T) {
	good, last := writeLog(t)
	tests := []struct {
		name    string
		tamper  func(tb testing.TB, ls [][]byte) [][]byte
		anchor  bool
		maxUnp  int
		wantSeq uint64
		want    Reason
	}{
		{name: "modify a field", wantSeq: 5, want: ReasonChain, tamper: func(tb testing.TB, ls [][]byte) [][]byte {
			ls[4] = bytes.Replace(ls[4], []byte(`"orders.read"`), []byte(`"orders.admin"`), 1)
			return ls
		}},
		{name: "modify the last covered record and cut the rest", anchor: true, wantSeq: 11, want: ReasonAnchor, tamper: func(tb testing.TB, ls [][]byte) [][]byte {
			// Without the anchor this verifies: seq 11 is then in the
			// unprotected tail (TestTruncationLimit).
			ls = ls[:11]
			ls[10] = bytes.Replace(ls[10], []byte(`"jti":"jti-8"`), []byte(`"jti":"jti-x"`), 1)
			return ls
		}},
		{name: "modify and recompute the chain", wantSeq: 8, want: ReasonCheckpointHead, tamper: func(tb testing.TB, ls [][]byte) [][]byte {
			ls[4] = bytes.Replace(ls[4], []byte(`"orders.read"`), []byte(`"orders.admin"`), 1)
			return rechain(tb, ls, 5, false)
		}},
		{name: "modify and recompute the chain and heads", wantSeq: 8, want: ReasonCheckpointSignature, tamper: func(tb testing.TB, ls [][]byte) [][]byte {
			ls[4] = bytes.Replace(ls[4], []byte(`"orders.read"`), []byte(`"orders.admin"`), 1)
			return rechain(tb, ls, 5, true)
		}},
		{name: "delete a record", wantSeq: 6, want: ReasonDeleted, tamper: func(tb testing.TB, ls [][]byte) [][]byte {
			return append(ls[:5], ls[6:]...)
		}},
		{name: "delete a checkpoint", wantSeq: 8, want: ReasonDeleted, tamper: func(tb testing.TB, ls [][]byte) [][]byte {
			return append(ls[:7], ls[8:]...)
		}},
		{name: "delete the first record", wantSeq: 1, want: ReasonDeleted, tamper: func(tb testing.TB, ls [][]byte) [][]byte {
			return ls[1:]
		}},
		{name: "swap two records", wantSeq: 5, want: ReasonReordered, tamper: func(tb testing.TB, ls [][]byte) [][]byte {
			ls[4], ls[5] = ls[5], ls[4]
			return ls
		}},
		{name: "move a record later", wantSeq: 2, want: ReasonReordered, tamper: func(tb testing.TB, ls [][]byte) [][]byte {
			moved := ls[1]
			return append(append(ls[:1:1], ls[2:]...), moved)
		}},
		{name: "duplicate a record", wantSeq: 6, want: ReasonReordered, tamper: func(tb testing.TB, ls [][]byte) [][]byte {
			return append(ls[:7:7], append([][]byte{ls[5]}, ls[7:]...)...)
		}},
		{name: "truncate after a checkpoint", anchor: true, wantSeq: 9, want: ReasonTruncated, tamper: func(tb testing.TB, ls [][]byte) [][]byte {
			return ls[:8]
		}},
		{name: "truncate the last checkpoint and covered records", anchor: true, wantSeq: 10, want: ReasonTruncated, tamper: func(tb testing.TB, ls [][]byte) [][]byte {
			return ls[:9]
		}},
		{name: "truncate to nothing", anchor: true, wantSeq: 1, want: ReasonTruncated, tamper: func(tb testing.TB, ls [][]byte) [][]byte {
			return nil
		}},
		{name: "forge a checkpoint with another key", wantSeq: 8, want: ReasonCheckpointKey, tamper: func(tb testing.TB, ls [][]byte) [][]byte {
			ls[7] = forged(tb, ls[6], false)
			return ls
		}},
		{name: "forge a checkpoint naming the trusted key", wantSeq: 8, want: ReasonCheckpointSignature, tamper: func(tb testing.TB, ls [][]byte) [][]byte {
			ls[7] = forged(tb, ls[6], true)
			return ls
		}},
		{name: "append after a forged checkpoint", wantSeq: 15, want: ReasonCheckpointKey, tamper: func(tb testing.TB, ls [][]byte) [][]byte {
			ls = append(ls, appendRecord(tb, ls[12]))
			ls = append(ls, forged(tb, ls[13], false))
			return append(ls, appendRecord(tb, ls[14]))
		}},
		{name: "delete checkpoints and rewrite the tail", maxUnp: 3, wantSeq: 8, want: ReasonUnprotected, tamper: func(tb testing.TB, ls [][]byte) [][]byte {
			ls = append(ls[:7], ls[8:11]...) // r1..c4 r5 r6 r7 r9 r10 r11
			for i := 7; i < len(ls); i++ {
				e := parse(tb, ls[i])
				e.Seq = uint64(i + 1)
				ls[i] = marshal(tb, e)
			}
			return rechain(tb, ls, 7, false)
		}},
		{name: "rewrite below the anchor with a forged checkpoint", anchor: true, wantSeq: 11, want: ReasonAnchor, tamper: func(tb testing.TB, ls [][]byte) [][]byte {
			ls = ls[:11]
			ls[10] = bytes.Replace(ls[10], []byte(`"jti":"jti-8"`), []byte(`"jti":"jti-x"`), 1)
			return append(ls, forged(tb, ls[10], true))
		}},
		{name: "garbage line", wantSeq: 3, want: ReasonMalformed, tamper: func(tb testing.TB, ls [][]byte) [][]byte {
			ls[2] = []byte("not json")
			return ls
		}},
		{name: "non-canonical whitespace", wantSeq: 3, want: ReasonMalformed, tamper: func(tb testing.TB, ls [][]byte) [][]byte {
			ls[2] = bytes.Replace(ls[2], []byte(`,"prev"`), []byte(`, "prev"`), 1)
			return ls
		}},
		{name: "first prev not zero", wantSeq: 1, want: ReasonChain, tamper: func(tb testing.TB, ls [][]byte) [][]byte {
			e := parse(tb, ls[0])
			e.Prev[0] = 1
			ls[0] = marshal(tb, e)
			return ls
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ls := tt.tamper(t, lines(good))
			if bytes.Equal(join(ls), good) {
				t.Fatal("the tamper changed nothing")
			}
			opts := trusted()
			if tt.anchor {
				opts.Anchor = &last
			}
			opts.MaxUnprotected = tt.maxUnp
			_, err := Verify(context.Background(), ReadLog(bytes.NewReader(join(ls))), opts)
			var ve *VerifyError
			if !errors.As(err, &ve) {
				t.Fatalf("Verify = %v; want a *VerifyError", err)
			}
			if ve.Seq != tt.wantSeq || ve.Reason != tt.want {
				t.Errorf("got seq %d %s; want seq %d %s (%v)", ve.Seq, ve.Reason, tt.wantSeq, tt.want, err)
			}
		})
	}
}

// TestTruncationLimit documents the limit: without an anchor, a log cut
// just after a checkpoint, or cut inside the unprotected tail, verifies;
// the report says how much is unprotected.
func TestTruncationLimit(t *testing.T) {
	good, _ := writeLog(t)
	for _, tt := range []struct {
		keep          int
		wantLast      uint64
		wantUnprotect uint64
	}{{keep: 12, wantLast: 11, wantUnprotect: 0}, {keep: 10, wantLast: 7, wantUnprotect: 2}, {keep: 2, wantUnprotect: 2}} {
		ls := lines(good)[:tt.keep]
		rep, err := Verify(context.Background(), ReadLog(bytes.NewReader(join(ls))), trusted())
		if err != nil {
			t.Fatalf("keep %d: %v", tt.keep, err)
		}
		var gotLast uint64
		if rep.LastCheckpoint != nil {
			gotLast = rep.LastCheckpoint.Seq
		}
		if gotLast != tt.wantLast || rep.Unprotected != tt.wantUnprotect {
			t.Errorf("keep %d: last checkpoint over %d, %d unprotected; want %d, %d", tt.keep, gotLast, rep.Unprotected, tt.wantLast, tt.wantUnprotect)
		}
	}
}

func TestVerifyNoKeys(t *testing.T) {
	good, _ := writeLog(t)
	_, err := Verify(context.Background(), ReadLog(bytes.NewReader(good)), VerifyOptions{})
	var ve *VerifyError
	if !errors.As(err, &ve) || ve.Reason != ReasonCheckpointKey || ve.Seq != 4 {
		t.Errorf("Verify without keys = %v; want seq 4 %s", err, ReasonCheckpointKey)
	}
}

func TestVerifyAnchorForged(t *testing.T) {
	good, last := writeLog(t)
	opts := VerifyOptions{Keys: []crypto.PublicKey{testKey("attacker").Public()}, Anchor: &last}
	_, err := Verify(context.Background(), ReadLog(bytes.NewReader(good)), opts)
	var ve *VerifyError
	if !errors.As(err, &ve) || ve.Reason != ReasonCheckpointKey || ve.Seq != 11 {
		t.Errorf("Verify = %v; want seq 11 %s", err, ReasonCheckpointKey)
	}
}
