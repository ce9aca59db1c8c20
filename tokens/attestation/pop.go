package attestation

import (
	"crypto"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/wimse"
)

// DefaultMaxAge is how old a PoP's iat may be when PoPVerifier.MaxAge is
// zero: five minutes, as wimse.DefaultMaxWPTLifetime for a WPT. The draft
// leaves the window to local policy (§7.2 step 6, §12.1); a PoP is made
// for one request, so it only has to survive the request's transit and
// clock skew, and the replay cache holds each jti this long.
const DefaultMaxAge = 5 * time.Minute

// Key is the Client Instance Key: the attestation's cnf.jwk, the only key
// a PoP may be signed with (§5.1).
type Key struct {
	// Public is the public key.
	Public crypto.PublicKey
	// Alg is cnf.jwk's alg member, "" when it has none. When set, the PoP's
	// alg must equal it (a WIT's cnf.jwk.alg is the algorithm of every
	// proof, workload-creds-02 §5.1); otherwise any allowed algorithm that
	// fits Public is accepted.
	Alg string
}

// PoP is a verified Client Attestation PoP JWT (§5.1).
type PoP struct {
	// Raw is the compact serialization as received.
	Raw string
	// Algorithm is the header's alg.
	Algorithm string
	// Audience is the single aud value.
	Audience string
	// ID is jti.
	ID string
	// IssuedAt is iat.
	IssuedAt time.Time
	// Challenge is the challenge claim, "" when absent.
	Challenge string
	// Claims holds every claim as raw JSON, known or not (unknown claims
	// are ignored, §5.1; so is iss, which -08 removed).
	Claims map[string]json.RawMessage
}

// PoPVerifier verifies Client Attestation PoP JWTs (§5.1, §7.2). Its
// fields are read-only once Verify has been called; it is safe for
// concurrent use if Replay and Challenge are.
type PoPVerifier struct {
	// Audience is the expected aud, compared byte for byte: the
	// authorization server's issuer identifier (RFC 8414), or a resource
	// server's resource identifier (RFC 9728). Required.
	Audience string
	// Algorithms restricts the PoP's alg further than the supported
	// asymmetric algorithms (ES256, ES384, ES512, EdDSA, Ed25519, RS256,
	// PS256); nil means all of them. none and HMAC can never be enabled
	// (§5.1: asymmetric only).
	Algorithms []string
	// MaxAge is how old iat may be; zero means DefaultMaxAge.
	MaxAge time.Duration
	// ClockSkew is the tolerance for iat in the future and for the age
	// limit; zero means wimse.DefaultClockSkew, negative none.
	ClockSkew time.Duration
	// MaxSize bounds the compact PoP in bytes; zero means
	// wimse.DefaultMaxTokenSize.
	MaxSize int
	// Replay records (sender, jti) until the PoP leaves the window; nil
	// disables the replay check (§12.1 makes it a SHOULD: only for offline
	// use).
	Replay wimse.ReplayCache
	// Challenge, when set, says the server uses challenges (§6): a PoP
	// without a challenge is attestation.challenge_missing, and Challenge
	// judges the one it carries; an error without a wimse reason is
	// attestation.challenge_invalid. Nil means challenges are not used and
	// a challenge claim is ignored.
	Challenge func(challenge string) error
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Verify checks a PoP made with key by the client sender (the
// attestation's sub, which scopes the replay cache) and returns it
// verified. The checks run in this order, the first failure deciding the
// reason: the JWS structure (attestation.pop_malformed), the header (crit
// and key references: attestation.pop_header; typ: attestation.pop_typ;
// alg: attestation.pop_alg), alg against key (attestation.pop_alg_mismatch),
// the signature (attestation.pop_signature), claim types, the time window
// (attestation.pop_iat_missing, attestation.pop_iat_window), aud
// (attestation.pop_aud_missing, attestation.pop_aud_mismatch), jti
// (attestation.pop_jti_missing), the challenge, and last the replay cache
// (attestation.pop_replayed, or server.replay_cache_full): the window is
// checked before the cache is consulted, and only an otherwise valid PoP is
// recorded (§12.1).
//
// typ is compared as tokens/wit and tokens/wpt compare theirs: the media
// type with or without "application/", case-insensitively (RFC 7515
// §4.1.9).
func (v *PoPVerifier) Verify(raw string, key Key, sender string) (*PoP, error) {
	if v.Audience == "" {
		return nil, wimse.Errorf(wimse.ReasonInternal, "attestation: PoPVerifier.Audience is required")
	}
	if key.Public == nil {
		return nil, wimse.Errorf(wimse.ReasonInternal, "attestation: no client instance key")
	}
	now := v.now()
	jt, err := jose.Parse(raw, maxSize(v.MaxSize))
	if err != nil {
		return nil, fromJOSE(err, popReasons)
	}
	if err := jose.CheckHeader(&jt.Header, PoPMediaType, nil, allowed(v.Algorithms), nil); err != nil {
		return nil, fromJOSE(err, popReasons)
	}
	if key.Alg != "" && jt.Alg != key.Alg {
		return nil, fail(wimse.ReasonAttestationPoPAlgMismatch, "alg %q is not cnf.jwk.alg %q", jt.Alg, key.Alg)
	}
	if err := jose.Verify(jt, jt.Alg, key.Public); err != nil {
		return nil, fromJOSE(err, popReasons)
	}
	claims, err := jose.ParseClaims(jt.Payload)
	if err != nil {
		return nil, fromJOSE(err, popReasons)
	}
	p := &PoP{Raw: raw, Algorithm: jt.Alg, Claims: claims}
	aud, err := readPoP(p, claims)
	if err != nil {
		return nil, err
	}
	skew := skewOf(v.ClockSkew)
	maxAge := v.MaxAge
	if maxAge <= 0 {
		maxAge = DefaultMaxAge
	}
	// The window first (§12.1).
	iat, present, _ := claims.NumericDate("iat")
	switch {
	case !present:
		return nil, fail(wimse.ReasonAttestationPoPIatMissing, "iat is missing")
	case iat.After(now.Add(skew)):
		return nil, fail(wimse.ReasonAttestationPoPIatWindow, "iat lies in the future")
	case iat.Add(maxAge + skew).Before(now):
		return nil, fail(wimse.ReasonAttestationPoPIatWindow, "iat is older than %s", maxAge)
	}
	p.IssuedAt = iat
	if nbf, present, _ := claims.NumericDate("nbf"); present && nbf.After(now.Add(skew)) {
		return nil, fail(wimse.ReasonAttestationPoPIatWindow, "nbf lies in the future")
	}
	if exp, present, _ := claims.NumericDate("exp"); present && !now.Before(exp.Add(skew)) {
		return nil, fail(wimse.ReasonAttestationPoPIatWindow, "exp has passed")
	}
	switch {
	case aud == nil:
		return nil, fail(wimse.ReasonAttestationPoPAudMissing, "aud is missing")
	case len(aud) != 1:
		return nil, fail(wimse.ReasonAttestationPoPAudMismatch, "aud holds %d values, not one", len(aud))
	case aud[0] != v.Audience:
		return nil, fail(wimse.ReasonAttestationPoPAudMismatch, "aud %q is not %q", truncate(aud[0]), v.Audience)
	}
	p.Audience = aud[0]
	if p.ID == "" {
		return nil, fail(wimse.ReasonAttestationPoPJTIMissing, "jti is missing")
	}
	if v.Challenge != nil {
		if p.Challenge == "" {
			return nil, fail(wimse.ReasonAttestationChallengeMissing, "the server uses challenges and the PoP has none")
		}
		if err := v.Challenge(p.Challenge); err != nil {
			var we *wimse.Error
			if errors.As(err, &we) {
				return nil, err
			}
			return nil, &wimse.Error{Reason: wimse.ReasonAttestationChallengeInvalid, Detail: "attestation: the challenge is not valid", Err: err}
		}
	}
	// Replay last: only otherwise valid PoPs are recorded, until the last
	// instant the window would still admit this iat.
	if v.Replay != nil {
		fresh, err := wimse.CheckReplay(v.Replay, wimse.ReplayKey(sender, p.ID), iat.Add(maxAge+skew), now, "attestation: replay cache cannot record the PoP")
		if err != nil {
			return nil, err
		}
		if !fresh {
			return nil, fail(wimse.ReasonAttestationPoPReplayed, "jti was already used by this client")
		}
	}
	return p, nil
}

// readPoP reads the typed claims into p and returns aud as a list (nil
// when absent): a string, or an array of strings.
func readPoP(p *PoP, c jose.Claims) ([]string, error) {
	var ok bool
	if p.ID, _, ok = c.String("jti"); !ok {
		return nil, fail(wimse.ReasonAttestationPoPClaimType, "jti is not a string")
	}
	if p.Challenge, _, ok = c.String("challenge"); !ok {
		return nil, fail(wimse.ReasonAttestationPoPClaimType, "challenge is not a string")
	}
	for _, name := range []string{"iat", "nbf", "exp"} {
		if _, _, ok := c.NumericDate(name); !ok {
			return nil, fail(wimse.ReasonAttestationPoPClaimType, "%s is not a NumericDate", name)
		}
	}
	raw, present := c["aud"]
	if !present {
		return nil, nil
	}
	if s, _, ok := c.String("aud"); ok {
		return []string{s}, nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil || list == nil {
		return nil, fail(wimse.ReasonAttestationPoPClaimType, "aud is not a string or an array of strings")
	}
	return list, nil
}

func (v *PoPVerifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

// allowed returns the header's alg filter: asymmetric algorithms
// (jose.CheckHeader admits no other), restricted to list when non-nil.
func allowed(list []string) func(string) bool {
	if list == nil {
		return nil
	}
	return func(alg string) bool {
		return slices.ContainsFunc(list, func(a string) bool { return jose.SameAlgorithm(a, alg) })
	}
}

func skewOf(d time.Duration) time.Duration {
	switch {
	case d == 0:
		return wimse.DefaultClockSkew
	case d < 0:
		return 0
	}
	return d
}

func maxSize(n int) int {
	if n <= 0 {
		return wimse.DefaultMaxTokenSize
	}
	return n
}

// truncate bounds a peer-supplied value quoted in an error.
func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}
