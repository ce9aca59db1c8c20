package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/wimse-wg/wimse/wimse"
)

// sqliteReplay is one namespace of a SQLite store's replay cache.
type sqliteReplay struct {
	s  *SQLite
	ns string
}

// Check implements wimse.ReplayCache in one write transaction: delete the
// namespace's entries expired at now, look the key up, and record it if
// it is new, unexpired, the namespace has room and its sender is under
// its quota (read from the sender's live count, which triggers keep). The cache interface
// carries no context: the busy timeout bounds the wait. A storage failure
// is an error (wimse.ReasonInternal): the key is not known to be
// recorded, so the caller refuses the proof.
func (r sqliteReplay) Check(key string, exp, now time.Time) (bool, error) {
	if err := checkNamespace(r.ns); err != nil {
		return false, replayFailed(err)
	}
	ctx := context.Background()
	k, e, n, sender := replayKey(key), unixNano(exp), unixNano(now), replaySender(key)
	var fresh, quota bool
	var full int64 = -1
	err := r.s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO replay_ns (ns, live) VALUES (?, 0) ON CONFLICT (ns) DO NOTHING`, r.ns); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM replay WHERE ns = ? AND exp_ns <= ?`, r.ns, n)
		if err != nil {
			return err
		}
		if gone, err := res.RowsAffected(); err != nil {
			return err
		} else if gone > 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE replay_ns SET live = live - ? WHERE ns = ?`, gone, r.ns); err != nil {
				return err
			}
		}
		var one int
		err = tx.QueryRowContext(ctx, `SELECT 1 FROM replay WHERE ns = ? AND key = ?`, r.ns, k).Scan(&one)
		if err == nil {
			return nil // a replay
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if e <= n {
			fresh = true // already expired: the caller refuses it anyway
			return nil
		}
		var live int64
		if err := tx.QueryRowContext(ctx, `SELECT live FROM replay_ns WHERE ns = ?`, r.ns).Scan(&live); err != nil {
			return err
		}
		if live >= int64(r.s.cfg.replayLimit) {
			full = live
			return nil // commit the deletions, refuse the key
		}
		if sender != nil {
			var held int
			err := tx.QueryRowContext(ctx, `SELECT live FROM replay_senders WHERE ns = ? AND sender = ?`, r.ns, sender).Scan(&held)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if held >= r.s.cfg.senderLimit() {
				quota = true
				return nil
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO replay (ns, key, exp_ns, sender) VALUES (?, ?, ?, ?)`, r.ns, k, e, sender); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE replay_ns SET live = live + 1 WHERE ns = ?`, r.ns); err != nil {
			return err
		}
		fresh = true
		return nil
	})
	if err != nil {
		return false, replayFailed(fmt.Errorf("sqlite: %w", err))
	}
	if full >= 0 {
		return false, cacheFull(r.ns, full)
	}
	if quota {
		return false, senderFull(r.s.cfg.senderLimit())
	}
	return fresh, nil
}

var _ wimse.ReplayCache = sqliteReplay{}
