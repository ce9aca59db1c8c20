package httpwpt

import (
	"crypto"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/internal/mutant"
)

// mutantHook names the Transport's embedded mutant.Hook so that it stays
// unexported: the client-role self-test (conformance/clientrole) breaks
// one sender-side behaviour at a time through it (internal/mutant
// ClientChecks); outside this module it is always empty.
type mutantHook = mutant.Hook

// Client mutant keys of this transport.
const (
	mutantAud      = "client.wpt.aud"
	mutantJTI      = "client.wpt.jti_reuse"
	mutantExpFar   = "client.wpt.exp_far"
	mutantWTH      = "client.wpt.wth_missing"
	mutantTyp      = "client.wpt.typ"
	mutantAlg      = "client.wpt.alg"
	mutantATH      = "client.wpt.ath_missing"
	mutantTTH      = "client.wpt.tth_missing"
	mutantOTH      = "client.wpt.oth_missing"
	mutantFixedJTI = "client-role-mutant-jti"
)

// mutateProof re-signs proof with the header and claim mutants of m: typ
// JWT, alg ES384 whatever the key, no wth. Without them it returns proof.
func mutateProof(m *mutant.Set, proof string, key crypto.Signer, alg string) (string, error) {
	if !m.Off(mutantTyp) && !m.Off(mutantAlg) && !m.Off(mutantWTH) {
		return proof, nil
	}
	parts := strings.Split(proof, ".")
	if len(parts) != 3 {
		return "", errors.New("httpwpt: mutant: not a compact JWS")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", err
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		return "", err
	}
	header := map[string]any{"alg": alg, "typ": "wpt+jwt"}
	if m.Off(mutantTyp) {
		header["typ"] = "JWT"
	}
	if m.Off(mutantAlg) {
		header["alg"] = "ES384"
	}
	if m.Off(mutantWTH) {
		delete(claims, "wth")
	}
	hb, err := json.Marshal(header)
	if err != nil {
		return "", err
	}
	pb, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	return jose.SignRaw(hb, pb, alg, key, false)
}
