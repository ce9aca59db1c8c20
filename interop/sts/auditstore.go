package sts

import (
	"context"
	"fmt"

	"github.com/wimse-wg/wimse/interop/sts/audit"
)

// OpenAudit opens the audit log store cfg names, for reading (`wimse audit
// verify|show`) or for an append by another process (RotateKeys). Call
// the returned func to close it.
func OpenAudit(ctx context.Context, cfg *Config) (audit.Store, func() error, error) {
	if cfg.Audit.Log == "" {
		return nil, nil, fmt.Errorf("sts: config: no audit log")
	}
	s, err := audit.OpenFile(ctx, cfg.path(cfg.Audit.Log))
	if err != nil {
		return nil, nil, fmt.Errorf("sts: audit log: %w", err)
	}
	return s, s.Close, nil
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
