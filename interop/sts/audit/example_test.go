package audit_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/wimse-wg/wimse/interop/sts/audit"
)

// Example records an issuance and a denial in a file log with a signed
// checkpoint every two records, verifies it against the last checkpoint
// kept aside, then detects a record changed on disk.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "audit")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "audit.jsonl")

	key := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)) // test key
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { now = now.Add(time.Second); return now }

	store, err := audit.OpenFile(ctx, path)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer store.Close()
	log, err := audit.New(store, audit.WithSigner(key), audit.WithCheckpointEvery(2), audit.WithNow(clock))
	if err != nil {
		fmt.Println(err)
		return
	}
	client := audit.Client{ID: audit.MustParseLabel("wimse://example.com/app"), Method: audit.MustParseLabel("spiffe_wit")}
	scope, _ := audit.ParseLabels("orders.read")
	aud, _ := audit.ParseLabels("https://orders.example")
	records := []audit.Record{
		{Decision: audit.Issued, Client: client,
			Subject:   audit.Subject{Issuer: audit.MustParseLabel("https://idp.example"), Sub: audit.MustParseLabel("alice")},
			Requested: audit.Grant{Audience: aud, Scope: scope}, Granted: audit.Grant{Audience: aud, Scope: scope},
			JTI: audit.MustParseLabel("4f1c"), Lifetime: 5 * time.Minute},
		{Decision: audit.Denied, Reason: "exchange.invalid_target", Client: client},
	}
	for _, r := range records {
		e, err := log.Append(ctx, r)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("appended seq", e.Seq, e.Record.Decision)
	}
	head, _, _ := store.Head(ctx)
	anchor := *head.Checkpoint // keep it outside the log
	fmt.Println("checkpoint over seq", anchor.Seq)

	opts := audit.VerifyOptions{Keys: []crypto.PublicKey{key.Public()}, Anchor: &anchor}
	rep, err := audit.Verify(ctx, store.Range(ctx, audit.Filter{}), opts)
	fmt.Println("verify:", rep.Records, "records,", rep.Unprotected, "unprotected, error:", err)

	for e := range store.Range(ctx, audit.Filter{Client: client.ID}) {
		fmt.Printf("client's record: seq %d %s reason=%q\n", e.Seq, e.Record.Decision, e.Record.Reason)
	}

	b, _ := os.ReadFile(path)
	os.WriteFile(path, bytes.Replace(b, []byte(`"alice"`), []byte(`"mallory"`), 1), 0o600)
	f, _ := os.Open(path)
	defer f.Close()
	_, err = audit.Verify(ctx, audit.ReadLog(f), opts)
	fmt.Println("after tampering:", audit.ReasonOf(err))
	// Output:
	// appended seq 1 issued
	// appended seq 2 denied
	// checkpoint over seq 2
	// verify: 2 records, 0 unprotected, error: <nil>
	// client's record: seq 1 issued reason=""
	// client's record: seq 2 denied reason="exchange.invalid_target"
	// after tampering: audit.chain
}
