package jwtgrant

import (
	"context"
	"slices"

	"github.com/wimse-wg/wimse/wimse"
)

// KeySource returns the public keys an assertion issuer signs with. The
// Verifier asks it for the keys of the (not yet verified) iss, so an
// implementation must answer only from trusted configuration or from a
// location configured for that issuer, never from a URL the token names
// (RFC 7523 §5: keys are agreed out of band; RFC 8725 §3.10). An issuer it
// does not know has no keys: an empty result, not an error. An error means
// the keys cannot be had now (a failed fetch) and fails the verification
// with server.internal. Implementations must be safe for concurrent use.
type KeySource interface {
	Keys(ctx context.Context, issuer string) ([]wimse.IssuerKey, error)
}

// StaticKeys is a fixed KeySource: issuer (iss, compared as an exact
// string, RFC 7523 §3 item 1) to its keys. For client assertions the
// issuer is the client_id (RFC 7521 §5.2).
type StaticKeys map[string][]wimse.IssuerKey

// Keys returns a copy of the issuer's keys.
func (s StaticKeys) Keys(_ context.Context, issuer string) ([]wimse.IssuerKey, error) {
	return slices.Clone(s[issuer]), nil
}

// selectKey picks the key for a header: by kid if the header has one,
// otherwise the only key.
func selectKey(keys []wimse.IssuerKey, kid string, hasKid bool) (wimse.IssuerKey, error) {
	if hasKid {
		for _, k := range keys {
			if k.KeyID == kid {
				return k, nil
			}
		}
		return wimse.IssuerKey{}, fail(wimse.ReasonJWTGrantKeyUnknown, "no key of the issuer has kid %q", kid)
	}
	if len(keys) != 1 {
		return wimse.IssuerKey{}, fail(wimse.ReasonJWTGrantKeyUnknown, "the assertion has no kid and the issuer has %d keys", len(keys))
	}
	return keys[0], nil
}
