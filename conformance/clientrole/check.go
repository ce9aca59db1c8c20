package clientrole

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/profiles/httpsig"
	"github.com/wimse-wg/wimse/profiles/httpsig/rfc9421"
	"github.com/wimse-wg/wimse/profiles/mtls"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/vectors"
	"github.com/wimse-wg/wimse/wimse"
)

// finding is one sender-side requirement a request breaks.
type finding struct {
	Req string `json:"requirement"`
	Msg string `json:"detail"`
}

// checker scores requests against the sender-side requirements.
type checker struct {
	cfg  *Config
	s    *suite
	base string // the origin the client was given
	mu   sync.Mutex
	// seen are the jti values and nonces of the run, with the number of
	// the request that sent each first.
	seen map[string]int
}

func (k *checker) once(kind, v string, n int) (int, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if first, dup := k.seen[kind+"\x00"+v]; dup {
		return first, false
	}
	k.seen[kind+"\x00"+v] = n
	return 0, true
}

// audience is the aud the client must send for a request: the origin it
// was given and the request's path, without query.
func (k *checker) audience(r *http.Request) string {
	p := r.URL.EscapedPath()
	if p == "" {
		p = "/"
	}
	return k.base + p
}

// check scores request number n of scenario c against every sender-side
// requirement of the profile.
func (k *checker) check(r *http.Request, body []byte, n int, c *vectors.ClientCase, now time.Time) []finding {
	var out []finding
	add := func(req, format string, args ...any) { out = append(out, finding{req, fmt.Sprintf(format, args...)}) }
	switch k.cfg.Profile {
	case vectors.ClientProfileMTLS:
		k.checkMTLS(r, now, add)
		return out
	}
	tok, rawWIT := k.checkWIT(r.Header, now, add)
	for _, f := range c.Fields {
		if len(r.Header.Values(f[0])) == 0 {
			req := "WPT-SEND-TTH"
			switch {
			case k.cfg.Profile == vectors.ClientProfileHTTPSig:
				req = "SIG-SEND-COMPONENTS"
			case strings.EqualFold(f[0], "Authorization"):
				req = "WPT01-SEND-ATH"
			case !strings.EqualFold(f[0], "Txn-Token"):
				req = "WPT-SEND-OTH"
			}
			add(req, "the request lacks the %s field the client was asked to send", f[0])
		}
	}
	if k.cfg.Profile == vectors.ClientProfileWPT {
		k.checkWPT(r, tok, rawWIT, n, c, now, add)
	} else {
		k.checkSig(r, body, tok, n, c, now, add)
	}
	return out
}

type adder func(req, format string, args ...any)

func (k *checker) checkWIT(h http.Header, now time.Time, add adder) (*wit.Token, string) {
	vals := h.Values(httpsig.HeaderWIT)
	if len(vals) != 1 || strings.Contains(vals[0], ",") {
		add("WIT-SEND-VALID", "%d Workload-Identity-Token field lines, want exactly one WIT", len(vals))
		return nil, ""
	}
	tok, err := (&wit.Verifier{Trust: k.s.clientTrust, Policy: wimse.Policy{Now: func() time.Time { return now }}}).Verify(vals[0])
	if err != nil {
		add("WIT-SEND-VALID", "the WIT does not verify under the suite's trust bundle (%s): %v", wimse.ReasonOf(err), err)
	}
	return tok, vals[0]
}

func hasWPTScheme(v string) bool {
	return len(v) >= 3 && strings.EqualFold(v[:3], "WPT") && (len(v) == 3 || v[3] == ' ')
}

func (k *checker) checkWPT(r *http.Request, tok *wit.Token, rawWIT string, n int, c *vectors.ClientCase, now time.Time, add adder) {
	h := r.Header
	var wpts []string
	var bearer string
	for _, a := range h.Values("Authorization") {
		if hasWPTScheme(a) {
			wpts = append(wpts, strings.TrimLeft(a[3:], " "))
		} else if scheme, cred, ok := strings.Cut(a, " "); ok && (strings.EqualFold(scheme, "Bearer") || strings.EqualFold(scheme, "DPoP")) {
			bearer = strings.TrimLeft(cred, " ")
		}
	}
	field := h.Values("Workload-Proof-Token")
	var raw string
	if k.cfg.Draft == "wpt-01" {
		if len(field) != 1 || len(wpts) > 0 {
			add("WPT-SEND-ONE", "wpt-01: %d Workload-Proof-Token fields and %d Authorization: WPT fields, want exactly one Workload-Proof-Token", len(field), len(wpts))
		}
		if len(field) > 0 {
			raw = field[0]
		}
	} else {
		if len(wpts) != 1 || len(field) > 0 || len(h.Values("Authorization")) != 1 {
			add("WPT-SEND-ONE", "wpt-02: %d Authorization: WPT fields (%d Authorization fields) and %d Workload-Proof-Token fields, want exactly one Authorization: WPT", len(wpts), len(h.Values("Authorization")), len(field))
		}
		if len(wpts) > 0 {
			raw = wpts[0]
		}
	}
	if raw == "" {
		return
	}
	t, err := jose.Parse(raw, 1<<16)
	if err != nil {
		add("WPT-SEND-ONE", "the WPT is not a well-formed JWS: %v", err)
		return
	}
	if !jose.TypMatches(t.Typ, "wpt+jwt", nil) {
		add("WPT-SEND-TYP", "typ is %q, want wpt+jwt", t.Typ)
	}
	if tok != nil {
		if t.Alg != tok.Confirmation.Alg {
			add("WPT-SEND-ALG", "alg is %q, the WIT's cnf.jwk.alg %q", t.Alg, tok.Confirmation.Alg)
		} else if err := jose.Verify(t, t.Alg, tok.Confirmation.Key); err != nil {
			add("WPT-SEND-ALG", "the WPT does not verify with the WIT's cnf.jwk: %v", err)
		}
	}
	var cl map[string]any
	if err := json.Unmarshal(t.Payload, &cl); err != nil {
		add("WPT-SEND-ONE", "the WPT claims are not a JSON object")
		return
	}
	want := k.audience(r)
	switch aud := cl["aud"].(type) {
	case string:
		if aud != want {
			add("WPT-SEND-AUD", "aud is %q, want the target URI without query %q", aud, want)
		}
	case nil:
		add("WPT-SEND-AUD", "aud is missing, want %q", want)
	default:
		add("WPT-SEND-AUD", "aud is not a string, want %q", want)
	}
	k.checkTimes(cl, now, "WPT-SEND-EXP", "WPT-SEND-LIFETIME", add)
	if jti, _ := cl["jti"].(string); jti == "" {
		add("WPT-SEND-JTI", "jti is missing or not a non-empty string")
	} else if first, ok := k.once("jti", jti, n); !ok {
		add("WPT-SEND-JTI", "jti %q was already sent in request %d of this run", jti, first)
	}
	if rawWIT != "" {
		if wth, _ := cl["wth"].(string); wth != wit.Hash(rawWIT) {
			add("WPT-SEND-WTH", "wth is %q, want the hash of the WIT sent %q", wth, wit.Hash(rawWIT))
		}
	}
	tth, hasTTH := cl["tth"].(string)
	if txn := h.Values("Txn-Token"); len(txn) > 0 {
		if !hasTTH || tth != wit.Hash(txn[0]) {
			add("WPT-SEND-TTH", "tth is %q, want the hash of the Txn-Token sent %q", tth, wit.Hash(txn[0]))
		}
	} else if _, ok := cl["tth"]; ok {
		add("WPT-SEND-TTH", "tth is sent without a Txn-Token field")
	}
	oth, _ := cl["oth"].(map[string]any)
	for _, name := range c.ContextTokens {
		v := h.Get(name)
		if got, _ := oth[strings.ToLower(name)].(string); got != wit.Hash(strings.Trim(v, " ")) {
			add("WPT-SEND-OTH", "oth[%q] is %q, want the hash of the %s value %q", strings.ToLower(name), got, name, wit.Hash(strings.Trim(v, " ")))
		}
	}
	for name := range oth {
		if len(h.Values(name)) == 0 {
			add("WPT-SEND-OTH", "oth names %q, a field the request does not carry", name)
		}
	}
	if k.cfg.Draft == "wpt-01" && bearer != "" {
		if ath, _ := cl["ath"].(string); ath != wit.Hash(bearer) {
			add("WPT01-SEND-ATH", "ath is %q, want the hash of the access token %q", ath, wit.Hash(bearer))
		}
	}
}

// checkTimes checks exp (present, not passed) and the lifetime (exp and
// iat at most MaxLifetime apart, exp at most MaxLifetime + ClockSkew
// ahead).
func (k *checker) checkTimes(cl map[string]any, now time.Time, expReq, lifeReq string, add adder) {
	exp, ok := cl["exp"].(float64)
	if !ok {
		add(expReq, "exp is missing or not a number")
		return
	}
	e := time.Unix(int64(math.Floor(exp)), 0)
	if e.Before(now.Add(-ClockSkew)) {
		add(expReq, "exp %s has passed (now %s, %s skew)", e.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339), ClockSkew)
	}
	if ahead := e.Sub(now); ahead > MaxLifetime+ClockSkew {
		add(lifeReq, "exp lies %s ahead, more than %s plus %s skew", ahead.Round(time.Second), MaxLifetime, ClockSkew)
	}
	if iat, ok := cl["iat"].(float64); ok {
		if life := e.Sub(time.Unix(int64(iat), 0)); life > MaxLifetime {
			add(lifeReq, "exp - iat is %s, more than %s", life, MaxLifetime)
		}
	}
}

func (k *checker) checkSig(r *http.Request, body []byte, tok *wit.Token, n int, c *vectors.ClientCase, now time.Time, add adder) {
	sigs, err := rfc9421.ParseSignatures(r.Header)
	if err != nil {
		add("SIG-SEND-TAG", "Signature and Signature-Input do not parse: %v", err)
		return
	}
	var tagged []rfc9421.Signature
	for _, s := range sigs {
		if t, _ := s.Params.GetString("tag"); t == httpsig.Tag {
			tagged = append(tagged, s)
		}
	}
	if len(tagged) != 1 {
		add("SIG-SEND-TAG", "%d signatures tagged %s, want exactly one", len(tagged), httpsig.Tag)
		if len(tagged) == 0 {
			return
		}
	}
	sig := tagged[0]
	p := sig.Params
	created, hasCreated := p.Created()
	expires, hasExpires := p.Expires()
	nonce, hasNonce := p.Nonce()
	aud, hasAud := p.GetString(httpsig.ParamAud)
	for _, m := range []struct {
		name string
		ok   bool
	}{{"created", hasCreated}, {"expires", hasExpires}, {"nonce", hasNonce}, {httpsig.ParamAud, hasAud}} {
		if !m.ok {
			add("SIG-SEND-PARAMS", "%s is missing", m.name)
		}
	}
	if _, ok := p.KeyID(); ok {
		add("SIG-SEND-PARAMS", "keyid is sent")
	}
	if _, ok := p.Alg(); ok {
		add("SIG-SEND-PARAMS", "alg is sent")
	}
	covered := map[string]bool{}
	for _, comp := range sig.Components {
		covered[comp.String()] = true
	}
	want := []string{`"@method"`, `"@path"`, `"@query"`}
	if k.cfg.Draft == vectors.Sig06 {
		want = []string{`"@method"`, `"@request-target"`}
	}
	for _, f := range []string{"content-type", "content-digest", "authorization", "txn-token", "workload-identity-token"} {
		if len(r.Header.Values(f)) > 0 {
			want = append(want, `"`+f+`"`)
		}
	}
	for _, w := range want {
		if !covered[w] {
			add("SIG-SEND-COMPONENTS", "%s is not covered", w)
		}
	}
	if len(body) > 0 {
		switch d := r.Header.Values("Content-Digest"); {
		case len(d) == 0:
			add("SIG-SEND-DIGEST", "a request with a body carries no Content-Digest")
		case !covered[`"content-digest"`]:
			add("SIG-SEND-DIGEST", "Content-Digest is not covered")
		default:
			if err := rfc9421.VerifyContentDigest(strings.Join(d, ", "), body); err != nil {
				add("SIG-SEND-DIGEST", "Content-Digest does not match the body: %v", err)
			}
		}
	}
	if tok != nil {
		if err := sig.Verify(rfc9421.FromRequest(r, ""), tok.Confirmation.Alg, tok.Confirmation.Key); err != nil {
			add("SIG-SEND-KEY", "the signature does not verify with the WIT's cnf.jwk under %s: %v", tok.Confirmation.Alg, err)
		}
	}
	if hasCreated && hasExpires {
		cr, ex := time.Unix(created, 0), time.Unix(expires, 0)
		switch {
		case !ex.After(cr):
			add("SIG-SEND-WINDOW", "expires %d is not after created %d", expires, created)
		case cr.After(now.Add(ClockSkew)):
			add("SIG-SEND-WINDOW", "created lies %s in the future", cr.Sub(now).Round(time.Second))
		case ex.Before(now.Add(-ClockSkew)):
			add("SIG-SEND-WINDOW", "expires passed %s ago", now.Sub(ex).Round(time.Second))
		}
		if ex.Sub(cr) > MaxLifetime {
			add("SIG-SEND-EXPIRES-TIGHT", "expires - created is %s, more than %s", ex.Sub(cr), MaxLifetime)
		}
	}
	if hasNonce {
		if first, ok := k.once("nonce", nonce, n); !ok {
			add("SIG-SEND-NONCE", "nonce %q was already sent in request %d of this run", nonce, first)
		}
	}
	if hasAud && aud != k.audience(r) {
		add("SIG-SEND-AUD", "wimse-aud is %q, want the target URI without query %q", aud, k.audience(r))
	}
	if c.SignResponse {
		if b, ok := p.GetBool(httpsig.ParamSignResponse); !ok || !b {
			add("SIG-SEND-SIGN-RESPONSE", "the client was asked to require a signed response but sent no wimse-sign-response")
		}
	}
}

func (k *checker) checkMTLS(r *http.Request, now time.Time, add adder) {
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		add("MTLS-SEND-CERT", "the client presented no certificate")
		return
	}
	if _, err := mtls.VerifyPeer(r.TLS.PeerCertificates, k.s.clientTrust, mtls.Client, now); err != nil {
		add("MTLS-SEND-WIC", "the client's certificate is not a valid Workload Identity Certificate (%s): %v", wimse.ReasonOf(err), err)
	}
}
