package wpt

import (
	"github.com/wimse-wg/wimse/internal/jose"

	"encoding/json"
	"io"
	"time"
)

// MediaType is the WPT typ value (wpt-01 §3.1).
const MediaType = "wpt+jwt"

// LegacyMediaType is the typ of s2s-protocol-06 and earlier.
const LegacyMediaType = "wimse-proof+jwt"

// Token is a verified WPT.
type Token struct {
	// Raw is the compact serialization as received.
	Raw string
	// Algorithm and Type are the header's alg and typ.
	Algorithm, Type string
	// Audience is aud; ID is jti.
	Audience, ID string
	// Expiry is exp.
	Expiry time.Time
	// WITHash, AccessTokenHash and TxnTokenHash are wth, ath and tth.
	WITHash, AccessTokenHash, TxnTokenHash string
	// OtherTokenHashes is oth.
	OtherTokenHashes map[string]string
	// Claims holds every claim as raw JSON.
	Claims map[string]json.RawMessage
}

// NewID returns a jti of 128 random bits, base64url-encoded (wpt-01 §3.1:
// negligible collision probability). Nil r means crypto/rand.
func NewID(r io.Reader) (string, error) { return jose.NewID(r) }
