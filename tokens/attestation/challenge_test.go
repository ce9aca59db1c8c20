package attestation_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/tokens/attestation"
	"github.com/wimse-wg/wimse/wimse"
)

func TestChallenges(t *testing.T) {
	ctx := context.Background()
	now := tClock()
	key := bytes.Repeat([]byte{7}, 32)
	c := &attestation.Challenges{Key: key, Now: func() time.Time { return now }, Rand: bytes.NewReader(bytes.Repeat([]byte{1}, 64))}
	ch, err := c.NewChallenge(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !attestation.IsToken68(ch) || strings.ContainsAny(ch, "=+/") {
		t.Fatalf("challenge %q is not unpadded base64url", ch)
	}
	flip := func(s string, i int) string {
		b, _ := base64.RawURLEncoding.DecodeString(s)
		b[i] ^= 1
		return base64.RawURLEncoding.EncodeToString(b)
	}
	other := &attestation.Challenges{Key: bytes.Repeat([]byte{8}, 32), Now: c.Now}
	forged, _ := other.NewChallenge(ctx)
	cases := []struct {
		name       string
		challenge  string
		after      time.Duration
		wantReason wimse.Reason
	}{
		{name: "ok", challenge: ch},
		{name: "ok reused near the end of its life", challenge: ch, after: 5 * time.Minute},
		{name: "expired", challenge: ch, after: 5*time.Minute + time.Second, wantReason: wimse.ReasonAttestationChallengeInvalid},
		{name: "from the future", challenge: ch, after: -2 * time.Minute, wantReason: wimse.ReasonAttestationChallengeInvalid},
		{name: "time altered", challenge: flip(ch, 8), wantReason: wimse.ReasonAttestationChallengeInvalid},
		{name: "nonce altered", challenge: flip(ch, 12), wantReason: wimse.ReasonAttestationChallengeInvalid},
		{name: "mac altered", challenge: flip(ch, 40), wantReason: wimse.ReasonAttestationChallengeInvalid},
		{name: "version altered", challenge: flip(ch, 0), wantReason: wimse.ReasonAttestationChallengeInvalid},
		{name: "another server's key", challenge: forged, wantReason: wimse.ReasonAttestationChallengeInvalid},
		{name: "truncated", challenge: ch[:len(ch)-4], wantReason: wimse.ReasonAttestationChallengeInvalid},
		{name: "padded", challenge: ch + "=", wantReason: wimse.ReasonAttestationChallengeInvalid},
		{name: "empty", challenge: "", wantReason: wimse.ReasonAttestationChallengeInvalid},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			now = tClock().Add(tc.after)
			defer func() { now = tClock() }()
			err := c.CheckChallenge(ctx, tc.challenge)
			if got := wimse.ReasonOf(err); got != tc.wantReason {
				t.Fatalf("reason = %q, want %q (%v)", got, tc.wantReason, err)
			}
		})
	}
	short := &attestation.Challenges{Key: []byte("short")}
	if _, err := short.NewChallenge(ctx); wimse.ReasonOf(err) != wimse.ReasonInternal {
		t.Fatalf("short key: %v", err)
	}
	if err := short.CheckChallenge(ctx, ch); wimse.ReasonOf(err) != wimse.ReasonInternal {
		t.Fatalf("short key: %v", err)
	}
	// Fresh nonces: two challenges in the same second differ.
	c.Rand = nil
	a, _ := c.NewChallenge(ctx)
	b, _ := c.NewChallenge(ctx)
	if a == b {
		t.Fatal("two challenges are equal")
	}
}
