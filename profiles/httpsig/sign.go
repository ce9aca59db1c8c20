package httpsig

import (
	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/internal/mutant"

	"crypto"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/wimse-wg/wimse/profiles/httpsig/rfc9421"
	"github.com/wimse-wg/wimse/wimse"
)

// DefaultLifetime is the signature lifetime (expires - created) a Signer
// uses by default: tight, minutes at most (-07 §3.4).
const DefaultLifetime = time.Minute

// Signer signs messages with a workload's WIT key. It is safe for
// concurrent use if its fields are not changed.
type Signer struct {
	// WIT is the signer's compact WIT, sent in Workload-Identity-Token.
	WIT string
	// Key is the private half of the WIT's cnf.jwk; Alg is cnf.jwk.alg.
	Key crypto.Signer
	Alg string
	// Revision is http-signature-07 (default, when "") or -06.
	Revision wimse.Revision
	// Lifetime is expires - created; zero means DefaultLifetime.
	Lifetime time.Duration
	// Now and Rand are the clock and the nonce source; nil means time.Now
	// and crypto/rand.
	Now  func() time.Time
	Rand io.Reader
	// Deterministic makes ECDSA signatures reproducible (test vectors).
	Deterministic bool

	//lint:ignore U1000 reached through the promoted method mutant.Put and mutant.Of call
	mutantHook
}

func (s *Signer) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// nonce returns 128 random bits, base64url (-07 §3.4: negligible collisions).
func (s *Signer) nonce() (string, error) {
	n, err := jose.NewID(s.Rand)
	if err != nil {
		return "", fmt.Errorf("httpsig: nonce: %w", err)
	}
	return n, nil
}

func (s *Signer) revision() wimse.Revision {
	if s.Revision == "" {
		return wimse.RevisionHTTPSig07
	}
	return s.Revision
}

// RequestOptions are the per-request choices of SignRequest.
type RequestOptions struct {
	// Audience is wimse-aud: the target URI without query and fragment by
	// default (-07 §3.4), or a deployment value.
	Audience string
	// SignResponse sends wimse-sign-response: the server must sign its answer.
	SignResponse bool
}

// SignRequest adds the WIT, a Content-Digest when body is not empty, and
// the WIMSE signature to req, covering @method, @path and @query (-07) or
// @request-target (-06) and every required field present (R4). It returns
// the nonce, which a signed response must echo.
func (s *Signer) SignRequest(req *http.Request, body []byte, o RequestOptions) (string, error) {
	if s.WIT == "" || s.Key == nil || s.Alg == "" {
		return "", errors.New("httpsig: signer needs a WIT, a key and its alg")
	}
	if o.Audience == "" {
		return "", errors.New("httpsig: wimse-aud is required")
	}
	m := mutant.Of(s)
	req.Header.Set(HeaderWIT, s.WIT)
	if len(body) > 0 && !m.Off(mutantDigest) {
		req.Header.Set("Content-Digest", rfc9421.ContentDigest(body, "sha-256"))
	}
	comps := []string{`"@method"`, `"@path"`, `"@query"`}
	if s.revision() == wimse.RevisionHTTPSig06 {
		comps = []string{`"@method"`, `"@request-target"`}
	}
	for _, f := range conditional {
		if len(req.Header.Values(f)) > 0 && !m.Off(mutantComponents) {
			comps = append(comps, `"`+f+`"`)
		}
	}
	p, nonce, err := s.params()
	if err != nil {
		return "", err
	}
	if m != nil {
		nonce = mutateParams(m, &p, nonce)
	}
	p.SetString(ParamAud, o.Audience)
	if o.SignResponse {
		p.SetBool(ParamSignResponse, true)
	}
	return nonce, s.sign(rfc9421.FromRequest(req, ""), req.Header, comps, p)
}

func (s *Signer) lifetime() time.Duration {
	if s.Lifetime <= 0 {
		return DefaultLifetime
	}
	return s.Lifetime
}

// SignResponse adds the signer's WIT, a Content-Digest when body is not
// empty, and the WIMSE signature to the response header h, covering
// @status, workload-identity-token, content-type and content-digest when
// present, and the request's @method plus @path and @query (-07) or
// @request-target (-06) with ;req; wimse-req-nonce carries the request's
// nonce (-07 §3.5: on every signed response).
func (s *Signer) SignResponse(h http.Header, status int, body []byte, req rfc9421.Message, rev wimse.Revision, reqNonce string) error {
	if s.WIT == "" || s.Key == nil || s.Alg == "" {
		return errors.New("httpsig: signer needs a WIT, a key and its alg")
	}
	h.Set(HeaderWIT, s.WIT)
	if len(body) > 0 {
		h.Set("Content-Digest", rfc9421.ContentDigest(body, "sha-256"))
	}
	comps := []string{`"@status"`, `"workload-identity-token"`}
	for _, f := range []string{"content-type", "content-digest"} {
		if len(h.Values(f)) > 0 {
			comps = append(comps, `"`+f+`"`)
		}
	}
	if rev == wimse.RevisionHTTPSig06 {
		comps = append(comps, `"@method";req`, `"@request-target";req`)
	} else {
		comps = append(comps, `"@method";req`, `"@path";req`, `"@query";req`)
	}
	p, _, err := s.params()
	if err != nil {
		return err
	}
	p.SetString(ParamReqNonce, reqNonce)
	return s.sign(rfc9421.FromResponse(status, h, req), h, comps, p)
}

// params returns the parameters every WIMSE signature carries (created,
// expires, a fresh nonce, tag) and the nonce.
func (s *Signer) params() (rfc9421.Params, string, error) {
	var p rfc9421.Params
	nonce, err := s.nonce()
	if err != nil {
		return p, "", err
	}
	now := s.now()
	p.SetCreated(now.Unix())
	p.SetExpires(now.Add(s.lifetime()).Unix())
	p.SetNonce(nonce)
	p.SetTag(Tag)
	return p, nonce, nil
}

// sign computes and adds one signature under Label.
func (s *Signer) sign(m rfc9421.Message, h http.Header, names []string, p rfc9421.Params) error {
	comps := make([]rfc9421.Component, len(names))
	for i, n := range names {
		c, err := rfc9421.ParseComponent(n)
		if err != nil {
			return err
		}
		comps[i] = c
	}
	params, err := rfc9421.SignatureParams(comps, p)
	if err != nil {
		return err
	}
	base, err := rfc9421.SignatureBase(m, comps, params)
	if err != nil {
		return err
	}
	var opts []rfc9421.SignOption
	if s.Deterministic {
		opts = append(opts, rfc9421.Deterministic())
	}
	sig, err := rfc9421.Sign(base, s.Alg, s.Key, opts...)
	if err != nil {
		return err
	}
	return rfc9421.AddSignature(h, Label, params, sig)
}
