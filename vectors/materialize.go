package vectors

import (
	"crypto"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"github.com/wimse-wg/wimse/profiles/httpsig/rfc9421"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwk"

	"github.com/wimse-wg/wimse/internal/eddsa"
	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/tokens/wit"
)

// Env is what a template is materialised against.
type Env struct {
	// Now is the time relative times count from.
	Now time.Time
	// Base is the receiver's audience base URL (scheme://host[:port][/prefix]);
	// {{aud}} is Base followed by the request path, {{base}} is Base.
	Base string
	// Draft picks the carriage of the {{proof}} field line: wpt-01 or
	// wpt-02 (the WPT), http-signature-06 or -07 (a WIMSE message
	// signature, see proofFields).
	Draft string
	// Keys resolves key names.
	Keys *KeySet
	// JTI returns the jti for a token ("wit" or "wpt"): deterministic in
	// the generator, random in the runner.
	JTI func(token string) string
	// Path maps a template path to the path sent (the runner maps the
	// vectors' protected endpoint /path onto the target's); nil keeps it.
	Path func(string) string
	// Replace lists old, new string pairs applied to every string claim
	// value before signing: a target profile maps the vectors' trust
	// domain, subject and issuer onto its own.
	Replace []string
	// Policy gives the receiver's policy values that policy-relative
	// times ({"$rel": N, "$policy": ...}) and sizes (OverLimit) count
	// from; nil means the vector's own (DefaultPolicy's values: frozen
	// mode).
	Policy *PolicyValues
}

// PolicyValues are the receiver settings a template may be relative to.
// Times are seconds, sizes bytes.
type PolicyValues struct {
	ClockSkew      int
	MaxWPTLifetime int
	MaxTokenSize   int
}

// UndeclaredClockSkew is the clock skew assumed for a receiver that
// declares none, by the vectors that lie "clearly beyond" the skew
// (expired, not yet valid): the largest skew the suite considers
// reasonable. Vectors at the boundary itself need a declared value
// (NeedClockSkew).
const UndeclaredClockSkew = 300

// DefaultPolicyValues are DefaultPolicy's values.
func DefaultPolicyValues() PolicyValues {
	p := DefaultPolicy()
	return PolicyValues{ClockSkew: p.ClockSkew, MaxWPTLifetime: p.MaxWPTLifetime, MaxTokenSize: p.MaxTokenSize}
}

func (m *materializer) policy() PolicyValues {
	if m.env.Policy != nil {
		return *m.env.Policy
	}
	return DefaultPolicyValues()
}

// policyOffset sums the terms of a $policy directive: "+name" or "-name"
// for name clockSkew, maxWptLifetime or maxTokenSize, one string or a list.
func (m *materializer) policyOffset(arg any) (int64, error) {
	var terms []string
	switch x := arg.(type) {
	case string:
		terms = []string{x}
	case []any:
		for _, t := range x {
			s, ok := t.(string)
			if !ok {
				return 0, fmt.Errorf("$policy terms are strings")
			}
			terms = append(terms, s)
		}
	case []string:
		terms = x
	default:
		return 0, fmt.Errorf("$policy needs a string or a list of strings")
	}
	p := m.policy()
	var sum int64
	for _, t := range terms {
		if len(t) < 2 || (t[0] != '+' && t[0] != '-') {
			return 0, fmt.Errorf("$policy term %q: want +name or -name", t)
		}
		var v int
		switch t[1:] {
		case NeedClockSkew:
			v = p.ClockSkew
		case NeedMaxWPTLifetime:
			v = p.MaxWPTLifetime
		case NeedMaxTokenSize:
			v = p.MaxTokenSize
		default:
			return 0, fmt.Errorf("$policy term %q: unknown policy value", t)
		}
		if t[0] == '-' {
			v = -v
		}
		sum += int64(v)
	}
	return sum, nil
}

// Materialized is a template turned into concrete tokens and a request.
type Materialized struct {
	WIT, WPT     string
	Request      *Request
	Intermediate *Intermediate
	// Nonces are the signature nonces, per label (a signed response echoes
	// the WIMSE one).
	Nonces map[string]string
}

var placeholder = regexp.MustCompile(`\{\{([a-z]+(?:-[a-z]+)*)(?::([^}]*))?\}\}`)

type materializer struct {
	env      Env
	replacer *strings.Replacer
	t        *Template
	path     string
	wit      string
	tokens   map[string]string
}

// Materialize mints the template's tokens at env.Now and builds its request.
// It never validates: malformed tokens are made on purpose.
func Materialize(t *Template, env Env) (*Materialized, error) {
	m := &materializer{env: env, t: t, tokens: t.Tokens}
	if len(env.Replace) > 0 {
		m.replacer = strings.NewReplacer(env.Replace...)
	}
	if t.Request != nil {
		m.path = t.Request.Path
		if env.Path != nil {
			m.path = env.Path(m.path)
		}
	}
	out := &Materialized{Intermediate: &Intermediate{}}
	var err error
	if t.WIT != nil {
		if out.WIT, err = m.token(t.WIT, "wit"); err != nil {
			return nil, fmt.Errorf("vectors: wit: %w", err)
		}
		m.wit = out.WIT
		out.Intermediate.WITHeader, out.Intermediate.WITClaims = decodeParts(out.WIT)
		out.Intermediate.WTH = wit.Hash(out.WIT)
	}
	if t.WPT != nil {
		if out.WPT, err = m.token(t.WPT, "wpt"); err != nil {
			return nil, fmt.Errorf("vectors: wpt: %w", err)
		}
		out.Intermediate.WPTHeader, out.Intermediate.WPTClaims = decodeParts(out.WPT)
		if tok, ok := t.Tokens["txn"]; ok {
			out.Intermediate.TTH = wit.Hash(tok)
		}
		var c struct {
			OTH map[string]string `json:"oth"`
		}
		if json.Unmarshal(out.Intermediate.WPTClaims, &c) == nil && len(c.OTH) > 0 {
			out.Intermediate.OTH = c.OTH
		}
	}
	if t.Request != nil {
		r := &Request{Method: t.Request.Method, Target: m.path, Body: t.Request.Body, Fields: [][2]string{}}
		signed := false
		for _, f := range t.Request.Fields {
			if f[0] == "{{proof}}" {
				var proof [][2]string
				proof, signed = m.proofFields(out.WPT)
				r.Fields = append(r.Fields, proof...)
				continue
			}
			name, err := m.expand(f[0], out)
			if err != nil {
				return nil, err
			}
			value, err := m.expand(f[1], out)
			if err != nil {
				return nil, err
			}
			r.Fields = append(r.Fields, [2]string{name, value})
		}
		out.Request = r
		if signed {
			if err := m.addSignature(m.proofSignature(r), out); err != nil {
				return nil, fmt.Errorf("vectors: proof signature: %w", err)
			}
		}
		for _, st := range t.Sigs {
			if err := m.addSignature(st, out); err != nil {
				return nil, fmt.Errorf("vectors: signature %s: %w", st.Label, err)
			}
		}
	}
	return out, nil
}

// expand replaces request placeholders: {{wit}}, {{wpt}}, {{token:NAME}},
// {{base}}, {{aud}}, and the foreign origins of origin.go.
func (m *materializer) expand(s string, out *Materialized) (string, error) {
	var err error
	res := placeholder.ReplaceAllStringFunc(s, func(p string) string {
		sub := placeholder.FindStringSubmatch(p)
		switch sub[1] {
		case "wit":
			return out.WIT
		case "wpt":
			return out.WPT
		case "digest":
			alg := sub[2]
			if alg == "" {
				alg = rfc9421.DigestSHA256
			}
			return rfc9421.ContentDigest([]byte(m.t.Request.Body), alg)
		default:
			v, e := m.lookup(sub[1], sub[2])
			if e != nil {
				err = e
			}
			return v
		}
	})
	return res, err
}

// value resolves a placeholder usable anywhere: base, aud, token:NAME,
// rel:N, jwk:KEY, hash:SRC, jti.
func (m *materializer) value(name, arg string) (string, error) {
	switch name {
	case "base":
		return m.env.Base, nil
	case "aud":
		return m.env.Base + m.pathOnly(), nil
	case "token":
		v, ok := m.tokens[arg]
		if !ok {
			return "", fmt.Errorf("unknown token %q", arg)
		}
		return v, nil
	case "rel":
		n, err := strconv.ParseInt(arg, 10, 64)
		if err != nil {
			return "", fmt.Errorf("bad rel %q", arg)
		}
		return strconv.FormatInt(m.env.Now.Unix()+n, 10), nil
	case "jwk":
		b, err := m.jwkJSON(arg)
		return string(b), err
	case "hash":
		return m.hash(arg)
	case "jti":
		return m.env.JTI("raw"), nil
	}
	return "", fmt.Errorf("unknown placeholder %q", name)
}

func (m *materializer) pathOnly() string {
	p, _, _ := strings.Cut(m.path, "?")
	return p
}

func (m *materializer) hash(src string) (string, error) {
	if src == "wit" {
		return wit.Hash(m.wit), nil
	}
	if lit, ok := strings.CutPrefix(src, "string:"); ok {
		return wit.Hash(lit), nil
	}
	if name, ok := strings.CutPrefix(src, "token:"); ok {
		v, ok := m.tokens[name]
		if !ok {
			return "", fmt.Errorf("unknown token %q", name)
		}
		return wit.Hash(v), nil
	}
	return "", fmt.Errorf("unknown hash source %q", src)
}

func (m *materializer) jwkJSON(keyName string) ([]byte, error) {
	k, err := m.env.Keys.Get(keyName)
	if err != nil {
		return nil, err
	}
	pub, err := jose.PublicJWKJSON(k.Signer.Public(), k.Alg, "")
	if err != nil {
		return nil, err
	}
	return jose.Marshal(pub)
}

// thumbprint is the RFC 7638 SHA-256 thumbprint of the named key's public
// JWK, base64url: the value of a cnf jkt member (RFC 9449 §6.1).
func (m *materializer) thumbprint(keyName string) (string, error) {
	k, err := m.env.Keys.Get(keyName)
	if err != nil {
		return "", err
	}
	jk, err := jwk.Import(k.Signer.Public())
	if err != nil {
		return "", err
	}
	tp, err := jk.Thumbprint(crypto.SHA256)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(tp), nil
}

// jwkDirective resolves {"$jwk": KEY} or {"$jwk": {"key": KEY, "alg": ALG,
// "private": true, "omitAlg": true, "set": {...}, "drop": [...]}}: the
// public (or private) JWK of KEY, with alg (KEY's own unless overridden),
// members set or dropped.
func (m *materializer) jwkDirective(arg any) (any, error) {
	spec, ok := arg.(map[string]any)
	if !ok {
		name, _ := arg.(string)
		spec = map[string]any{"key": name}
	}
	name, _ := spec["key"].(string)
	k, err := m.env.Keys.Get(name)
	if err != nil {
		return nil, err
	}
	alg := k.Alg
	if a, ok := spec["alg"].(string); ok {
		alg = a
	}
	var b []byte
	if p, _ := spec["private"].(bool); p {
		b, err = jose.PrivateJWKJSON(k.Signer, alg, "")
	} else {
		var pub map[string]any
		if pub, err = jose.PublicJWKJSON(k.Signer.Public(), alg, ""); err == nil {
			b, err = json.Marshal(pub)
		}
	}
	if err != nil {
		return nil, err
	}
	var jwk map[string]any
	if err := json.Unmarshal(b, &jwk); err != nil {
		return nil, err
	}
	if o, _ := spec["omitAlg"].(bool); o {
		delete(jwk, "alg")
	}
	if set, ok := spec["set"].(map[string]any); ok {
		for kk, vv := range set {
			jwk[kk] = vv
		}
	}
	if drop, ok := spec["drop"].([]any); ok {
		for _, d := range drop {
			if ds, ok := d.(string); ok {
				delete(jwk, ds)
			}
		}
	}
	return jwk, nil
}

// resolve turns claim directives into values, recursively.
func (m *materializer) resolve(v any, tokenName string) (any, error) {
	switch x := v.(type) {
	case map[string]any:
		if pol, ok := x["$policy"]; ok && len(x) == 2 {
			n, ok := toInt(x["$rel"])
			if !ok {
				return nil, fmt.Errorf("$policy needs a $rel number beside it")
			}
			off, err := m.policyOffset(pol)
			if err != nil {
				return nil, err
			}
			return m.env.Now.Unix() + n + off, nil
		}
		if len(x) == 1 {
			for k, arg := range x {
				switch k {
				case "$rel":
					n, ok := toInt(arg)
					if !ok {
						return nil, fmt.Errorf("$rel needs a number")
					}
					return m.env.Now.Unix() + n, nil
				case "$hash":
					s, _ := arg.(string)
					return m.hash(s)
				case "$jwk":
					return m.jwkDirective(arg)
				case "$jti":
					return m.env.JTI(tokenName), nil
				case "$jkt":
					name, _ := arg.(string)
					return m.thumbprint(name)
				}
			}
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			r, err := m.resolve(e, tokenName)
			if err != nil {
				return nil, err
			}
			out[k] = r
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			r, err := m.resolve(e, tokenName)
			if err != nil {
				return nil, err
			}
			out[i] = r
		}
		return out, nil
	case string:
		e, err := m.expandPlain(x)
		if err == nil && m.replacer != nil {
			e = m.replacer.Replace(e)
		}
		return e, err
	}
	return v, nil
}

// expandPlain expands placeholders in a string claim or raw JSON.
func (m *materializer) expandPlain(s string) (string, error) {
	var err error
	res := placeholder.ReplaceAllStringFunc(s, func(p string) string {
		sub := placeholder.FindStringSubmatch(p)
		v, e := m.lookup(sub[1], sub[2])
		if e != nil {
			err = e
		}
		return v
	})
	return res, err
}

func toInt(v any) (int64, bool) {
	switch n := v.(type) {
	case float64:
		return int64(n), true
	case int:
		return int64(n), true
	case int64:
		return n, true
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	}
	return 0, false
}

// token mints one JWS from a template.
func (m *materializer) token(tt *TokenTemplate, name string) (string, error) {
	compact, claims, err := m.sign(tt, name)
	if err != nil || tt.Tamper == nil {
		return compact, err
	}
	if claims == nil {
		return "", fmt.Errorf("tamper needs structured claims, not claimsRaw")
	}
	// Change claims after signing: the signature stays that of the
	// original claims.
	for k, v := range tt.Tamper {
		r, err := m.resolve(v, name)
		if err != nil {
			return "", err
		}
		claims[k] = r
	}
	b, err := jose.Marshal(claims)
	if err != nil {
		return "", err
	}
	parts := strings.SplitN(compact, ".", 3)
	if len(parts) != 3 {
		return "", fmt.Errorf("tamper needs a compact token")
	}
	return parts[0] + "." + base64.RawURLEncoding.EncodeToString(b) + "." + parts[2], nil
}

// sign mints the JWS and returns it with its resolved claims (nil when the
// claims were raw).
func (m *materializer) sign(tt *TokenTemplate, name string) (string, map[string]any, error) {
	header, err := m.headerJSON(tt, name)
	if err != nil {
		return "", nil, err
	}
	var claims []byte
	var cm map[string]any
	if tt.ClaimsRaw != "" {
		s, err := m.expandPlain(tt.ClaimsRaw)
		if err != nil {
			return "", nil, err
		}
		if m.replacer != nil {
			s = m.replacer.Replace(s)
		}
		claims = []byte(s)
	} else {
		c, err := m.resolve(tt.Claims, name)
		if err != nil {
			return "", nil, err
		}
		cm, _ = c.(map[string]any)
		if tt.OverLimit > 0 {
			// The base64url claims alone exceed the limit by OverLimit.
			cm["x-filler"] = ""
			base, _ := jose.Marshal(cm)
			if n := m.policy().MaxTokenSize + tt.OverLimit - len(base)*4/3; n > 0 {
				cm["x-filler"] = strings.Repeat("A", n*3/4+1)
			}
		}
		if claims, err = jose.Marshal(cm); err != nil {
			return "", nil, err
		}
	}
	k, err := m.env.Keys.Get(tt.Key)
	if err != nil {
		return "", nil, err
	}
	var compact string
	input := base64.RawURLEncoding.EncodeToString(header) + "." + base64.RawURLEncoding.EncodeToString(claims)
	switch tt.Alg {
	case "none":
		compact = input + "."
	case "HS256":
		// The classic confusion attack: HMAC keyed with the public key as
		// the verifier may hold it (its JWK JSON).
		secret, err := m.jwkJSON(tt.Key)
		if err != nil {
			return "", nil, err
		}
		mac := hmac.New(sha256.New, secret)
		mac.Write([]byte(input))
		compact = input + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
	default:
		alg := tt.Alg
		if alg == "" {
			alg = k.Alg
		}
		if compact, err = jose.SignRaw(header, claims, alg, k.Signer, true); err != nil {
			return "", nil, err
		}
	}
	compact, err = mangle(compact, tt.Encoding)
	return compact, cm, err
}

// headerJSON serializes the protected header: HeaderRaw with placeholders
// expanded, or Header with directives resolved.
func (m *materializer) headerJSON(tt *TokenTemplate, name string) ([]byte, error) {
	if tt.HeaderRaw != "" {
		h, err := m.expandPlain(tt.HeaderRaw)
		return []byte(h), err
	}
	h, err := m.resolve(tt.Header, name)
	if err != nil {
		return nil, err
	}
	return jose.Marshal(h)
}

// EncodingEd25519SPlusL is the TokenTemplate.Encoding that adds L, the
// order of the edwards25519 base point, to the S half of an Ed25519
// signature: a signature that verifies once S is reduced mod L and is
// invalid by RFC 8032 §5.1.7.
const EncodingEd25519SPlusL = "ed25519-s-plus-l"

// mangle applies a deliberate encoding fault.
func mangle(c, how string) (string, error) {
	switch how {
	case "":
		return c, nil
	case "truncate":
		return c[:len(c)-10], nil
	case "extra-segment":
		return c + ".e30", nil
	case "two-segments":
		return c[:strings.LastIndexByte(c, '.')], nil
	case "pad":
		return c + "==", nil
	case "whitespace":
		i := strings.IndexByte(c, '.')
		return c[:i+1] + " " + c[i+1:], nil
	case EncodingEd25519SPlusL:
		i := strings.LastIndexByte(c, '.') + 1
		sig, err := base64.RawURLEncoding.DecodeString(c[i:])
		if err != nil || len(sig) != 64 {
			return "", fmt.Errorf("%s needs a 64-byte Ed25519 signature", how)
		}
		return c[:i] + base64.RawURLEncoding.EncodeToString(eddsa.AddL(sig)), nil
	case "plus-slash":
		out := strings.NewReplacer("-", "+", "_", "/").Replace(c)
		if out == c {
			// No - or _ to replace (random jti and signature): force one
			// base64 (not base64url) character into the signature.
			i := strings.LastIndexByte(c, '.') + 1
			out = c[:i] + "/" + c[i+1:]
		}
		return out, nil
	}
	return "", fmt.Errorf("unknown encoding %q", how)
}

// decodeParts returns the decoded header and claims of a compact JWS when
// they are JSON, for intermediate values.
func decodeParts(c string) (json.RawMessage, json.RawMessage) {
	parts := strings.Split(c, ".")
	if len(parts) < 2 {
		return nil, nil
	}
	dec := func(s string) json.RawMessage {
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || !json.Valid(b) {
			return nil
		}
		return json.RawMessage(b)
	}
	return dec(parts[0]), dec(parts[1])
}
