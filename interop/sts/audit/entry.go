package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/wimse-wg/wimse/wimse"
)

// Hash is a SHA-256 digest: of an entry's canonical bytes (Entry.Hash), or
// the chain head a checkpoint signs.
type Hash [sha256.Size]byte

// String returns the lower-case hex encoding.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// IsZero reports whether h is all zeros: the Prev of the first entry.
func (h Hash) IsZero() bool { return h == Hash{} }

// MarshalText implements encoding.TextMarshaler (lower-case hex).
func (h Hash) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText accepts exactly 64 lower-case hex digits.
func (h *Hash) UnmarshalText(b []byte) error {
	if len(b) != 2*sha256.Size {
		return errors.New("audit: hash is not 64 hex digits")
	}
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return errors.New("audit: hash is not lower-case hex")
		}
	}
	_, err := hex.Decode(h[:], b)
	return err
}

// Entry is one line of the log: a Record or a Checkpoint, chained to the
// entry before it. Seq starts at 1 and has no gaps; Prev is the Hash of
// entry Seq-1 (all zeros for Seq 1).
type Entry struct {
	Seq  uint64
	Prev Hash
	// Time is when the log appended the entry, from its clock, in UTC.
	Time time.Time
	// Exactly one of Record and Checkpoint is set.
	Record     *Record
	Checkpoint *Checkpoint
}

// The canonical form of an entry is one JSON object with the members in
// this order, absent members omitted, no insignificant whitespace, as
// encoding/json writes it. The field order of these structs is the
// specification: never reorder them.
type entryWire struct {
	Seq        uint64          `json:"seq"`
	Prev       Hash            `json:"prev"`
	Time       string          `json:"time"`
	Record     *recordWire     `json:"record,omitempty"`
	Checkpoint *checkpointWire `json:"checkpoint,omitempty"`
}

type recordWire struct {
	Decision  Decision `json:"decision"`
	Reason    string   `json:"reason,omitempty"`
	Client    Client   `json:"client,omitzero"`
	Subject   Subject  `json:"subject,omitzero"`
	Actors    []Label  `json:"actors,omitempty"`
	Requested Grant    `json:"requested,omitzero"`
	Granted   Grant    `json:"granted,omitzero"`
	JTI       Label    `json:"jti,omitzero"`
	Lifetime  int64    `json:"lifetime,omitempty"`
	KeyID     Label    `json:"kid,omitzero"`
}

type checkpointWire struct {
	Seq       uint64 `json:"seq"`
	Head      Hash   `json:"head"`
	Alg       string `json:"alg"`
	KeyID     string `json:"kid"`
	Signature []byte `json:"sig"`
}

const timeFormat = time.RFC3339Nano

// MarshalText returns the entry's canonical bytes: the line of the log,
// without its newline. They are what Hash digests.
func (e Entry) MarshalText() ([]byte, error) {
	if (e.Record == nil) == (e.Checkpoint == nil) {
		return nil, errors.New("audit: an entry holds exactly one of a record and a checkpoint")
	}
	w := entryWire{Seq: e.Seq, Prev: e.Prev, Time: e.Time.UTC().Format(timeFormat)}
	if r := e.Record; r != nil {
		if err := r.validate(); err != nil {
			return nil, err
		}
		w.Record = &recordWire{
			Decision: r.Decision, Reason: string(r.Reason), Client: r.Client, Subject: r.Subject,
			Actors: nilIfEmpty(r.Actors), Requested: r.Requested.normal(), Granted: r.Granted.normal(),
			JTI: r.JTI, Lifetime: int64(r.Lifetime / time.Second), KeyID: r.KeyID,
		}
	}
	if c := e.Checkpoint; c != nil {
		w.Checkpoint = &checkpointWire{Seq: c.Seq, Head: c.Head, Alg: c.Alg, KeyID: c.KeyID, Signature: c.Signature}
	}
	b, err := json.Marshal(w)
	if err != nil {
		return nil, err
	}
	if len(b) > MaxEntrySize {
		return nil, fmt.Errorf("%w: entry of %d bytes exceeds %d", ErrInvalidRecord, len(b), MaxEntrySize)
	}
	return b, nil
}

// Hash returns the SHA-256 of the entry's canonical bytes: the Prev of the
// next entry.
func (e Entry) Hash() (Hash, error) {
	b, err := e.MarshalText()
	if err != nil {
		return Hash{}, err
	}
	return sha256.Sum256(b), nil
}

// ParseEntry parses one line of the log (without its newline). It is
// strict: unknown members, a missing member, a record or checkpoint that
// is not valid, and any byte sequence other than the canonical one (member
// order, whitespace, escapes, number forms, duplicate members) are
// refused, so that one entry has exactly one encoding and one hash.
func ParseEntry(line []byte) (Entry, error) {
	var w entryWire
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return Entry{}, fmt.Errorf("audit: entry does not parse: %w", err)
	}
	t, err := time.Parse(timeFormat, w.Time)
	if err != nil {
		return Entry{}, fmt.Errorf("audit: entry time: %w", err)
	}
	e := Entry{Seq: w.Seq, Prev: w.Prev, Time: t.UTC()}
	if r := w.Record; r != nil {
		e.Record = &Record{
			Decision: r.Decision, Reason: wimse.Reason(r.Reason), Client: r.Client, Subject: r.Subject,
			Actors: r.Actors, Requested: r.Requested, Granted: r.Granted, JTI: r.JTI,
			Lifetime: time.Duration(r.Lifetime) * time.Second, KeyID: r.KeyID,
		}
		if r.Lifetime < 0 || r.Lifetime > int64(maxLifetime/time.Second) {
			return Entry{}, fmt.Errorf("%w: lifetime out of range", ErrInvalidRecord)
		}
	}
	if c := w.Checkpoint; c != nil {
		e.Checkpoint = &Checkpoint{Seq: c.Seq, Head: c.Head, Time: e.Time, Alg: c.Alg, KeyID: c.KeyID, Signature: c.Signature}
	}
	if e.Seq == 0 {
		return Entry{}, errors.New("audit: entry seq is 0")
	}
	canon, err := e.MarshalText()
	if err != nil {
		return Entry{}, err
	}
	if !bytes.Equal(canon, line) {
		return Entry{}, errors.New("audit: entry is not in canonical form")
	}
	return e, nil
}

const maxLifetime = time.Duration(1<<63 - 1)

func nilIfEmpty(l []Label) []Label {
	if len(l) == 0 {
		return nil
	}
	return l
}

func (g Grant) normal() Grant {
	return Grant{Audience: nilIfEmpty(g.Audience), Resource: nilIfEmpty(g.Resource), Scope: nilIfEmpty(g.Scope)}
}
