package audit

import (
	"context"
	"iter"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkAppend measures Log.Append on a FileStore (one fsync each, no
// checkpoints) beside BenchmarkFileWriteSync, a bare write(2)+fsync(2) of
// a line of the same size, so the ratio shows what the audit log adds to
// the disk's own cost. BenchmarkAppendCheckpoint100 adds an Ed25519
// checkpoint every 100 records.
func BenchmarkAppend(b *testing.B) { benchAppend(b, 0) }

func BenchmarkAppendCheckpoint100(b *testing.B) { benchAppend(b, 100) }

func benchAppend(b *testing.B, every int) {
	_, log, _ := newFileLog(b, every)
	ctx := context.Background()
	r := issued(b, "wimse://example.com/client", 0)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := log.Append(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFileWriteSync(b *testing.B) {
	r := issued(b, "wimse://example.com/client", 0)
	line := append(marshal(b, Entry{Seq: 1, Time: t0, Record: &r}), '\n')
	f, err := os.OpenFile(filepath.Join(b.TempDir(), "bare"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.Write(line); err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppendMemory is Log.Append on a Store that keeps entries in
// memory: the CPU cost of the log itself (validation, canonical encoding,
// hashing), without the disk.
func BenchmarkAppendMemory(b *testing.B) {
	log, err := New(&memStore{}, WithNow(stepClock()))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	r := issued(b, "wimse://example.com/client", 0)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := log.Append(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
}

// memStore is a minimal Store for benchmarks: it keeps only the head.
type memStore struct {
	head Entry
	n    int
}

func (m *memStore) Head(context.Context) (Entry, bool, error) { return m.head, m.n > 0, nil }

func (m *memStore) Append(_ context.Context, e Entry) error {
	if _, err := e.MarshalText(); err != nil {
		return err
	}
	m.head, m.n = e, m.n+1
	return nil
}

func (m *memStore) Range(context.Context, Filter) iter.Seq2[Entry, error] {
	return func(func(Entry, error) bool) {}
}

// BenchmarkAppendVsBare alternates one Log.Append (FileStore, fsync) and
// one bare write+fsync of a line of the same size on another file of the
// same directory, so that both see the same disk load, and reports the
// mean of each and their ratio.
func BenchmarkAppendVsBare(b *testing.B) {
	_, log, path := newFileLog(b, 0)
	ctx := context.Background()
	r := issued(b, "wimse://example.com/client", 0)
	line := append(marshal(b, Entry{Seq: 1, Time: t0, Record: &r}), '\n')
	f, err := os.OpenFile(filepath.Join(filepath.Dir(path), "bare"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var appendNS, bareNS time.Duration
	for b.Loop() {
		t := time.Now()
		if _, err := log.Append(ctx, r); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, err := f.Write(line); err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
		appendNS += t1.Sub(t)
		bareNS += time.Since(t1)
	}
	b.ReportMetric(float64(appendNS)/float64(b.N), "append-ns/op")
	b.ReportMetric(float64(bareNS)/float64(b.N), "bare-ns/op")
	b.ReportMetric(float64(appendNS)/float64(bareNS), "ratio")
}
