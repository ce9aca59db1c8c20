package audit

import (
	"context"
	"os"
	"path/filepath"
	"testing"
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
