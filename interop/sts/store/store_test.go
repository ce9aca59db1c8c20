package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/interop/sts/audit"
	"github.com/wimse-wg/wimse/interop/sts/store"
)

func openSQLite(t testing.TB, opts ...store.Option) store.Store {
	t.Helper()
	s, err := store.OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "state.db"), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func openMemory(t testing.TB, opts ...store.Option) store.Store {
	s := store.NewMemory(opts...)
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSQLite(t *testing.T) { runSuite(t, openSQLite) }

func TestMemory(t *testing.T) { runSuite(t, openMemory) }

// TestSQLiteReopen: everything written is there after Close and a new
// OpenSQLite on the file, which was created with mode 0600.
func TestSQLiteReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := store.OpenSQLite(ctx, path, store.WithNow(fixedClock))
	if err != nil {
		t.Fatal(err)
	}
	l := newLog(t, s.Audit(), 2)
	for i := range 5 {
		if _, err := l.Append(ctx, record("c", "user-a", i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Revoke(ctx, "jti-1", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.PutKeyState(ctx, 0, []byte("keys")); err != nil {
		t.Fatal(err)
	}
	if fresh, err := s.Replay(store.ReplayProof).Check("p1", t0.Add(time.Minute), t0); !fresh || err != nil {
		t.Fatal(fresh, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("database file mode = %v, %v; want 0600", fi.Mode().Perm(), err)
	}

	s, err = store.OpenSQLite(ctx, path, store.WithNow(fixedClock))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rep, err := audit.Verify(ctx, s.Audit().Range(ctx, audit.Filter{}), trusted())
	if err != nil || rep.Records != 5 || rep.Checkpoints != 2 {
		t.Errorf("Verify after reopen = %+v, %v", rep, err)
	}
	if ok, err := s.Revoked(ctx, "jti-1"); !ok || err != nil {
		t.Errorf("Revoked after reopen = %v, %v", ok, err)
	}
	if v, data, err := s.KeyState(ctx); v != 1 || string(data) != "keys" || err != nil {
		t.Errorf("KeyState after reopen = %d, %q, %v", v, data, err)
	}
	if fresh, err := s.Replay(store.ReplayProof).Check("p1", t0.Add(time.Minute), t0); fresh || err != nil {
		t.Errorf("replay after reopen = %v, %v; want a replay", fresh, err)
	}
	// A Log on the reopened store continues the chain.
	if e, err := newLog(t, s.Audit(), 2).Append(ctx, record("c", "user-a", 9)); err != nil || e.Seq != 8 {
		t.Errorf("Append after reopen: seq %d, %v; want 8", e.Seq, err)
	}
}

// TestSQLiteSchemaTooNew: a database written by a newer program is
// refused, not misread.
func TestSQLiteSchemaTooNew(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := store.OpenSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE schema_version SET version = ?`, store.SchemaVersion+1); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if s, err := store.OpenSQLite(ctx, path); err == nil {
		s.Close()
		t.Error("OpenSQLite accepted a newer schema version")
	}
}

func TestSQLiteBadPath(t *testing.T) {
	for _, p := range []string{"", "state.db?_pragma=synchronous(OFF)", "file:state.db"} {
		if s, err := store.OpenSQLite(context.Background(), p); err == nil {
			s.Close()
			t.Errorf("OpenSQLite(%q) succeeded", p)
		}
	}
}

// TestSQLiteTwoHandles: two stores opened on one file (two replicas on a
// shared database) append through their own Logs concurrently and race
// on the key state; the database's lock and the compare-and-swap checks
// keep one chain and one winner.
func TestSQLiteTwoHandles(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	var stores [2]*store.SQLite
	for i := range stores {
		s, err := store.OpenSQLite(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		stores[i] = s
	}
	const workers, each = 4, 15
	var wg sync.WaitGroup
	for i, s := range stores {
		l := newLog(t, s.Audit(), 7)
		for w := range workers {
			wg.Go(func() {
				for n := range each {
					if _, err := l.Append(ctx, record(fmt.Sprintf("replica-%d-%d", i, w), "user-a", n)); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
	}
	var wins atomic.Int32
	for _, s := range stores {
		wg.Go(func() {
			switch err := s.PutKeyState(ctx, 0, []byte("mine")); {
			case err == nil:
				wins.Add(1)
			case !errors.Is(err, store.ErrConflict):
				t.Error(err)
			}
		})
	}
	wg.Wait()
	rep, err := audit.Verify(ctx, stores[1].Audit().Range(ctx, audit.Filter{}), trusted())
	if err != nil || rep.Records != 2*workers*each {
		t.Errorf("Verify = %+v, %v; want %d records", rep, err, 2*workers*each)
	}
	if wins.Load() != 1 {
		t.Errorf("%d key-state writers won from version 0; want 1", wins.Load())
	}
}
