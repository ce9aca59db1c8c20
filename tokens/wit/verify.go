package wit

import (
	"errors"
	"slices"
	"time"

	"github.com/wimse-wg/wimse/internal/joseerr"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/internal/mutant"
	"github.com/wimse-wg/wimse/wimse"
)

// Verifier verifies WITs against a trust store and a policy. Its fields are
// read-only once Verify has been called; a Verifier is safe for concurrent
// use.
type Verifier struct {
	// Trust maps trust domains to issuer keys. Nil trusts nothing.
	Trust *wimse.TrustStore
	// Policy is the verification policy (clock, skew, sizes, algorithms,
	// revisions).
	Policy wimse.Policy
	// Schemes lists identifier schemes accepted besides wimse and spiffe
	// (identifier-03 §3: other schemes only when configured).
	Schemes []string
	// Cache, if non-nil, remembers fully verified WITs by hash so a WIT
	// reused across requests costs no second signature check.
	Cache *Cache
	// Profile ProfileSVID accepts only SPIFFE WIT-SVIDs: typ exactly
	// wit+jwt, kid present (wit.svid_kid_missing), alg and cnf.jwk.alg
	// RS/ES/PS (wit.svid_alg, wit.svid_cnf_alg), sub a SPIFFE ID
	// (wit.svid_sub), no aud (wit.svid_aud). The zero value accepts WIMSE
	// WITs.
	Profile Profile
}

var joseToReason = map[jose.Code]wimse.Reason{
	jose.CodeMalformed:       wimse.ReasonWITMalformed,
	jose.CodeOversized:       wimse.ReasonWITOversized,
	jose.CodeDuplicateMember: wimse.ReasonWITDuplicateMember,
	jose.CodeTyp:             wimse.ReasonWITTyp,
	jose.CodeAlg:             wimse.ReasonWITAlg,
	jose.CodeCrit:            wimse.ReasonWITCrit,
	jose.CodeHeaderKey:       wimse.ReasonWITHeaderKey,
	jose.CodeSignature:       wimse.ReasonWITSignature,
	jose.CodeKey:             wimse.ReasonWITSignature,
	jose.CodeKeyAlg:          wimse.ReasonWITSignature,
	jose.CodeKeyPrivate:      wimse.ReasonWITSignature,
	// An issuer key of small order or not canonically encoded verifies
	// nothing (an anchor built in code: wimse.ParseJWKSet refuses them).
	jose.CodeKeySmallOrder:         wimse.ReasonWITSignature,
	jose.CodeKeyNonCanonical:       wimse.ReasonWITSignature,
	jose.CodeSignatureNonCanonical: wimse.ReasonWITSignatureNonCanonical,
}

// cnfJOSEToReason maps the codes of cnf.jwk parsing to the reasons whose
// mutants skip them.
var cnfJOSEToReason = map[jose.Code]wimse.Reason{
	jose.CodeDuplicateMember: wimse.ReasonWITDuplicateMember,
	jose.CodeKeyPrivate:      wimse.ReasonWITCnfKey,
	jose.CodeKeyAlg:          wimse.ReasonWITCnfAlg,
	jose.CodeKeySmallOrder:   wimse.ReasonWITCnfKeySmallOrder,
	jose.CodeKeyNonCanonical: wimse.ReasonWITCnfKeyNonCanonical,
}

func fromJOSE(err error, table map[jose.Code]wimse.Reason) error {
	return joseerr.Wrap(err, table, "wit")
}

func fail(r wimse.Reason, format string, args ...any) error {
	return wimse.Errorf(r, "wit: "+format, args...)
}

// off reports whether the conformance self-test disabled the check of r
// (internal/mutant); always false outside this module.
func (v *Verifier) off(r wimse.Reason) bool { return mutant.Of(&v.Policy).Off(string(r)) }

// Verify checks a WIT in compact serialization and returns it verified.
// Failures are *wimse.Error values with a wit.* reason.
func (v *Verifier) Verify(raw string) (*Token, error) {
	now := v.Policy.Time()
	hash := Hash(raw)
	if v.Cache != nil {
		if t, ok := v.Cache.get(hash); ok {
			if err := v.recheckSVID(t); err != nil {
				return nil, err
			}
			if err := v.recheck(t, now); err != nil {
				return nil, err
			}
			return t, nil
		}
	}
	t, err := v.verify(raw, hash, now)
	if err != nil {
		return nil, err
	}
	if v.Cache != nil {
		v.Cache.put(hash, t, now)
	}
	return t, nil
}

// recheck repeats, for a cached WIT, every check that depends on the trust
// store, the policy or the clock, since those may have changed since it
// was cached: trust domain, algorithms, the issuer key and its algorithm,
// the iss allow-list, exp/nbf/iat.
func (v *Verifier) recheck(t *Token, now time.Time) error {
	anchors, ok := v.anchors(t.Subject.TrustDomain())
	if !ok && v.off(wimse.ReasonWITTrustDomain) {
		anchors, ok = v.borrowAnchors(func(a wimse.Anchors) bool {
			return slices.ContainsFunc(a.Keys, func(k wimse.IssuerKey) bool { return equalKeys(k.Public, t.issuerKey.Public) })
		})
	}
	if !ok {
		return fail(wimse.ReasonWITTrustDomain, "trust domain %q is not trusted", t.Subject.TrustDomain())
	}
	if (!v.Policy.AlgorithmAllowed(t.Algorithm) || !v.Policy.AlgorithmAllowed(t.Confirmation.Alg)) && !v.off(wimse.ReasonWITAlg) {
		return fail(wimse.ReasonWITAlg, "alg is no longer allowed")
	}
	if err := v.checkAlgorithm(anchors, t.Algorithm, t.Subject.TrustDomain()); err != nil {
		return err
	}
	if err := v.checkProofAlgorithm(anchors, t); err != nil {
		return err
	}
	i := slices.IndexFunc(anchors.Keys, func(k wimse.IssuerKey) bool {
		return k.KeyID == t.issuerKey.KeyID && equalKeys(k.Public, t.issuerKey.Public)
	})
	switch {
	case i >= 0:
		if err := v.checkKeyAlgorithm(anchors.Keys[i], t.Algorithm); err != nil {
			return err
		}
	case v.off(wimse.ReasonWITKeyTrustDomain) && v.trustedElsewhere(t):
		// The wit.key_trust_domain mutant: a key of another trusted trust
		// domain still counts.
	case !v.off(wimse.ReasonWITKeyUnknown):
		return fail(wimse.ReasonWITKeyUnknown, "issuer key %q is no longer trusted", t.issuerKey.KeyID)
	}
	if err := v.checkIssuer(anchors, t); err != nil {
		return err
	}
	return v.checkTimes(t, now)
}

func (v *Verifier) checkAlgorithm(a wimse.Anchors, alg string, td wimse.TrustDomain) error {
	if a.Algorithms != nil && !containsAlg(a.Algorithms, alg) && !v.off(wimse.ReasonWITAlg) {
		return fail(wimse.ReasonWITAlg, "alg %q is not allowed for trust domain %q", alg, td)
	}
	return nil
}

func (v *Verifier) checkKeyAlgorithm(k wimse.IssuerKey, alg string) error {
	if k.Algorithm != "" && !jose.SameAlgorithm(k.Algorithm, alg) && !v.off(wimse.ReasonWITSignature) {
		return fail(wimse.ReasonWITSignature, "issuer key %q is for %s, not %s", k.KeyID, k.Algorithm, alg)
	}
	return nil
}

func (v *Verifier) checkIssuer(a wimse.Anchors, t *Token) error {
	if a.Issuers != nil && !slices.Contains(a.Issuers, t.Issuer) && !v.off(wimse.ReasonWITIssuer) {
		return fail(wimse.ReasonWITIssuer, "iss %q is not an allowed issuer of %q", t.Issuer, t.Subject.TrustDomain())
	}
	return nil
}

func (v *Verifier) anchors(td wimse.TrustDomain) (wimse.Anchors, bool) {
	if v.Trust == nil {
		return wimse.Anchors{}, false
	}
	return v.Trust.Anchors(td)
}

func (v *Verifier) legacy() []string {
	if v.Policy.Accepts(wimse.RevisionS2S06) {
		return []string{LegacyMediaType}
	}
	return nil
}

func (v *Verifier) verify(raw, hash string, now time.Time) (*Token, error) {
	skip := jose.MutantSkip(mutant.Of(&v.Policy), joseToReason)
	jt, err := jose.ParseSkip(raw, v.Policy.TokenSize(), skip)
	if err != nil {
		return nil, fromJOSE(err, joseToReason)
	}
	if err := jose.CheckHeader(&jt.Header, MediaType, v.legacy(), v.Policy.AlgorithmAllowed, skip); err != nil {
		return nil, fromJOSE(err, joseToReason)
	}
	if err := v.checkSVIDHeader(jt.Alg, jt.Kid, jt.Typ, jt.HasKid); err != nil {
		return nil, err
	}
	claims, err := jose.ParseClaims(jt.Payload)
	if err != nil {
		return nil, fromJOSE(err, joseToReason)
	}
	t := &Token{Raw: raw, Hash: hash, Algorithm: jt.Alg, KeyID: jt.Kid, Type: jt.Typ, Claims: claims}

	// sub, its trust domain, the anchors.
	sub, present, ok := claims.String("sub")
	switch {
	case !present && !v.off(wimse.ReasonWITSubMissing):
		return nil, fail(wimse.ReasonWITSubMissing, "sub is missing")
	case !ok && !v.off(wimse.ReasonWITClaimType):
		return nil, fail(wimse.ReasonWITClaimType, "sub is not a string")
	}
	if err := v.checkSVIDSub(sub); err != nil {
		return nil, err
	}
	id, err := wimse.ParseIDWithSchemes(sub, v.Schemes...)
	if err != nil {
		return nil, &wimse.Error{Reason: wimse.ReasonWITSubInvalid, Detail: "wit: sub is not a valid workload identifier", Err: err}
	}
	t.Subject = id
	anchors, ok := v.anchors(id.TrustDomain())
	if !ok && v.off(wimse.ReasonWITTrustDomain) {
		anchors, ok = v.borrowAnchors(func(a wimse.Anchors) bool {
			_, err := a.SelectKey(jt.Kid, jt.HasKid)
			return err == nil
		})
	}
	if !ok {
		return nil, fail(wimse.ReasonWITTrustDomain, "trust domain %q is not trusted", id.TrustDomain())
	}
	if err := v.checkAlgorithm(anchors, jt.Alg, id.TrustDomain()); err != nil {
		return nil, err
	}

	// the issuer key and the signature.
	key, err := anchors.SelectKey(jt.Kid, jt.HasKid)
	if err != nil && jt.HasKid {
		// Keys are bound to their trust domain (creds-02 §5.1.3): a kid of
		// another trusted trust domain is named as such, never used.
		if fk, ftd, found := v.foreignKey(id.TrustDomain(), func(k wimse.IssuerKey) bool { return k.KeyID == jt.Kid }); found {
			if !v.off(wimse.ReasonWITKeyTrustDomain) {
				return nil, fail(wimse.ReasonWITKeyTrustDomain, "kid %q names an issuer key of trust domain %q, not of the subject's %q", jt.Kid, ftd, id.TrustDomain())
			}
			key, err = fk, nil // the mutant: one key set for every trust domain
		}
	}
	if err != nil && v.off(wimse.ReasonWITKeyUnknown) && len(anchors.Keys) > 0 {
		key, err = v.anyKey(anchors, jt), nil
	}
	if err != nil {
		return nil, err
	}
	if err := v.checkKeyAlgorithm(key, jt.Alg); err != nil {
		return nil, err
	}
	if !v.off(wimse.ReasonWITSignature) {
		if err := jose.VerifySkip(jt, jt.Alg, key.Public, skip); err != nil {
			return nil, fromJOSE(err, joseToReason)
		}
	}
	t.issuerKey = key

	// Claim types, then exp, nbf and iat.
	if err := v.readClaims(t); err != nil {
		return nil, err
	}
	if err := v.checkTimes(t, now); err != nil {
		return nil, err
	}

	// cnf.jwk, and the trust domain's proof algorithms.
	if err := v.readConfirmation(t); err != nil {
		return nil, err
	}
	if err := v.checkProofAlgorithm(anchors, t); err != nil {
		return nil, err
	}

	// The WIT-SVID profile's claim rules (aud, cnf.jwk.alg).
	if err := v.checkSVIDClaims(t); err != nil {
		return nil, err
	}

	// iss allow-list, when configured.
	if err := v.checkIssuer(anchors, t); err != nil {
		return nil, err
	}
	return t, nil
}

// checkProofAlgorithm applies the trust domain's proof-algorithm allow-list
// to cnf.jwk.alg (http-signature-07 §3.1).
func (v *Verifier) checkProofAlgorithm(a wimse.Anchors, t *Token) error {
	if a.ProofAlgorithms != nil && t.Confirmation.Alg != "" && !containsAlg(a.ProofAlgorithms, t.Confirmation.Alg) && !v.off(wimse.ReasonWITCnfAlg) {
		return fail(wimse.ReasonWITCnfAlg, "cnf.jwk.alg %q is not allowed for trust domain %q", t.Confirmation.Alg, t.Subject.TrustDomain())
	}
	return nil
}

// containsAlg reports whether list names alg, EdDSA and Ed25519 being one
// algorithm (jose.SameAlgorithm).
func containsAlg(list []string, alg string) bool {
	return slices.ContainsFunc(list, func(a string) bool { return jose.SameAlgorithm(a, alg) })
}

// foreignKey returns the first issuer key, in trust-domain order, of a
// trusted trust domain other than td that matches, and that trust domain.
// It is only consulted once the subject's own anchors have failed, to name
// the failure (wit.key_trust_domain), never to verify.
func (v *Verifier) foreignKey(td wimse.TrustDomain, match func(wimse.IssuerKey) bool) (wimse.IssuerKey, wimse.TrustDomain, bool) {
	if v.Trust == nil {
		return wimse.IssuerKey{}, wimse.TrustDomain{}, false
	}
	for _, other := range v.Trust.TrustDomains() {
		if other == td {
			continue
		}
		a, _ := v.Trust.Anchors(other)
		for _, k := range a.Keys {
			if match(k) {
				return k, other, true
			}
		}
	}
	return wimse.IssuerKey{}, wimse.TrustDomain{}, false
}

// trustedElsewhere reports whether a cached WIT's issuer key is still an
// anchor of some other trusted trust domain (the wit.key_trust_domain
// mutant's recheck).
func (v *Verifier) trustedElsewhere(t *Token) bool {
	_, _, ok := v.foreignKey(t.Subject.TrustDomain(), func(k wimse.IssuerKey) bool {
		return k.KeyID == t.issuerKey.KeyID && equalKeys(k.Public, t.issuerKey.Public)
	})
	return ok
}

// borrowAnchors is the wit.trust_domain mutant's lookup: the anchors of the
// first trusted domain that match (has the token's key).
func (v *Verifier) borrowAnchors(match func(wimse.Anchors) bool) (wimse.Anchors, bool) {
	if v.Trust == nil {
		return wimse.Anchors{}, false
	}
	for _, td := range v.Trust.TrustDomains() {
		if a, ok := v.Trust.Anchors(td); ok && match(a) {
			return a, true
		}
	}
	return wimse.Anchors{}, false
}

// anyKey is the wit.key_unknown mutant's key selection: kid ignored, the
// first anchor key whose signature verifies, else the first key.
func (v *Verifier) anyKey(a wimse.Anchors, jt *jose.Token) wimse.IssuerKey {
	for _, k := range a.Keys {
		if (k.Algorithm == "" || jose.SameAlgorithm(k.Algorithm, jt.Alg)) && jose.Verify(jt, jt.Alg, k.Public) == nil {
			return k
		}
	}
	return a.Keys[0]
}

func (v *Verifier) readClaims(t *Token) error {
	var ok, present bool
	typeOK := func() bool { return ok || v.off(wimse.ReasonWITClaimType) }
	if t.Issuer, _, ok = jose.Claims(t.Claims).String("iss"); !typeOK() {
		return fail(wimse.ReasonWITClaimType, "iss is not a string")
	}
	if t.ID, _, ok = jose.Claims(t.Claims).String("jti"); !typeOK() {
		return fail(wimse.ReasonWITClaimType, "jti is not a string")
	}
	if t.Expiry, present, ok = jose.Claims(t.Claims).NumericDate("exp"); !typeOK() {
		return fail(wimse.ReasonWITClaimType, "exp is not a NumericDate")
	} else if !present && !v.off(wimse.ReasonWITExpMissing) {
		return fail(wimse.ReasonWITExpMissing, "exp is missing")
	}
	if t.IssuedAt, _, ok = jose.Claims(t.Claims).NumericDate("iat"); !typeOK() {
		return fail(wimse.ReasonWITClaimType, "iat is not a NumericDate")
	}
	if t.NotBefore, _, ok = jose.Claims(t.Claims).NumericDate("nbf"); !typeOK() {
		return fail(wimse.ReasonWITClaimType, "nbf is not a NumericDate")
	}
	return nil
}

func (v *Verifier) checkTimes(t *Token, now time.Time) error {
	skew := v.Policy.Skew()
	// With the wit.exp_missing mutant an absent exp (zero) is not checked.
	noExp := t.Expiry.IsZero() && v.off(wimse.ReasonWITExpMissing)
	if !noExp && !now.Before(t.Expiry.Add(skew)) && !v.off(wimse.ReasonWITExpired) {
		return fail(wimse.ReasonWITExpired, "expired at %s", t.Expiry.Format(timeFormat))
	}
	if v.off(wimse.ReasonWITNotYetValid) {
		return nil
	}
	if !t.NotBefore.IsZero() && t.NotBefore.After(now.Add(skew)) {
		return fail(wimse.ReasonWITNotYetValid, "not valid before %s", t.NotBefore.Format(timeFormat))
	}
	if !t.IssuedAt.IsZero() && t.IssuedAt.After(now.Add(skew)) {
		return fail(wimse.ReasonWITNotYetValid, "issued in the future at %s", t.IssuedAt.Format(timeFormat))
	}
	return nil
}

func (v *Verifier) readConfirmation(t *Token) error {
	// A disabled check (internal/mutant) that leaves no usable key returns
	// nil with t.Confirmation empty: the WPT then cannot verify.
	cnf, present, ok := jose.Claims(t.Claims).Object("cnf")
	switch {
	case !present && v.off(wimse.ReasonWITCnfMissing):
		return nil
	case !present:
		return fail(wimse.ReasonWITCnfMissing, "cnf is missing")
	case !ok && v.off(wimse.ReasonWITClaimType):
		return nil
	case !ok:
		return fail(wimse.ReasonWITClaimType, "cnf is not an object")
	}
	raw, ok := cnf["jwk"]
	switch {
	case !ok && v.off(wimse.ReasonWITCnfMissing):
		return nil
	case !ok:
		return fail(wimse.ReasonWITCnfMissing, "cnf.jwk is missing (only the jwk confirmation method is defined)")
	case (len(raw) == 0 || raw[0] != '{') && v.off(wimse.ReasonWITCnfKey):
		return nil
	case len(raw) == 0 || raw[0] != '{':
		return fail(wimse.ReasonWITCnfKey, "cnf.jwk is not an object")
	}
	// RFC 7800 §3.1: cnf represents one proof-of-possession key; jwk beside
	// another confirmation method (jkt, x5t#S256, kid, ...) is ambiguous.
	if len(cnf) > 1 && !v.off(wimse.ReasonWITCnfAmbiguous) {
		return fail(wimse.ReasonWITCnfAmbiguous, "cnf holds %d confirmation methods; only jwk, alone, is defined", len(cnf))
	}
	skip := jose.MutantSkip(mutant.Of(&v.Policy), cnfJOSEToReason)
	k, err := jose.ParsePublicJWKSkip(raw, skip)
	if err != nil {
		var je *jose.Error
		if errors.As(err, &je) {
			switch r := cnfJOSEToReason[je.Code]; je.Code {
			case jose.CodeKeyAlg, jose.CodeKeySmallOrder, jose.CodeKeyNonCanonical:
				if v.off(r) {
					return nil
				}
				return fail(r, "cnf.jwk: %s", je.Detail)
			}
		}
		if v.off(wimse.ReasonWITCnfKey) {
			return nil
		}
		return &wimse.Error{Reason: wimse.ReasonWITCnfKey, Detail: "wit: cnf.jwk is not a usable public key", Err: err}
	}
	if err := k.CheckVerifyUse(); err != nil && !v.off(wimse.ReasonWITCnfKeyUse) {
		return fail(wimse.ReasonWITCnfKeyUse, "cnf.jwk: %s", err.(*jose.Error).Detail)
	}
	if !v.off(wimse.ReasonWITCnfAlg) {
		switch {
		case k.Alg == "":
			return fail(wimse.ReasonWITCnfAlg, "cnf.jwk.alg is missing")
		case !jose.IsSupported(k.Alg) || !v.Policy.AlgorithmAllowed(k.Alg):
			return fail(wimse.ReasonWITCnfAlg, "cnf.jwk.alg %q is not allowed", k.Alg)
		}
		if err := jose.CheckKeySkip(k.Alg, k.Key, skip); err != nil {
			return fail(wimse.ReasonWITCnfAlg, "cnf.jwk.alg %q does not fit the key", k.Alg)
		}
	}
	t.Confirmation = Confirmation{Key: k.Key, Alg: k.Alg, JWK: raw}
	return nil
}
