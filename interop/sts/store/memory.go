package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"iter"
	"sync"
	"time"

	"github.com/wimse-wg/wimse/interop/sts/audit"
	"github.com/wimse-wg/wimse/wimse"
)

// Memory is a Store in the process's memory, for tests and for a
// throw-away STS: nothing survives the process, so its "durable on
// return" holds only for the process's lifetime. It has the same
// semantics as SQLite (the package's shared test suite runs on both).
// Its replay Check scans the namespace for expired entries: fine at test
// sizes, not at DefaultReplayLimit.
type Memory struct {
	cfg config

	mu      sync.Mutex
	closed  bool
	entries [][]byte // canonical bytes, entry seq i+1 at i
	head    audit.Hash
	revoked map[string]int64
	replay  map[string]map[[sha256.Size]byte]memoryEntry
	version int64
	state   []byte
}

var _ Store = (*Memory)(nil)

// NewMemory returns an empty Memory store.
func NewMemory(opts ...Option) *Memory {
	return &Memory{
		cfg:     newConfig(opts),
		revoked: map[string]int64{},
		replay:  map[string]map[[sha256.Size]byte]memoryEntry{},
	}
}

// Audit implements Store.
func (m *Memory) Audit() audit.Store { return memoryAudit{m} }

// Revoke implements Store; it prunes every revocation expired more than
// the clock skew ago.
func (m *Memory) Revoke(ctx context.Context, jti string, exp time.Time) error {
	if err := checkJTI(jti); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	cutoff := pruneBefore(m.cfg.now())
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	if e, ok := m.revoked[jti]; !ok || e < unixNano(exp) {
		m.revoked[jti] = unixNano(exp)
	}
	for j, e := range m.revoked {
		if e < cutoff {
			delete(m.revoked, j)
		}
	}
	return nil
}

// Revoked implements Store.
func (m *Memory) Revoked(ctx context.Context, jti string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return false, ErrClosed
	}
	_, ok := m.revoked[jti]
	return ok, nil
}

// KeyState implements Store.
func (m *Memory) KeyState(ctx context.Context) (int64, []byte, error) {
	if err := ctx.Err(); err != nil {
		return 0, nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return 0, nil, ErrClosed
	}
	return m.version, bytes.Clone(m.state), nil
}

// PutKeyState implements Store.
func (m *Memory) PutKeyState(ctx context.Context, prevVersion int64, data []byte) error {
	if err := checkKeyState(data); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	if m.version != prevVersion {
		return fmt.Errorf("%w (version %d)", ErrConflict, prevVersion)
	}
	m.version, m.state = m.version+1, bytes.Clone(data)
	return nil
}

// Replay implements Store.
func (m *Memory) Replay(namespace string) wimse.ReplayCache { return memoryReplay{m, namespace} }

// Close implements Store.
func (m *Memory) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	return nil
}

// memoryEntry is one replay entry: its exp and its sender's digest ("" for
// none).
type memoryEntry struct {
	exp    int64
	sender string
}

type memoryReplay struct {
	m  *Memory
	ns string
}

// Check implements wimse.ReplayCache with SQLite's semantics.
func (r memoryReplay) Check(key string, exp, now time.Time) (bool, error) {
	if err := checkNamespace(r.ns); err != nil {
		return false, replayFailed(err)
	}
	k, e, n, sender := [sha256.Size]byte(replayKey(key)), unixNano(exp), unixNano(now), string(replaySender(key))
	r.m.mu.Lock()
	defer r.m.mu.Unlock()
	if r.m.closed {
		return false, replayFailed(ErrClosed)
	}
	c := r.m.replay[r.ns]
	if c == nil {
		c = map[[sha256.Size]byte]memoryEntry{}
		r.m.replay[r.ns] = c
	}
	held := 0
	for key, x := range c {
		if x.exp <= n {
			delete(c, key)
		} else if sender != "" && x.sender == sender {
			held++
		}
	}
	if _, ok := c[k]; ok {
		return false, nil
	}
	if e <= n {
		return true, nil
	}
	if len(c) >= r.m.cfg.replayLimit {
		return false, cacheFull(r.ns, int64(len(c)))
	}
	if sender != "" && held >= r.m.cfg.senderLimit() {
		return false, senderFull(r.m.cfg.senderLimit())
	}
	c[k] = memoryEntry{exp: e, sender: sender}
	return true, nil
}

type memoryAudit struct{ m *Memory }

// Head implements audit.Store.
func (a memoryAudit) Head(ctx context.Context) (audit.Entry, bool, error) {
	if err := ctx.Err(); err != nil {
		return audit.Entry{}, false, err
	}
	a.m.mu.Lock()
	defer a.m.mu.Unlock()
	if a.m.closed {
		return audit.Entry{}, false, ErrClosed
	}
	if len(a.m.entries) == 0 {
		return audit.Entry{}, false, nil
	}
	e, err := audit.ParseEntry(a.m.entries[len(a.m.entries)-1])
	return e, err == nil, err
}

// Append implements audit.Store.
func (a memoryAudit) Append(ctx context.Context, e audit.Entry) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	line, err := e.MarshalText()
	if err != nil {
		return err
	}
	a.m.mu.Lock()
	defer a.m.mu.Unlock()
	if a.m.closed {
		return ErrClosed
	}
	n := uint64(len(a.m.entries))
	if e.Seq != n+1 || e.Prev != a.m.head {
		return fmt.Errorf("%w: seq %d after head %d", audit.ErrConflict, e.Seq, n)
	}
	a.m.entries = append(a.m.entries, line)
	a.m.head = sha256.Sum256(line)
	return nil
}

// Range implements audit.Store over the entries present at the call.
func (a memoryAudit) Range(ctx context.Context, f audit.Filter) iter.Seq2[audit.Entry, error] {
	return func(yield func(audit.Entry, error) bool) {
		a.m.mu.Lock()
		entries, closed := a.m.entries, a.m.closed // append-only: a stable prefix
		a.m.mu.Unlock()
		if closed {
			yield(audit.Entry{}, ErrClosed)
			return
		}
		for _, line := range entries {
			if err := ctx.Err(); err != nil {
				yield(audit.Entry{}, err)
				return
			}
			e, err := audit.ParseEntry(line)
			if err != nil {
				yield(audit.Entry{}, err)
				return
			}
			if f.Match(e) && !yield(e, nil) {
				return
			}
		}
	}
}
