package wit

import (
	"sync"
	"time"
)

// DefaultCacheSize is the default number of WITs a Cache holds.
const DefaultCacheSize = 10_000

// Cache remembers fully verified WITs keyed by their SHA-256 hash (which is
// exactly the wth a WPT carries), so a WIT reused across requests costs one
// signature check instead of two. It is bounded: when full, expired entries
// are dropped first, then an arbitrary one; losing an entry only costs a
// re-verification. A cached WIT still gets its per-request checks on every
// hit: trust domain still trusted, issuer key still present, exp/nbf/iat
// against the current time; iss allow-list and algorithms against the
// current trust store and policy. A cache belongs to one Verifier: sharing it
// between verifiers with different Schemes or Revisions would let a WIT
// verified under one skip the other's typ and sub rules. Cached tokens are
// shared between callers and must be treated as read-only. Safe for
// concurrent use.
type Cache struct {
	mu  sync.Mutex
	max int
	m   map[string]*Token
}

// NewCache returns a cache of at most max WITs; max <= 0 means DefaultCacheSize.
func NewCache(max int) *Cache {
	if max <= 0 {
		max = DefaultCacheSize
	}
	return &Cache{max: max, m: make(map[string]*Token)}
}

// Len returns the number of cached WITs.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

func (c *Cache) get(hash string) (*Token, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.m[hash]
	return t, ok
}

func (c *Cache) put(hash string, t *Token, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[hash]; !ok && len(c.m) >= c.max {
		c.evict(now)
	}
	c.m[hash] = t
}

// evict drops the expired entries, or else one arbitrary entry.
func (c *Cache) evict(now time.Time) {
	for h, t := range c.m {
		if !t.Expiry.After(now) {
			delete(c.m, h)
		}
	}
	if len(c.m) < c.max {
		return
	}
	for h := range c.m {
		delete(c.m, h)
		return
	}
}
