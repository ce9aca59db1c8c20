package attestation

import (
	"net/http"
	"strings"

	"github.com/wimse-wg/wimse/wimse"
)

// HTTP fields of §5.1 and §6.2. Names are case-insensitive, values
// case-sensitive.
const (
	// HeaderAttestation carries the Client Attestation JWT (for spiffe_wit,
	// the WIT-SVID).
	HeaderAttestation = "OAuth-Client-Attestation"
	// HeaderPoP carries the Client Attestation PoP JWT.
	HeaderPoP = "OAuth-Client-Attestation-PoP"
	// HeaderChallenge carries a fresh challenge in a server's response
	// (§6.2): always with use_attestation_challenge, optionally with others.
	HeaderChallenge = "OAuth-Client-Attestation-Challenge"
)

// Media types (typ values) of the two JWTs (§4, §5.1), compared exactly.
const (
	// MediaType is the typ of a Client Attestation JWT.
	MediaType = "oauth-client-attestation+jwt"
	// PoPMediaType is the typ of a Client Attestation PoP JWT.
	PoPMediaType = "oauth-client-attestation-pop+jwt"
)

// OAuth error codes of §7.4. The OAuth registry constants live in
// tokens/oauth; these are the attestation draft's own, still
// provisional.
const (
	// ErrorUseAttestationChallenge: the PoP lacks the challenge the server
	// expects; the answer carries a fresh one in HeaderChallenge (§7.4).
	ErrorUseAttestationChallenge = "use_attestation_challenge"
	// ErrorUseFreshAttestation: the attestation is not fresh enough (§7.4).
	ErrorUseFreshAttestation = "use_fresh_attestation"
	// ErrorInvalidClientAttestation: the attestation or its PoP failed
	// verification; a server MAY send it instead of invalid_client (§7.4).
	ErrorInvalidClientAttestation = "invalid_client_attestation"
)

// FromHeader returns the attestation and PoP a request carries (§5.1,
// §7.1 step 1, §7.2 step 1): exactly one OAuth-Client-Attestation field
// and exactly one OAuth-Client-Attestation-PoP field, each one token68
// (RFC 9110 §11.2; a list value such as "a, b" is not one). Failures are
// *wimse.Error values: attestation.missing, attestation.multiple,
// attestation.malformed, attestation.pop_missing,
// attestation.pop_multiple, attestation.pop_malformed. The attestation
// field is checked first.
func FromHeader(h http.Header) (att, pop string, err error) {
	att, err = field(h, HeaderAttestation, wimse.ReasonAttestationMissing, wimse.ReasonAttestationMultiple, wimse.ReasonAttestationMalformed)
	if err != nil {
		return "", "", err
	}
	pop, err = field(h, HeaderPoP, wimse.ReasonAttestationPoPMissing, wimse.ReasonAttestationPoPMultiple, wimse.ReasonAttestationPoPMalformed)
	if err != nil {
		return "", "", err
	}
	return att, pop, nil
}

// field returns the one token68 value of the field name.
func field(h http.Header, name string, missing, multiple, malformed wimse.Reason) (string, error) {
	vs := h.Values(name)
	switch {
	case len(vs) == 0:
		return "", wimse.Errorf(missing, "attestation: no %s field", name)
	case len(vs) > 1:
		return "", wimse.Errorf(multiple, "attestation: %d %s fields", len(vs), name)
	}
	v := strings.Trim(vs[0], " \t")
	if strings.Contains(v, ",") {
		return "", wimse.Errorf(multiple, "attestation: %s holds a list", name)
	}
	if !IsToken68(v) {
		return "", wimse.Errorf(malformed, "attestation: %s is not a token68", name)
	}
	return v, nil
}

// IsToken68 reports whether s is a token68 (RFC 9110 §11.2):
// 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
func IsToken68(s string) bool {
	body := strings.TrimRight(s, "=")
	if body == "" {
		return false
	}
	for i := 0; i < len(body); i++ {
		c := body[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~+/", c) >= 0) {
			return false
		}
	}
	return true
}
