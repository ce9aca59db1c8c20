package wimse

import (
	"time"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/internal/mutant"
)

// Revision names a draft revision whose wire behaviour a peer implements.
// Experimental: the set follows the drafts.
type Revision string

const (
	// RevisionWPT01 is draft-ietf-wimse-wpt-01: the WPT in a
	// Workload-Proof-Token field, ath required with an access token, 400 on
	// failure.
	RevisionWPT01 Revision = "wpt-01"
	// RevisionWPT02 is draft-ietf-wimse-wpt-02: the WPT in
	// "Authorization: WPT <jwt>", no ath, 401 with "WWW-Authenticate: WPT".
	RevisionWPT02 Revision = "wpt-02"
	// RevisionS2S06 is draft-ietf-wimse-s2s-protocol-06 and earlier: it only
	// adds the legacy typ values wimse-id+jwt and wimse-proof+jwt.
	RevisionS2S06 Revision = "s2s-06"
	// RevisionHTTPSig06 is draft-ietf-wimse-http-signature-06: requests cover
	// @request-target.
	RevisionHTTPSig06 Revision = "http-signature-06"
	// RevisionHTTPSig07 is draft-ietf-wimse-http-signature-07: requests cover
	// @path and @query, every signed response carries wimse-req-nonce.
	// http-signature-08 is played as -07: its changes are not implemented.
	RevisionHTTPSig07 Revision = "http-signature-07"
)

// Defaults applied when a Policy field is zero.
const (
	// DefaultClockSkew is the tolerance applied to exp, nbf and iat. The
	// drafts give no number; 60 s covers NTP-synchronised hosts.
	DefaultClockSkew = 60 * time.Second
	// DefaultMaxWPTLifetime bounds exp - now for a WPT (wpt-01 §3 "unreasonably
	// far-future exp SHOULD be rejected"); WPTs live minutes (§3.1).
	DefaultMaxWPTLifetime = 5 * time.Minute
	// DefaultMaxTokenSize bounds one compact token, in bytes, before any
	// decoding: WITs and WPTs are a few hundred bytes, RSA ones about 1.5 KiB.
	DefaultMaxTokenSize = 8 << 10
)

// Policy is the verification policy of a receiver. It is plain data: the
// zero value is a usable, strict policy with the documented defaults.
type Policy struct {
	// Now returns the current time. Nil means time.Now.
	Now func() time.Time
	// ClockSkew is the tolerance for exp, nbf and iat. Zero means
	// DefaultClockSkew; a negative value means no tolerance.
	ClockSkew time.Duration
	// MaxWPTLifetime is the largest accepted lifetime of a proof, skew
	// included: exp - now for a WPT, expires - now for an HTTP message
	// signature. Zero means DefaultMaxWPTLifetime; negative disables the
	// check (not recommended).
	MaxWPTLifetime time.Duration
	// MaxTokenSize is the largest accepted compact token in bytes. Zero
	// means DefaultMaxTokenSize.
	MaxTokenSize int
	// Algorithms restricts the JWS algorithms accepted for WITs and proofs,
	// in addition to the trust domain's own list. Nil means every supported
	// algorithm (ES256, ES384, ES512, EdDSA, Ed25519, RS256, PS256). Names
	// outside that set are ignored: none and symmetric algorithms can never
	// be enabled.
	Algorithms []string
	// Revisions lists the draft revisions accepted. Nil means wpt-01,
	// wpt-02, http-signature-06 and http-signature-07; legacy typ values are
	// accepted only when RevisionS2S06 is listed.
	Revisions []Revision

	// mutantHook carries the checks the conformance self-test disables
	// (internal/mutant: Put, Of); outside this module it is always empty.
	//lint:ignore U1000 reached through the promoted method mutant.Put and mutant.Of call
	mutantHook
}

// mutantHook names the embedded field so that it stays unexported.
//
//lint:ignore U1000 the type of the field above
type mutantHook = mutant.Hook

// Time returns the policy's current time.
func (p *Policy) Time() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// Skew returns the effective clock skew.
func (p *Policy) Skew() time.Duration {
	switch {
	case p.ClockSkew == 0:
		return DefaultClockSkew
	case p.ClockSkew < 0:
		return 0
	}
	return p.ClockSkew
}

// WPTLifetime returns the effective maximum WPT lifetime; 0 means unlimited.
func (p *Policy) WPTLifetime() time.Duration {
	switch {
	case p.MaxWPTLifetime == 0:
		return DefaultMaxWPTLifetime
	case p.MaxWPTLifetime < 0:
		return 0
	}
	return p.MaxWPTLifetime
}

// TokenSize returns the effective maximum token size.
func (p *Policy) TokenSize() int {
	if p.MaxTokenSize <= 0 {
		return DefaultMaxTokenSize
	}
	return p.MaxTokenSize
}

// Accepts reports whether the policy accepts a revision.
func (p *Policy) Accepts(r Revision) bool {
	if p.Revisions == nil {
		return r == RevisionWPT01 || r == RevisionWPT02 || r == RevisionHTTPSig06 || r == RevisionHTTPSig07
	}
	for _, x := range p.Revisions {
		if x == r {
			return true
		}
	}
	return false
}

// AlgorithmAllowed reports whether the policy's own list admits alg, EdDSA
// and Ed25519 being one algorithm for an Ed25519 key (RFC 9864 §2.2). It
// does not say whether alg is supported; see the token packages for that.
func (p *Policy) AlgorithmAllowed(alg string) bool {
	if p.Algorithms == nil {
		return true
	}
	for _, a := range p.Algorithms {
		if jose.SameAlgorithm(a, alg) {
			return true
		}
	}
	return false
}
