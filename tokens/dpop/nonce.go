package dpop

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"time"
)

// DefaultNoncePeriod is NonceSource.Period when that is zero: a nonce is
// issued for five minutes and accepted for up to ten.
const DefaultNoncePeriod = 5 * time.Minute

// MinNonceKeySize is the smallest NonceSource.Key accepted, in bytes.
const MinNonceKeySize = 32

// nonceLabel separates these MACs from any other use of the key.
const nonceLabel = "wimse dpop nonce v1"

// NonceSource issues and checks server nonces (RFC 9449 §8) without state:
// the nonce of a time slot is the HMAC-SHA-256 of the slot number under
// Key, truncated to 128 bits and base64url-encoded. It accepts the nonce of
// the current slot and of the previous one, so a nonce issued at the end of
// a slot stays good for at least one Period, and every nonce stops working
// within two. Nonces are compared in constant time. All clients get the
// same nonce within a slot: it proves freshness, not identity (jti and the
// replay cache keep each proof single-use). Servers that share Key share
// nonces. It implements NonceChecker and is safe for concurrent use.
type NonceSource struct {
	// Key is the HMAC key, at least MinNonceKeySize random bytes; required.
	Key []byte
	// Period is the slot length. Zero means DefaultNoncePeriod.
	Period time.Duration
}

// NewNonce returns the nonce of now's slot, for a DPoP-Nonce header.
func (s *NonceSource) NewNonce(now time.Time) (string, error) {
	slot, err := s.slot(now)
	if err != nil {
		return "", err
	}
	return s.mac(slot), nil
}

// CheckNonce accepts the nonce of now's slot and of the one before.
func (s *NonceSource) CheckNonce(nonce string, now time.Time) error {
	slot, err := s.slot(now)
	if err != nil {
		return err
	}
	cur := hmac.Equal([]byte(nonce), []byte(s.mac(slot)))
	prev := hmac.Equal([]byte(nonce), []byte(s.mac(slot-1)))
	if !cur && !prev {
		return errors.New("dpop: the nonce is not one of the current or previous period")
	}
	return nil
}

func (s *NonceSource) slot(now time.Time) (int64, error) {
	if len(s.Key) < MinNonceKeySize {
		return 0, errors.New("dpop: NonceSource.Key is shorter than 32 bytes")
	}
	period := s.Period
	if period <= 0 {
		period = DefaultNoncePeriod
	}
	return now.UnixNano() / int64(period), nil
}

func (s *NonceSource) mac(slot int64) string {
	m := hmac.New(sha256.New, s.Key)
	m.Write([]byte(nonceLabel))
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(slot))
	m.Write(b[:])
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}
