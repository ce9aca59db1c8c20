package wit

import (
	"crypto"
	"time"
)

const timeFormat = time.RFC3339

func equalKeys(a, b crypto.PublicKey) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	ea, ok := a.(equaler)
	return ok && ea.Equal(b)
}
