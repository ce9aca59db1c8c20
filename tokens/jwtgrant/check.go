package jwtgrant

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/wimse-wg/wimse/internal/joseerr"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/wimse"
)

var joseToReason = map[jose.Code]wimse.Reason{
	jose.CodeMalformed:             wimse.ReasonJWTGrantMalformed,
	jose.CodeOversized:             wimse.ReasonJWTGrantOversized,
	jose.CodeDuplicateMember:       wimse.ReasonJWTGrantDuplicateMember,
	jose.CodeTyp:                   wimse.ReasonJWTGrantTyp,
	jose.CodeAlg:                   wimse.ReasonJWTGrantAlg,
	jose.CodeCrit:                  wimse.ReasonJWTGrantCrit,
	jose.CodeHeaderKey:             wimse.ReasonJWTGrantHeaderKey,
	jose.CodeSignature:             wimse.ReasonJWTGrantSignature,
	jose.CodeSignatureNonCanonical: wimse.ReasonJWTGrantSignature,
	jose.CodeKeyAlg:                wimse.ReasonJWTGrantAlg,
	// A configured key the JOSE layer refuses (unsupported type, short
	// RSA, a weak Ed25519 point): nothing verifies under it.
	jose.CodeKey:             wimse.ReasonJWTGrantSignature,
	jose.CodeKeyPrivate:      wimse.ReasonJWTGrantSignature,
	jose.CodeKeySmallOrder:   wimse.ReasonJWTGrantSignature,
	jose.CodeKeyNonCanonical: wimse.ReasonJWTGrantSignature,
}

func fromJOSE(err error) error {
	return joseerr.Wrap(err, joseToReason, "jwtgrant")
}

func fail(r wimse.Reason, format string, args ...any) error {
	return wimse.Errorf(r, "jwtgrant: "+format, args...)
}

// checkHeader applies the header rules of every use: crit and key
// references are rejected (RFC 7515 §4.1.11, RFC 8725 §3.10), typ is one
// typOK accepts (RFC 8725 §3.11), alg is on the allow-list, allowed by the
// policy and by algOK (RFC 8725 §3.1: never none nor a MAC).
func checkHeader(h *jose.Header, p *wimse.Policy, typOK func(*jose.Header) bool, algOK func(string) bool) error {
	switch {
	case h.Crit:
		return fail(wimse.ReasonJWTGrantCrit, "crit header parameters are not understood")
	case h.KeyRef != "":
		return fail(wimse.ReasonJWTGrantHeaderKey, "header parameter %q names a key; keys come only from configuration", h.KeyRef)
	case !typOK(h):
		return fail(wimse.ReasonJWTGrantTyp, "typ %q is not accepted here", h.Typ)
	case h.Alg == "":
		return fail(wimse.ReasonJWTGrantAlg, "alg is missing")
	case !jose.IsSupported(h.Alg) || !p.AlgorithmAllowed(h.Alg) || (algOK != nil && !algOK(h.Alg)):
		return fail(wimse.ReasonJWTGrantAlg, "alg %q is not allowed", h.Alg)
	}
	return nil
}

// verifyWith checks the signature with a configured key: the key's own
// alg, if it has one, must be the header's (RFC 8725 §3.1), and the alg
// must fit the key type (jose.Verify).
func verifyWith(t *jose.Token, k wimse.IssuerKey) error {
	if k.Algorithm != "" && !jose.SameAlgorithm(k.Algorithm, t.Alg) {
		return fail(wimse.ReasonJWTGrantAlg, "alg %q is not the key's %q", t.Alg, k.Algorithm)
	}
	if err := jose.Verify(t, t.Alg, k.Public); err != nil {
		return fromJOSE(err)
	}
	return nil
}

// readClaims decodes the registered claims into a, checking their JSON
// types (RFC 7519 §4.1).
func readClaims(t *jose.Token, raw string) (*Assertion, jose.Claims, error) {
	c, err := jose.ParseClaims(t.Payload)
	if err != nil {
		return nil, nil, fromJOSE(err)
	}
	a := &Assertion{Raw: raw, Algorithm: t.Alg, Type: t.Typ, KeyID: t.Kid, Claims: c}
	for name, dst := range map[string]*string{"iss": &a.Issuer, "sub": &a.Subject, "jti": &a.ID} {
		var ok bool
		if *dst, _, ok = c.String(name); !ok {
			return nil, nil, fail(wimse.ReasonJWTGrantClaimType, "%s is not a string", name)
		}
	}
	for name, dst := range map[string]*time.Time{"exp": &a.Expiry, "nbf": &a.NotBefore, "iat": &a.IssuedAt} {
		var ok bool
		if *dst, _, ok = c.NumericDate(name); !ok {
			return nil, nil, fail(wimse.ReasonJWTGrantClaimType, "%s is not a NumericDate", name)
		}
	}
	if a.Audience, err = readAudience(c["aud"]); err != nil {
		return nil, nil, err
	}
	return a, c, nil
}

// readAudience reads aud: one string or an array of strings (RFC 7519
// §4.1.3). nil means absent.
func readAudience(raw json.RawMessage) ([]string, error) {
	if raw == nil {
		return nil, nil
	}
	var one string
	if len(raw) > 0 && raw[0] == '"' {
		if err := json.Unmarshal(raw, &one); err != nil {
			return nil, fail(wimse.ReasonJWTGrantClaimType, "aud is not a string")
		}
		return []string{one}, nil
	}
	var many []string
	if len(raw) == 0 || raw[0] != '[' || json.Unmarshal(raw, &many) != nil {
		return nil, fail(wimse.ReasonJWTGrantClaimType, "aud is neither a string nor an array of strings")
	}
	if many == nil {
		many = []string{}
	}
	return many, nil
}

// checkAudience applies the sole-audience rule (rfc7523bis): exactly one
// value, and it is one of accept, compared as exact strings (RFC 7523 §3
// item 3: simple string comparison, RFC 3986 §6.2.1). A string and an
// array of that one string are both accepted.
func checkAudience(aud []string, accept []string) error {
	switch {
	case len(aud) == 0:
		return fail(wimse.ReasonJWTGrantAudMissing, "aud is missing")
	case len(aud) > 1:
		return fail(wimse.ReasonJWTGrantAudMultiple, "aud has %d values; the authorization server must be the sole audience", len(aud))
	case !slices.Contains(accept, aud[0]):
		return fail(wimse.ReasonJWTGrantAudMismatch, "aud %q does not identify this authorization server", aud[0])
	}
	return nil
}

// checkTimes applies exp (required, not passed), nbf and iat (not in the
// future) and the maximum lifetime (exp not further ahead than max, exp -
// iat not longer than max), each with the policy's skew (RFC 7523 §3
// items 4 to 6).
func checkTimes(a *Assertion, p *wimse.Policy, max time.Duration) error {
	now, skew := p.Time(), p.Skew()
	if a.Expiry.IsZero() {
		if _, present := a.Claims["exp"]; !present {
			return fail(wimse.ReasonJWTGrantExpMissing, "exp is missing")
		}
	}
	if !now.Before(a.Expiry.Add(skew)) {
		return fail(wimse.ReasonJWTGrantExpired, "expired at %s", a.Expiry.Format(time.RFC3339))
	}
	if !a.NotBefore.IsZero() && a.NotBefore.After(now.Add(skew)) {
		return fail(wimse.ReasonJWTGrantNotYetValid, "nbf lies in the future")
	}
	if !a.IssuedAt.IsZero() && a.IssuedAt.After(now.Add(skew)) {
		return fail(wimse.ReasonJWTGrantNotYetValid, "iat lies in the future")
	}
	if max > 0 {
		if a.Expiry.After(now.Add(max + skew)) {
			return fail(wimse.ReasonJWTGrantLifetime, "exp %s is more than %s ahead", a.Expiry.Format(time.RFC3339), max)
		}
		if !a.IssuedAt.IsZero() && a.Expiry.Sub(a.IssuedAt) > max {
			return fail(wimse.ReasonJWTGrantLifetime, "exp - iat is %s, more than %s", a.Expiry.Sub(a.IssuedAt), max)
		}
	}
	return nil
}

// checkReplay records (sender, jti) until exp plus the skew (RFC 7523 §3
// item 7).
func checkReplay(cache wimse.ReplayCache, p *wimse.Policy, sender string, a *Assertion) error {
	fresh, err := wimse.CheckReplay(cache, wimse.ReplayKey(sender, a.ID), a.Expiry.Add(p.Skew()), p.Time(), "jwtgrant: replay cache cannot record the assertion")
	if err != nil {
		return err
	}
	if !fresh {
		return fail(wimse.ReasonJWTGrantReplayed, "jti was already used by this issuer")
	}
	return nil
}

// lifetime returns the effective maximum lifetime of a setting: zero means
// DefaultMaxLifetime, negative means no limit (0).
func lifetime(d time.Duration) time.Duration {
	switch {
	case d == 0:
		return DefaultMaxLifetime
	case d < 0:
		return 0
	}
	return d
}
