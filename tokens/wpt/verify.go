package wpt

import (
	"crypto/subtle"
	"errors"
	"strings"
	"time"

	"github.com/wimse-wg/wimse/internal/joseerr"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/internal/mutant"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/wimse"
)

// Expect is what the receiver knows about the request a WPT arrived with.
// The HTTP profile fills it from configuration and the request's fields.
type Expect struct {
	// Revision is the carriage the WPT came in: RevisionWPT01 checks ath,
	// RevisionWPT02 ignores it.
	Revision wimse.Revision
	// Audience is the expected aud, built from trusted configuration only
	// (wpt-01 §4.7: never from Host or X-Forwarded-Host).
	Audience string
	// WIT is the verified WIT sent with the proof.
	WIT *wit.Token
	// AccessToken is the OAuth access token of a wpt-01 request (the
	// Authorization credentials without the scheme); nil when absent.
	AccessToken *string
	// TxnToken is the Txn-Token field value; nil when absent.
	TxnToken *string
	// OtherTokens maps each configured context-token field the request
	// carries (lower-case name) to its value with leading and trailing
	// spaces removed (wpt-01 §3.1 oth default rule).
	OtherTokens map[string]string
	// KnownOther reports whether an oth entry names a field the receiver
	// understands; nil understands none, so any oth entry is rejected.
	KnownOther func(name string) bool
}

// Verifier verifies WPTs. It is safe for concurrent use if Replay is.
type Verifier struct {
	// Policy is the verification policy.
	Policy wimse.Policy
	// Replay records (sub, jti) pairs; nil disables the replay check
	// (wpt-01 §4: RECOMMENDED, so only for offline use).
	Replay wimse.ReplayCache
}

var joseToReason = map[jose.Code]wimse.Reason{
	jose.CodeMalformed:       wimse.ReasonWPTMalformed,
	jose.CodeOversized:       wimse.ReasonWPTOversized,
	jose.CodeDuplicateMember: wimse.ReasonWPTDuplicateMember,
	jose.CodeTyp:             wimse.ReasonWPTTyp,
	jose.CodeAlg:             wimse.ReasonWPTAlg,
	jose.CodeCrit:            wimse.ReasonWPTCrit,
	jose.CodeHeaderKey:       wimse.ReasonWPTHeaderKey,
	jose.CodeSignature:       wimse.ReasonWPTSignature,
	jose.CodeKey:             wimse.ReasonWPTSignature,
	jose.CodeKeyAlg:          wimse.ReasonWPTAlgMismatch,
	jose.CodeKeyPrivate:      wimse.ReasonWPTSignature,
	// The WIT verifier refuses these confirmation keys; a wit.Token built
	// in code may still carry one, and its reason then names the key.
	jose.CodeKeySmallOrder:         wimse.ReasonWITCnfKeySmallOrder,
	jose.CodeKeyNonCanonical:       wimse.ReasonWITCnfKeyNonCanonical,
	jose.CodeSignatureNonCanonical: wimse.ReasonWPTSignatureNonCanonical,
}

func fromJOSE(err error) error {
	return joseerr.Wrap(err, joseToReason, "wpt")
}

func fail(r wimse.Reason, format string, args ...any) error {
	return wimse.Errorf(r, "wpt: "+format, args...)
}

// off reports whether the conformance self-test disabled the check of r
// (internal/mutant); always false outside this module.
func (v *Verifier) off(r wimse.Reason) bool { return mutant.Of(&v.Policy).Off(string(r)) }

// Verify checks a WPT in compact serialization against e. Failures are
// *wimse.Error values with a wpt.* reason (or server.replay_cache_full).
func (v *Verifier) Verify(raw string, e Expect) (*Token, error) {
	if e.WIT == nil {
		return nil, wimse.Errorf(wimse.ReasonInternal, "wpt: Expect.WIT is required")
	}
	if e.Audience == "" {
		return nil, wimse.Errorf(wimse.ReasonInternal, "wpt: Expect.Audience is required")
	}
	now := v.Policy.Time()
	skip := jose.MutantSkip(mutant.Of(&v.Policy), joseToReason)
	jt, err := jose.ParseSkip(raw, v.Policy.TokenSize(), skip)
	if err != nil {
		return nil, fromJOSE(err)
	}
	var legacy []string
	if v.Policy.Accepts(wimse.RevisionS2S06) {
		legacy = []string{LegacyMediaType}
	}
	if err := jose.CheckHeader(&jt.Header, MediaType, legacy, v.Policy.AlgorithmAllowed, skip); err != nil {
		return nil, fromJOSE(err)
	}
	// string equality with cnf.jwk.alg, before any key is used.
	if jt.Alg != e.WIT.Confirmation.Alg && !v.off(wimse.ReasonWPTAlgMismatch) {
		return nil, fail(wimse.ReasonWPTAlgMismatch, "alg %q is not the WIT's cnf.jwk.alg %q", jt.Alg, e.WIT.Confirmation.Alg)
	}
	// The signature, with cnf.jwk.
	if !v.off(wimse.ReasonWPTSignature) {
		if err := jose.VerifySkip(jt, jt.Alg, e.WIT.Confirmation.Key, skip); err != nil {
			var je *jose.Error
			if errors.As(err, &je) && je.Code == jose.CodeKeyAlg && v.off(wimse.ReasonWPTAlgMismatch) {
				// The alg-equality mutant: an alg unfit for the key
				// fails as a signature that does not verify.
				return nil, fail(wimse.ReasonWPTSignature, "%s", je.Detail)
			}
			return nil, fromJOSE(err)
		}
	}
	claims, err := jose.ParseClaims(jt.Payload)
	if err != nil {
		return nil, fromJOSE(err)
	}
	t := &Token{Raw: raw, Algorithm: jt.Alg, Type: jt.Typ, Claims: claims}
	if err := v.readClaims(t, claims); err != nil {
		return nil, err
	}
	if err := v.checkClaims(t, claims, e, now); err != nil {
		return nil, err
	}
	// Replay last: only otherwise valid proofs are recorded.
	if v.Replay != nil && !v.off(wimse.ReasonWPTReplayed) {
		key := wimse.ReplayKey(e.WIT.Subject.String(), t.ID)
		fresh, err := wimse.CheckReplay(v.Replay, key, t.Expiry.Add(v.Policy.Skew()), now, "wpt: replay cache cannot record the proof")
		if err != nil {
			return nil, err
		}
		if !fresh {
			return nil, fail(wimse.ReasonWPTReplayed, "jti was already used by this sender")
		}
	}
	return t, nil
}

func (v *Verifier) readClaims(t *Token, c jose.Claims) error {
	var ok, present bool
	typeOff := v.off(wimse.ReasonWPTClaimType)
	str := func(name string, dst *string) error {
		if *dst, _, ok = c.String(name); !ok && !typeOff {
			return fail(wimse.ReasonWPTClaimType, "%s is not a string", name)
		}
		return nil
	}
	// ath is read only on the wpt-01 path (checkClaims): in wpt-02 it is an
	// unknown claim and must be ignored, whatever its type.
	for name, dst := range map[string]*string{"aud": &t.Audience, "jti": &t.ID, "wth": &t.WITHash, "tth": &t.TxnTokenHash} {
		if err := str(name, dst); err != nil {
			return err
		}
	}
	if t.Expiry, present, ok = c.NumericDate("exp"); !ok && !typeOff {
		return fail(wimse.ReasonWPTClaimType, "exp is not a NumericDate")
	} else if !present && !v.off(wimse.ReasonWPTExpMissing) {
		return fail(wimse.ReasonWPTExpMissing, "exp is missing")
	}
	for _, name := range []string{"nbf", "iat"} {
		if _, _, ok := c.NumericDate(name); !ok && !typeOff {
			return fail(wimse.ReasonWPTClaimType, "%s is not a NumericDate", name)
		}
	}
	oth, present, ok := c.Object("oth")
	if !ok && !typeOff {
		return fail(wimse.ReasonWPTClaimType, "oth is not an object")
	}
	if present && ok {
		t.OtherTokenHashes = make(map[string]string, len(oth))
		for k := range oth {
			s, _, ok := jose.Claims(oth).String(k)
			if !ok && !typeOff {
				return fail(wimse.ReasonWPTClaimType, "oth entry %q is not a string", k)
			}
			t.OtherTokenHashes[k] = s
		}
	}
	return nil
}

func (v *Verifier) checkClaims(t *Token, c jose.Claims, e Expect, now time.Time) error {
	skew := v.Policy.Skew()
	// aud: required, equal to the configured audience.
	// A *_missing check disabled by the self-test (internal/mutant) makes its claim optional:
	// when absent, the checks of its value are skipped too.
	_, audPresent := c["aud"]
	switch {
	case !audPresent && v.off(wimse.ReasonWPTAudMissing):
	case !audPresent:
		return fail(wimse.ReasonWPTAudMissing, "aud is missing")
	case t.Audience != e.Audience && !v.off(wimse.ReasonWPTAudMismatch):
		return fail(wimse.ReasonWPTAudMismatch, "aud %q is not %q", t.Audience, e.Audience)
	}
	// exp.
	if _, present := c["exp"]; present || !v.off(wimse.ReasonWPTExpMissing) {
		if !now.Before(t.Expiry.Add(skew)) && !v.off(wimse.ReasonWPTExpired) {
			return fail(wimse.ReasonWPTExpired, "expired at %s", t.Expiry.Format(time.RFC3339))
		}
		if max := v.Policy.WPTLifetime(); max > 0 && t.Expiry.After(now.Add(max+skew)) && !v.off(wimse.ReasonWPTExpTooFar) {
			return fail(wimse.ReasonWPTExpTooFar, "exp %s is more than %s ahead", t.Expiry.Format(time.RFC3339), max)
		}
	}
	for _, name := range []string{"nbf", "iat"} {
		if ts, present, _ := c.NumericDate(name); present && ts.After(now.Add(skew)) && !v.off(wimse.ReasonWPTNotYetValid) {
			return fail(wimse.ReasonWPTNotYetValid, "%s lies in the future", name)
		}
	}
	if _, present := c["jti"]; (!present || t.ID == "") && !v.off(wimse.ReasonWPTJTIMissing) {
		return fail(wimse.ReasonWPTJTIMissing, "jti is missing")
	}
	// wth.
	_, wthPresent := c["wth"]
	switch {
	case !wthPresent && v.off(wimse.ReasonWPTWTHMissing):
	case !wthPresent:
		return fail(wimse.ReasonWPTWTHMissing, "wth is missing")
	case !equal(t.WITHash, e.WIT.Hash) && !v.off(wimse.ReasonWPTWTHMismatch):
		return fail(wimse.ReasonWPTWTHMismatch, "wth is not the hash of the WIT sent")
	}
	// ath (wpt-01 only).
	if e.Revision == wimse.RevisionWPT01 {
		var ok bool
		if t.AccessTokenHash, _, ok = c.String("ath"); !ok && !v.off(wimse.ReasonWPTClaimType) {
			return fail(wimse.ReasonWPTClaimType, "ath is not a string")
		}
		if err := v.bind(c, "ath", t.AccessTokenHash, e.AccessToken, wimse.ReasonWPTATHMissing, wimse.ReasonWPTATHMismatch); err != nil {
			return err
		}
	}
	// tth.
	if err := v.bind(c, "tth", t.TxnTokenHash, e.TxnToken, wimse.ReasonWPTTTHMissing, wimse.ReasonWPTTTHMismatch); err != nil {
		return err
	}
	return v.checkOther(t, e)
}

// bind checks a hash claim against the token it binds, if any.
func (v *Verifier) bind(c jose.Claims, name, got string, token *string, missing, mismatch wimse.Reason) error {
	_, present := c[name]
	switch {
	case token == nil:
		if present && !v.off(mismatch) {
			return fail(mismatch, "%s is present but the request has no such token", name)
		}
		return nil
	case !present && v.off(missing):
		return nil
	case !present:
		return fail(missing, "%s is missing", name)
	case !equal(got, wit.Hash(*token)) && !v.off(mismatch):
		return fail(mismatch, "%s is not the hash of the token sent", name)
	}
	return nil
}

// checkOther applies the oth rules.
func (v *Verifier) checkOther(t *Token, e Expect) error {
	for name := range t.OtherTokenHashes {
		if e.KnownOther == nil || !e.KnownOther(name) {
			if v.off(wimse.ReasonWPTOTHUnknown) {
				continue // the mutant ignores entries it does not understand
			}
			return fail(wimse.ReasonWPTOTHUnknown, "oth entry %q is not understood", name)
		}
		if _, ok := e.OtherTokens[name]; !ok && !v.off(wimse.ReasonWPTOTHMismatch) {
			return fail(wimse.ReasonWPTOTHMismatch, "oth entry %q names a field the request does not carry", name)
		}
	}
	for name, value := range e.OtherTokens {
		h, ok := t.OtherTokenHashes[name]
		if !ok && v.off(wimse.ReasonWPTOTHMissing) {
			continue
		}
		if !ok {
			return fail(wimse.ReasonWPTOTHMissing, "the request carries %q but oth does not cover it", name)
		}
		if !equal(h, wit.Hash(strings.Trim(value, " "))) && !v.off(wimse.ReasonWPTOTHMismatch) {
			return fail(wimse.ReasonWPTOTHMismatch, "oth entry %q does not match its field", name)
		}
	}
	return nil
}

// equal compares two hashes in constant time.
func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
