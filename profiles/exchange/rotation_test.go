package exchange_test

import (
	"slices"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jws"

	"github.com/wimse-wg/wimse/profiles/exchange"
)

// TestHandlerFollowsRotation: a handler given a KeySet (Handler.Keys)
// signs with the current key at every issuance, so it follows a Rotate
// without being rebuilt; a fixed Signer would keep the old key.
func TestHandlerFollowsRotation(t *testing.T) {
	e := newEnv(t)
	ks, clock := newKeySet(t, ecKey(t), ecKey(t))
	e.h.Signer, e.h.Keys = nil, ks
	kid := func(raw string) string {
		t.Helper()
		msg, err := jws.Parse([]byte(raw))
		if err != nil {
			t.Fatal(err)
		}
		k, _ := msg.Signatures()[0].ProtectedHeaders().KeyID()
		return k
	}
	a := post(t, e.h, form(t).Encode())
	if a.status != 200 {
		t.Fatalf("first exchange: %d %s", a.status, a.raw)
	}
	if got := kid(a.str("access_token")); got != "k1" {
		t.Fatalf("before rotation: kid %q, want k1", got)
	}
	clock.t = clock.t.Add(time.Hour) // the next key has been published long enough
	if err := ks.Rotate(); err != nil {
		t.Fatal(err)
	}
	b := post(t, e.h, form(t).Encode())
	if b.status != 200 {
		t.Fatalf("second exchange: %d %s", b.status, b.raw)
	}
	if got := kid(b.str("access_token")); got != "k2" {
		t.Errorf("after rotation: kid %q, want k2", got)
	}
}

// TestKeySetRetiredAndLoad: retired keys given to NewKeySet (a rotation by
// an earlier process) are published until their Until, never after; Load
// replaces the keys of a running set, and refuses, changing nothing, a
// set whose kids collide.
func TestKeySetRetiredAndLoad(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	old := ecKey(t)
	ks, err := exchange.NewKeySet(exchange.KeySetConfig{
		Current: exchange.SigningKey{Key: ecKey(t), KeyID: "k2"},
		Next:    exchange.SigningKey{Key: ecKey(t), KeyID: "k3"},
		Retired: []exchange.RetiredKey{{Public: old.Public(), KeyID: "k1", Alg: "ES256", Until: clock.t.Add(time.Minute)}},
		Now:     clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := kidsOf(t, fetchJWKS(t, ks)); !slices.Equal(got, []string{"k2", "k3", "k1"}) {
		t.Fatalf("published %v", got)
	}
	clock.t = clock.t.Add(time.Minute)
	if got := kidsOf(t, fetchJWKS(t, ks)); !slices.Equal(got, []string{"k2", "k3"}) {
		t.Fatalf("after the retired key's until: published %v", got)
	}
	if _, err := exchange.NewKeySet(exchange.KeySetConfig{
		Current: exchange.SigningKey{Key: ecKey(t), KeyID: "k2"},
		Next:    exchange.SigningKey{Key: ecKey(t), KeyID: "k3"},
		Retired: []exchange.RetiredKey{{Public: old.Public(), KeyID: "k2", Until: clock.t.Add(time.Hour)}},
	}); err == nil {
		t.Error("NewKeySet accepted a retired key with the current key's kid")
	}

	k4 := ecKey(t)
	if err := ks.Load(exchange.SigningKey{Key: k4, KeyID: "k4"}, exchange.SigningKey{Key: k4, KeyID: "k4"}, nil); err == nil {
		t.Fatal("Load accepted current and next with one kid")
	}
	if got := ks.Current().KeyID; got != "k2" {
		t.Fatalf("a refused Load changed the current key to %q", got)
	}
	if err := ks.Load(exchange.SigningKey{Key: ecKey(t), KeyID: "k3"}, exchange.SigningKey{Key: k4, KeyID: "k4"},
		[]exchange.RetiredKey{{Public: old.Public(), KeyID: "k2", Alg: "ES256", Until: clock.t.Add(time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	if got := kidsOf(t, fetchJWKS(t, ks)); !slices.Equal(got, []string{"k3", "k4", "k2"}) {
		t.Fatalf("after Load: published %v", got)
	}
}
