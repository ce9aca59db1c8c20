package wimsetest

import "time"

// AllAlgs are the algorithms the module supports.
var AllAlgs = []string{"ES256", "ES384", "ES512", "EdDSA", "Ed25519", "RS256", "PS256"}

// Clock returns a Policy.Now that always answers unix second sec.
func Clock(sec int64) func() time.Time {
	return func() time.Time { return time.Unix(sec, 0) }
}
