package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/wimse-wg/wimse/interop/sts/audit"
	"github.com/wimse-wg/wimse/interop/sts/store"
)

// ExampleOpenSQLite opens a store, appends an audit record through
// audit.Log, revokes the token and checks a proof's jti twice.
func ExampleOpenSQLite() {
	dir, err := os.MkdirTemp("", "store-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	st, err := store.OpenSQLite(ctx, filepath.Join(dir, "state.db"), store.WithNow(clock))
	if err != nil {
		panic(err)
	}
	defer st.Close()

	alog, err := audit.New(st.Audit(), audit.WithNow(clock))
	if err != nil {
		panic(err)
	}
	e, err := alog.Append(ctx, audit.Record{
		Decision: audit.Issued,
		Client:   audit.Client{ID: audit.MustParseLabel("orders-client")},
		JTI:      audit.MustParseLabel("tok-1"),
		Lifetime: 10 * time.Minute,
	})
	fmt.Println("appended seq", e.Seq, err)

	fmt.Println(st.Revoke(ctx, "tok-1", now.Add(10*time.Minute)))
	fmt.Println(st.Revoked(ctx, "tok-1"))

	proofs := st.Replay(store.ReplayProof)
	fmt.Println(proofs.Check("proof-jti", now.Add(time.Minute), now))
	fmt.Println(proofs.Check("proof-jti", now.Add(time.Minute), now))
	// Output:
	// appended seq 1 <nil>
	// <nil>
	// true <nil>
	// true <nil>
	// false <nil>
}
