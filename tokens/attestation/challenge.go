package attestation

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"io"
	"time"

	"github.com/wimse-wg/wimse/wimse"
)

// DefaultChallengeTTL is how long a challenge from Challenges stays valid
// when Challenges.TTL is zero: five minutes, the PoP window
// (DefaultMaxAge). The draft leaves lifetime and reuse to local policy
// (§6).
const DefaultChallengeTTL = 5 * time.Minute

// MinChallengeKeySize is the shortest HMAC key Challenges accepts: 32
// bytes, the output size of SHA-256 (RFC 2104 §3).
const MinChallengeKeySize = 32

// challengeVersion prefixes every challenge, so the format can change.
const challengeVersion = 1

// challenge layout: version (1) | issued, Unix seconds big-endian (8) |
// random nonce (16) | HMAC-SHA256 of the preceding bytes (32).
const (
	challengeMsgLen = 1 + 8 + 16
	challengeLen    = challengeMsgLen + sha256.Size
)

// Challenges issues and checks stateless challenges (§6): each is the
// server time it was made at and a random nonce, authenticated with
// HMAC-SHA256 under Key, base64url-encoded without padding (a token68 and
// a JSON string without escapes). Any server holding Key recognises it,
// so replicas need no shared state.
//
// Such a challenge proves freshness, not single use (§12.1: "self-contained"
// challenges): it stays valid for TTL and may be reused by the client
// (§6 allows it); single use comes from the PoP's jti in the replay cache.
// The server time inside lets the freshness check ignore the client's clock
// (§12.2). The MAC is compared in constant time. It is safe for concurrent
// use once configured.
type Challenges struct {
	// Key is the HMAC-SHA256 key, at least MinChallengeKeySize random
	// bytes, shared by the replicas that check each other's challenges.
	// Required.
	Key []byte
	// TTL is how long a challenge is accepted; zero means
	// DefaultChallengeTTL.
	TTL time.Duration
	// ClockSkew is how far in the future a challenge's time may lie (a
	// replica whose clock runs ahead); zero means wimse.DefaultClockSkew,
	// negative none.
	ClockSkew time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Rand is the source of nonces; nil means crypto/rand.
	Rand io.Reader
}

// NewChallenge returns a fresh challenge. ctx is unused: the challenge is
// computed, not stored.
func (c *Challenges) NewChallenge(context.Context) (string, error) {
	if len(c.Key) < MinChallengeKeySize {
		return "", wimse.Errorf(wimse.ReasonInternal, "attestation: the challenge key is shorter than %d bytes", MinChallengeKeySize)
	}
	r := c.Rand
	if r == nil {
		r = rand.Reader
	}
	var b [challengeLen]byte
	b[0] = challengeVersion
	binary.BigEndian.PutUint64(b[1:9], uint64(c.now().Unix()))
	if _, err := io.ReadFull(r, b[9:challengeMsgLen]); err != nil {
		return "", wimse.Errorf(wimse.ReasonInternal, "attestation: challenge nonce: %w", err)
	}
	copy(b[challengeMsgLen:], c.mac(b[:challengeMsgLen]))
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// CheckChallenge reports whether challenge is one of this source's and
// still valid: nil, or an attestation.challenge_invalid *wimse.Error
// (malformed, forged, expired, or from the future). ctx is unused.
func (c *Challenges) CheckChallenge(_ context.Context, challenge string) error {
	if len(c.Key) < MinChallengeKeySize {
		return wimse.Errorf(wimse.ReasonInternal, "attestation: the challenge key is shorter than %d bytes", MinChallengeKeySize)
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(challenge)
	if err != nil || len(b) != challengeLen || b[0] != challengeVersion {
		return fail(wimse.ReasonAttestationChallengeInvalid, "the challenge is malformed")
	}
	if !hmac.Equal(b[challengeMsgLen:], c.mac(b[:challengeMsgLen])) {
		return fail(wimse.ReasonAttestationChallengeInvalid, "the challenge was not issued here")
	}
	issued := int64(binary.BigEndian.Uint64(b[1:9]))
	if issued < 0 {
		return fail(wimse.ReasonAttestationChallengeInvalid, "the challenge is malformed")
	}
	at, now := time.Unix(issued, 0), c.now()
	ttl := c.TTL
	if ttl <= 0 {
		ttl = DefaultChallengeTTL
	}
	switch {
	case at.After(now.Add(skewOf(c.ClockSkew))):
		return fail(wimse.ReasonAttestationChallengeInvalid, "the challenge lies in the future")
	case now.Sub(at) > ttl:
		return fail(wimse.ReasonAttestationChallengeInvalid, "the challenge has expired")
	}
	return nil
}

func (c *Challenges) mac(msg []byte) []byte {
	m := hmac.New(sha256.New, c.Key)
	m.Write(msg)
	return m.Sum(nil)
}

func (c *Challenges) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}
