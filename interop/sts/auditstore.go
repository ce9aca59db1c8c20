package sts

import (
	"context"

	"github.com/wimse-wg/wimse/interop/sts/audit"
)

// OpenAudit opens the audit log store cfg names (the SQLite store, or the
// file audit.log), for reading (`wimse audit
// verify|show`) or for an append by another process (RotateKeys). Call
// the returned func to close it.
func OpenAudit(ctx context.Context, cfg *Config) (audit.Store, func() error, error) {
	s, closeStore, _, err := openState(ctx, cfg)
	return s, closeStore, err
}

// CheckpointInterval is the number of records between audit checkpoints:
// audit.checkpointEvery, or DefaultCheckpointEvery. `wimse audit verify`
// allows no more unsigned records than this between checkpoints.
func (c *Config) CheckpointInterval() int {
	if c.Audit.CheckpointEvery > 0 {
		return c.Audit.CheckpointEvery
	}
	return DefaultCheckpointEvery
}

// Checkpoint signs a checkpoint over the audit log's current head now,
// rather than after the next interval: before reading the log back.
func (s *Server) Checkpoint(ctx context.Context) (audit.Checkpoint, error) {
	return s.log.Checkpoint(ctx)
}
