package jose

import (
	"crypto/rand"
	"encoding/base64"
	"io"
)

// NewID returns 128 random bits from r, base64url without padding: a jti
// or nonce with negligible collision probability (RFC 7519 §4.1.7). Nil r
// means crypto/rand.
func NewID(r io.Reader) (string, error) {
	if r == nil {
		r = rand.Reader
	}
	var b [16]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}
