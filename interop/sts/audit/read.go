package audit

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
)

// MaxEntrySize is the longest canonical entry, in bytes.
const MaxEntrySize = 64 << 10

// ReadLog yields the entries of a log file: one canonical entry per line,
// each line ended by a newline. It stops at the first error, which it
// yields with the number of the line (from 1): a line that does not parse
// (ParseEntry), one longer than MaxEntrySize, or a last line without its
// newline (a write that never completed). ReadLog checks each line alone;
// Verify checks the chain.
func ReadLog(r io.Reader) iter.Seq2[Entry, error] {
	return readLog(context.Background(), r)
}

func readLog(ctx context.Context, r io.Reader) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		br := bufio.NewReaderSize(r, 64<<10)
		for n := 1; ; n++ {
			if err := ctx.Err(); err != nil {
				yield(Entry{}, err)
				return
			}
			line, err := readLine(br)
			if errors.Is(err, io.EOF) && len(line) == 0 {
				return
			}
			if err != nil {
				if errors.Is(err, io.EOF) {
					err = errors.New("audit: last line has no newline (an incomplete write)")
				}
				yield(Entry{}, fmt.Errorf("line %d: %w", n, err))
				return
			}
			e, err := ParseEntry(line)
			if err != nil {
				yield(Entry{}, fmt.Errorf("line %d: %w", n, err))
				return
			}
			if !yield(e, nil) {
				return
			}
		}
	}
}

// readLine returns one line without its newline, at most MaxEntrySize
// bytes; io.EOF with the bytes read if the input ends before a newline.
func readLine(br *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		line = append(line, chunk...)
		if len(line) > MaxEntrySize+1 {
			return nil, fmt.Errorf("audit: line longer than %d bytes", MaxEntrySize)
		}
		switch {
		case err == nil:
			return line[:len(line)-1], nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		default:
			return line, err
		}
	}
}
