package exchange_test

import (
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jws"
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
