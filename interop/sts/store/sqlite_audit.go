package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"math"

	"github.com/wimse-wg/wimse/interop/sts/audit"
)

// sqliteAudit is the audit.Store of a SQLite store: one row per entry,
// keyed by seq.
type sqliteAudit struct{ s *SQLite }

var _ audit.Store = sqliteAudit{}

// Head implements audit.Store.
func (a sqliteAudit) Head(ctx context.Context) (audit.Entry, bool, error) {
	if a.s.closed.Load() {
		return audit.Entry{}, false, ErrClosed
	}
	var line []byte
	err := a.s.db.QueryRowContext(ctx, `SELECT entry FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&line)
	if errors.Is(err, sql.ErrNoRows) {
		return audit.Entry{}, false, nil
	}
	if err != nil {
		return audit.Entry{}, false, fmt.Errorf("store: sqlite: audit head: %w", err)
	}
	e, err := audit.ParseEntry(line)
	if err != nil {
		return audit.Entry{}, false, fmt.Errorf("store: sqlite: audit head: %w", err)
	}
	return e, true, nil
}

// Append implements audit.Store: in one write transaction it reads the
// head's seq and hash, refuses an entry that does not follow them
// (audit.ErrConflict) and inserts the entry's canonical bytes. The seq
// primary key refuses a second entry at the same seq even from a writer
// that skipped the check.
func (a sqliteAudit) Append(ctx context.Context, e audit.Entry) error {
	line, err := e.MarshalText()
	if err != nil {
		return err
	}
	if e.Seq == 0 || e.Seq > math.MaxInt64 {
		return fmt.Errorf("%w: seq %d out of range", audit.ErrConflict, e.Seq)
	}
	hash := sha256.Sum256(line)
	var client, sub, iss sql.NullString
	if r := e.Record; r != nil {
		client = sql.NullString{String: r.Client.ID.String(), Valid: true}
		sub = sql.NullString{String: r.Subject.Sub.String(), Valid: true}
		iss = sql.NullString{String: r.Subject.Issuer.String(), Valid: true}
	}
	return a.s.write(ctx, func(tx *sql.Tx) error {
		var head int64
		var prev []byte
		err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&head, &prev)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			prev = make([]byte, sha256.Size)
		case err != nil:
			return fmt.Errorf("store: sqlite: audit head: %w", err)
		}
		if e.Seq != uint64(head)+1 || !bytes.Equal(e.Prev[:], prev) {
			return fmt.Errorf("%w: seq %d after head %d", audit.ErrConflict, e.Seq, head)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit (seq, hash, time_ns, client, sub, iss, entry) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			int64(e.Seq), hash[:], unixNano(e.Time), client, sub, iss, line); err != nil {
			return fmt.Errorf("store: sqlite: audit append: %w", err)
		}
		return nil
	})
}

// rangePage is the number of entries Range reads per query. Range holds
// no transaction while it yields, so a slow reader never pins a WAL
// snapshot (which would stop checkpoints and grow the WAL).
const rangePage = 256

// Range implements audit.Store. The index narrows the rows by client,
// subject and time; Filter.Match decides, so the selection is exactly
// FileStore's. Entries are read in pages by seq: each at most once, in
// order, every entry acknowledged before the call included.
func (a sqliteAudit) Range(ctx context.Context, f audit.Filter) iter.Seq2[audit.Entry, error] {
	var where []string
	var args []any
	if !f.Client.IsZero() {
		where, args = append(where, "client = ?"), append(args, f.Client.String())
	}
	if !f.Subject.Sub.IsZero() {
		where, args = append(where, "sub = ?"), append(args, f.Subject.Sub.String())
	}
	if !f.Subject.Issuer.IsZero() {
		where, args = append(where, "iss = ?"), append(args, f.Subject.Issuer.String())
	}
	// unixNano saturates, so these bounds select a superset of Match's.
	if !f.Since.IsZero() {
		where, args = append(where, "time_ns >= ?"), append(args, unixNano(f.Since))
	}
	if !f.Until.IsZero() {
		where, args = append(where, "time_ns <= ?"), append(args, unixNano(f.Until))
	}
	q := `SELECT seq, entry FROM audit WHERE seq > ?`
	for _, w := range where {
		q += " AND " + w
	}
	q += fmt.Sprintf(" ORDER BY seq LIMIT %d", rangePage)
	return func(yield func(audit.Entry, error) bool) {
		var after int64
		for {
			if a.s.closed.Load() {
				yield(audit.Entry{}, ErrClosed)
				return
			}
			page, err := a.page(ctx, q, append([]any{after}, args...))
			if err != nil {
				yield(audit.Entry{}, err)
				return
			}
			for _, e := range page {
				if f.Match(e) && !yield(e, nil) {
					return
				}
				after = int64(e.Seq)
			}
			if len(page) < rangePage {
				return
			}
		}
	}
}

func (a sqliteAudit) page(ctx context.Context, q string, args []any) ([]audit.Entry, error) {
	rows, err := a.s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: sqlite: audit range: %w", err)
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		var seq int64
		var line []byte
		if err := rows.Scan(&seq, &line); err != nil {
			return nil, fmt.Errorf("store: sqlite: audit range: %w", err)
		}
		e, err := audit.ParseEntry(line)
		if err != nil {
			return nil, fmt.Errorf("store: sqlite: audit seq %d: %w", seq, err)
		}
		if e.Seq != uint64(seq) {
			return nil, fmt.Errorf("store: sqlite: audit row %d holds seq %d", seq, e.Seq)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: sqlite: audit range: %w", err)
	}
	return out, nil
}
