package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wimse-wg/wimse/interop/sts/audit"
	"github.com/wimse-wg/wimse/wimse"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver, pure Go
)

// SQLite is a Store in one SQLite database file, through modernc.org/sqlite
// (pure Go, no cgo). OpenSQLite opens it. See the package documentation for
// its durability and concurrency decisions.
type SQLite struct {
	db   *sql.DB
	cfg  config
	path string

	// wmu serialises this process's write transactions, so that they
	// queue on a mutex rather than spin in SQLite's busy handler. It is an
	// optimisation only: the database's own lock (BEGIN IMMEDIATE) is
	// what orders writers, including other processes.
	wmu    sync.Mutex
	closed atomic.Bool
}

var _ Store = (*SQLite)(nil)

// OpenSQLite opens the database at path, creating it (mode 0600) if it
// does not exist, and brings its schema to the current version. Every
// connection runs in WAL journal mode with synchronous=FULL, foreign keys
// on and a busy timeout (WithBusyTimeout). It fails on a database whose
// schema version is newer than this code knows, and on a path containing
// '?' (which would be read as connection parameters).
func OpenSQLite(ctx context.Context, path string, opts ...Option) (*SQLite, error) {
	cfg := newConfig(opts)
	if path == "" || strings.ContainsRune(path, '?') || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("store: sqlite: %q is not a plain file path", path)
	}
	_, statErr := os.Stat(path)
	created := errors.Is(statErr, os.ErrNotExist)
	if created {
		// Create the file ourselves, so that its mode is 0600.
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("store: sqlite: %w", err)
		}
		f.Close()
	}
	dsn := path + "?_txlock=immediate" +
		fmt.Sprintf("&_pragma=busy_timeout(%d)", cfg.busyTimeout.Milliseconds()) +
		"&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: sqlite: %w", err)
	}
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	s := &SQLite{db: db, cfg: cfg, path: path}
	if err := s.checkPragmas(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if created {
		// The database file and its -wal file are new directory entries:
		// make them durable too (SQLite syncs the directory for a new WAL
		// file itself; this covers the main file).
		if err := syncDir(filepath.Dir(path)); err != nil {
			db.Close()
			return nil, err
		}
	}
	return s, nil
}

// checkPragmas confirms the settings durability depends on, rather than
// trusting the DSN.
func (s *SQLite) checkPragmas(ctx context.Context) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: sqlite: %w", err)
	}
	defer conn.Close()
	var mode string
	var sync, fk int
	if err := conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fmt.Errorf("store: sqlite: %w", err)
	}
	if err := conn.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
		return fmt.Errorf("store: sqlite: %w", err)
	}
	if err := conn.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
		return fmt.Errorf("store: sqlite: %w", err)
	}
	if !strings.EqualFold(mode, "wal") || sync != 2 || fk != 1 {
		return fmt.Errorf("store: sqlite: journal_mode %s, synchronous %d, foreign_keys %d; want wal, 2 (FULL), 1", mode, sync, fk)
	}
	return nil
}

// write runs fn in one write transaction (BEGIN IMMEDIATE) and commits it
// when fn returns nil. With synchronous=FULL the commit returns after the
// WAL is fsync'ed.
func (s *SQLite) write(ctx context.Context, fn func(*sql.Tx) error) error {
	if s.closed.Load() {
		return ErrClosed
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: sqlite: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: sqlite: commit: %w", err)
	}
	return nil
}

// Audit implements Store.
func (s *SQLite) Audit() audit.Store { return sqliteAudit{s} }

// Revoke implements Store. In the same transaction it prunes up to
// pruneBatch revocations that expired more than the clock skew ago, so
// the table stays near the number of unexpired revoked tokens.
func (s *SQLite) Revoke(ctx context.Context, jti string, exp time.Time) error {
	if err := checkJTI(jti); err != nil {
		return err
	}
	cutoff := pruneBefore(s.cfg.now())
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO revocation (jti, exp_ns) VALUES (?, ?)
			ON CONFLICT (jti) DO UPDATE SET exp_ns = max(exp_ns, excluded.exp_ns)`, jti, unixNano(exp)); err != nil {
			return fmt.Errorf("store: sqlite: revoke: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM revocation WHERE jti IN
			(SELECT jti FROM revocation WHERE exp_ns < ? LIMIT ?)`, cutoff, pruneBatch); err != nil {
			return fmt.Errorf("store: sqlite: prune revocations: %w", err)
		}
		return nil
	})
}

// pruneBatch bounds the expired revocations one Revoke deletes.
const pruneBatch = 64

// Revoked implements Store.
func (s *SQLite) Revoked(ctx context.Context, jti string) (bool, error) {
	if s.closed.Load() {
		return false, ErrClosed
	}
	var one int
	err := s.db.QueryRowContext(ctx, `SELECT 1 FROM revocation WHERE jti = ?`, jti).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: sqlite: %w", err)
	}
	return true, nil
}

// KeyState implements Store.
func (s *SQLite) KeyState(ctx context.Context) (int64, []byte, error) {
	if s.closed.Load() {
		return 0, nil, ErrClosed
	}
	var v int64
	var data []byte
	if err := s.db.QueryRowContext(ctx, `SELECT version, data FROM key_state WHERE id = 1`).Scan(&v, &data); err != nil {
		return 0, nil, fmt.Errorf("store: sqlite: %w", err)
	}
	return v, data, nil
}

// PutKeyState implements Store: one UPDATE conditioned on the version.
func (s *SQLite) PutKeyState(ctx context.Context, prevVersion int64, data []byte) error {
	if err := checkKeyState(data); err != nil {
		return err
	}
	if data == nil {
		data = []byte{}
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE key_state SET version = version + 1, data = ? WHERE id = 1 AND version = ?`, data, prevVersion)
		if err != nil {
			return fmt.Errorf("store: sqlite: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return fmt.Errorf("%w (version %d)", ErrConflict, prevVersion)
		}
		return nil
	})
}

// Replay implements Store.
func (s *SQLite) Replay(namespace string) wimse.ReplayCache {
	return sqliteReplay{s: s, ns: namespace}
}

// Close closes the database. A clean close checkpoints the WAL into the
// main file; a crash leaves it to the next open.
func (s *SQLite) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return s.db.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("store: syncing directory %s: %w", dir, err)
	}
	return nil
}
