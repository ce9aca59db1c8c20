package vectors

import (
	"fmt"
	"slices"
)

// --- wpt-01 Authorization credentials (RFC 9110 §11.4) ----------------------
//
// A wpt-01 receiver binds an OAuth access token in the request through ath
// (wpt-01 §3.1). Which token that is depends on reading the Authorization
// field as RFC 9110 §11.4 credentials: the scheme is a token compared
// case-insensitively, 1*SP separates it from the token68. A receiver that
// looks for the literal prefix "Bearer " misses "bearer", "dPoP" and
// "Bearer  " (two spaces), and one that ignores a field it cannot parse lets
// "Bearer<HTAB>token" through unbound, though many OAuth libraries read the
// token from it. These vectors play both against a target: the spellings
// RFC 9110 allows must still require ath, and a field that is not
// credentials must be refused.

// wptAuthzVectors builds the catalogue from the wpt-01 vectors in vs: the
// valid sources are wpt01-valid (no Authorization field) and
// wpt01-bearer-ath (an access token bound by ath).
func wptAuthzVectors(vs []Vector) []Vector {
	d := []string{"wpt-01"}
	valid01, bearer := findVector(vs, "wpt01-valid"), findVector(vs, "wpt01-bearer-ath")
	// authz sends the access token under the Authorization value v (with
	// {{token:access}}) next to the Workload-Proof-Token field.
	authz := func(v string) func(*Template) {
		return func(t *Template) {
			t.Tokens = map[string]string{"access": wptAccessToken}
			t.Request.Fields = wptFields([2]string{"Authorization", v}, [2]string{"Workload-Proof-Token", "{{wpt}}"})
		}
	}
	reqs := []string{"WPT01-ATH", "WPT01-AUTHZ"}
	status := slices.Concat(reqs, []string{"WPT01-STATUS"})
	// spelling is a valid request whose access token is sent under another
	// spelling RFC 9110 allows, bound by ath, and the same request with ath
	// removed, which must be refused.
	spelling := func(id, value, what string) []Vector {
		ok := Derived(bearer, id+"-ath", what+"; ath binds the token value alone", authz(value), reqs, []string{"EdgeCase"}, Accept(d))
		ok.Mutation = nil
		missing := Derived(ok, id+"-ath-missing", what+" and the WPT has no ath: the access token would go unbound",
			wptSetClaim("ath", nil), status, []string{"AuthBypass"}, RejectCredential("wpt.ath_missing", d))
		return []Vector{ok, missing}
	}
	var out []Vector
	out = append(out, spelling("wpt01-bearer-two-spaces", "Bearer  {{token:access}}",
		`the access token follows "Bearer" and two spaces (1*SP, RFC 9110 §11.4)`)...)
	out = append(out, spelling("wpt01-bearer-lower-case", "bearer {{token:access}}",
		`the scheme is spelled "bearer" (auth schemes are case-insensitive, RFC 9110 §11.1)`)...)
	out = append(out, spelling("wpt01-dpop-mixed-case", "dPoP {{token:access}}",
		`the access token is sent with the DPoP scheme spelled "dPoP" (case-insensitive)`)...)
	htab := Derived(valid01, "wpt01-authz-htab",
		"an Authorization field \"Bearer<HTAB><token>\" is added and the WPT has no ath: a horizontal tab is not the 1*SP of RFC 9110 §11.4, "+
			"so the field is not credentials; a receiver that ignores it leaves unbound a token that lenient OAuth parsers read as a Bearer token. "+
			"It must be refused (the reference implementation answers request.authorization_malformed; a receiver reading the tab as a separator and requiring ath also refuses)",
		authz("Bearer\t{{token:access}}"), status, []string{"AuthBypass", "Malformed", "Inference"},
		RejectRequest("request.authorization_malformed", d))
	empty := wptAcceptable(Derived(valid01, "wpt01-authz-bearer-empty",
		`an Authorization field "Bearer" with no token is added (RFC 6750 §2.1 requires "Bearer" 1*SP b64token)`,
		authz("Bearer"), reqs, []string{"Malformed"}, RejectRequest("request.authorization_malformed", d)),
		"no access token is left unbound, so a receiver may ignore the field; the reference implementation refuses Bearer or DPoP credentials that are not one token68")
	out = append(out, htab, empty)
	return wptLabel(out, "carriage", "wpt-01", "authorization")
}

// findVector returns the vector of vs with the given ID; the catalogues are
// built in code, so a missing source is a programming error.
func findVector(vs []Vector, id string) Vector {
	for _, v := range vs {
		if v.ID == id {
			return v
		}
	}
	panic(fmt.Sprintf("vectors: no source vector %q", id))
}
