package htmsigpeer

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwk"

	"github.com/wimse-wg/wimse/interop/peers/internal/peercli"
	"github.com/wimse-wg/wimse/interop/peers/jwxpeer"
)

// DefaultMaxLifetime bounds expires - now of a signature (-07 §3.4:
// minutes).
const DefaultMaxLifetime = 5 * time.Minute

// maxBody is the largest body read.
const maxBody = 1 << 20

// Server is the HTTP-signature resource server of the peer: GET and POST
// /hello need a WIT and a WIMSE signature, GET /healthz needs nothing.
type Server struct {
	// WIT verifies the Workload-Identity-Token and supplies the clock.
	WIT jwxpeer.WITVerifier
	// Audience is the base URL; the expected wimse-aud of a request for
	// path P is Audience followed by P (never taken from Host).
	Audience string
	// MaxLifetime bounds expires - now; zero means DefaultMaxLifetime.
	MaxLifetime time.Duration
	// ResponseWIT and ResponseKey sign responses (the server's own WIT and
	// its cnf.jwk private key); empty means a request with
	// wimse-sign-response is answered 501 (-07 §3.6).
	ResponseWIT string
	ResponseKey jwk.Key
	// Log, if set, is called once per request with its outcome.
	Log func(r *http.Request, status int, peer string, err error)

	nonces peercli.Seen // nonces until their signature expires (-07 §3.4: SHOULD reject any nonce already seen)
}

// Answer is the body of a successful /hello.
type Answer struct {
	Peer     string `json:"peer"`
	Carriage string `json:"carriage"`
	Server   string `json:"server"`
}

func (s *Server) maxLifetime() time.Duration {
	if s.MaxLifetime <= 0 {
		return DefaultMaxLifetime
	}
	return s.MaxLifetime
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	status, peer, err := s.serve(w, r)
	if s.Log != nil {
		s.Log(r, status, peer, err)
	}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) (int, string, error) {
	if status, done := peercli.Route(w, r); done {
		return status, "", nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		return problem(w, http.StatusBadRequest, errors.New("request body unreadable or too large"))
	}
	m := requestMessage(r)
	res, err := s.verify(m, body)
	if err != nil {
		return problem(w, http.StatusBadRequest, err)
	}
	nonce, _ := res.sig.def.Nonce()
	if boolParam(res.sig.def, "wimse-sign-response") && (s.ResponseWIT == "" || s.ResponseKey == nil) {
		return problem(w, http.StatusNotImplemented, errors.New("a signed response was asked for and this server cannot sign"))
	}
	out, _ := json.Marshal(Answer{Peer: res.wit.Subject, Carriage: "http-signature-07", Server: "htmsigpeer"})
	out = append(out, '\n')
	w.Header().Set("Content-Type", "application/json")
	if s.ResponseWIT != "" && s.ResponseKey != nil {
		if err := s.signResponse(w.Header(), m, http.StatusOK, out, nonce); err != nil {
			return problem(w, http.StatusInternalServerError, err)
		}
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(out)
	return http.StatusOK, res.wit.Subject, nil
}

// verify runs -07's receiver checks on a request (R1-R9).
func (s *Server) verify(m *message, body []byte) (*checkResult, error) {
	res, err := checker{wit: &s.WIT, maxLifetime: s.maxLifetime()}.check(m, body, requestAlways, false, requestFields)
	if err != nil {
		return nil, err
	}
	aud, ok := stringParam(res.sig.def, "wimse-aud")
	if !ok {
		return nil, errors.New("signature lacks wimse-aud")
	}
	p := m.path
	if p == "" {
		p = "/"
	}
	if want := strings.TrimSuffix(s.Audience, "/") + p; aud != want {
		return nil, fmt.Errorf("wimse-aud %q is not %q", aud, want)
	}
	exp, _ := res.sig.def.Expires()
	nonce, _ := res.sig.def.Nonce()
	now := time.Now()
	if s.WIT.Now != nil {
		now = s.WIT.Now()
	}
	if !s.nonces.Add(nonce, time.Unix(exp, 0).Add(time.Hour), now) {
		return nil, errors.New("nonce replayed")
	}
	return res, nil
}

// signResponse signs a response (-07 §3.5): the server's WIT, a digest of
// the body, wimse-req-nonce.
func (s *Server) signResponse(h http.Header, req *message, status int, body []byte, reqNonce string) error {
	jm, err := jwxpeer.LoadKeyAlg(s.ResponseKey)
	if err != nil {
		return err
	}
	h.Set("Workload-Identity-Token", s.ResponseWIT)
	setBody(h, body)
	now := time.Now()
	if s.WIT.Now != nil {
		now = s.WIT.Now()
	}
	m := &message{header: h, status: status, req: req}
	_, err = signer{wit: s.ResponseWIT, key: s.ResponseKey, alg: jm, label: "sig1", created: now, lifetime: time.Minute}.
		sign(m, responseComponents(), responseFields, param{"wimse-req-nonce", reqNonce})
	return err
}

func problem(w http.ResponseWriter, status int, err error) (int, string, error) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"title": http.StatusText(status), "status": status, "detail": err.Error()})
	return status, "", err
}
