package wit

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/wimse-wg/wimse/wimse"
)

// Profile selects the rules a Signer issues under and a Verifier enforces.
type Profile string

const (
	// ProfileWIT (the zero value) is the WIMSE WIT of creds-02 §5.1.
	ProfileWIT Profile = ""
	// ProfileSVID is the SPIFFE WIT-SVID (spiffe/spiffe
	// standards/WIT-SVID.md), a sub-profile of the WIT: every rule of the
	// WIT holds, and in addition typ is exactly wit+jwt, kid is present,
	// alg and cnf.jwk.alg are RS/ES/PS, sub is a SPIFFE ID and aud is
	// absent.
	ProfileSVID Profile = "wit-svid"
)

// SVIDAlgorithms are the nine JWS algorithms the WIT-SVID standard allows
// for alg and cnf.jwk.alg. Of these, internal/jose verifies RS256, PS256
// and ES256/384/512 only; the others fail as wit.alg (or wit.cnf_alg).
var SVIDAlgorithms = []string{
	"RS256", "RS384", "RS512",
	"ES256", "ES384", "ES512",
	"PS256", "PS384", "PS512",
}

func svidAlg(alg string) bool { return slices.Contains(SVIDAlgorithms, alg) }

const spiffePrefix = "spiffe://"

// checkSVIDHeader applies the WIT-SVID header rules, before the signature:
// typ exactly wit+jwt (go-spiffe compares it byte for byte too), alg RS/ES/PS,
// kid present.
func (v *Verifier) checkSVIDHeader(alg, kid, typ string, hasKid bool) error {
	if v.Profile != ProfileSVID {
		return nil
	}
	if typ != MediaType && !v.off(wimse.ReasonWITTyp) {
		return fail(wimse.ReasonWITTyp, "typ %q is not exactly %s (WIT-SVID)", typ, MediaType)
	}
	if !svidAlg(alg) && !v.off(wimse.ReasonWITSVIDAlg) {
		return fail(wimse.ReasonWITSVIDAlg, "alg %q is not allowed for a WIT-SVID (RS, ES, PS only)", alg)
	}
	if (!hasKid || kid == "") && !v.off(wimse.ReasonWITSVIDKidMissing) {
		return fail(wimse.ReasonWITSVIDKidMissing, "a WIT-SVID must carry kid")
	}
	return nil
}

// checkSVIDSub rejects a sub that is not a SPIFFE ID before it is parsed
// as a workload identifier (whose own errors are wit.sub_invalid).
func (v *Verifier) checkSVIDSub(sub string) error {
	if v.Profile == ProfileSVID && !strings.HasPrefix(sub, spiffePrefix) && !v.off(wimse.ReasonWITSVIDSub) {
		return fail(wimse.ReasonWITSVIDSub, "sub %q is not a SPIFFE ID", sub)
	}
	return nil
}

// checkSVIDClaims applies the WIT-SVID claim rules to a verified token:
// no aud (whatever its value), cnf.jwk.alg RS/ES/PS.
func (v *Verifier) checkSVIDClaims(t *Token) error {
	if v.Profile != ProfileSVID {
		return nil
	}
	if _, ok := t.Claims["aud"]; ok && !v.off(wimse.ReasonWITSVIDAud) {
		return fail(wimse.ReasonWITSVIDAud, "a WIT-SVID must not carry aud")
	}
	if t.Confirmation.Alg != "" && !svidAlg(t.Confirmation.Alg) && !v.off(wimse.ReasonWITSVIDCnfAlg) {
		return fail(wimse.ReasonWITSVIDCnfAlg, "cnf.jwk.alg %q is not allowed for a WIT-SVID (RS, ES, PS only)", t.Confirmation.Alg)
	}
	return nil
}

// recheckSVID repeats the profile checks for a cached token, which another
// Verifier (of the other profile) may have put in a shared Cache.
func (v *Verifier) recheckSVID(t *Token) error {
	if v.Profile != ProfileSVID {
		return nil
	}
	if err := v.checkSVIDHeader(t.Algorithm, t.KeyID, t.Type, t.KeyID != ""); err != nil {
		return err
	}
	if err := v.checkSVIDSub(t.Subject.String()); err != nil {
		return err
	}
	return v.checkSVIDClaims(t)
}

// checkSVIDSign refuses to issue, under the WIT-SVID profile, a token a
// WIT-SVID validator must reject.
func (s *Signer) checkSVIDSign(c Claims, alg, keyAlg string) error {
	if s.Profile != ProfileSVID {
		return nil
	}
	switch {
	case s.KeyID == "":
		return errors.New("wit: a WIT-SVID needs the signer's KeyID (kid)")
	case s.Type != "" && s.Type != MediaType:
		return fmt.Errorf("wit: a WIT-SVID's typ is %s, not %q", MediaType, s.Type)
	case !svidAlg(alg):
		return fmt.Errorf("wit: alg %q is not allowed for a WIT-SVID (RS, ES, PS only)", alg)
	case !svidAlg(keyAlg):
		return fmt.Errorf("wit: cnf.jwk.alg %q is not allowed for a WIT-SVID (RS, ES, PS only)", keyAlg)
	case c.Subject.Scheme() != "spiffe":
		return fmt.Errorf("wit: a WIT-SVID's subject must be a SPIFFE ID, not %q", c.Subject)
	}
	if _, ok := c.Extra["aud"]; ok {
		return errors.New("wit: a WIT-SVID must not carry aud")
	}
	return nil
}
