// Package store implements the durable state of the reference token
// exchange service (interop/sts): its audit log (an audit.Store), the
// identifiers of revoked tokens (for RFC 7009 revocation and RFC 7662
// introspection), the replay caches of client assertions (RFC 7523 §3 jti)
// and of proofs of possession (draft-ietf-wimse-wpt §3 jti), and an
// opaque, versioned signing-key state.
//
// No draft or RFC defines this state; it is how the reference STS keeps
// its own promises across restarts and crashes. It does not interpret
// tokens, decide policy or hold key material in the clear: the key state
// is a blob the caller encodes (and should seal).
//
// A Store's Revoke and Revoked are exchange.Revocations, so it backs the
// revocation and introspection handlers of profiles/exchange directly.
//
// Two implementations share one contract, the Store interface, and one
// test suite: SQLite (OpenSQLite), a database file through the pure-Go
// modernc.org/sqlite driver, and Memory (NewMemory), for tests.
//
//	st, err := store.OpenSQLite(ctx, "/var/lib/sts/state.db")
//	alog, err := audit.New(st.Audit(), audit.WithSigner(key), audit.WithCheckpointEvery(100))
//	proofs := &wpt.Verifier{Replay: st.Replay(store.ReplayProof)}
//	err = st.Revoke(ctx, jti, exp)
//
// # Decisions
//
// Durability: WAL with synchronous=FULL. Every write is one transaction
// whose COMMIT returns only after SQLite has fsync'ed the write-ahead log,
// so an acknowledged write (an audit entry, a revocation, a recorded
// replay key, a key-state version) survives SIGKILL and power loss, as far
// as the disk honours fsync. SIGKILL alone would be survived with any
// setting (the kernel keeps written pages); synchronous=NORMAL, the usual
// WAL choice, fsyncs only at checkpoints, so after power loss the last
// commits can roll back: an acknowledged token could vanish from the
// audit log, or a revoked one come back. The STS answers only after the
// write returns, so FULL is what makes the answer true. WAL (rather than a
// rollback journal) lets readers (Range, Revoked) run while a writer
// commits, costs one fsync per commit instead of several, and recovers by
// replaying committed frames on the next open; a crash mid-commit leaves
// an incomplete frame that recovery ignores, never a torn entry. OpenSQLite
// reads the pragmas back and refuses to run without them. A new database
// file's directory is synced, so the file itself survives power loss.
//
// Compare-and-swap, no in-process state. A shared database may later back
// several replicas, so no method depends on what one process remembers.
// An audit Append checks, in its transaction, that the entry follows the
// stored head (seq and prev) and fails with audit.ErrConflict otherwise;
// audit.Log then rebuilds the entry on the new head. PutKeyState is one
// UPDATE conditioned on the version read, so two replicas rotating keys at
// once cannot both win; the loser gets ErrConflict and re-reads. Writes use
// BEGIN IMMEDIATE, taking the write lock before reading, so a
// read-then-write transaction never fails on a lock upgrade; the busy
// timeout (WithBusyTimeout) bounds the wait for another process's lock.
// A mutex serialises this process's writers only so they queue rather
// than poll; it carries no state.
//
// Entries byte-exact. The audit table stores each entry's canonical bytes
// (audit.Entry.MarshalText) as a blob, plus copies of seq, hash, time,
// client and subject for the index. Range parses the stored bytes with
// audit.ParseEntry (which refuses anything not canonical) and decides with
// audit.Filter.Match, so its selection is exactly that of
// audit.FileStore; the index only narrows the rows read. Range reads in
// pages and holds no transaction while it yields.
//
// Pruning and size bounds. A revocation is kept until its token's exp plus
// the clock skew (wimse.DefaultClockSkew) has passed; after that the token
// is refused as expired, so each Revoke deletes a bounded batch of such
// rows. Revocations have no count limit, since refusing one would leave a
// token usable: the revocation endpoint must revoke only tokens this STS
// issued (signature verified), which bounds the table by the tokens issued
// within one maximum lifetime. A jti is at most MaxJTILength bytes. Each
// replay namespace holds at most WithReplayLimit unexpired entries
// (DefaultReplayLimit); a new key beyond that fails closed with
// wimse.ReasonReplayCacheFull, as wimse.MemoryReplayCache does, and never
// evicts a live entry; each sender is held to a quota of them (see the
// security considerations). Every Check deletes the namespace's expired
// entries. Keys are stored as their SHA-256 digest, so an entry has a
// fixed size whatever the sender sends: about 120 bytes on disk with its
// index (measured: 20,000 entries in 2.4 MB), so a full default namespace
// takes about 12 MB.
// The key state is at most MaxKeyStateSize bytes. The audit log is never
// pruned.
//
// Cost. Each write is one fsync. On the development machine (a shared
// virtual disk) an audit append took 0.9 to 1.5 ms against 1.0 to 1.1 ms
// for audit.FileStore (BenchmarkSQLiteAppend, BenchmarkFileStoreAppend);
// interleaved on the same disk, SQLite took 1.0 to 1.6 times as long
// (BenchmarkSQLiteVsFileStoreAppend); a replay Check took 0.7 to 1.1 ms. A token exchange with a WPT costs two commits (the replay
// key, the audit record) plus a checkpoint every audit.checkpointEvery
// records.
//
// # Security considerations
//
// The database holds no token and no secret: audit entries carry labels
// only (see package audit), revocations carry jti values, the replay
// tables digests. The key state is whatever the caller stores: seal it.
// Anyone who can write the file can rewrite the audit log's unprotected
// tail, un-revoke tokens and reset replay caches; the audit log's
// checkpoints (and an anchor kept elsewhere) detect the first, nothing in
// the file detects the others, so protect the file as the STS's keys are
// protected (mode 0600 on creation).
//
// A replay Check that fails for a storage reason returns an error
// (wimse.ReasonInternal), never "fresh": the caller refuses the proof. As
// in wimse.MemoryReplayCache, one sender (one Workload Identifier, read
// from keys built by wimse.ReplayKey) may hold at most a quota of a
// namespace's entries (a quarter by default, WithReplaySenderQuota), so
// one compromised or runaway workload cannot fill the cache for all
// others; switching the STS from the in-memory cache to the store keeps
// that protection.
package store
