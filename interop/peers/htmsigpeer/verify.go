package htmsigpeer

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/wimse-wg/wimse/interop/peers/jwxpeer"
)

// checker verifies a WIMSE signature of a message.
type checker struct {
	wit         *jwxpeer.WITVerifier
	maxLifetime time.Duration
}

// checkResult is what a verified message tells.
type checkResult struct {
	wit *jwxpeer.WIT
	sig *signature
}

// check runs the receiver list on m (R1-R7): the WIT, the one WIMSE
// signature, its parameters, the covered components, the body digest, the
// signature and the time window. alwaysCovered names the components every
// message of this kind must cover; fields those covered when present.
func (c checker) check(m *message, body []byte, always []string, reqBound bool, fields []string) (*checkResult, error) {
	wits := m.header.Values("Workload-Identity-Token")
	if len(wits) != 1 {
		return nil, errors.New("not exactly one Workload-Identity-Token field")
	}
	w, err := c.wit.Verify(wits[0])
	if err != nil {
		return nil, err
	}
	sig, found, err := wimseSignature(m.header)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, errors.New("no signature tagged " + Tag)
	}
	def := sig.def
	created, okC := def.Created()
	expires, okE := def.Expires()
	nonce, okN := def.Nonce()
	if !okC || !okE || !okN || nonce == "" {
		return nil, errors.New("signature lacks created, expires or nonce")
	}
	if def.KeyID() != "" || def.Algorithm() != "" || slices.Contains(def.Parameters(), "keyid") || slices.Contains(def.Parameters(), "alg") {
		return nil, errors.New("signature carries keyid or alg")
	}
	for _, name := range always {
		if !covers(def, name, reqBound && name != "@status" && name != "workload-identity-token") {
			return nil, fmt.Errorf("signature does not cover %s", name)
		}
	}
	for _, f := range fields {
		if len(m.header.Values(f)) > 0 && !covers(def, f, false) {
			return nil, fmt.Errorf("signature does not cover %s, which is present", f)
		}
	}
	if len(body) > 0 {
		if err := checkDigest(m.header, body); err != nil {
			return nil, err
		}
		if !covers(def, "content-digest", false) {
			return nil, errors.New("signature does not cover content-digest")
		}
	}
	base, err := signatureBase(m, def, sig.params)
	if err != nil {
		return nil, err
	}
	if err := verify(w.Key, w.Alg, base, sig.value); err != nil {
		return nil, fmt.Errorf("signature does not verify: %w", err)
	}
	now, skew := c.wit.Now, c.wit.Skew
	t := time.Now()
	if now != nil {
		t = now()
	}
	if skew == 0 {
		skew = 60 * time.Second
	}
	ct, et := time.Unix(created, 0), time.Unix(expires, 0)
	switch {
	case !et.After(ct):
		return nil, errors.New("expires is not after created")
	case ct.After(t.Add(skew)):
		return nil, errors.New("created is in the future")
	case t.After(et.Add(skew)):
		return nil, errors.New("signature expired")
	case et.After(t.Add(c.maxLifetime + skew)):
		return nil, errors.New("expires is too far in the future")
	}
	return &checkResult{wit: w, sig: sig}, nil
}

// requestAlways are the components every request covers.
var requestAlways = []string{"@method", "@path", "@query"}

// responseAlways are the components every signed response covers.
var responseAlways = []string{"@status", "@method", "@path", "@query", "workload-identity-token"}
