package audit

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"iter"
)

// Reason is the stable code of a verification failure. These codes never
// go on the wire, so they are defined here, not among wimse.Reason.
type Reason string

// The reasons Verify reports.
const (
	// ReasonMalformed: an entry does not parse or is not in canonical form
	// (ParseEntry), or the log ends in an incomplete line.
	ReasonMalformed Reason = "audit.malformed"
	// ReasonDeleted: the entry with this sequence number is missing.
	ReasonDeleted Reason = "audit.deleted"
	// ReasonReordered: the entry with this sequence number is out of
	// place (found later in the log), or appears twice.
	ReasonReordered Reason = "audit.reordered"
	// ReasonChain: the hash of this entry is not the prev of the next one:
	// this entry was modified (or the next one's prev was). For the first
	// entry, its prev is not all zeros.
	ReasonChain Reason = "audit.chain"
	// ReasonCheckpointHead: a checkpoint does not cover the entry right
	// before it with that entry's hash and its own time.
	ReasonCheckpointHead Reason = "audit.checkpoint_head"
	// ReasonCheckpointKey: a checkpoint names a key that is not among the
	// trusted keys.
	ReasonCheckpointKey Reason = "audit.checkpoint_key"
	// ReasonCheckpointSignature: a checkpoint's signature does not verify.
	ReasonCheckpointSignature Reason = "audit.checkpoint_signature"
	// ReasonAnchor: the log's entry at the anchor checkpoint's sequence
	// number does not have the anchor's head: the log was rewritten.
	ReasonAnchor Reason = "audit.anchor"
	// ReasonTruncated: the log ends before the anchor checkpoint's
	// sequence number; Seq is the first missing one.
	ReasonTruncated Reason = "audit.truncated"
	// ReasonUnprotected: more than VerifyOptions.MaxUnprotected records
	// follow a checkpoint (or the start) without the next one; Seq is
	// the first record beyond the limit.
	ReasonUnprotected Reason = "audit.unprotected"
)

// VerifyError is the error of Verify when the log is not intact: Seq is
// the first sequence number found bad, Reason says how. Detail is for
// people and may change; branch on Reason.
type VerifyError struct {
	Seq    uint64
	Reason Reason
	Detail string
	Err    error
}

func (e *VerifyError) Error() string {
	return fmt.Sprintf("audit: seq %d: %s: %s", e.Seq, e.Reason, e.Detail)
}

func (e *VerifyError) Unwrap() error { return e.Err }

// VerifyOptions configures Verify.
type VerifyOptions struct {
	// Keys are the trusted checkpoint public keys (Ed25519, ECDSA P-256).
	// With none, any checkpoint fails with ReasonCheckpointKey.
	Keys []crypto.PublicKey
	// Anchor, if set, is a checkpoint kept outside the log (the latest
	// one Log.Checkpoint returned). The log must reach Anchor.Seq
	// (ReasonTruncated) with Anchor.Head there (ReasonAnchor). Its
	// signature is verified with Keys. Without an anchor, a log cut
	// short after any of its checkpoints verifies.
	Anchor *Checkpoint
	// MaxUnprotected, if positive, bounds the records allowed between
	// checkpoints (ReasonUnprotected): set it to the writer's
	// WithCheckpointEvery, so that deleting checkpoints (and rewriting
	// the chain after them) is detected wherever more than that many
	// records would be left unprotected. Zero means no bound.
	MaxUnprotected int
}

// Report describes a verified log.
type Report struct {
	// Entries, Records and Checkpoints count what was read.
	Entries, Records, Checkpoints uint64
	// Head is the hash of the last entry (zero for an empty log).
	Head Hash
	// LastCheckpoint is the log's last checkpoint (all checkpoints
	// verified), or nil.
	LastCheckpoint *Checkpoint
	// Unprotected counts the records after LastCheckpoint (all of them
	// without one). Nothing protects them: they can be changed, deleted
	// or cut off (with their hashes recomputed) without Verify noticing,
	// unless Anchor covers them.
	Unprotected uint64
}

// Verify reads a whole log (in the order stored, as Store.Range with a
// zero Filter or ReadLog yields it) and checks that it is one intact
// chain: sequence numbers from 1 without gaps, each entry's prev the hash
// of the one before, each checkpoint signed by a trusted key over the
// entry before it, and, with opts.Anchor, that the log reaches the anchor
// with its head. It returns a *VerifyError for the first bad entry, or
// the context's error, or nil with a Report. See the package's security
// considerations for what an intact chain proves.
func Verify(ctx context.Context, entries iter.Seq2[Entry, error], opts VerifyOptions) (Report, error) {
	var rep Report
	fail := func(seq uint64, r Reason, err error, format string, args ...any) (Report, error) {
		return rep, &VerifyError{Seq: seq, Reason: r, Detail: fmt.Sprintf(format, args...), Err: err}
	}
	if a := opts.Anchor; a != nil {
		if err := a.Verify(opts.Keys...); err != nil {
			return fail(a.Seq, checkpointReason(err), err, "the anchor checkpoint does not verify")
		}
	}
	next, stop := iter.Pull2(entries)
	defer stop()
	var (
		prev    Hash
		lastSeq uint64
	)
	for {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		e, err, ok := next()
		if !ok {
			break
		}
		want := lastSeq + 1
		if err != nil {
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				return rep, err
			}
			return fail(want, ReasonMalformed, err, "entry does not read: %v", err)
		}
		switch {
		case e.Seq < want:
			return fail(e.Seq, ReasonReordered, nil, "seq %d appears again after seq %d", e.Seq, lastSeq)
		case e.Seq > want:
			for later, err, ok := next(); ok && err == nil; later, err, ok = next() {
				if later.Seq == want {
					return fail(want, ReasonReordered, nil, "seq %d is out of place: found after seq %d", want, e.Seq)
				}
			}
			return fail(want, ReasonDeleted, nil, "seq %d is missing: seq %d follows seq %d", want, e.Seq, lastSeq)
		}
		if e.Prev != prev {
			if e.Seq == 1 {
				return fail(1, ReasonChain, nil, "the first entry's prev is not zero")
			}
			return fail(e.Seq-1, ReasonChain, nil, "its hash is not the prev of seq %d: one of them was changed", e.Seq)
		}
		h, err := e.Hash()
		if err != nil {
			return fail(e.Seq, ReasonMalformed, err, "entry does not encode: %v", err)
		}
		if c := e.Checkpoint; c != nil {
			if c.Seq != e.Seq-1 || c.Head != e.Prev || !c.Time.Equal(e.Time) {
				return fail(e.Seq, ReasonCheckpointHead, nil, "checkpoint covers seq %d, not the entry before it", c.Seq)
			}
			if err := c.Verify(opts.Keys...); err != nil {
				return fail(e.Seq, checkpointReason(err), err, "checkpoint over seq %d: %v", c.Seq, err)
			}
			rep.Checkpoints++
			cp := *c
			rep.LastCheckpoint = &cp
			rep.Unprotected = 0
		} else {
			rep.Records++
			rep.Unprotected++
			if opts.MaxUnprotected > 0 && rep.Unprotected > uint64(opts.MaxUnprotected) {
				return fail(e.Seq, ReasonUnprotected, nil, "more than %d records without a checkpoint", opts.MaxUnprotected)
			}
		}
		if a := opts.Anchor; a != nil && e.Seq == a.Seq && h != a.Head {
			return fail(e.Seq, ReasonAnchor, nil, "the anchor checkpoint has another hash for this entry")
		}
		rep.Entries++
		prev, lastSeq = h, e.Seq
	}
	rep.Head = prev
	if a := opts.Anchor; a != nil && lastSeq < a.Seq {
		return fail(lastSeq+1, ReasonTruncated, nil, "the log ends at seq %d; the anchor checkpoint covers seq %d", lastSeq, a.Seq)
	}
	return rep, nil
}

// ReasonOf returns the Reason of the first *VerifyError in err's chain,
// or "" if there is none.
func ReasonOf(err error) Reason {
	var ve *VerifyError
	if errors.As(err, &ve) {
		return ve.Reason
	}
	return ""
}

func checkpointReason(err error) Reason {
	if errors.Is(err, ErrCheckpointKey) {
		return ReasonCheckpointKey
	}
	return ReasonCheckpointSignature
}
