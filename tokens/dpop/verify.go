package dpop

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/wimse-wg/wimse/internal/joseerr"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/wimse"
)

// DefaultMaxAge is how old a proof's iat may be when Verifier.MaxAge is
// zero: a minute. RFC 9449 §11.1 leaves the window to the server; a proof
// is made for one request and sent at once, and every accepted jti is kept
// in the replay cache for this long.
const DefaultMaxAge = time.Minute

// DefaultMaxSize bounds a proof in bytes before decoding when
// Verifier.MaxSize is zero: room for a 4096-bit RSA jwk.
const DefaultMaxSize = 8 << 10

// defaultAlgorithms is the allow-list of a Verifier with no Algorithms.
var defaultAlgorithms = []string{"ES256", "EdDSA", "RS256", "PS256"}

// DefaultAlgorithms returns a copy of the algorithms a Verifier with nil
// Algorithms accepts: ES256, EdDSA (and its RFC 9864 name Ed25519), RS256
// and PS256.
func DefaultAlgorithms() []string { return slices.Clone(defaultAlgorithms) }

// NonceChecker decides whether a proof's nonce is one the server issued
// and still accepts (RFC 9449 §8). Implementations must be safe for
// concurrent use; *NonceSource is one.
type NonceChecker interface {
	// CheckNonce returns nil when nonce is acceptable at now, an error
	// otherwise.
	CheckNonce(nonce string, now time.Time) error
}

// Verifier verifies DPoP proofs (RFC 9449 §4.3). Its fields are
// configuration, read-only once it verifies; it is safe for concurrent use
// if Replay and Nonces are.
type Verifier struct {
	// Algorithms is the allow-list of proof algorithms. Nil means
	// DefaultAlgorithms. Names the JOSE layer does not support are ignored:
	// none and symmetric algorithms can never be enabled (RFC 9449 §4.2).
	// EdDSA and Ed25519 (RFC 9864) admit each other.
	Algorithms []string
	// MaxAge is how old iat may be, clock skew aside. Zero means
	// DefaultMaxAge.
	MaxAge time.Duration
	// ClockSkew is the tolerance for iat in both directions. Zero means
	// wimse.DefaultClockSkew; negative means none.
	ClockSkew time.Duration
	// MaxSize bounds a proof in bytes. Zero means DefaultMaxSize.
	MaxSize int
	// Replay records each accepted (jkt, jti) until iat + MaxAge + skew,
	// the last instant the proof would be accepted (RFC 9449 §11.1). Nil
	// disables the replay check: offline use only.
	Replay wimse.ReplayCache
	// Nonces, when set, makes a server nonce required (RFC 9449 §8): a
	// proof without nonce is dpop.nonce_missing, one that Nonces refuses
	// dpop.nonce_invalid. Nil requires none and ignores a nonce claim.
	Nonces NonceChecker
	// Now is the clock. Nil means time.Now.
	Now func() time.Time
}

// SupportedAlgorithms returns the algorithms the verifier accepts, in its order: the
// value of dpop_signing_alg_values_supported (RFC 9449 §5.1).
func (v *Verifier) SupportedAlgorithms() []string {
	list := v.Algorithms
	if list == nil {
		list = defaultAlgorithms
	}
	out := make([]string, 0, len(list))
	for _, a := range list {
		if jose.IsSupported(a) && !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

func (v *Verifier) allowed(alg string) bool {
	list := v.Algorithms
	if list == nil {
		list = defaultAlgorithms
	}
	return slices.ContainsFunc(list, func(a string) bool { return jose.IsSupported(a) && jose.SameAlgorithm(a, alg) })
}

func (v *Verifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

func (v *Verifier) skew() time.Duration {
	switch {
	case v.ClockSkew == 0:
		return wimse.DefaultClockSkew
	case v.ClockSkew < 0:
		return 0
	}
	return v.ClockSkew
}

func (v *Verifier) maxAge() time.Duration {
	if v.MaxAge <= 0 {
		return DefaultMaxAge
	}
	return v.MaxAge
}

var joseToReason = map[jose.Code]wimse.Reason{
	jose.CodeMalformed:             wimse.ReasonDPoPMalformed,
	jose.CodeOversized:             wimse.ReasonDPoPOversized,
	jose.CodeDuplicateMember:       wimse.ReasonDPoPDuplicateMember,
	jose.CodeTyp:                   wimse.ReasonDPoPTyp,
	jose.CodeAlg:                   wimse.ReasonDPoPAlg,
	jose.CodeCrit:                  wimse.ReasonDPoPCrit,
	jose.CodeHeaderKey:             wimse.ReasonDPoPHeaderKey,
	jose.CodeSignature:             wimse.ReasonDPoPSignature,
	jose.CodeSignatureNonCanonical: wimse.ReasonDPoPSignature,
	jose.CodeKey:                   wimse.ReasonDPoPJWK,
	jose.CodeKeyUse:                wimse.ReasonDPoPJWK,
	jose.CodeKeySmallOrder:         wimse.ReasonDPoPJWK,
	jose.CodeKeyNonCanonical:       wimse.ReasonDPoPJWK,
	jose.CodeKeyPrivate:            wimse.ReasonDPoPJWKPrivate,
	jose.CodeKeyAlg:                wimse.ReasonDPoPAlgMismatch,
}

func fromJOSE(err error) error {
	return joseerr.Wrap(err, joseToReason, "dpop")
}

func fail(r wimse.Reason, format string, args ...any) error {
	return wimse.Errorf(r, "dpop: "+format, args...)
}

// Verify checks a DPoP proof (RFC 9449 §4.3) for a request with method
// and target URI targetURL (built from configuration, never from Host),
// and accessToken, the access token presented with it ("" at a token
// endpoint, where ath, if present, is returned unchecked). Failures are
// *wimse.Error values with a dpop.* reason (or server.replay_cache_full).
//
// The checks run in this order: size, JWS structure, header (crit, typ,
// alg, key references, jwk), the jwk's own alg, the signature, claim
// types, required claims, htm, htu, iat, ath, nonce, and last the replay
// check, so only otherwise valid proofs are recorded.
func (v *Verifier) Verify(raw, method, targetURL, accessToken string) (*Proof, error) {
	wantHTU, err := NormalizeHTU(targetURL)
	if err != nil {
		return nil, &wimse.Error{Reason: wimse.ReasonInternal, Detail: "dpop: the target URI is not an absolute http(s) URI", Err: err}
	}
	if method == "" {
		return nil, wimse.Errorf(wimse.ReasonInternal, "dpop: the request method is required")
	}
	now := v.now()
	size := v.MaxSize
	if size <= 0 {
		size = DefaultMaxSize
	}
	jt, err := jose.Parse(raw, size)
	if err != nil {
		return nil, fromJOSE(err)
	}
	p, err := v.checkHeader(jt)
	if err != nil {
		return nil, err
	}
	p.Raw = raw
	if err := jose.Verify(jt, jt.Alg, p.Key); err != nil {
		return nil, fromJOSE(err)
	}
	claims, err := jose.ParseClaims(jt.Payload)
	if err != nil {
		return nil, fromJOSE(err)
	}
	p.Claims = claims
	if err := readClaims(p, claims); err != nil {
		return nil, err
	}
	if err := v.checkClaims(p, method, wantHTU, accessToken, now); err != nil {
		return nil, err
	}
	if v.Replay != nil {
		exp := p.IssuedAt.Add(v.maxAge() + v.skew())
		fresh, err := wimse.CheckReplay(v.Replay, wimse.ReplayKey(p.JKT, p.ID), exp, now, "dpop: replay cache cannot record the proof")
		if err != nil {
			return nil, err
		}
		if !fresh {
			return nil, fail(wimse.ReasonDPoPReplayed, "jti was already used with this key")
		}
	}
	return p, nil
}

// checkHeader applies the header rules and reads the jwk (RFC 9449 §4.2,
// §4.3 checks 4, 5 and 7).
func (v *Verifier) checkHeader(jt *jose.Token) (*Proof, error) {
	h := &jt.Header
	if h.Crit {
		return nil, fail(wimse.ReasonDPoPCrit, "crit header parameters are not understood")
	}
	// typ exactly, not case-folded nor with the application/ prefix: RFC
	// 9449 §4.3 check 4 names the one value.
	if !h.HasTyp || h.Typ != MediaType {
		return nil, fail(wimse.ReasonDPoPTyp, "typ %q is not %s", h.Typ, MediaType)
	}
	switch {
	case h.Alg == "":
		return nil, fail(wimse.ReasonDPoPAlg, "alg is missing")
	case !jose.IsSupported(h.Alg) || !v.allowed(h.Alg):
		return nil, fail(wimse.ReasonDPoPAlg, "alg %q is not allowed", h.Alg)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(h.Raw, &m); err != nil {
		return nil, fail(wimse.ReasonDPoPMalformed, "header is not a json object")
	}
	for _, ref := range []string{"jku", "x5u", "x5c"} {
		if _, ok := m[ref]; ok {
			return nil, fail(wimse.ReasonDPoPHeaderKey, "header parameter %q names a key; a proof carries its key in jwk only", ref)
		}
	}
	raw, ok := m["jwk"]
	if !ok {
		return nil, fail(wimse.ReasonDPoPJWK, "jwk is missing")
	}
	if len(raw) == 0 || raw[0] != '{' {
		return nil, fail(wimse.ReasonDPoPJWK, "jwk is not a json object")
	}
	k, err := jose.ParsePublicJWK(raw)
	if err != nil {
		return nil, fromJOSE(err)
	}
	if err := k.CheckVerifyUse(); err != nil {
		return nil, fromJOSE(err)
	}
	if k.Alg != "" && !jose.SameAlgorithm(k.Alg, h.Alg) {
		return nil, fail(wimse.ReasonDPoPAlgMismatch, "alg %q is not the jwk's alg %q", h.Alg, k.Alg)
	}
	jkt, err := Thumbprint(k.Key)
	if err != nil {
		return nil, fail(wimse.ReasonDPoPJWK, "jwk has no thumbprint")
	}
	return &Proof{Algorithm: h.Alg, Key: k.Key, JKT: jkt}, nil
}

// readClaims reads the claims' types (RFC 9449 §4.2).
func readClaims(p *Proof, c jose.Claims) error {
	for name, dst := range map[string]*string{"jti": &p.ID, "htm": &p.Method, "htu": &p.URI, "ath": &p.AccessTokenHash, "nonce": &p.Nonce} {
		var ok bool
		if *dst, _, ok = c.String(name); !ok {
			return fail(wimse.ReasonDPoPClaimType, "%s is not a string", name)
		}
	}
	iat, present, ok := c.NumericDate("iat")
	if !ok {
		return fail(wimse.ReasonDPoPClaimType, "iat is not a NumericDate")
	}
	for name, v := range map[string]string{"jti": p.ID, "htm": p.Method, "htu": p.URI} {
		if v == "" {
			return fail(wimse.ReasonDPoPClaimMissing, "%s is missing or empty", name)
		}
	}
	if !present {
		return fail(wimse.ReasonDPoPClaimMissing, "iat is missing")
	}
	p.IssuedAt = iat
	return nil
}

// checkClaims compares the claims with the request (RFC 9449 §4.3 checks
// 8 to 12).
func (v *Verifier) checkClaims(p *Proof, method, wantHTU, accessToken string, now time.Time) error {
	if p.Method != method {
		return fail(wimse.ReasonDPoPHTMMismatch, "htm %q is not the request method %q", p.Method, method)
	}
	if got, err := NormalizeHTU(p.URI); err != nil || got != wantHTU {
		return fail(wimse.ReasonDPoPHTUMismatch, "htu is not the target URI %s", wantHTU)
	}
	skew := v.skew()
	// Accepted while now < iat + MaxAge + skew: the replay cache keeps the
	// jti until that instant, and treats an entry as gone at it.
	if !now.Before(p.IssuedAt.Add(v.maxAge() + skew)) {
		return fail(wimse.ReasonDPoPIatStale, "iat %s is older than %s", p.IssuedAt.Format(time.RFC3339), v.maxAge())
	}
	if p.IssuedAt.After(now.Add(skew)) {
		return fail(wimse.ReasonDPoPIatFuture, "iat %s lies in the future", p.IssuedAt.Format(time.RFC3339))
	}
	if accessToken != "" {
		if err := p.BindsAccessToken(accessToken); err != nil {
			return err
		}
	}
	if v.Nonces != nil {
		if p.Nonce == "" {
			return fail(wimse.ReasonDPoPNonceMissing, "the server requires a nonce")
		}
		if err := v.Nonces.CheckNonce(p.Nonce, now); err != nil {
			return &wimse.Error{Reason: wimse.ReasonDPoPNonceInvalid, Detail: "dpop: the nonce is not accepted", Err: err}
		}
	}
	return nil
}
