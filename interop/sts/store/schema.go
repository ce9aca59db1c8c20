package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// migrations bring the schema from version i to i+1; the schema version
// is len(migrations). Append new ones; never edit a released one.
var migrations = [][]string{
	// 1: the initial schema.
	{
		// The audit log: entry holds the canonical bytes exactly; hash
		// is their SHA-256, the prev the next entry must carry. client,
		// sub, iss and time_ns are copies for the Filter's index; NULL
		// for checkpoints.
		`CREATE TABLE audit (
			seq     INTEGER PRIMARY KEY CHECK (seq >= 1),
			hash    BLOB NOT NULL CHECK (length(hash) = 32),
			time_ns INTEGER NOT NULL,
			client  TEXT,
			sub     TEXT,
			iss     TEXT,
			entry   BLOB NOT NULL
		) STRICT`,
		`CREATE INDEX audit_client ON audit (client, seq)`,
		`CREATE INDEX audit_sub ON audit (sub, seq)`,
		`CREATE INDEX audit_time ON audit (time_ns)`,
		`CREATE TABLE revocation (
			jti    TEXT PRIMARY KEY,
			exp_ns INTEGER NOT NULL
		) STRICT, WITHOUT ROWID`,
		`CREATE INDEX revocation_exp ON revocation (exp_ns)`,
		// One row per replay namespace with its count of stored
		// entries, kept in the same transactions as the entries.
		`CREATE TABLE replay_ns (
			ns   TEXT PRIMARY KEY,
			live INTEGER NOT NULL CHECK (live >= 0)
		) STRICT, WITHOUT ROWID`,
		// sender is the SHA-256 of the key's sender (wimse.ReplayKey),
		// NULL for a key without one.
		`CREATE TABLE replay (
			ns     TEXT NOT NULL REFERENCES replay_ns (ns),
			key    BLOB NOT NULL CHECK (length(key) = 32),
			exp_ns INTEGER NOT NULL,
			sender BLOB CHECK (sender IS NULL OR length(sender) = 32),
			PRIMARY KEY (ns, key)
		) STRICT, WITHOUT ROWID`,
		`CREATE INDEX replay_exp ON replay (ns, exp_ns)`,
		`CREATE INDEX replay_sender ON replay (ns, sender) WHERE sender IS NOT NULL`,
		`CREATE TABLE key_state (
			id      INTEGER PRIMARY KEY CHECK (id = 1),
			version INTEGER NOT NULL,
			data    BLOB
		) STRICT`,
		`INSERT INTO key_state (id, version, data) VALUES (1, 0, NULL)`,
	},
	// 2: a live count per replay sender, kept by triggers in the same
	// transactions as the entries, so the quota check reads one row
	// instead of counting the sender's entries (whose cost grew with
	// them, under the write lock).
	{
		// The live counts replace the sender index, which served the
		// counting.
		`DROP INDEX replay_sender`,
		`CREATE TABLE replay_senders (
			ns     TEXT NOT NULL,
			sender BLOB NOT NULL,
			live   INTEGER NOT NULL CHECK (live >= 0),
			PRIMARY KEY (ns, sender)
		) STRICT, WITHOUT ROWID`,
		`INSERT INTO replay_senders (ns, sender, live)
			SELECT ns, sender, count(*) FROM replay WHERE sender IS NOT NULL GROUP BY ns, sender`,
		`CREATE TRIGGER replay_sender_insert AFTER INSERT ON replay WHEN NEW.sender IS NOT NULL BEGIN
			INSERT INTO replay_senders (ns, sender, live) VALUES (NEW.ns, NEW.sender, 1)
				ON CONFLICT (ns, sender) DO UPDATE SET live = live + 1;
		END`,
		`CREATE TRIGGER replay_sender_delete AFTER DELETE ON replay WHEN OLD.sender IS NOT NULL BEGIN
			UPDATE replay_senders SET live = live - 1 WHERE ns = OLD.ns AND sender = OLD.sender;
			DELETE FROM replay_senders WHERE ns = OLD.ns AND sender = OLD.sender AND live = 0;
		END`,
	},
}

// SchemaVersion is the schema version this code creates and reads: the
// number of migrations. OpenSQLite refuses a database with a higher one.
const SchemaVersion = 2

// migrate applies the missing migrations in one transaction, so that
// concurrent openers (replicas starting together) apply each once.
func (s *SQLite) migrate(ctx context.Context) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
			id      INTEGER PRIMARY KEY CHECK (id = 1),
			version INTEGER NOT NULL
		) STRICT`); err != nil {
			return err
		}
		var v int
		err := tx.QueryRowContext(ctx, `SELECT version FROM schema_version WHERE id = 1`).Scan(&v)
		if errors.Is(err, sql.ErrNoRows) {
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (id, version) VALUES (1, 0)`); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		if v > SchemaVersion || len(migrations) != SchemaVersion {
			return fmt.Errorf("store: sqlite: schema version %d is newer than this program's %d", v, SchemaVersion)
		}
		for i := v; i < len(migrations); i++ {
			for _, stmt := range migrations[i] {
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("store: sqlite: migration %d: %w", i+1, err)
				}
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE schema_version SET version = ? WHERE id = 1`, len(migrations))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: sqlite: schema: %w", err)
	}
	return nil
}
