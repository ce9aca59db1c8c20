package audit

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"sync"
	"time"
)

// ErrCheckpoint is wrapped by the error of Log.Append when the record was
// appended (and is durable) but the automatic checkpoint after it failed.
var ErrCheckpoint = errors.New("audit: checkpoint failed")

// Option configures New.
type Option func(*config)

type config struct {
	signer crypto.Signer
	every  int
	now    func() time.Time
}

// WithSigner sets the checkpoint key: an Ed25519 or ECDSA P-256
// crypto.Signer (an HSM or KMS key works). Without it the log writes no
// checkpoint and detects neither truncation nor a rewritten chain.
func WithSigner(s crypto.Signer) Option { return func(c *config) { c.signer = s } }

// WithCheckpointEvery makes Append write a checkpoint after every n
// records. Zero (the default) means only on demand (Log.Checkpoint). A
// Log counts its own records: a Log started on a log that ends in records
// writes a checkpoint after its first one, so at most n records follow a
// checkpoint; with w Logs (replicas) writing to one Store, up to w×n can.
// Give VerifyOptions.MaxUnprotected that bound.
func WithCheckpointEvery(n int) Option { return func(c *config) { c.every = n } }

// WithNow sets the clock that stamps entries. Nil (the default) means
// time.Now.
func WithNow(now func() time.Time) Option { return func(c *config) { c.now = now } }

// Log appends records to a Store as a hash chain and signs checkpoints.
// It is safe for concurrent use: appends are serialised in this process,
// and a Store shared with other writers orders them (ErrConflict, then a
// retry on the new head).
type Log struct {
	store Store
	cfg   config

	mu      sync.Mutex
	pending int  // records since the last checkpoint, as this process knows
	started bool // the first Append has looked at the store's head
}

// New returns a Log that appends to store.
func New(store Store, opts ...Option) (*Log, error) {
	var c config
	for _, o := range opts {
		o(&c)
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.every < 0 {
		return nil, errors.New("audit: negative checkpoint interval")
	}
	if c.every > 0 && c.signer == nil {
		return nil, errors.New("audit: WithCheckpointEvery needs WithSigner")
	}
	if c.signer != nil {
		if _, err := algOf(c.signer.Public()); err != nil {
			return nil, err
		}
	}
	return &Log{store: store, cfg: c}, nil
}

// Append records r. It returns the appended entry once the store holds it
// durably. With WithCheckpointEvery(n), every n-th record is followed by
// a checkpoint; if that checkpoint fails, Append returns the record's
// entry and an error wrapping ErrCheckpoint (the record itself is
// durable). An invalid record gives an error wrapping ErrInvalidRecord.
func (l *Log) Append(ctx context.Context, r Record) (Entry, error) {
	if err := r.validate(); err != nil {
		return Entry{}, err
	}
	r = r.clone()
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.started && l.cfg.every > 0 {
		// A log reopened on a tail of records (up to every-1 of them when
		// the previous writer was healthy) gets its checkpoint right after
		// this record, so the tail never exceeds the interval.
		head, ok, err := l.store.Head(ctx)
		if err != nil {
			return Entry{}, err
		}
		if ok && head.Record != nil {
			l.pending = l.cfg.every - 1
		}
	}
	l.started = true
	e, err := l.appendLocked(ctx, func(*Entry) error { return nil }, &r)
	if err != nil {
		return Entry{}, err
	}
	l.pending++
	if l.cfg.every > 0 && l.pending >= l.cfg.every {
		if _, err := l.checkpointLocked(ctx); err != nil {
			return e, fmt.Errorf("%w: %w", ErrCheckpoint, err)
		}
	}
	return e, nil
}

// Checkpoint appends a checkpoint over the current head and returns it.
// Keep it outside the log (VerifyOptions.Anchor) to detect truncation.
func (l *Log) Checkpoint(ctx context.Context) (Checkpoint, error) {
	if l.cfg.signer == nil {
		return Checkpoint{}, errors.New("audit: no checkpoint key (WithSigner)")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.checkpointLocked(ctx)
}

func (l *Log) checkpointLocked(ctx context.Context) (Checkpoint, error) {
	e, err := l.appendLocked(ctx, func(e *Entry) error {
		e.Checkpoint = &Checkpoint{Seq: e.Seq - 1, Head: e.Prev, Time: e.Time}
		if e.Seq == 1 {
			return errors.New("audit: nothing to checkpoint: the log is empty")
		}
		return e.Checkpoint.sign(l.cfg.signer)
	}, nil)
	if err != nil {
		return Checkpoint{}, err
	}
	l.pending = 0
	return *e.Checkpoint, nil
}

// maxConflicts bounds the retries when other writers keep appending first.
const maxConflicts = 64

// appendLocked builds the next entry on the store's head, lets fill
// complete it (a checkpoint) or sets r, and appends it, retrying on
// ErrConflict.
func (l *Log) appendLocked(ctx context.Context, fill func(*Entry) error, r *Record) (Entry, error) {
	for range maxConflicts {
		head, ok, err := l.store.Head(ctx)
		if err != nil {
			return Entry{}, err
		}
		e := Entry{Seq: 1, Time: l.cfg.now().UTC(), Record: r}
		if ok {
			if e.Prev, err = head.Hash(); err != nil {
				return Entry{}, err
			}
			e.Seq = head.Seq + 1
		}
		if err := fill(&e); err != nil {
			return Entry{}, err
		}
		err = l.store.Append(ctx, e)
		if errors.Is(err, ErrConflict) {
			continue
		}
		if err != nil {
			return Entry{}, err
		}
		return e, nil
	}
	return Entry{}, fmt.Errorf("%w: gave up after %d attempts", ErrConflict, maxConflicts)
}

// clone copies the slices of r, so a caller that reuses them after Append
// cannot change a recorded entry.
func (r Record) clone() Record {
	r.Actors = append([]Label(nil), r.Actors...)
	r.Requested = r.Requested.clone()
	r.Granted = r.Granted.clone()
	return r
}

func (g Grant) clone() Grant {
	return Grant{
		Audience: append([]Label(nil), g.Audience...),
		Resource: append([]Label(nil), g.Resource...),
		Scope:    append([]Label(nil), g.Scope...),
	}
}
