package clientrole

import (
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/profiles/httpsig"
	"github.com/wimse-wg/wimse/profiles/httpsig/rfc9421"
	"github.com/wimse-wg/wimse/vectors"
	"github.com/wimse-wg/wimse/wimse"
)

// maxBody bounds what the suite reads of a request body.
const maxBody = 1 << 20

// exchange is one request the suite received and what it answered.
type exchange struct {
	n        int
	sent     *conformance.SentRequest
	findings []finding
	status   int
}

// play is the scenario the suite is answering: set before each client
// run (or once for a listen-only run), read by the handler.
type play struct {
	v       *vectors.Vector
	mu      sync.Mutex
	got     []*exchange
	arrived chan struct{} // one send per request, never blocking
}

func (p *play) add(e *exchange) {
	p.mu.Lock()
	p.got = append(p.got, e)
	p.mu.Unlock()
	select {
	case p.arrived <- struct{}{}:
	default:
	}
}

func (p *play) exchanges() []*exchange {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.got)
}

// server is the suite's HTTP side.
type server struct {
	k       *checker
	current atomic.Pointer[play]
	count   atomic.Int64
}

// tlsConfig serves the server certificate, or the rogue one in the rogue
// server scenario, and asks for (without requiring) a client certificate,
// so that a client that sends none is scored rather than refused.
func (s *server) tlsConfig() *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		ClientAuth: tls.RequestClientCert,
		GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
			if p := s.current.Load(); p != nil {
				switch p.v.Client.Answer {
				case vectors.AnswerRogueServer:
					return &s.k.s.rogueCert, nil
				case vectors.AnswerWrongServerName:
					return &s.k.s.wrongNameCert, nil
				}
			}
			return &s.k.s.serverCert, nil
		},
	}
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := s.current.Load()
	if p == nil {
		http.Error(w, "no scenario is being played", http.StatusServiceUnavailable)
		return
	}
	n := int(s.count.Add(1))
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		http.Error(w, "cannot read the body", http.StatusBadRequest)
		return
	}
	now := s.k.cfg.now()
	c := p.v.Client
	e := &exchange{n: n, sent: sentRequest(r, body, c), findings: s.k.check(r, body, n, c, now)}
	s.answer(w, r, p.v, e)
	p.add(e)
}

// answer writes the suite's answer: 400 with the findings, or 200; signed
// as the scenario says when the request asks for a signed response.
func (s *server) answer(w http.ResponseWriter, r *http.Request, v *vectors.Vector, e *exchange) {
	e.status = http.StatusOK
	payload := map[string]any{"ok": true, "scenario": v.ID, "request": e.n}
	if len(e.findings) > 0 {
		e.status = http.StatusBadRequest
		payload = map[string]any{"type": "about:blank", "title": "the client-role suite found sender-side failures",
			"scenario": v.ID, "request": e.n, "failures": e.findings}
	}
	body, _ := json.Marshal(payload)
	h := w.Header()
	h.Set("Content-Type", "application/json")
	answer := v.Client.Answer
	if s.k.cfg.Profile == vectors.ClientProfileHTTPSig && answer != vectors.AnswerUnsigned && wantsSignedResponse(r) {
		signer := s.k.s.server
		if answer == vectors.AnswerOtherResponder {
			signer = s.k.s.other
		}
		nonce := requestNonce(r)
		if answer == vectors.AnswerWrongNonce {
			nonce = "not-" + nonce
		}
		_ = signer.SignResponse(h, e.status, body, rfc9421.FromRequest(r, ""), wimse.Revision(s.k.cfg.Draft), nonce)
		switch answer {
		case vectors.AnswerBadSignature:
			flipSignature(h)
		case vectors.AnswerDigestMismatch:
			body = append(body[:len(body)-1:len(body)-1], []byte(`,"changed":true}`)...)
		}
	}
	w.WriteHeader(e.status)
	_, _ = w.Write(body)
}

// wantsSignedResponse reports whether the request's WIMSE signature sends
// wimse-sign-response.
func wantsSignedResponse(r *http.Request) bool {
	sigs, _ := rfc9421.ParseSignatures(r.Header)
	for _, s := range sigs {
		if t, _ := s.Params.GetString("tag"); t == httpsig.Tag {
			b, _ := s.Params.GetBool(httpsig.ParamSignResponse)
			return b
		}
	}
	return false
}

func requestNonce(r *http.Request) string {
	sigs, _ := rfc9421.ParseSignatures(r.Header)
	for _, s := range sigs {
		if t, _ := s.Params.GetString("tag"); t == httpsig.Tag {
			n, _ := s.Params.Nonce()
			return n
		}
	}
	return ""
}

// flipSignature flips one bit of the response's signature value.
func flipSignature(h http.Header) {
	v := h.Get("Signature")
	i, j := strings.IndexByte(v, ':'), strings.LastIndexByte(v, ':')
	if i < 0 || j <= i {
		return
	}
	sig, err := base64.StdEncoding.DecodeString(v[i+1 : j])
	if err != nil || len(sig) == 0 {
		return
	}
	sig[len(sig)/2] ^= 0x01
	h.Set("Signature", v[:i+1]+base64.StdEncoding.EncodeToString(sig)+v[j:])
}

// sentRequest is the request as received, for the report: the values of
// credential fields are redacted (the client may use credentials of its
// own), the body cut to 200 bytes.
func sentRequest(r *http.Request, body []byte, c *vectors.ClientCase) *conformance.SentRequest {
	out := &conformance.SentRequest{Method: r.Method, URL: r.URL.RequestURI()}
	names := make([]string, 0, len(r.Header))
	for k := range r.Header {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		for _, v := range r.Header[k] {
			if secretField(k, c) {
				v = redact(v)
			}
			out.Fields = append(out.Fields, [2]string{k, v})
		}
	}
	if len(body) > 200 {
		body = body[:200]
	}
	out.Body = string(body)
	return out
}

func secretField(name string, c *vectors.ClientCase) bool {
	switch strings.ToLower(name) {
	case "authorization", "workload-identity-token", "workload-proof-token", "txn-token", "cookie":
		return true
	}
	return slices.ContainsFunc(c.ContextTokens, func(f string) bool { return strings.EqualFold(f, name) })
}

// redact keeps the scheme of an Authorization value and the first 12
// characters of a token, enough to tell tokens apart.
func redact(v string) string {
	prefix := ""
	if scheme, rest, ok := strings.Cut(v, " "); ok && len(scheme) < 10 {
		prefix, v = scheme+" ", rest
	}
	if len(v) > 12 {
		v = v[:12]
	}
	return prefix + v + "…[redacted]"
}
