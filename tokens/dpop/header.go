package dpop

import (
	"net/http"
	"strings"

	"github.com/wimse-wg/wimse/wimse"
)

// FromHeader returns the one DPoP proof of a request's header fields (RFC
// 9449 §4.3 check 1: "not more than one DPoP HTTP request header field"):
// "" and nil when there is none, dpop.multiple for two fields or one whose
// value holds a comma (fields a proxy combined: a compact JWS has none),
// dpop.malformed for an empty value.
func FromHeader(h http.Header) (string, error) {
	vs := h.Values(Header)
	switch {
	case len(vs) == 0:
		return "", nil
	case len(vs) > 1 || strings.Contains(vs[0], ","):
		return "", wimse.Errorf(wimse.ReasonDPoPMultiple, "dpop: more than one DPoP header field")
	}
	v := strings.Trim(vs[0], " \t")
	if v == "" {
		return "", wimse.Errorf(wimse.ReasonDPoPMalformed, "dpop: the DPoP header field is empty")
	}
	return v, nil
}
