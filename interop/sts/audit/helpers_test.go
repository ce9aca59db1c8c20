package audit

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/sha256"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/wimse"
)

// t0 is the pinned start of every test clock.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// stepClock returns a clock that starts at t0 and advances one second per
// call; it is safe for concurrent use.
func stepClock() func() time.Time {
	var mu sync.Mutex
	t := t0
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now := t
		t = t.Add(time.Second)
		return now
	}
}

// testKey returns a fixed Ed25519 key derived from name.
func testKey(name string) ed25519.PrivateKey {
	seed := sha256.Sum256([]byte("audit test key " + name))
	return ed25519.NewKeyFromSeed(seed[:])
}

// issued returns a complete Issued record for client n.
func issued(tb testing.TB, client string, n int) Record {
	tb.Helper()
	return Record{
		Decision: Issued,
		Client:   Client{ID: MustParseLabel(client), Method: MustParseLabel("spiffe_wit")},
		Subject:  Subject{Issuer: MustParseLabel("https://idp.example"), Sub: MustParseLabel("user-" + string(rune('a'+n%26)))},
		Actors:   []Label{MustParseLabel("wimse://example.com/agent"), MustParseLabel("wimse://example.com/gateway")},
		Requested: Grant{
			Resource: []Label{MustParseLabel("https://api.example/orders")},
			Scope:    []Label{MustParseLabel("orders.read"), MustParseLabel("orders.write")},
		},
		Granted: Grant{
			Audience: []Label{MustParseLabel("https://api.example")},
			Scope:    []Label{MustParseLabel("orders.read")},
		},
		JTI:      MustParseLabel("jti-" + string(rune('0'+n%10))),
		Lifetime: 5 * time.Minute,
	}
}

func denied(tb testing.TB, client string) Record {
	tb.Helper()
	return Record{
		Decision: Denied,
		Reason:   wimse.Reason("exchange.invalid_target"),
		Client:   Client{ID: MustParseLabel(client), Method: MustParseLabel("private_key_jwt")},
		Requested: Grant{
			Audience: []Label{MustParseLabel("https://other.example")},
		},
	}
}

// newFileLog opens a FileStore in a temporary directory and a Log on it
// with the test key and clock.
func newFileLog(tb testing.TB, every int) (*FileStore, *Log, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "audit.jsonl")
	store, err := OpenFile(context.Background(), path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { store.Close() })
	opts := []Option{WithSigner(testKey("checkpoint")), WithNow(stepClock())}
	if every > 0 {
		opts = append(opts, WithCheckpointEvery(every))
	}
	log, err := New(store, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	return store, log, path
}

// lines splits a log file into its lines, without newlines.
func lines(b []byte) [][]byte {
	ls := bytes.Split(bytes.TrimSuffix(b, []byte("\n")), []byte("\n"))
	out := make([][]byte, len(ls))
	for i, l := range ls {
		out[i] = append([]byte(nil), l...)
	}
	return out
}

func join(ls [][]byte) []byte {
	var b bytes.Buffer
	for _, l := range ls {
		b.Write(l)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func trusted() VerifyOptions {
	return VerifyOptions{Keys: []crypto.PublicKey{testKey("checkpoint").Public()}}
}
