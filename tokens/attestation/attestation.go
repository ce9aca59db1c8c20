package attestation

import (
	"crypto"
	"encoding/json"
	"time"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/wimse"
)

// Attestation is a verified Client Attestation JWT (§4) of the generic
// profile (typ oauth-client-attestation+jwt). A WIT-SVID used as an
// attestation is verified by tokens/wit instead.
type Attestation struct {
	// Raw is the compact serialization as received.
	Raw string
	// Algorithm and KeyID are the header's alg and kid.
	Algorithm, KeyID string
	// Subject is sub: the client_id of the client (§4).
	Subject string
	// Expiry is exp; IssuedAt is iat, zero when absent.
	Expiry, IssuedAt time.Time
	// Key is cnf.jwk: the Client Instance Key, which signs the PoPs.
	Key Key
	// Claims holds every claim as raw JSON, known or not (unknown claims
	// are ignored, §4).
	Claims map[string]json.RawMessage
}

// Verifier verifies Client Attestation JWTs of the generic profile (§4,
// §7.1 steps 2 to 6) against configured attester keys. It is safe for
// concurrent use once configured.
type Verifier struct {
	// Attesters maps a kid to the attester's public key; the key "" serves
	// attestations without kid. Keys are configured out of band (§10.8:
	// kid with pre-shared keys); the header never names one (jku, x5u,
	// jwk, x5c are attestation.header). Nil trusts nothing.
	Attesters map[string]crypto.PublicKey
	// Algorithms restricts alg further than the supported asymmetric
	// algorithms; nil means all of them. MAC-protected attestations (§4)
	// are not supported (§12: SHOULD prefer signatures).
	Algorithms []string
	// ClockSkew is the tolerance for exp, nbf and iat; zero means
	// wimse.DefaultClockSkew, negative none.
	ClockSkew time.Duration
	// MaxSize bounds the compact attestation in bytes; zero means
	// wimse.DefaultMaxTokenSize.
	MaxSize int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Verify checks an attestation and returns it verified. The checks run
// in this order: the JWS structure (attestation.malformed), the header
// (attestation.header, attestation.typ, attestation.alg), the attester key
// (attestation.key_unknown), the signature (attestation.signature), claim
// types (attestation.claim_type), sub (attestation.sub_missing), exp
// (attestation.exp_missing, attestation.expired), nbf and iat
// (attestation.not_yet_valid) and cnf (attestation.cnf: a jwk holding a
// supported public key; its alg, when present, must fit the key). iss,
// removed by -08, is ignored like every unknown claim. The caller checks
// client_id against Subject (§7.1 step 7, §7.5).
func (v *Verifier) Verify(raw string) (*Attestation, error) {
	jt, err := jose.Parse(raw, maxSize(v.MaxSize))
	if err != nil {
		return nil, fromJOSE(err, attReasons)
	}
	if err := jose.CheckHeader(&jt.Header, MediaType, nil, allowed(v.Algorithms), nil); err != nil {
		return nil, fromJOSE(err, attReasons)
	}
	pub, ok := v.Attesters[jt.Kid]
	if !ok || pub == nil {
		return nil, fail(wimse.ReasonAttestationKeyUnknown, "no attester key has kid %q", truncate(jt.Kid))
	}
	if err := jose.Verify(jt, jt.Alg, pub); err != nil {
		return nil, fromJOSE(err, attReasons)
	}
	c, err := jose.ParseClaims(jt.Payload)
	if err != nil {
		return nil, fromJOSE(err, attReasons)
	}
	a := &Attestation{Raw: raw, Algorithm: jt.Alg, KeyID: jt.Kid, Claims: c}
	sub, _, ok := c.String("sub")
	if !ok {
		return nil, fail(wimse.ReasonAttestationClaimType, "sub is not a string")
	}
	for _, name := range []string{"exp", "nbf", "iat"} {
		if _, _, ok := c.NumericDate(name); !ok {
			return nil, fail(wimse.ReasonAttestationClaimType, "%s is not a NumericDate", name)
		}
	}
	cnf, cnfPresent, ok := c.Object("cnf")
	if !ok {
		return nil, fail(wimse.ReasonAttestationClaimType, "cnf is not an object")
	}
	if sub == "" {
		return nil, fail(wimse.ReasonAttestationSubMissing, "sub is missing")
	}
	a.Subject = sub
	now := time.Now()
	if v.Now != nil {
		now = v.Now()
	}
	skew := skewOf(v.ClockSkew)
	exp, present, _ := c.NumericDate("exp")
	switch {
	case !present:
		return nil, fail(wimse.ReasonAttestationExpMissing, "exp is missing")
	case !now.Before(exp.Add(skew)):
		return nil, fail(wimse.ReasonAttestationExpired, "expired at %s", exp.Format(time.RFC3339))
	}
	a.Expiry = exp
	for _, name := range []string{"nbf", "iat"} {
		if t, present, _ := c.NumericDate(name); present && t.After(now.Add(skew)) {
			return nil, fail(wimse.ReasonAttestationNotYetValid, "%s lies in the future", name)
		}
	}
	a.IssuedAt, _, _ = c.NumericDate("iat")
	if !cnfPresent {
		return nil, fail(wimse.ReasonAttestationCnf, "cnf is missing")
	}
	jwk, ok := cnf["jwk"]
	if !ok {
		return nil, fail(wimse.ReasonAttestationCnf, "cnf has no jwk")
	}
	k, err := jose.ParsePublicJWK(jwk)
	if err != nil {
		return nil, fail(wimse.ReasonAttestationCnf, "cnf.jwk: %v", err)
	}
	if err := k.CheckVerifyUse(); err != nil {
		return nil, fail(wimse.ReasonAttestationCnf, "cnf.jwk: %v", err)
	}
	if k.Alg != "" {
		if err := jose.CheckKey(k.Alg, k.Key); err != nil {
			return nil, fail(wimse.ReasonAttestationCnf, "cnf.jwk: %v", err)
		}
	}
	a.Key = Key{Public: k.Key, Alg: k.Alg}
	return a, nil
}
