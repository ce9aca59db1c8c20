package jwtgrant

import (
	"slices"
	"time"

	"github.com/spiffe/go-spiffe/v2/bundle/jwtbundle"
	"github.com/spiffe/go-spiffe/v2/spiffeid"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/wimse"
)

// svidAlgorithms are the JWT-SVID algorithms (SPIFFE JWT-SVID §3: RS, ES
// and PS) that the JOSE layer supports.
var svidAlgorithms = []string{"RS256", "PS256", "ES256", "ES384", "ES512"}

// SVIDAlgorithms returns the JWT-SVID algorithms SPIFFEVerifier accepts:
// token_endpoint_auth_signing_alg_values_supported for spiffe_jwt.
func SVIDAlgorithms() []string { return slices.Clone(svidAlgorithms) }

// SPIFFEVerifier verifies JWT-SVIDs sent as client assertions with
// client_assertion_type urn:ietf:params:oauth:client-assertion-type:jwt-spiffe
// (draft-ietf-oauth-spiffe-client-auth-02 §3.1). Keys come from the JWT
// bundle of the trust domain of the SVID's SPIFFE ID (§6: bundles keyed by
// trust domain, configured out of band). It is safe for concurrent use if
// Bundles and Replay are.
//
// Experimental: the draft may change.
type SPIFFEVerifier struct {
	// Issuer is the authorization server's issuer identifier: the sole
	// audience a JWT-SVID may name (§3.1, the rfc7523bis rule). Required.
	Issuer string
	// Bundles gives each trusted trust domain's JWT bundle (go-spiffe's
	// jwtbundle.Set, a workloadapi.BundleSource, or a bundle endpoint
	// client). Nil trusts no trust domain.
	Bundles jwtbundle.Source
	// Policy supplies the clock, the clock skew, the token size limit and
	// the algorithm restriction.
	Policy wimse.Policy
	// MaxLifetime bounds exp - now (beyond the skew) and exp - iat. Zero
	// means DefaultMaxLifetime; negative disables the check.
	MaxLifetime time.Duration
	// Replay, when set, makes a JWT-SVID that carries a jti single-use,
	// keyed by (SPIFFE ID, jti). Nil (the default) accepts a JWT-SVID until
	// it expires: SPIFFE agents cache and reuse JWT-SVIDs, and neither the
	// draft nor the JWT-SVID specification requires jti tracking.
	Replay wimse.ReplayCache
}

// Verify verifies a JWT-SVID client assertion. clientID is the client_id
// request parameter, "" when absent (-02 §3.1 makes it optional); when
// present it must be the SVID's SPIFFE ID. Whether that SPIFFE ID is a
// registered client (§3.1 "associated with a known client") is the
// caller's decision. Failures are *wimse.Error values with a jwtgrant.*
// reason (or server.*); a token endpoint answers them with invalid_client.
func (v *SPIFFEVerifier) Verify(raw, clientID string) (*Assertion, error) {
	if v.Issuer == "" {
		return nil, wimse.Errorf(wimse.ReasonInternal, "jwtgrant: SPIFFEVerifier.Issuer is required")
	}
	jt, err := jose.Parse(raw, v.Policy.TokenSize())
	if err != nil {
		return nil, fromJOSE(err)
	}
	if err := checkHeader(&jt.Header, &v.Policy, svidTyp, svidAlg); err != nil {
		return nil, err
	}
	a, _, err := readClaims(jt, raw)
	if err != nil {
		return nil, err
	}
	// sub names the trust domain, hence the keys.
	if a.Subject == "" {
		return nil, fail(wimse.ReasonJWTGrantSubMissing, "sub is missing")
	}
	id, err := spiffeid.FromString(a.Subject)
	if err != nil || id.Path() == "" {
		return nil, fail(wimse.ReasonJWTGrantSubInvalid, "sub is not the SPIFFE ID of a workload")
	}
	if err := v.verifySignature(jt, id.TrustDomain()); err != nil {
		return nil, err
	}
	a.SPIFFEID = id
	if clientID != "" && clientID != id.String() {
		return nil, fail(wimse.ReasonJWTGrantClientIDMismatch, "client_id is not the SPIFFE ID of the JWT-SVID")
	}
	if err := checkAudience(a.Audience, []string{v.Issuer}); err != nil {
		return nil, err
	}
	if err := checkTimes(a, &v.Policy, lifetime(v.MaxLifetime)); err != nil {
		return nil, err
	}
	if v.Replay != nil && a.ID != "" {
		if err := checkReplay(v.Replay, &v.Policy, id.String(), a); err != nil {
			return nil, err
		}
	}
	return a, nil
}

func (v *SPIFFEVerifier) verifySignature(jt *jose.Token, td spiffeid.TrustDomain) error {
	// SPIFFE JWT-SVID §2.2: kid is REQUIRED; keys are found by it.
	if jt.Kid == "" {
		return fail(wimse.ReasonJWTGrantKeyUnknown, "a JWT-SVID must have a kid")
	}
	if v.Bundles == nil {
		return fail(wimse.ReasonJWTGrantTrustDomain, "no trust domain is trusted")
	}
	b, err := v.Bundles.GetJWTBundleForTrustDomain(td)
	if err != nil || b == nil {
		return fail(wimse.ReasonJWTGrantTrustDomain, "trust domain %q has no JWT bundle", td)
	}
	pub, ok := b.FindJWTAuthority(jt.Kid)
	if !ok {
		return fail(wimse.ReasonJWTGrantKeyUnknown, "trust domain %q has no JWT authority %q", td, jt.Kid)
	}
	return verifyWith(jt, wimse.IssuerKey{KeyID: jt.Kid, Public: pub})
}

// svidTyp accepts a JWT-SVID's typ: absent, JWT or JOSE, compared exactly
// as go-spiffe's jwtsvid does (SPIFFE JWT-SVID §2.3). A JWT-SVID is never
// client-authentication+jwt.
func svidTyp(h *jose.Header) bool { return !h.HasTyp || h.Typ == "JWT" || h.Typ == "JOSE" }

func svidAlg(alg string) bool {
	for _, a := range svidAlgorithms {
		if a == alg {
			return true
		}
	}
	return false
}
