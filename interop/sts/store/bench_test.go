package store_test

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/interop/sts/audit"
	"github.com/wimse-wg/wimse/interop/sts/store"
)

// BenchmarkSQLiteAppend and BenchmarkFileStoreAppend measure audit.Log.Append
// (no checkpoints) on the two durable stores in the same temporary
// directory: SQLite commits with an fsync of its WAL (synchronous=FULL),
// FileStore writes a line and fsyncs it. Their ratio is what the SQLite
// store costs over the file log per audit record.
func BenchmarkSQLiteAppend(b *testing.B) {
	s, err := store.OpenSQLite(context.Background(), filepath.Join(b.TempDir(), "state.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	benchAppend(b, s.Audit())
}

func BenchmarkFileStoreAppend(b *testing.B) {
	s, err := audit.OpenFile(context.Background(), filepath.Join(b.TempDir(), "audit.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	benchAppend(b, s)
}

func benchAppend(b *testing.B, s audit.Store) {
	l, err := audit.New(s, audit.WithNow(stepClock()))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	r := record("wimse://example.com/client", "user-a", 0)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := l.Append(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSQLiteReplayCheck is one durable replay-cache Check of a new
// key (one write transaction).
func BenchmarkSQLiteReplayCheck(b *testing.B) {
	s, err := store.OpenSQLite(context.Background(), filepath.Join(b.TempDir(), "state.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	c := s.Replay(store.ReplayProof)
	exp := t0.Add(time.Minute)
	i := 0
	for b.Loop() {
		i++
		if _, err := c.Check("key-"+strconv.Itoa(i), exp, t0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSQLiteVsFileStoreAppend alternates one Log.Append on each
// store, both in the same directory, so that both see the same disk load,
// and reports each mean and their ratio (sqlite/file).
func BenchmarkSQLiteVsFileStoreAppend(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	sq, err := store.OpenSQLite(ctx, filepath.Join(dir, "state.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer sq.Close()
	fs, err := audit.OpenFile(ctx, filepath.Join(dir, "audit.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	defer fs.Close()
	sl, err := audit.New(sq.Audit(), audit.WithNow(stepClock()))
	if err != nil {
		b.Fatal(err)
	}
	fl, err := audit.New(fs, audit.WithNow(stepClock()))
	if err != nil {
		b.Fatal(err)
	}
	r := record("wimse://example.com/client", "user-a", 0)
	var sqlNS, fileNS time.Duration
	for b.Loop() {
		t := time.Now()
		if _, err := sl.Append(ctx, r); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, err := fl.Append(ctx, r); err != nil {
			b.Fatal(err)
		}
		sqlNS += t1.Sub(t)
		fileNS += time.Since(t1)
	}
	b.ReportMetric(float64(sqlNS)/float64(b.N), "sqlite-ns/op")
	b.ReportMetric(float64(fileNS)/float64(b.N), "file-ns/op")
	b.ReportMetric(float64(sqlNS)/float64(fileNS), "ratio")
}
