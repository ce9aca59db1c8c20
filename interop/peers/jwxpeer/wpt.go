package jwxpeer

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jws"
	"github.com/lestrrat-go/jwx/v3/jwt"
)

// Hash is base64url(SHA-256(value)) without padding: wth, ath, tth and the
// oth entries (wpt-02 §2).
func Hash(value string) string {
	sum := sha256.Sum256([]byte(value))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// proofClaims are the WPT claims this peer reads, decoded from the
// verified payload so that aud's JSON type is visible (jwt.Token turns a
// string aud into a list).
type proofClaims struct {
	Aud json.RawMessage   `json:"aud"`
	Exp *json.Number      `json:"exp"`
	Jti string            `json:"jti"`
	Wth string            `json:"wth"`
	Ath *string           `json:"ath"`
	Tth *string           `json:"tth"`
	Oth map[string]string `json:"oth"`
}

// proofCheck is what the WPT must match.
type proofCheck struct {
	wit      *WIT
	audience string
	// accessToken is the wpt-01 Bearer/DPoP token ath must bind; "" none.
	accessToken string
	// txnToken is the Txn-Token field value; present says whether one was sent.
	txnToken string
	txnSent  bool
}

// verifyProof verifies a compact WPT against the WIT's confirmation key
// and the request (wpt-02 §2 V2-V12, wpt-01 §3).
func (s *Server) verifyProof(compact string, c proofCheck) (jti string, exp time.Time, err error) {
	if len(compact) > MaxTokenSize || !compactJWT.MatchString(compact) {
		return "", time.Time{}, errors.New("wpt: not a single compact JWT")
	}
	alg, _, err := headerOf(compact, "wpt+jwt")
	if err != nil {
		return "", time.Time{}, fmt.Errorf("wpt: %w", err)
	}
	if alg != c.wit.Alg {
		return "", time.Time{}, fmt.Errorf("wpt: alg %q is not the WIT's cnf.jwk.alg %q", alg, c.wit.Alg)
	}
	sa, ok := jwa.LookupSignatureAlgorithm(alg)
	if !ok {
		return "", time.Time{}, fmt.Errorf("wpt: unknown alg %q", alg)
	}
	var pub any
	if err := exportKey(c.wit.Key, &pub); err != nil {
		return "", time.Time{}, err
	}
	payload, err := jws.Verify([]byte(compact), jws.WithKey(sa, pub))
	if err != nil {
		return "", time.Time{}, fmt.Errorf("wpt: signature: %w", err)
	}
	if err := numericDates(payload); err != nil {
		return "", time.Time{}, fmt.Errorf("wpt: %w", err)
	}
	// Registered-claim validation (exp, nbf, iat) by jwx, on the verified payload.
	tok, err := jwt.Parse(payload, jwt.WithVerify(false), jwt.WithValidate(true),
		jwt.WithClock(jwt.ClockFunc(s.WIT.now)), jwt.WithAcceptableSkew(s.WIT.skew()),
		jwt.WithRequiredClaim("exp"), jwt.WithRequiredClaim("jti"), jwt.WithRequiredClaim("aud"))
	if err != nil {
		return "", time.Time{}, fmt.Errorf("wpt: %w", err)
	}
	var pc proofClaims
	if err := json.Unmarshal(payload, &pc); err != nil {
		return "", time.Time{}, fmt.Errorf("wpt: claims: %w", err)
	}
	var aud string
	if err := json.Unmarshal(pc.Aud, &aud); err != nil {
		return "", time.Time{}, errors.New("wpt: aud is not a string")
	}
	if aud != c.audience {
		return "", time.Time{}, fmt.Errorf("wpt: aud %q is not %q", aud, c.audience)
	}
	exp, _ = tok.Expiration()
	if exp.After(s.WIT.now().Add(s.maxLifetime() + s.WIT.skew())) {
		return "", time.Time{}, errors.New("wpt: exp is too far in the future")
	}
	if pc.Jti == "" {
		return "", time.Time{}, errors.New("wpt: empty jti")
	}
	if pc.Wth == "" || pc.Wth != Hash(c.wit.Raw) {
		return "", time.Time{}, errors.New("wpt: wth does not match the WIT")
	}
	if c.accessToken != "" && (pc.Ath == nil || *pc.Ath != Hash(c.accessToken)) {
		return "", time.Time{}, errors.New("wpt: ath does not match the access token")
	}
	if c.txnSent && (pc.Tth == nil || *pc.Tth != Hash(c.txnToken)) {
		return "", time.Time{}, errors.New("wpt: tth does not match the Txn-Token")
	}
	if len(pc.Oth) > 0 {
		return "", time.Time{}, errors.New("wpt: oth binds tokens this peer does not know")
	}
	return pc.Jti, exp, nil
}

// authenticate runs the carriage and both tokens; it returns the status to
// answer on failure.
func (s *Server) authenticate(r *http.Request) (*WIT, string, int, error) {
	auth := r.Header.Values("Authorization")
	legacy := r.Header.Values("Workload-Proof-Token")
	wpt02 := false
	for _, a := range auth {
		if scheme, _, _ := cutScheme(a); equalFoldASCII(scheme, "WPT") {
			wpt02 = true
		}
	}
	carriage := "wpt-02"
	switch {
	case wpt02 && len(legacy) > 0:
		return nil, "", http.StatusBadRequest, errors.New("request: both Authorization: WPT and Workload-Proof-Token")
	case !wpt02 && len(legacy) > 0:
		carriage = "wpt-01"
	}
	fail := func(err error) (*WIT, string, int, error) {
		if carriage == "wpt-01" {
			return nil, carriage, http.StatusBadRequest, err
		}
		return nil, carriage, http.StatusUnauthorized, err
	}
	var proof, access string
	switch carriage {
	case "wpt-02":
		if len(auth) == 0 {
			return fail(errors.New("request: no WPT"))
		}
		if len(auth) != 1 {
			return fail(errors.New("request: more than one Authorization field"))
		}
		scheme, cred, ok := cutScheme(auth[0])
		if !equalFoldASCII(scheme, "WPT") {
			return fail(errors.New("request: Authorization does not use the WPT scheme"))
		}
		if !ok || !token68.MatchString(cred) {
			return fail(errors.New("request: malformed WPT credentials"))
		}
		proof = cred
	case "wpt-01":
		if len(legacy) != 1 {
			return fail(errors.New("request: more than one Workload-Proof-Token field"))
		}
		proof = legacy[0]
		if len(auth) > 1 {
			return fail(errors.New("request: more than one Authorization field"))
		}
		if len(auth) == 1 {
			// RFC 9110 §11.4: a field that is not credentials is refused,
			// not ignored, so that no lenient parser downstream reads an
			// access token that ath does not bind.
			if !credentials.MatchString(auth[0]) {
				return fail(errors.New("request: Authorization is not RFC 9110 credentials"))
			}
			scheme, cred, ok := cutScheme(auth[0])
			if equalFoldASCII(scheme, "Bearer") || equalFoldASCII(scheme, "DPoP") {
				if !ok || !token68.MatchString(cred) {
					return fail(errors.New("request: malformed access token"))
				}
				access = cred
			}
		}
	}
	wits := r.Header.Values("Workload-Identity-Token")
	if len(wits) != 1 {
		return fail(errors.New("request: not exactly one Workload-Identity-Token field"))
	}
	w, err := s.WIT.Verify(wits[0])
	if err != nil {
		return fail(err)
	}
	txn := r.Header.Values("Txn-Token")
	if len(txn) > 1 {
		return nil, carriage, http.StatusBadRequest, errors.New("request: more than one Txn-Token field")
	}
	c := proofCheck{wit: w, audience: s.audienceFor(r), accessToken: access, txnSent: len(txn) == 1}
	if c.txnSent {
		c.txnToken = txn[0]
	}
	jti, exp, err := s.verifyProof(proof, c)
	if err != nil {
		return fail(err)
	}
	if !s.replay.Add(w.Subject+"\x00"+jti, exp.Add(s.WIT.skew()), s.WIT.now()) {
		return fail(errors.New("wpt: jti replayed"))
	}
	return w, carriage, 0, nil
}
