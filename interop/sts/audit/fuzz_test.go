package audit

import (
	"bytes"
	"context"
	"testing"
)

// FuzzReadLog feeds arbitrary bytes to ReadLog and Verify: nothing
// panics, every entry read re-encodes to its own line (one encoding per
// entry), and an intact log stays intact when read twice.
func FuzzReadLog(f *testing.F) {
	good, _ := writeLog(f)
	f.Add(good)
	ls := lines(good)
	f.Add(join(ls[:3]))
	f.Add(append(join(ls[:2]), ls[2][:20]...))
	f.Add(join([][]byte{ls[1], ls[0]}))
	f.Add([]byte("{}\n"))
	f.Add([]byte("\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var n int
		for e, err := range ReadLog(bytes.NewReader(data)) {
			if err != nil {
				break
			}
			line := lines(data)[n]
			if got := marshal(t, e); !bytes.Equal(got, line) {
				t.Fatalf("entry %d re-encodes differently:\nin  %s\nout %s", n, line, got)
			}
			if back := parse(t, line); back.Seq != e.Seq {
				t.Fatal("parse is not stable")
			}
			n++
		}
		rep, err := Verify(context.Background(), ReadLog(bytes.NewReader(data)), trusted())
		if err == nil && rep.Entries != uint64(n) {
			t.Fatalf("Verify read %d entries, ReadLog %d", rep.Entries, n)
		}
	})
}
