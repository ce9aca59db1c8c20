// Package audit implements the audit log of the reference token exchange
// service (STS): every issuance, denial, revocation and signing-key
// rotation is recorded as a Record, in an append-only, hash-chained log
// with signed checkpoints.
//
// No draft or RFC defines this log; it is how the reference STS meets its
// own requirement that every grant is recorded (RFC 8693 and RFC 7009 say
// nothing of auditing). It lives under interop/sts, not profiles/exchange:
// it is the reference server's bookkeeping, not part of the exchange
// protocol, and the STS, its SQLite store and the wimse audit commands
// are its only users.
//
// A log is a sequence of entries (Entry), numbered from 1. Each entry
// holds a Record or a Checkpoint, the time the log appended it, and the
// SHA-256 of the previous entry's canonical bytes (its prev). The
// canonical bytes are one JSON object with a fixed member order
// (Entry.MarshalText); ParseEntry accepts nothing else, so an entry has
// one encoding and one hash. A file log (FileStore) is these objects as
// JSON Lines. A checkpoint is an entry that signs (sequence number, hash,
// time) of the entry before it with an Ed25519 or ECDSA P-256 key.
//
// Log writes: it stamps, chains and appends records to a Store, and signs
// checkpoints every n records (WithCheckpointEvery) or on demand
// (Log.Checkpoint). Verify reads a log back and reports the first bad
// sequence number with a Reason. Store.Range with a Filter selects records
// by client, subject and time.
//
//	store, err := audit.OpenFile(ctx, "audit.jsonl")
//	log, err := audit.New(store, audit.WithSigner(key), audit.WithCheckpointEvery(100))
//	_, err = log.Append(ctx, audit.Record{Decision: audit.Issued, ...})
//	rep, err := audit.Verify(ctx, store.Range(ctx, audit.Filter{}),
//		audit.VerifyOptions{Keys: []crypto.PublicKey{key.Public()}, Anchor: &lastCheckpoint})
//
// # Security considerations
//
// Never a token. A Record has no field that takes a token: each free-form
// value is a Label, built only by ParseLabel, which refuses any value that
// contains a JWS or JWE in compact serialisation and anything longer than
// MaxLabelLength; Decision is a closed set and Reason must have the shape
// of a reason code. An opaque (non-JWT) token passed as, say, a client
// identifier cannot be recognised: callers put identifiers in Labels, never
// credentials.
//
// What the chain detects. Without the checkpoint key, nobody can change,
// delete, reorder or insert an entry that a checkpoint covers without
// Verify failing: a changed entry no longer hashes to the next entry's
// prev (ReasonChain); a deleted or moved one leaves a gap in the sequence
// numbers (ReasonDeleted, ReasonReordered); recomputing every later hash
// to hide a change invalidates the next checkpoint, which cannot be
// re-signed without the key (ReasonCheckpointHead,
// ReasonCheckpointSignature, ReasonCheckpointKey for a checkpoint signed
// by another key, including one forged to cover records appended after
// it).
//
// What it cannot detect (the honest limit). The hash chain has no secret:
// the records after the last checkpoint (Report.Unprotected, at most the
// checkpoint interval when the writer is healthy) can be changed, deleted
// or cut off, with the hashes recomputed, and the log still verifies.
// Cutting the log short just after any checkpoint also verifies, because
// the checkpoints are in the log being cut. Truncation is detected only
// against a checkpoint held outside the log: keep the latest one
// Log.Checkpoint returns somewhere the log's writer cannot rewrite (another
// machine, a transparency log, a ticket) and pass it as
// VerifyOptions.Anchor (ReasonTruncated, and ReasonAnchor if the log was
// rewritten below it). VerifyOptions.MaxUnprotected, set to the writer's
// checkpoint interval, also catches deleting checkpoints to rewrite more
// than an interval's worth of records. Whoever holds the checkpoint key
// can rewrite everything: keep it apart from the STS's token signing keys
// (ideally in an HSM, through crypto.Signer). Entry times come from the
// writer's clock and are not checked for order.
//
// When ReasonChain is reported at seq k, either entry k or the prev of
// entry k+1 was changed: the chain cannot tell which. After a rewrite
// with recomputed hashes, the reported sequence number is that of the
// first checkpoint that no longer verifies, not of the changed record.
//
// Durability. Store.Append, and so Log.Append, returns only once the entry
// is durable (FileStore: after fsync), so an acknowledged decision is
// always in the log after a crash. The STS must append the record before
// it answers the client.
package audit
