package jwxpeer

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/wimse-wg/wimse/interop/peers/internal/peercli"
)

// DefaultMaxLifetime bounds exp - now of a WPT (wpt-02 §2: an unreasonably
// far-future exp SHOULD be rejected; proofs live minutes).
const DefaultMaxLifetime = 5 * time.Minute

// Server is the WIT/WPT resource server of the peer: GET and POST /hello
// need a WIT and a WPT, GET /healthz needs nothing.
type Server struct {
	// WIT verifies the Workload-Identity-Token (and supplies the clock).
	WIT WITVerifier
	// Audience is the server's base URL; the expected aud of a request for
	// path P is Audience followed by P (never taken from Host).
	Audience string
	// MaxLifetime bounds exp - now of a WPT; zero means DefaultMaxLifetime.
	MaxLifetime time.Duration
	// Log, if set, is called once per request with its outcome.
	Log func(r *http.Request, status int, peer string, err error)

	replay peercli.Seen // (sender, jti) until the proof expires
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

func (s *Server) audienceFor(r *http.Request) string {
	p := r.URL.EscapedPath()
	if p == "" {
		p = "/"
	}
	return strings.TrimSuffix(s.Audience, "/") + p
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
	wit, carriage, status, err := s.authenticate(r)
	if err != nil {
		if status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", "WPT")
		}
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]any{"title": http.StatusText(status), "status": status, "detail": err.Error()})
		return status, "", err
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(Answer{Peer: wit.Subject, Carriage: carriage, Server: "jwxpeer"})
	return http.StatusOK, wit.Subject, nil
}

// token68 is RFC 9110 §11.2's token68.
var token68 = regexp.MustCompile(`^[A-Za-z0-9._~+/-]+=*$`)

// credentials is RFC 9110 §11.4: auth-scheme [ 1*SP ( token68 / #auth-param ) ],
// auth-params loosely (token BWS "=" BWS ( token / quoted-string ), comma separated).
var credentials = regexp.MustCompile(`^[!#$%&'*+.^_` + "`" + `|~0-9A-Za-z-]+(?: +(?:[A-Za-z0-9._~+/-]+=*|[!#$%&'*+.^_` + "`" + `|~0-9A-Za-z-]+[ \t]*=[ \t]*(?:[!#$%&'*+.^_` + "`" + `|~0-9A-Za-z-]+|"(?:[^"\\]|\\.)*")(?:[ \t]*,[ \t]*[!#$%&'*+.^_` + "`" + `|~0-9A-Za-z-]+[ \t]*=[ \t]*(?:[!#$%&'*+.^_` + "`" + `|~0-9A-Za-z-]+|"(?:[^"\\]|\\.)*"))*))?$`)

// cutScheme splits credentials into auth-scheme and what follows one or
// more SP (RFC 9110 §11.4; HTAB is not allowed). ok is false without SP.
func cutScheme(v string) (scheme, rest string, ok bool) {
	scheme, rest, ok = strings.Cut(v, " ")
	return scheme, strings.TrimLeft(rest, " "), ok
}

func equalFoldASCII(a, b string) bool { return strings.EqualFold(a, b) }

func exportKey(k jwk.Key, dst *any) error { return jwk.Export(k, dst) }
