package store

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/wimse-wg/wimse/interop/sts/audit"
	"github.com/wimse-wg/wimse/wimse"
)

// ErrConflict is returned by PutKeyState when the stored key state is no
// longer at the version the caller read: another writer (a replica, or
// another goroutine) stored its own first. Re-read with KeyState, decide
// again, and retry. Audit appends report audit.ErrConflict instead, which
// audit.Log handles.
var ErrConflict = errors.New("store: the key state changed since it was read")

// ErrClosed is returned by every method of a Store after Close.
var ErrClosed = errors.New("store: closed")

// Store is the durable state of the reference STS: its audit log, the
// revoked token identifiers, the replay caches of client assertions and
// proofs of possession, and the signing-key state.
//
// It is designed so that one shared database can back several replicas:
// every write is one transaction, and where order matters (the audit
// chain, the key state) it is a compare-and-swap that fails for the loser
// (audit.ErrConflict, ErrConflict) rather than overwrite; no method relies
// on state kept in the process. Implementations are safe for concurrent
// use by multiple goroutines. Every write is durable when it returns nil.
type Store interface {
	// Audit returns the audit log's store (see audit.Store): entries kept
	// byte-exact, Append atomically checks Seq and Prev against the head
	// (audit.ErrConflict) and is durable on return.
	Audit() audit.Store

	// Revoke records that the token with identifier jti is revoked until
	// exp, its expiry. It is idempotent: revoking again keeps the later
	// exp. It is durable when it returns nil. A jti longer than
	// MaxJTILength, or empty, is refused. Revocations whose exp is more
	// than the clock skew (wimse.DefaultClockSkew) in the past may be
	// pruned: the token they name is refused as expired anyway.
	Revoke(ctx context.Context, jti string, exp time.Time) error
	// Revoked reports whether jti was revoked (and not yet pruned).
	Revoked(ctx context.Context, jti string) (bool, error)

	// Replay returns a replay cache over the store for one namespace
	// (such as ReplayClientAssertion or ReplayProof): the same key in two
	// namespaces are two entries, so a client assertion's jti never
	// collides with a proof's. Each namespace holds at most the store's
	// replay limit (WithReplayLimit) of unexpired entries; a Check of a
	// new key beyond it fails closed with wimse.ReasonReplayCacheFull.
	// Within a namespace, each sender (read from keys built by
	// wimse.ReplayKey) holds at most its quota (WithReplaySenderQuota),
	// beyond which a new key fails with wimse.ReasonReplaySenderQuota:
	// the semantics of wimse.MemoryReplayCache, check for check.
	// Expired entries are deleted by Check. A recorded key is durable
	// when Check returns, so a restarted or another replica refuses the
	// replay too.
	Replay(namespace string) wimse.ReplayCache

	// KeyState returns the signing-key state: an opaque blob and its
	// version. Before the first PutKeyState, version is 0 and data nil.
	KeyState(ctx context.Context) (version int64, data []byte, err error)
	// PutKeyState stores data as the key state if the stored version is
	// still prevVersion, and makes it version prevVersion+1; otherwise it
	// stores nothing and returns ErrConflict. It is durable when it
	// returns nil. data is at most MaxKeyStateSize bytes.
	PutKeyState(ctx context.Context, prevVersion int64, data []byte) error

	// Close releases the store. Methods called after Close fail with
	// ErrClosed.
	Close() error
}

// Replay cache namespaces of the STS.
const (
	// ReplayClientAssertion holds the jti of client assertions
	// (private_key_jwt, RFC 7523 §3).
	ReplayClientAssertion = "client_assertion"
	// ReplayProof holds the keys of proofs of possession: Workload Proof
	// Tokens presented with a WIT (draft-ietf-wimse-wpt §3), as built by
	// wimse.ReplayKey.
	ReplayProof = "proof"
)

// Size bounds.
const (
	// DefaultReplayLimit is the most unexpired entries of one replay
	// namespace when WithReplayLimit is not given; the same as
	// wimse.DefaultReplayCacheSize.
	DefaultReplayLimit = wimse.DefaultReplayCacheSize
	// MaxJTILength is the longest token identifier Revoke accepts, in
	// bytes: the audit log's label limit, since every revoked jti is a
	// jti the STS issued and recorded.
	MaxJTILength = audit.MaxLabelLength
	// MaxNamespaceLength is the longest replay namespace, in bytes.
	MaxNamespaceLength = 64
	// MaxKeyStateSize is the largest key-state blob, in bytes.
	MaxKeyStateSize = 1 << 20
)

// Option configures OpenSQLite and NewMemory.
type Option func(*config)

type config struct {
	now         func() time.Time
	replayLimit int
	senderQuota int // as wimse.WithSenderQuota: 0 default, < 0 none
	busyTimeout time.Duration
}

// WithNow sets the clock that decides which revocations are old enough to
// prune. Nil (the default) means time.Now. Replay checks take now from
// their caller, not from this clock.
func WithNow(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithReplayLimit sets the most unexpired entries of each replay
// namespace; n <= 0 means DefaultReplayLimit. Size it as the peak rate of
// the namespace's tokens times their maximum accepted lifetime (clock
// skew included), across all replicas sharing the store.
func WithReplayLimit(n int) Option { return func(c *config) { c.replayLimit = n } }

// WithReplaySenderQuota sets the most unexpired entries one sender may
// hold in a replay namespace, as wimse.WithSenderQuota does for
// wimse.MemoryReplayCache: n > 0 is that many (capped at the replay
// limit), 0 (the default) the limit divided by
// wimse.DefaultSenderQuotaDivisor (at least one), n < 0 no per-sender
// limit. A key not built by wimse.ReplayKey has no sender and counts
// against the namespace's limit only.
func WithReplaySenderQuota(n int) Option { return func(c *config) { c.senderQuota = n } }

// WithBusyTimeout sets how long a SQLite write waits for the database lock
// that another connection or process holds before it fails; zero (the
// default) means DefaultBusyTimeout. NewMemory ignores it.
func WithBusyTimeout(d time.Duration) Option { return func(c *config) { c.busyTimeout = d } }

// DefaultBusyTimeout is the SQLite busy timeout when WithBusyTimeout is
// not given.
const DefaultBusyTimeout = 5 * time.Second

func newConfig(opts []Option) config {
	var c config
	for _, o := range opts {
		o(&c)
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.replayLimit <= 0 {
		c.replayLimit = DefaultReplayLimit
	}
	if c.busyTimeout <= 0 {
		c.busyTimeout = DefaultBusyTimeout
	}
	return c
}

// senderLimit is the per-sender quota in entries (as
// wimse.MemoryReplayCache computes it).
func (c config) senderLimit() int {
	switch {
	case c.senderQuota < 0:
		return c.replayLimit
	case c.senderQuota > 0:
		return min(c.senderQuota, c.replayLimit)
	}
	return max(1, c.replayLimit/wimse.DefaultSenderQuotaDivisor)
}

// pruneBefore is the exp before which a revocation may be pruned at now.
func pruneBefore(now time.Time) int64 { return unixNano(now.Add(-wimse.DefaultClockSkew)) }

func checkJTI(jti string) error {
	if jti == "" || len(jti) > MaxJTILength {
		return fmt.Errorf("store: a jti must have 1 to %d bytes", MaxJTILength)
	}
	return nil
}

func checkNamespace(ns string) error {
	if ns == "" || len(ns) > MaxNamespaceLength {
		return fmt.Errorf("store: a replay namespace must have 1 to %d bytes", MaxNamespaceLength)
	}
	return nil
}

func checkKeyState(data []byte) error {
	if len(data) > MaxKeyStateSize {
		return fmt.Errorf("store: key state of %d bytes exceeds %d", len(data), MaxKeyStateSize)
	}
	return nil
}

// replayKey is the stored form of a replay key: its SHA-256 digest, so
// that every entry has the same small size whatever the caller sends. A
// collision could only make a new proof look like a replay.
func replayKey(key string) []byte {
	sum := sha256.Sum256([]byte(key))
	return sum[:]
}

// replaySender returns the digest of the sender of a key built by
// wimse.ReplayKey (the decimal length of the sender, as strconv.Itoa
// writes it, a colon, the sender, the jti), or nil for any other key. It
// reads keys exactly as wimse.MemoryReplayCache does (TestReplayParity
// checks it against that cache).
func replaySender(key string) []byte {
	colon := strings.IndexByte(key, ':')
	if colon < 1 || colon > 19 || key[0] == '0' && colon > 1 {
		return nil
	}
	n := 0
	for _, d := range []byte(key[:colon]) {
		if d < '0' || d > '9' {
			return nil
		}
		n = n*10 + int(d-'0')
	}
	rest := key[colon+1:]
	if n > len(rest) {
		return nil
	}
	sum := sha256.Sum256([]byte(rest[:n]))
	return sum[:]
}

// senderFull is the error of a Check when the sender holds its quota. It
// never names the sender: it may be echoed.
func senderFull(quota int) error {
	return wimse.Errorf(wimse.ReasonReplaySenderQuota, "store: the sender holds its quota of %d unexpired replay entries", quota)
}

// cacheFull is the error of a Check on a full namespace, as
// MemoryReplayCache reports it.
func cacheFull(ns string, n int64) error {
	return wimse.Errorf(wimse.ReasonReplayCacheFull, "store: replay namespace %q full (%d unexpired entries)", ns, n)
}

// replayFailed wraps a storage failure of Check: the key could not be
// recorded, so the proof is refused (fail closed).
func replayFailed(err error) error {
	return wimse.Errorf(wimse.ReasonInternal, "store: replay cache: %w", err)
}

// unixNano returns t as Unix nanoseconds, saturated to the int64 range.
func unixNano(t time.Time) int64 {
	switch s := t.Unix(); {
	case s >= math.MaxInt64/1_000_000_000:
		return math.MaxInt64
	case s <= math.MinInt64/1_000_000_000:
		return math.MinInt64
	}
	return t.UnixNano()
}
