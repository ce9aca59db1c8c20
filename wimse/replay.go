package wimse

import (
	"crypto/sha256"
	"errors"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ReplayCache records proof identifiers until they expire, so that a receiver
// can refuse a Workload Proof Token whose jti it has already seen from the
// same sender within the token's validity window (draft-ietf-wimse-wpt-01 §4,
// draft-ietf-wimse-wpt-02 §3). Implementations must be safe for concurrent
// use.
type ReplayCache interface {
	// Check atomically records key until exp and reports whether it was new. It returns
	// (false, nil) for a key already recorded and not yet expired at now; a non-nil error
	// (a *Error with ReasonReplayCacheFull) when the key cannot be recorded.
	//
	// exp is the last instant at which the receiver would still accept the
	// proof, that is its exp claim plus the allowed clock skew; recording it
	// for less would re-open a replay window.
	Check(key string, exp, now time.Time) (fresh bool, err error)
}

// DefaultReplayCacheSize is the default maximum number of live entries of a
// MemoryReplayCache.
//
// Memory per entry (64-bit, measured with Go 1.26): the map slot and the
// heap slot together take about 100–130 bytes, depending on how full the
// map's table and the heap's slice happen to be, plus the copy of the key
// rounded up to an allocation size class. A typical key (a Workload
// Identifier of 40–100 bytes and a 22-character jti) comes to 170–200 bytes
// per entry, so a full default cache takes about 20 MB. Keys longer than 256
// bytes are stored as a 32-byte SHA-256 digest, which caps an entry at about
// 400 bytes and a full default cache at about 40 MB, whatever callers send.
// The per-sender quota adds a pointer to each entry and, for each sender
// with unexpired entries, a counter with a copy of the sender (hashed past
// 256 bytes, like keys): about 130 bytes per sender. There is at most one
// sender per entry, so even a cache whose every entry comes from another
// sender stays under about 55 MB (measured: a 100,000-entry cache of
// distinct senders with 40-byte identifiers takes 30 MB, 16 MB with one
// sender).
const DefaultReplayCacheSize = 100_000

// DefaultSenderQuotaDivisor sets the default per-sender quota of a
// MemoryReplayCache: a sender may hold at most the capacity divided by
// DefaultSenderQuotaDivisor unexpired entries (at least one): 25,000 of the
// default 100,000. See MemoryReplayCache and WithSenderQuota.
const DefaultSenderQuotaDivisor = 4

// maxStoredKeyLen is the longest key stored as given; longer keys are stored
// as their SHA-256 digest. It leaves every typical ReplayKey (an identifier of
// a few dozen bytes and a 22-character jti) unhashed.
const maxStoredKeyLen = 256

// MemoryReplayCache is a bounded in-memory ReplayCache. Its zero value is an
// empty cache of DefaultReplayCacheSize entries with the default per-sender
// quota; NewMemoryReplayCache sets another size and quota. A
// MemoryReplayCache must not be copied after first use.
//
// Entries live in a map and in a min-heap ordered by expiry. Every Check first
// evicts the entries that have expired at its now from the top of the heap,
// so eviction costs amortised O(log n) per recorded key, and an entry whose
// exp is not after now is treated as absent. The map and the heap never hold
// more than the maximum number of entries.
//
// # Security considerations
//
// When the cache holds its maximum of unexpired entries, Check of a new key
// fails closed with ReasonReplayCacheFull. It never evicts a live entry and
// never accepts a key without recording it: either would re-open a replay
// window for the proofs concerned. Only fully verified proofs reach the cache
// (the caller checks the WIT, the proof's signature and its lifetime first),
// so filling it takes valid proofs from trusted workloads, and fail-closed
// turns exhaustion into a loss of availability (ClassUnavailable, a 503
// upstream), not into an authentication bypass. Size the cache as the peak
// request rate times the maximum accepted proof lifetime (including clock
// skew): 1,000 requests per second with 60-second proofs need 60,000 entries.
//
// # Per-sender quota
//
// The cache is shared by every sender, so without a limit one sender (one
// Workload Identifier: a compromised or runaway workload, or a client that
// mints a proof per request at a high rate) could fill it, and every other
// sender would then be refused with ReasonReplayCacheFull. Each sender may
// therefore hold at most a quota of the unexpired entries: by default a
// quarter of the capacity (DefaultSenderQuotaDivisor; at least one entry),
// set with WithSenderQuota. A sender at its quota is refused a new key with
// ReasonReplaySenderQuota (ClassRateLimited, 429 upstream) until one of its
// own entries expires; other senders are not affected, and the cache still
// reports that sender's replays. With the default, a single identity can
// take at most a quarter of the cache and three quarters stay available to
// everyone else; four identities acting together can still fill it, so
// lower the quota where many identities are not trusted alike. Size the
// quota as the busiest legitimate sender's peak rate times the maximum proof
// lifetime: all replicas of a workload share one Workload Identifier, so a
// gateway that is the main caller of a service may need the whole cache
// (WithSenderQuota(-1)). A full cache answers ReasonReplayCacheFull first.
//
// The sender is read from keys built by ReplayKey (the sender is the sub of
// the proof's WIT); a key built otherwise has no sender and counts against
// the capacity only. Per-sender counters exist only for senders with
// unexpired entries, so they are bounded by the capacity too.
//
// Keys longer than 256 bytes are stored as their SHA-256 digest, in a space
// of their own, so that the memory of an entry is bounded whatever the
// sender's identifier and jti. A digest collision could only make a new proof
// look like a replay, never the reverse.
//
// The cache lives in one process: replicas that do not share it accept a
// proof replayed to another replica (the drafts acknowledge this). Eviction
// uses the now of each call, so callers should take now from one clock.
type MemoryReplayCache struct {
	mu    sync.Mutex
	max   int // 0 means DefaultReplayCacheSize
	quota int // per sender; 0 means the default, < 0 none
	keys  map[storedKey]struct{}
	heap  []replayEntry // min-heap by exp; one entry per key in keys
	// senders counts the entries of each sender that has any.
	senders map[storedKey]*senderCount
}

// storedKey is a key as the cache holds it: the key itself, or the SHA-256
// digest of a key longer than maxStoredKeyLen. hashed keeps the two spaces
// apart, so no short key can equal a digest.
type storedKey struct {
	s      string
	hashed bool
}

type replayEntry struct {
	exp    int64 // Unix nanoseconds, saturated (see unixNano)
	key    storedKey
	sender *senderCount // nil for a key without a sender
}

// senderCount is the number of unexpired entries of one sender, shared by
// its entries (a pointer each) and the senders map.
type senderCount struct {
	key storedKey
	n   int
}

var _ ReplayCache = (*MemoryReplayCache)(nil)

// ReplayCacheOption configures a MemoryReplayCache at construction.
type ReplayCacheOption func(*MemoryReplayCache)

// WithSenderQuota sets the most unexpired entries one sender may hold: n > 0
// is that many (capped at the capacity), 0 the default (the capacity divided
// by DefaultSenderQuotaDivisor, at least one), n < 0 no per-sender limit
// (one sender may fill the cache).
func WithSenderQuota(n int) ReplayCacheOption {
	return func(c *MemoryReplayCache) { c.quota = n }
}

// NewMemoryReplayCache returns an empty cache holding at most maxEntries
// unexpired entries; maxEntries <= 0 means DefaultReplayCacheSize. Without
// WithSenderQuota each sender may hold a quarter of them.
func NewMemoryReplayCache(maxEntries int, opts ...ReplayCacheOption) *MemoryReplayCache {
	if maxEntries <= 0 {
		maxEntries = DefaultReplayCacheSize
	}
	c := &MemoryReplayCache{max: maxEntries}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Check implements ReplayCache. A key whose exp is not after now is already
// expired: Check reports it fresh and records nothing, since the caller
// rejects an expired proof before it consults the cache. A new key of a
// sender (see ReplayKey) that holds its quota of entries is refused with
// ReasonReplaySenderQuota.
func (c *MemoryReplayCache) Check(key string, exp, now time.Time) (bool, error) {
	sk := storeKey(key)
	sender, hasSender := replaySender(key)
	e, n := unixNano(exp), unixNano(now)

	c.mu.Lock()
	defer c.mu.Unlock()
	c.evict(n)
	if _, ok := c.keys[sk]; ok {
		return false, nil
	}
	if e <= n {
		return true, nil
	}
	if len(c.keys) >= c.limit() {
		return false, Errorf(ReasonReplayCacheFull,
			"wimse: replay cache full (%d unexpired entries)", len(c.keys))
	}
	var sc *senderCount
	if hasSender {
		sc = c.senders[storeKey(sender)]
		if sc != nil && sc.n >= c.senderLimit() {
			// The detail never names the sender: it may be echoed.
			return false, Errorf(ReasonReplaySenderQuota,
				"wimse: the sender holds its quota of %d unexpired replay-cache entries", c.senderLimit())
		}
	}
	if c.keys == nil {
		c.keys = make(map[storedKey]struct{})
	}
	if !sk.hashed {
		// Never retain a caller's larger buffer through a substring.
		sk.s = strings.Clone(sk.s)
	}
	c.keys[sk] = struct{}{}
	if hasSender && sc == nil {
		ss := storeKey(sender)
		if !ss.hashed {
			ss.s = strings.Clone(ss.s)
		}
		sc = &senderCount{key: ss}
		if c.senders == nil {
			c.senders = make(map[storedKey]*senderCount)
		}
		c.senders[ss] = sc
	}
	if sc != nil {
		sc.n++
	}
	c.push(replayEntry{exp: e, key: sk, sender: sc})
	return true, nil
}

// Len returns the number of recorded entries, including any that have
// expired since the last Check but are not yet evicted.
func (c *MemoryReplayCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.keys)
}

// ReplayKey builds the cache key scoping a jti to its sender (the sub of the
// sender's WIT): the decimal length of sender, a colon, sender and jti. The
// length prefix makes the encoding injective for any pair of strings, so no
// (sender, jti) pair can collide with another sender's.
func ReplayKey(sender, jti string) string {
	n := strconv.Itoa(len(sender))
	var b strings.Builder
	b.Grow(len(n) + 1 + len(sender) + len(jti))
	b.WriteString(n)
	b.WriteByte(':')
	b.WriteString(sender)
	b.WriteString(jti)
	return b.String()
}

func (c *MemoryReplayCache) limit() int {
	if c.max <= 0 {
		return DefaultReplayCacheSize
	}
	return c.max
}

// senderLimit is the per-sender quota in entries.
func (c *MemoryReplayCache) senderLimit() int {
	switch {
	case c.quota < 0:
		return c.limit()
	case c.quota > 0:
		return min(c.quota, c.limit())
	}
	return max(1, c.limit()/DefaultSenderQuotaDivisor)
}

// senderCount returns the number of senders with unexpired entries.
func (c *MemoryReplayCache) senderCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.senders)
}

// replaySender returns the sender of a key built by ReplayKey: the decimal
// length (as strconv.Itoa writes it), a colon, then that many bytes. It
// reports false for any other key.
func replaySender(key string) (string, bool) {
	colon := strings.IndexByte(key, ':')
	if colon < 1 || colon > 19 || key[0] == '0' && colon > 1 {
		return "", false
	}
	n := 0
	for _, d := range []byte(key[:colon]) {
		if d < '0' || d > '9' {
			return "", false
		}
		n = n*10 + int(d-'0')
	}
	rest := key[colon+1:]
	if n > len(rest) {
		return "", false
	}
	return rest[:n], true
}

// evict removes every entry whose exp is not after now.
func (c *MemoryReplayCache) evict(now int64) {
	for len(c.heap) > 0 && c.heap[0].exp <= now {
		top := c.heap[0]
		delete(c.keys, top.key)
		if sc := top.sender; sc != nil {
			if sc.n--; sc.n <= 0 {
				delete(c.senders, sc.key)
			}
		}
		c.pop()
	}
	if len(c.heap) == 0 && c.keys != nil {
		// Release the memory of a burst: a Go map never shrinks.
		c.keys, c.heap, c.senders = nil, nil, nil
	}
}

func (c *MemoryReplayCache) push(e replayEntry) {
	h := append(c.heap, e)
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if h[p].exp <= h[i].exp {
			break
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
	c.heap = h
}

func (c *MemoryReplayCache) pop() {
	h := c.heap
	last := len(h) - 1
	h[0] = h[last]
	h[last] = replayEntry{} // drop the key reference
	h = h[:last]
	for i := 0; ; {
		l := 2*i + 1
		if l >= len(h) {
			break
		}
		m := l
		if r := l + 1; r < len(h) && h[r].exp < h[l].exp {
			m = r
		}
		if h[i].exp <= h[m].exp {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
	c.heap = h
}

func storeKey(key string) storedKey {
	if len(key) <= maxStoredKeyLen {
		return storedKey{s: key}
	}
	sum := sha256.Sum256([]byte(key))
	return storedKey{s: string(sum[:]), hashed: true}
}

// unixNano returns t as Unix nanoseconds, saturated to the int64 range where
// time.Time.UnixNano is undefined (before 1678, after 2262).
func unixNano(t time.Time) int64 {
	switch s := t.Unix(); {
	case s >= math.MaxInt64/1_000_000_000:
		return math.MaxInt64
	case s <= math.MinInt64/1_000_000_000:
		return math.MinInt64
	}
	return t.UnixNano()
}

// CheckReplay calls c.Check and passes a failure of the cache on as a
// *Error: the cache's own (ReasonReplayCacheFull, ReasonReplaySenderQuota,
// ReasonInternal) as it is, any other error wrapped with
// ReasonReplayCacheFull and detail (which says what could not be
// recorded, such as "wpt: replay cache cannot record the proof"). The
// key is then not known to be recorded: the caller refuses the proof.
func CheckReplay(c ReplayCache, key string, exp, now time.Time, detail string) (fresh bool, err error) {
	fresh, err = c.Check(key, exp, now)
	if err != nil {
		var we *Error
		if errors.As(err, &we) {
			return false, err
		}
		return false, &Error{Reason: ReasonReplayCacheFull, Detail: detail, Err: err}
	}
	return fresh, nil
}
