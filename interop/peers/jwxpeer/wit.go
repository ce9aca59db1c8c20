package jwxpeer

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"
	"github.com/lestrrat-go/jwx/v3/jwt"
)

// DefaultAlgorithms are the asymmetric JWS algorithms this peer accepts for
// WITs and proofs (creds-02 §5.1.1: asymmetric, never none or HMAC).
var defaultAlgorithms = []string{"ES256", "ES384", "ES512", "EdDSA", "Ed25519", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512"}

// DefaultAlgorithms returns a copy of the default algorithm allow-list.
func DefaultAlgorithms() []string { return slices.Clone(defaultAlgorithms) }

// MaxTokenSize bounds a compact token before any decoding.
const MaxTokenSize = 8 << 10

var compactJWT = regexp.MustCompile(`^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$`)

// WITVerifier verifies Workload Identity Tokens (creds-02 §5.1) of one
// trust domain.
type WITVerifier struct {
	// TrustDomain is the only trust domain accepted; the WIT's sub must be
	// in it.
	TrustDomain string
	// Keys are the trust domain's issuer public keys (a JWK Set).
	Keys jwk.Set
	// Algorithms is the allow-list for the WIT alg and cnf.jwk.alg; nil
	// means DefaultAlgorithms.
	Algorithms []string
	// Now is the clock; nil means time.Now. Skew is the tolerance for exp,
	// nbf and iat; zero means 60 s.
	Now  func() time.Time
	Skew time.Duration
}

// WIT is a verified Workload Identity Token.
type WIT struct {
	// Raw is the compact serialization as received.
	Raw string
	// Subject is the Workload Identifier (sub).
	Subject string
	// Key is the public confirmation key (cnf.jwk) and Alg its alg member.
	Key jwk.Key
	Alg string
}

func (v *WITVerifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

func (v *WITVerifier) skew() time.Duration {
	if v.Skew == 0 {
		return 60 * time.Second
	}
	return v.Skew
}

func (v *WITVerifier) allowed(alg string) bool {
	list := v.Algorithms
	if list == nil {
		list = defaultAlgorithms
	}
	return slices.Contains(list, alg) && slices.Contains(defaultAlgorithms, alg)
}

// Verify verifies a compact WIT.
func (v *WITVerifier) Verify(compact string) (*WIT, error) {
	if len(compact) > MaxTokenSize || !compactJWT.MatchString(compact) {
		return nil, errors.New("wit: not a single compact JWS")
	}
	alg, hdr, err := headerOf(compact, "wit+jwt")
	if err != nil {
		return nil, fmt.Errorf("wit: %w", err)
	}
	if !v.allowed(alg) {
		return nil, fmt.Errorf("wit: alg %q is not allowed", alg)
	}
	key, err := v.issuerKey(hdr, alg)
	if err != nil {
		return nil, err
	}
	sa, _ := jwa.LookupSignatureAlgorithm(alg)
	payload, err := jws.Verify([]byte(compact), jws.WithKey(sa, key))
	if err != nil {
		return nil, fmt.Errorf("wit: signature: %w", err)
	}
	if err := numericDates(payload); err != nil {
		return nil, fmt.Errorf("wit: %w", err)
	}
	tok, err := jwt.Parse(payload, jwt.WithVerify(false), jwt.WithValidate(true),
		jwt.WithClock(jwt.ClockFunc(v.now)), jwt.WithAcceptableSkew(v.skew()),
		jwt.WithRequiredClaim("exp"), jwt.WithRequiredClaim("sub"), jwt.WithRequiredClaim("cnf"))
	if err != nil {
		return nil, fmt.Errorf("wit: %w", err)
	}
	sub, _ := tok.Subject()
	td, err := TrustDomainOf(sub)
	if err != nil {
		return nil, fmt.Errorf("wit: sub: %w", err)
	}
	if td != v.TrustDomain {
		return nil, fmt.Errorf("wit: sub %q is not in trust domain %q", sub, v.TrustDomain)
	}
	var cnf map[string]any
	if err := tok.Get("cnf", &cnf); err != nil {
		return nil, fmt.Errorf("wit: cnf: %w", err)
	}
	j, ok := cnf["jwk"].(map[string]any)
	if !ok {
		return nil, errors.New("wit: cnf has no jwk object")
	}
	raw, err := json.Marshal(j)
	if err != nil {
		return nil, fmt.Errorf("wit: cnf.jwk: %w", err)
	}
	pub, palg, err := v.confirmationKey(raw)
	if err != nil {
		return nil, fmt.Errorf("wit: cnf.jwk: %w", err)
	}
	if err := singleKey(cnf, pub); err != nil {
		return nil, fmt.Errorf("wit: cnf: %w", err)
	}
	return &WIT{Raw: compact, Subject: sub, Key: pub, Alg: palg}, nil
}

// singleKey enforces RFC 7800 §3.1, "the cnf claim value MUST represent
// only a single proof-of-possession key": besides jwk only a jkt (RFC 9449)
// that is jwk's own RFC 7638 thumbprint is allowed; any other confirmation
// method (x5t#S256, jku, jwe, kid, ...) could name another key.
func singleKey(cnf map[string]any, pub jwk.Key) error {
	for name, val := range cnf {
		switch name {
		case "jwk":
		case "jkt":
			tp, err := pub.Thumbprint(crypto.SHA256)
			if err != nil {
				return err
			}
			if s, ok := val.(string); !ok || s != base64.RawURLEncoding.EncodeToString(tp) {
				return errors.New("jkt is not the thumbprint of jwk")
			}
		default:
			return fmt.Errorf("%s beside jwk: more than one proof-of-possession key", name)
		}
	}
	return nil
}

// issuerKey selects the issuer key: by kid when the header has one, else
// the only key of the set (creds-02 §5.1.1).
func (v *WITVerifier) issuerKey(hdr jws.Headers, alg string) (any, error) {
	if v.Keys == nil || v.Keys.Len() == 0 {
		return nil, errors.New("wit: no issuer keys")
	}
	var k jwk.Key
	if kid, ok := hdr.KeyID(); ok {
		if k, ok = v.Keys.LookupKeyID(kid); !ok {
			return nil, fmt.Errorf("wit: no issuer key with kid %q", kid)
		}
	} else {
		if v.Keys.Len() != 1 {
			return nil, errors.New("wit: no kid and more than one issuer key")
		}
		k, _ = v.Keys.Key(0)
	}
	if ka, ok := k.Algorithm(); ok && ka.String() != alg {
		return nil, fmt.Errorf("wit: issuer key is for %s, not %s", ka, alg)
	}
	var pub any
	if err := jwk.Export(k, &pub); err != nil {
		return nil, fmt.Errorf("wit: issuer key: %w", err)
	}
	if err := FitsAlg(pub, alg); err != nil {
		return nil, fmt.Errorf("wit: issuer key: %w", err)
	}
	return pub, nil
}

// confirmationKey parses cnf.jwk: a public asymmetric key with an allowed
// alg that fits it (creds-02 §5.1.2).
func (v *WITVerifier) confirmationKey(raw json.RawMessage) (jwk.Key, string, error) {
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, "", err
	}
	for _, private := range []string{"d", "p", "q", "dp", "dq", "qi", "k"} {
		if _, ok := m[private]; ok {
			return nil, "", fmt.Errorf("has private or symmetric member %q", private)
		}
	}
	// RFC 7517 §4.2, §4.3: a key designated for something else than
	// verifying signatures does not verify proofs.
	if use, ok := m["use"]; ok && use != "sig" {
		return nil, "", fmt.Errorf("use %v is not sig", use)
	}
	if ops, ok := m["key_ops"]; ok {
		list, _ := ops.([]any)
		if !slices.Contains(list, any("verify")) {
			return nil, "", errors.New("key_ops does not include verify")
		}
	}
	alg, _ := m["alg"].(string)
	if alg == "" {
		return nil, "", errors.New("has no alg")
	}
	if !v.allowed(alg) {
		return nil, "", fmt.Errorf("alg %q is not allowed", alg)
	}
	k, err := jwk.ParseKey(raw)
	if err != nil {
		return nil, "", err
	}
	var pub any
	if err := jwk.Export(k, &pub); err != nil {
		return nil, "", err
	}
	if err := FitsAlg(pub, alg); err != nil {
		return nil, "", err
	}
	return k, alg, nil
}

// FitsAlg checks that a public key is of the type and curve a JWS alg
// needs (RFC 7518 §3, RFC 8037, RFC 9864).
func FitsAlg(pub any, alg string) error {
	ok := false
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		switch alg {
		case "ES256":
			ok = k.Curve == elliptic.P256()
		case "ES384":
			ok = k.Curve == elliptic.P384()
		case "ES512":
			ok = k.Curve == elliptic.P521()
		}
	case ed25519.PublicKey:
		ok = alg == "EdDSA" || alg == "Ed25519"
	case *rsa.PublicKey:
		ok = (strings.HasPrefix(alg, "RS") || strings.HasPrefix(alg, "PS")) && k.N.BitLen() >= 2048
	}
	if !ok {
		return fmt.Errorf("key %T does not fit alg %s", pub, alg)
	}
	return nil
}

// headerOf parses the protected header of a compact JWS with one
// signature and checks typ (RFC 7515 §4.1.9: the application/ prefix may be
// omitted, media types compare case-insensitively) and crit (this peer
// understands no extension).
func headerOf(compact, typ string) (string, jws.Headers, error) {
	msg, err := jws.Parse([]byte(compact))
	if err != nil {
		return "", nil, err
	}
	if len(msg.Signatures()) != 1 {
		return "", nil, errors.New("not exactly one signature")
	}
	h := msg.Signatures()[0].ProtectedHeaders()
	t, _ := h.Type()
	if !strings.EqualFold(strings.TrimPrefix(strings.ToLower(t), "application/"), typ) {
		return "", nil, fmt.Errorf("typ %q is not %s", t, typ)
	}
	if slices.Contains(h.Keys(), "crit") {
		return "", nil, errors.New("crit header is not understood")
	}
	a, ok := h.Algorithm()
	if !ok {
		return "", nil, errors.New("no alg")
	}
	return a.String(), h, nil
}

// numericDates checks that exp, nbf and iat, when present, are JSON
// numbers (RFC 7519 §2 NumericDate): jwx also accepts numeric strings.
func numericDates(payload []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(payload, &m); err != nil {
		return fmt.Errorf("claims: %w", err)
	}
	for _, name := range []string{"exp", "nbf", "iat"} {
		v, ok := m[name]
		if !ok {
			continue
		}
		if len(v) == 0 || !(v[0] == '-' || v[0] >= '0' && v[0] <= '9') {
			return fmt.Errorf("%s is not a NumericDate", name)
		}
	}
	return nil
}
