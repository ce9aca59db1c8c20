package accesstoken

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/wimse-wg/wimse/internal/joseerr"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/tokens/confirmation"
	"github.com/wimse-wg/wimse/tokens/delegation"
	"github.com/wimse-wg/wimse/tokens/scope"
	"github.com/wimse-wg/wimse/wimse"
)

// Verifier verifies access tokens (RFC 9068 §4). Its fields are read-only
// once Verify has been called; a Verifier is safe for concurrent use.
type Verifier struct {
	// Trust holds the trusted authorization servers: each trust domain's
	// Anchors.Issuers lists its issuer identifiers, Keys its signing keys
	// (see the package documentation). Nil trusts nothing.
	Trust *wimse.TrustStore
	// Audiences are this receiver's identifiers; aud must contain one
	// (§4 step 4). Empty accepts no token unless AnyAudience is set.
	Audiences []string
	// AnyAudience skips the audience check: only for an authorization
	// server reading back its own tokens (token exchange, introspection).
	AnyAudience bool
	// Policy supplies the clock, the clock skew, the size limit and the
	// algorithm allow-list. Its WPT fields are not used.
	Policy wimse.Policy
	// MaxLifetime bounds exp - iat. Zero means DefaultMaxLifetime; a
	// negative value disables the check (not recommended).
	MaxLifetime time.Duration
	// MaxActDepth bounds the actors in act. Zero means delegation.MaxDepth.
	MaxActDepth int
}

var joseToReason = map[jose.Code]wimse.Reason{
	jose.CodeMalformed:             wimse.ReasonAccessTokenMalformed,
	jose.CodeOversized:             wimse.ReasonAccessTokenOversized,
	jose.CodeDuplicateMember:       wimse.ReasonAccessTokenDuplicateMember,
	jose.CodeTyp:                   wimse.ReasonAccessTokenTyp,
	jose.CodeAlg:                   wimse.ReasonAccessTokenAlg,
	jose.CodeCrit:                  wimse.ReasonAccessTokenCrit,
	jose.CodeHeaderKey:             wimse.ReasonAccessTokenHeaderKey,
	jose.CodeSignature:             wimse.ReasonAccessTokenSignature,
	jose.CodeKey:                   wimse.ReasonAccessTokenSignature,
	jose.CodeKeyAlg:                wimse.ReasonAccessTokenSignature,
	jose.CodeKeyPrivate:            wimse.ReasonAccessTokenSignature,
	jose.CodeKeySmallOrder:         wimse.ReasonAccessTokenSignature,
	jose.CodeKeyNonCanonical:       wimse.ReasonAccessTokenSignature,
	jose.CodeSignatureNonCanonical: wimse.ReasonAccessTokenSignature,
}

func fromJOSE(err error) error {
	return joseerr.Wrap(err, joseToReason, "accesstoken")
}

func fail(r wimse.Reason, format string, args ...any) error {
	return wimse.Errorf(r, "accesstoken: "+format, args...)
}

// Verify checks an access token in compact serialization, then its cnf
// binding against proof, what the presenter proved possession of for this
// request (nil: presented as a bearer token; see confirmation.Confirm).
// Failures are *wimse.Error values with an accesstoken.*, act.*,
// may_act.*, scope.* or cnf.* reason.
func (v *Verifier) Verify(raw string, proof confirmation.Proof) (*Token, error) {
	now := v.Policy.Time()
	jt, err := jose.Parse(raw, v.Policy.TokenSize())
	if err != nil {
		return nil, fromJOSE(err)
	}
	if err := jose.CheckHeader(&jt.Header, MediaType, nil, v.Policy.AlgorithmAllowed, nil); err != nil {
		return nil, fromJOSE(err)
	}
	claims, err := jose.ParseClaims(jt.Payload)
	if err != nil {
		return nil, fromJOSE(err)
	}
	t := &Token{Raw: raw, Algorithm: jt.Alg, KeyID: jt.Kid, Type: jt.Typ, Claims: claims}

	// iss selects the issuer's anchors (§4 step 3).
	iss, present, ok := claims.String("iss")
	switch {
	case !present:
		return nil, fail(wimse.ReasonAccessTokenIssMissing, "iss is missing")
	case !ok:
		return nil, fail(wimse.ReasonAccessTokenClaimType, "iss is not a string")
	}
	td, anchors, err := v.issuer(iss)
	if err != nil {
		return nil, err
	}
	t.Issuer, t.TrustDomain = iss, td
	if anchors.Algorithms != nil && !slices.ContainsFunc(anchors.Algorithms, func(a string) bool { return jose.SameAlgorithm(a, jt.Alg) }) {
		return nil, fail(wimse.ReasonAccessTokenAlg, "alg %q is not allowed for issuer %q", jt.Alg, iss)
	}

	// The key and the signature (§4 step 5).
	key, err := anchors.SelectKey(jt.Kid, jt.HasKid)
	if err != nil {
		return nil, fail(wimse.ReasonAccessTokenKeyUnknown, "no signing key of issuer %q fits kid %q", iss, jt.Kid)
	}
	if key.Algorithm != "" && !jose.SameAlgorithm(key.Algorithm, jt.Alg) {
		return nil, fail(wimse.ReasonAccessTokenSignature, "issuer key %q is for %s, not %s", key.KeyID, key.Algorithm, jt.Alg)
	}
	if err := jose.Verify(jt, jt.Alg, key.Public); err != nil {
		return nil, fromJOSE(err)
	}

	if err := v.readClaims(t); err != nil {
		return nil, err
	}
	if err := v.checkTimes(t, now); err != nil {
		return nil, err
	}
	if err := v.checkAudience(t); err != nil {
		return nil, err
	}
	if err := v.readStructured(t); err != nil {
		return nil, err
	}
	if err := confirmation.Confirm(t.Confirmation, proof); err != nil {
		return nil, err
	}
	return t, nil
}

// issuer finds the one trust store entry whose Issuers lists iss.
func (v *Verifier) issuer(iss string) (wimse.TrustDomain, wimse.Anchors, error) {
	var (
		found   wimse.TrustDomain
		anchors wimse.Anchors
		n       int
	)
	if v.Trust != nil {
		for _, td := range v.Trust.TrustDomains() {
			a, _ := v.Trust.Anchors(td)
			if slices.Contains(a.Issuers, iss) {
				found, anchors, n = td, a, n+1
			}
		}
	}
	switch n {
	case 0:
		return found, anchors, fail(wimse.ReasonAccessTokenIssuer, "iss %q is not a trusted authorization server", iss)
	case 1:
		return found, anchors, nil
	}
	return found, anchors, fail(wimse.ReasonAccessTokenIssuer, "iss %q is listed by %d trust domains: ambiguous configuration", iss, n)
}

// requiredString reads a string claim that §2.2 requires, non-empty.
func requiredString(c jose.Claims, name string, missing wimse.Reason) (string, error) {
	s, present, ok := c.String(name)
	switch {
	case !ok:
		return "", fail(wimse.ReasonAccessTokenClaimType, "%s is not a string", name)
	case !present || s == "":
		return "", fail(missing, "%s is missing", name)
	}
	return s, nil
}

func (v *Verifier) readClaims(t *Token) error {
	c := jose.Claims(t.Claims)
	var err error
	if t.Subject, err = requiredString(c, "sub", wimse.ReasonAccessTokenSubMissing); err != nil {
		return err
	}
	if t.ClientID, err = requiredString(c, "client_id", wimse.ReasonAccessTokenClientIDMissing); err != nil {
		return err
	}
	if t.ID, err = requiredString(c, "jti", wimse.ReasonAccessTokenJTIMissing); err != nil {
		return err
	}
	var present, ok bool
	if t.ACR, _, ok = c.String("acr"); !ok {
		return fail(wimse.ReasonAccessTokenClaimType, "acr is not a string")
	}
	for _, d := range []struct {
		name    string
		dst     *time.Time
		missing wimse.Reason
	}{
		{"exp", &t.Expiry, wimse.ReasonAccessTokenExpMissing},
		{"iat", &t.IssuedAt, wimse.ReasonAccessTokenIatMissing},
		{"nbf", &t.NotBefore, ""},
		{"auth_time", &t.AuthTime, ""},
	} {
		if *d.dst, present, ok = c.NumericDate(d.name); !ok {
			return fail(wimse.ReasonAccessTokenClaimType, "%s is not a NumericDate", d.name)
		} else if !present && d.missing != "" {
			return fail(d.missing, "%s is missing", d.name)
		}
	}
	return v.readAudience(t)
}

// readAudience reads aud: a string, or a non-empty array of strings.
func (v *Verifier) readAudience(t *Token) error {
	raw, present := t.Claims["aud"]
	if !present {
		return fail(wimse.ReasonAccessTokenAudMissing, "aud is missing")
	}
	if s, _, ok := jose.Claims(t.Claims).String("aud"); ok {
		if s == "" {
			return fail(wimse.ReasonAccessTokenAudMissing, "aud is empty")
		}
		t.Audience = []string{s}
		return nil
	}
	var list []string
	if len(raw) == 0 || raw[0] != '[' || json.Unmarshal(raw, &list) != nil {
		return fail(wimse.ReasonAccessTokenClaimType, "aud is neither a string nor an array of strings")
	}
	if len(list) == 0 {
		return fail(wimse.ReasonAccessTokenAudMissing, "aud is an empty array")
	}
	if slices.Contains(list, "") {
		return fail(wimse.ReasonAccessTokenClaimType, "aud holds an empty string")
	}
	t.Audience = list
	return nil
}

func (v *Verifier) checkTimes(t *Token, now time.Time) error {
	skew := v.Policy.Skew()
	if !now.Before(t.Expiry.Add(skew)) {
		return fail(wimse.ReasonAccessTokenExpired, "expired at %s", t.Expiry.Format(time.RFC3339))
	}
	for _, d := range []struct {
		name string
		at   time.Time
	}{{"nbf", t.NotBefore}, {"iat", t.IssuedAt}, {"auth_time", t.AuthTime}} {
		if !d.at.IsZero() && d.at.After(now.Add(skew)) {
			return fail(wimse.ReasonAccessTokenNotYetValid, "%s %s is in the future", d.name, d.at.Format(time.RFC3339))
		}
	}
	maxLife := v.MaxLifetime
	if maxLife == 0 {
		maxLife = DefaultMaxLifetime
	}
	if life := t.Expiry.Sub(t.IssuedAt); life <= 0 || (maxLife > 0 && life > maxLife) {
		return fail(wimse.ReasonAccessTokenLifetime, "lifetime exp - iat of %s is outside (0, %s]", life, maxLife)
	}
	return nil
}

func (v *Verifier) checkAudience(t *Token) error {
	if v.AnyAudience {
		return nil
	}
	for _, a := range t.Audience {
		if slices.Contains(v.Audiences, a) {
			return nil
		}
	}
	return fail(wimse.ReasonAccessTokenAudMismatch, "aud names none of this receiver's audiences")
}

// readStructured reads act, may_act, scope and cnf with their packages'
// strict parsers, whose reasons are returned as they are.
func (v *Verifier) readStructured(t *Token) error {
	c := jose.Claims(t.Claims)
	object := func(name string) ([]byte, bool, error) {
		raw, present := t.Claims[name]
		if !present {
			return nil, false, nil
		}
		if _, _, ok := c.Object(name); !ok {
			return nil, true, fail(wimse.ReasonAccessTokenClaimType, "%s is not an object", name)
		}
		return raw, true, nil
	}
	if raw, present, err := object("act"); err != nil {
		return err
	} else if present {
		if t.Act, err = delegation.ParseChain(raw, v.MaxActDepth); err != nil {
			return err
		}
	}
	if raw, present, err := object("may_act"); err != nil {
		return err
	} else if present {
		m, err := delegation.ParseMayAct(raw)
		if err != nil {
			return err
		}
		t.MayAct = &m
	}
	if s, present, ok := c.String("scope"); !ok {
		return fail(wimse.ReasonAccessTokenClaimType, "scope is not a string (RFC 8693 §4.2)")
	} else if present {
		var err error
		if t.Scope, err = scope.Parse(s); err != nil {
			return err
		}
	}
	if raw, present, err := object("cnf"); err != nil {
		return err
	} else if present {
		if t.Confirmation, err = confirmation.Parse(raw); err != nil {
			return err
		}
	}
	return nil
}
