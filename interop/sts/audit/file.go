package audit

import (
	"bufio"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"sync"
)

// FileStore is a Store in one file of JSON Lines: each line is an entry's
// canonical bytes (Entry.MarshalText) and a newline.
//
// Durability: Append writes the line with one write(2) to the file opened
// with O_APPEND and returns only after fsync(2) has returned, so an entry
// whose Append returned nil survives a crash of the process or of the
// machine (as far as the disk honours fsync). A new file's directory is
// synced when the file is created. A crash can leave at most one
// incomplete last line, of an entry whose Append never returned: OpenFile
// removes it. If a write or an fsync fails, the file's state is unknown
// (the kernel may have dropped the dirty pages), so the store refuses every
// later Append; reopen it.
//
// Concurrency: a FileStore is safe for concurrent use; appends are
// serialised (each one costs an fsync). One process at a time may write a
// file; FileStore does not lock it against other processes.
type FileStore struct {
	path string

	mu     sync.Mutex
	f      *os.File
	size   int64 // bytes of complete, durable lines
	head   Entry
	hash   Hash
	has    bool
	broken error
}

var _ Store = (*FileStore)(nil)

// OpenFile opens the log at path, creating it (mode 0600) if it does not
// exist. It reads the file to find its head and removes an incomplete
// last line; it does not verify the chain (Verify does).
func OpenFile(ctx context.Context, path string) (*FileStore, error) {
	_, statErr := os.Stat(path)
	created := errors.Is(statErr, os.ErrNotExist)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	s := &FileStore{path: path, f: f}
	if err := s.load(ctx); err != nil {
		f.Close()
		return nil, err
	}
	if created {
		if err := syncDir(filepath.Dir(path)); err != nil {
			f.Close()
			return nil, err
		}
	}
	return s, nil
}

// load finds the last complete line and truncates anything after it.
func (s *FileStore) load(ctx context.Context) error {
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	br := bufio.NewReaderSize(s.f, 64<<10)
	var last []byte
	var off int64
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		line, err := readLine(br)
		if errors.Is(err, io.EOF) {
			break // len(line) > 0: an incomplete last line, removed below
		}
		if err != nil {
			return fmt.Errorf("audit: %s: %w", s.path, err)
		}
		off += int64(len(line)) + 1
		last = line
	}
	st, err := s.f.Stat()
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	if st.Size() != off {
		if err := s.f.Truncate(off); err != nil {
			return fmt.Errorf("audit: removing an incomplete last line: %w", err)
		}
		if err := s.f.Sync(); err != nil {
			return fmt.Errorf("audit: %w", err)
		}
	}
	s.size = off
	if last != nil {
		e, err := ParseEntry(last)
		if err != nil {
			return fmt.Errorf("audit: %s: last entry: %w", s.path, err)
		}
		s.head, s.hash, s.has = e, sha256.Sum256(last), true
	}
	return nil
}

// Head implements Store.
func (s *FileStore) Head(ctx context.Context) (Entry, bool, error) {
	if err := ctx.Err(); err != nil {
		return Entry{}, false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.head, s.has, nil
}

// Append implements Store: it returns after the entry is written and
// fsync'ed.
func (s *FileStore) Append(ctx context.Context, e Entry) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	line, err := e.MarshalText()
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.broken != nil {
		return s.broken
	}
	if s.f == nil {
		return errors.New("audit: store is closed")
	}
	want := uint64(1)
	if s.has {
		want = s.head.Seq + 1
	}
	if e.Seq != want || e.Prev != s.hash {
		return fmt.Errorf("%w: seq %d after head %d", ErrConflict, e.Seq, want-1)
	}
	line = append(line, '\n')
	if _, err := s.f.Write(line); err != nil {
		s.broken = fmt.Errorf("audit: a write failed, the store refuses appends until reopened: %w", err)
		return s.broken
	}
	if err := s.f.Sync(); err != nil {
		s.broken = fmt.Errorf("audit: an fsync failed, the store refuses appends until reopened: %w", err)
		return s.broken
	}
	s.size += int64(len(line))
	s.head, s.hash, s.has = e, sha256.Sum256(line[:len(line)-1]), true
	return nil
}

// Range implements Store. It reads the entries acknowledged when it is
// called, through its own file descriptor, without blocking Append. It
// reads the whole file: a FileStore has no index (the STS's SQLite store
// has one).
func (s *FileStore) Range(ctx context.Context, f Filter) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		s.mu.Lock()
		size := s.size
		s.mu.Unlock()
		rf, err := os.Open(s.path)
		if err != nil {
			yield(Entry{}, fmt.Errorf("audit: %w", err))
			return
		}
		defer rf.Close()
		for e, err := range readLog(ctx, io.LimitReader(rf, size)) {
			if err != nil {
				yield(Entry{}, fmt.Errorf("audit: %s: %w", s.path, err))
				return
			}
			if f.Match(e) && !yield(e, nil) {
				return
			}
		}
	}
}

// Close closes the file. Appends after Close fail.
func (s *FileStore) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return nil
	}
	err := s.f.Close()
	s.f = nil
	return err
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("audit: syncing directory %s: %w", dir, err)
	}
	return nil
}
