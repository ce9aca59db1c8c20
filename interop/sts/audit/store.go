package audit

import (
	"context"
	"errors"
	"iter"
	"time"
)

// ErrConflict is returned by Store.Append when the entry does not follow
// the store's head: its Seq is not the head's plus one, or its Prev is not
// the head's Hash. Another writer appended first; Log re-reads the head
// and tries again.
var ErrConflict = errors.New("audit: entry does not follow the head of the log")

// Store keeps the entries of one log. Log is its only writer in this
// package; the STS's SQLite store implements it too. Implementations are
// safe for concurrent use by multiple goroutines.
type Store interface {
	// Head returns the last entry and ok; ok is false for an empty log.
	Head(ctx context.Context) (e Entry, ok bool, err error)
	// Append adds e after the head, atomically with the check that e
	// follows it (ErrConflict otherwise), and returns only once e is
	// durable: an entry whose Append returned nil survives a crash of the
	// process or the machine. Append keeps e's canonical bytes
	// (Entry.MarshalText) exactly: they are what the chain hashes.
	Append(ctx context.Context, e Entry) error
	// Range yields the entries f matches, in Seq order, each at most once.
	// It sees at least every entry whose Append returned before Range was
	// called. Iteration stops at the first error, which is yielded.
	Range(ctx context.Context, f Filter) iter.Seq2[Entry, error]
}

// Filter selects entries. Its zero value selects every entry, checkpoints
// included; a Client or Subject condition selects records only. Set
// conditions must all hold.
type Filter struct {
	// Client, if set, must be the record's Client.ID.
	Client Label
	// Subject selects records by the subject token's sub and, if set,
	// its iss.
	Subject Subject
	// Since, if set, is the earliest Entry.Time selected (inclusive).
	Since time.Time
	// Until, if set, is the end of the selected times (exclusive).
	Until time.Time
}

// Match reports whether f selects e. Store implementations use it, or an
// equivalent query.
func (f Filter) Match(e Entry) bool {
	if !f.Since.IsZero() && e.Time.Before(f.Since) {
		return false
	}
	if !f.Until.IsZero() && !e.Time.Before(f.Until) {
		return false
	}
	if f.Client.IsZero() && f.Subject == (Subject{}) {
		return true
	}
	r := e.Record
	if r == nil {
		return false
	}
	if !f.Client.IsZero() && r.Client.ID != f.Client {
		return false
	}
	if !f.Subject.Sub.IsZero() && r.Subject.Sub != f.Subject.Sub {
		return false
	}
	if !f.Subject.Issuer.IsZero() && r.Subject.Issuer != f.Subject.Issuer {
		return false
	}
	return true
}
