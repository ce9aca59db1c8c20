package exchange

import (
	"context"
	"sync"
	"time"

	"github.com/wimse-wg/wimse/wimse"
)

// Revocations is the revocation list of the access tokens this STS issued
// (RFC 7009 §2), keyed by jti. Revoke records a revocation until exp, when
// the token is refused for its own expiry anyway, so its entry may then be
// forgotten: the RevocationHandler passes the token's exp plus its
// verifier's clock skew (a verifier accepts a token until exp + skew), so
// verifiers of revoked tokens must not allow a larger skew. Revoked reports whether jti is revoked. Revoking
// twice is not an error. A failure is the store's, never the client's: the
// RevocationHandler answers it with 503, the AccessTokenValidator with
// server_error. The durable implementation is interop/sts/store;
// MemoryRevocations serves tests and single-process servers.
// Implementations must be safe for concurrent use.
type Revocations interface {
	Revoke(ctx context.Context, jti string, exp time.Time) error
	Revoked(ctx context.Context, jti string) (bool, error)
}

// DefaultMaxRevocations is the capacity of a MemoryRevocations whose
// capacity is zero.
const DefaultMaxRevocations = 100_000

// MemoryRevocations is an in-memory Revocations, bounded: it holds at most
// its capacity of unexpired entries; an entry is pruned once its exp has
// passed (by the injected clock), and a Revoke that finds the list full of
// unexpired entries fails with revocation.unavailable rather than forget a
// revocation. It is safe for concurrent use; its contents are lost on
// restart.
type MemoryRevocations struct {
	max int
	now func() time.Time

	mu      sync.Mutex
	entries map[string]time.Time
}

// NewMemoryRevocations returns an empty list holding at most max entries
// (zero: DefaultMaxRevocations), with the clock now (nil: time.Now).
func NewMemoryRevocations(max int, now func() time.Time) *MemoryRevocations {
	if max <= 0 {
		max = DefaultMaxRevocations
	}
	if now == nil {
		now = time.Now
	}
	return &MemoryRevocations{max: max, now: now, entries: map[string]time.Time{}}
}

// Revoke records jti as revoked until exp. An exp already past records
// nothing: the token is refused for its expiry.
func (m *MemoryRevocations) Revoke(_ context.Context, jti string, exp time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if !exp.After(now) {
		return nil
	}
	if old, ok := m.entries[jti]; ok {
		if exp.After(old) {
			m.entries[jti] = exp
		}
		return nil
	}
	if len(m.entries) >= m.max {
		m.prune(now)
		if len(m.entries) >= m.max {
			return wimse.Errorf(wimse.ReasonRevocationUnavailable, "exchange: the revocation list is full (%d unexpired entries)", m.max)
		}
	}
	m.entries[jti] = exp
	return nil
}

// Revoked reports whether jti is revoked and its entry not yet expired.
func (m *MemoryRevocations) Revoked(_ context.Context, jti string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	exp, ok := m.entries[jti]
	if ok && !exp.After(m.now()) {
		delete(m.entries, jti)
		return false, nil
	}
	return ok, nil
}

// Len returns the number of entries held, expired ones not yet pruned
// included.
func (m *MemoryRevocations) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.entries)
}

// prune forgets the expired entries.
func (m *MemoryRevocations) prune(now time.Time) {
	for jti, exp := range m.entries {
		if !exp.After(now) {
			delete(m.entries, jti)
		}
	}
}

// checkRevoked refuses a verified access token whose jti is in revs (nil:
// no check): revocation.revoked, or revocation.unavailable (a failure of
// the server) when the list cannot be read.
func checkRevoked(ctx context.Context, revs Revocations, jti string, role Role) error {
	if revs == nil {
		return nil
	}
	revoked, err := revs.Revoked(ctx, jti)
	switch {
	case err != nil:
		return wimse.Errorf(wimse.ReasonRevocationUnavailable, "exchange: revocation list: %w", err)
	case revoked:
		return wimse.Errorf(wimse.ReasonRevocationRevoked, "exchange: the %s token has been revoked", role)
	}
	return nil
}
