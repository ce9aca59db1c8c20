package conformance

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/wimse-wg/wimse/vectors"
)

// A problem is one check an answer missed: the requirement it rests on
// and what was wrong.
type problem struct {
	req string
	msg string
}

// scoreExchange scores an answer to an exchange vector: status, message,
// and the requirement IDs of the checks it missed (added to the result).
func (r *Runner) scoreExchange(v *vectors.Vector, m *vectors.ExchangeRequest, a *answer) (Status, string, []string) {
	got := "reject"
	if a.status >= 200 && a.status < 300 {
		got = "accept"
	}
	sig := v.Expect.Signal[vectors.SignalExchange]
	if got != v.Expect.Verdict && v.Result != vectors.ResultAcceptable {
		msg := fmt.Sprintf("expected the target to %s (status %d", v.Expect.Verdict, sig.Status)
		if v.Expect.Reason != "" {
			msg += ", " + v.Expect.Reason
		}
		msg += fmt.Sprintf("), but it answered %d", a.status)
		if code, ok := a.str("error"); ok {
			msg += " " + code
		}
		if slices.Contains(v.Flags, vectors.FlagShouldLevel) && !r.cfg.Strict {
			return StatusWarn, msg + " (a SHOULD: a failure with --strict)", nil
		}
		return StatusFail, msg, nil
	}
	var probs []problem
	if got == "accept" {
		probs = append(checkIssued(v, m, a), r.checkCertificateBound(v, m, a)...)
	} else {
		if a.status >= 500 {
			return StatusFail, fmt.Sprintf("answered %d: a server error is not a rejection (RFC 6749 §5.2: 400 with an error code)", a.status), []string{"TX-ERROR-FORMAT"}
		}
		probs = checkError(v, a)
	}
	if len(probs) == 0 {
		if v.Result == vectors.ResultAcceptable {
			return StatusPass, fmt.Sprintf("acceptable either way (%s): the target chose to %s", strings.Join(v.Flags, ", "), got), nil
		}
		return StatusPass, "", nil
	}
	status := StatusWarn
	var msgs, ids []string
	for _, p := range probs {
		level := r.reqs[p.req].Level
		mandatory := level == vectors.MUST || level == vectors.MUSTNOT
		// A rejection's signalling is a warn (right verdict); an issued
		// token that misses a MUST is a failure; a SHOULD is a failure
		// only with --strict.
		if got == "accept" && (mandatory || r.cfg.Strict) {
			status = StatusFail
		}
		msgs = append(msgs, p.msg+" ("+p.req+")")
		ids = append(ids, p.req)
	}
	prefix := "right verdict, but "
	if got == "accept" {
		prefix = "the token was issued, but "
	}
	return status, prefix + strings.Join(msgs, "; "), ids
}

// checkCertificateBound: with Issued.CertificateBound, the issued token
// lies within the validity of the client certificate presented, and no
// refresh_token comes with it (the X.509 certificate profile, WI-01).
func (r *Runner) checkCertificateBound(v *vectors.Vector, m *vectors.ExchangeRequest, a *answer) []problem {
	if is := v.Exchange.Issued; is == nil || !is.CertificateBound {
		return nil
	}
	var out []problem
	add := func(format string, args ...any) {
		out = append(out, problem{"WI-X509-ACCEPT", fmt.Sprintf(format, args...)})
	}
	if _, ok := a.body["refresh_token"]; ok {
		add("a refresh_token for an exchanged certificate")
	}
	chain, err := r.chain(m.Certificate)
	if err != nil || len(chain) == 0 {
		add("the vector's client certificate cannot be read: %v", err)
		return out
	}
	tok, _ := a.str("access_token")
	claims := decodeJWTClaims(tok)
	if claims == nil {
		return out // an opaque token: its lifetime is not observable
	}
	leaf := chain[0]
	exp, ok := number(claims["exp"])
	switch {
	case !ok:
		add("the issued token has no exp: it may outlive the certificate")
	case int64(exp) > leaf.NotAfter.Unix():
		add("the issued token expires %d s after the certificate's notAfter", int64(exp)-leaf.NotAfter.Unix())
	}
	if nbf, ok := number(claims["nbf"]); ok && int64(nbf) < leaf.NotBefore.Unix() {
		add("the issued token's nbf is %d s before the certificate's notBefore", leaf.NotBefore.Unix()-int64(nbf))
	}
	return out
}

// checkError checks the signalling of a rejection (RFC 6749 §5.2).
func checkError(v *vectors.Vector, a *answer) []problem {
	var out []problem
	sig := v.Expect.Signal[vectors.SignalExchange]
	x := v.Exchange
	if sig.Status != 0 && a.status != sig.Status && !slices.Contains(x.AltStatus, a.status) && v.Result != vectors.ResultAcceptable {
		out = append(out, problem{"TX-ERROR-FORMAT", fmt.Sprintf("status %d instead of %d", a.status, sig.Status)})
	}
	if !a.isJSON {
		out = append(out, problem{"TX-JSON", fmt.Sprintf("Content-Type %q instead of application/json", a.contentType)})
	}
	code, ok := a.str("error")
	switch {
	case !ok:
		out = append(out, problem{"TX-ERROR-FORMAT", "no error member in a JSON body"})
	case v.Result == vectors.ResultAcceptable || code == v.Expect.Reason || slices.Contains(x.Accept, code):
	case slices.Contains(x.Deviations, code):
		out = append(out, problem{v.Requirements[0], fmt.Sprintf("error %s instead of %s: a recorded deviation from the RFC text", code, v.Expect.Reason)})
	default:
		want := v.Expect.Reason
		if len(x.Accept) > 0 {
			want += " (or " + strings.Join(x.Accept, ", ") + ")"
		}
		out = append(out, problem{v.Requirements[0], fmt.Sprintf("error %s instead of %s", code, want)})
	}
	if !hasNoStore(a) {
		out = append(out, problem{"TX-ERROR-NO-STORE", "no Cache-Control: no-store"})
	}
	if x.ChallengeHeader && a.header.Get("OAuth-Client-Attestation-Challenge") == "" {
		out = append(out, problem{"ABCA-CHALLENGE", "no fresh challenge in OAuth-Client-Attestation-Challenge"})
	}
	if a.status == 401 && len(a.header.Values("WWW-Authenticate")) == 0 {
		out = append(out, problem{"TX-401-CHALLENGE", "a 401 without WWW-Authenticate"})
	}
	return out
}

func hasNoStore(a *answer) bool {
	for _, v := range a.header.Values("Cache-Control") {
		for _, d := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(d), "no-store") {
				return true
			}
		}
	}
	return false
}

// checkIssued checks a token response (RFC 6749 §5.1, RFC 8693 §2.2.1)
// and the issued token against the request.
func checkIssued(v *vectors.Vector, m *vectors.ExchangeRequest, a *answer) []problem {
	var out []problem
	add := func(req, format string, args ...any) { out = append(out, problem{req, fmt.Sprintf(format, args...)}) }
	if !a.isJSON {
		add("TX-JSON", "Content-Type %q instead of application/json", a.contentType)
	}
	if !hasNoStore(a) {
		add("TX-NO-STORE", "no Cache-Control: no-store on a response holding a token")
	}
	if a.body == nil {
		add("TX-SUCCESS", "the body is not a JSON object")
		return out
	}
	tok, ok := a.str("access_token")
	if !ok || tok == "" {
		add("TX-SUCCESS", "no access_token string")
	}
	itt, ok := a.str("issued_token_type")
	if u, err := url.Parse(itt); !ok || err != nil || !u.IsAbs() {
		add("TX-ISSUED-TYPE", "issued_token_type is missing or not an absolute URI")
	}
	if tt, ok := a.str("token_type"); !ok || tt == "" {
		add("TX-TOKEN-TYPE-NA", "no token_type")
	}
	if _, ok := a.body["expires_in"]; !ok {
		add("TX-EXPIRES-IN", "no expires_in")
	}
	if _, ok := a.body["refresh_token"]; ok {
		add("TX-NO-REFRESH", "a refresh_token for a plain exchange")
	}
	for name, t := range m.Tokens {
		if tok != "" && tok == t {
			add("TX-NO-ECHO", "the issued token is the %s token sent", name)
		}
	}
	claims := decodeJWTClaims(tok)
	if itt == vectors.TokenTypeJWT && claims == nil {
		add("TX-ISSUED-TYPE", "issued_token_type is jwt but access_token is not a JWS in compact serialization")
	}
	if is := v.Exchange.Issued; is != nil {
		if is.IssuedTokenType != "" && itt != is.IssuedTokenType {
			add("TT-REQUESTED", "issued_token_type %q instead of the requested %q", itt, is.IssuedTokenType)
		}
		if is.JWT && claims == nil {
			add("TT-REQUESTED", "access_token is not a JWT")
		}
		if tt, _ := a.str("token_type"); is.TokenType != "" && !strings.EqualFold(tt, is.TokenType) {
			add("DP-BOUND", "token_type %q instead of %s", tt, is.TokenType)
		}
		if len(m.IssuedAudience) > 0 {
			aud := audList(claims["aud"])
			for _, want := range m.IssuedAudience {
				if !slices.Contains(aud, want) {
					add("TG-MULTI-TARGET", "the issued aud %v lacks the requested target %q", aud, want)
				}
			}
		}
		if is.Scope != "" {
			issued, announced := a.str("scope")
			if !announced {
				issued, _ = claims["scope"].(string)
			}
			if !sameSet(strings.Fields(issued), strings.Fields(m.IssuedScope)) {
				add("TG-SCOPE-SUBSET", "issued scope %q instead of %q", issued, m.IssuedScope)
			}
		}
		if is.Unbound {
			if tt, _ := a.str("token_type"); strings.EqualFold(tt, "DPoP") {
				add("WI-NO-UPGRADE", "token_type DPoP: the token is bound to a key nothing proved")
			}
			if _, bound := claims["cnf"]; bound {
				add("WI-NO-UPGRADE", "the issued token carries cnf: it is bound to a key nothing proved")
			}
		}
		if is.DPoPBound && claims != nil {
			cnf, _ := claims["cnf"].(map[string]any)
			if jkt, _ := cnf["jkt"].(string); jkt != m.Thumbprints["dpop"] {
				add("DP-BOUND", "the issued token's cnf.jkt %q is not the thumbprint of the proof's key", jkt)
			}
		}
	}
	out = append(out, checkScope(m, a, claims)...)
	if claims != nil {
		out = append(out, checkClaims(m, claims)...)
	}
	return out
}

// param returns the values of a request parameter that were sent with a
// value.
func param(m *vectors.ExchangeRequest, name string) []string {
	var out []string
	for _, p := range m.Params {
		if p[0] == name && p[1] != "" {
			out = append(out, p[1])
		}
	}
	return out
}

// checkScope: the issued scope lies within the requested one and the
// subject token's; a narrowed scope is announced.
func checkScope(m *vectors.ExchangeRequest, a *answer, claims map[string]any) []problem {
	var out []problem
	issued, announced := a.str("scope")
	if !announced {
		if s, ok := claims["scope"].(string); ok {
			issued = s
		}
	}
	requested := param(m, "scope")
	if len(requested) == 1 {
		want := strings.Fields(requested[0])
		for _, s := range strings.Fields(issued) {
			if !slices.Contains(want, s) {
				out = append(out, problem{"TG-SCOPE-SUBSET", fmt.Sprintf("the issued scope has %q, which was not requested", s)})
			}
		}
		if !announced && issued != "" && !sameSet(strings.Fields(issued), want) {
			out = append(out, problem{"TG-SCOPE-RESPONSE", "the issued scope differs from the requested one and the response has no scope"})
		}
	}
	if sub, ok := m.Claims["subject"]["scope"].(string); ok && len(param(m, "subject_token")) > 0 {
		have := strings.Fields(sub)
		for _, s := range strings.Fields(issued) {
			if !slices.Contains(have, s) {
				out = append(out, problem{"TG-SCOPE-SUBSET", fmt.Sprintf("the issued scope has %q, which the subject token does not", s)})
			}
		}
	}
	return out
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// checkClaims checks the issued JWT's aud, sub, exp and act against the
// request and the tokens sent.
func checkClaims(m *vectors.ExchangeRequest, claims map[string]any) []problem {
	var out []problem
	add := func(req, format string, args ...any) { out = append(out, problem{req, fmt.Sprintf(format, args...)}) }
	subject := m.Claims["subject"]
	actorSent := len(param(m, "actor_token")) > 0
	actor := m.Claims["actor"]
	targets := append(param(m, "resource"), param(m, "audience")...)
	if len(targets) > 0 {
		aud := audList(claims["aud"])
		if len(aud) == 0 {
			add("TX-AUD-TARGET", "the issued token has no aud for the requested target")
		}
		for _, x := range aud {
			if !slices.ContainsFunc(targets, func(t string) bool { return t == x || strings.HasPrefix(t, strings.TrimSuffix(x, "/")+"/") }) {
				add("TX-AUD-TARGET", "the issued aud %q is not a requested target (%s)", x, strings.Join(targets, ", "))
			}
		}
	}
	if subject != nil {
		if s, _ := subject["sub"].(string); s != "" && claims["sub"] != s {
			add("TX-SUB", "the issued sub %v is not the subject token's %q", claims["sub"], s)
		}
		if exp, ok := number(subject["exp"]); ok {
			if got, ok := number(claims["exp"]); ok && got > exp {
				add("TX-EXP-BOUND", "the issued token expires %d s after the subject token", int64(got-exp))
			}
		}
	}
	if actorSent && actor != nil {
		if exp, ok := number(actor["exp"]); ok {
			if got, ok := number(claims["exp"]); ok && got > exp {
				add("TX-EXP-BOUND", "the issued token expires %d s after the actor token", int64(got-exp))
			}
		}
	}
	// RFC 8693 §4.1: the current actor outermost, the subject's own chain
	// nested inside; no act for impersonation.
	var want []string
	if actorSent && actor != nil {
		if s, _ := actor["sub"].(string); s != "" {
			want = append(want, s)
		}
	}
	if subject != nil {
		want = append(want, actChain(subject["act"])...)
	}
	if got := actChain(claims["act"]); !slices.Equal(got, want) {
		switch {
		case len(want) == 0:
			add("DG-ACT", "the issued token has act %v, but no actor was named and the subject token has none", got)
		default:
			add("DG-ACT", "the issued act chain is %v, want %v (current actor first)", got, want)
		}
	}
	for a := claims["act"]; a != nil; {
		obj, ok := a.(map[string]any)
		if !ok {
			break
		}
		for _, k := range []string{"exp", "nbf", "aud"} {
			if _, has := obj[k]; has {
				add("DG-ACT-MEMBERS", "an act object carries %s", k)
			}
		}
		a = obj["act"]
	}
	if _, ok := claims["may_act"]; ok && subject != nil && subject["may_act"] != nil {
		add("DG-ACT-MEMBERS", "the subject token's may_act is copied into the issued token")
	}
	return out
}

// actChain lists the sub of each nested act object, outermost first.
func actChain(v any) []string {
	var out []string
	for v != nil {
		obj, ok := v.(map[string]any)
		if !ok {
			return append(out, fmt.Sprint(v))
		}
		s, _ := obj["sub"].(string)
		out = append(out, s)
		v = obj["act"]
	}
	return out
}

func audList(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case float64:
		return x, true
	}
	return 0, false
}

// decodeJWTClaims returns the claims of a JWS in compact serialization
// (not verified: the suite does not hold the target's keys), nil when s
// is not one.
func decodeJWTClaims(s string) map[string]any {
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return nil
	}
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil || !json.Valid(hb) {
		return nil
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	var out map[string]any
	if dec.Decode(&out) != nil {
		return nil
	}
	return out
}
