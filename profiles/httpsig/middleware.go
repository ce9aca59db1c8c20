package httpsig

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"

	"github.com/wimse-wg/wimse/profiles/httpsig/rfc9421"
	"github.com/wimse-wg/wimse/profiles/problem"
	"github.com/wimse-wg/wimse/wimse"
)

// MaxBody bounds the request and response bodies the middleware buffers
// to compute and check Content-Digest.
const MaxBody = 10 << 20

// Middleware verifies every request and calls next with the Peer in the
// context, or answers 400 with a problem body. When the request sent
// wimse-sign-response, or always is true (server policy), the response is
// buffered and signed with signer; with no signer such a request is
// answered 501 (httpsig.cannot_sign_response; -07 §3.6: never a successful
// unsigned response). Logs carry the reason, method and path, never a token.
func (v *Verifier) Middleware(signer *Signer, always bool, logger *slog.Logger) func(http.Handler) http.Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			peer, err := v.Serve(r)
			if err != nil {
				status := Status(err)
				logger.LogAttrs(r.Context(), slog.LevelInfo, "request rejected", slog.String("method", r.Method),
					slog.String("path", r.URL.Path), slog.Int("status", status), slog.String("reason", string(wimse.ReasonOf(err))))
				problem.Write(w, status, err)
				return
			}
			logger.LogAttrs(r.Context(), slog.LevelInfo, "request authenticated", slog.String("method", r.Method),
				slog.String("path", r.URL.Path), slog.String("subject", peer.ID.String()), slog.String("profile", string(peer.Revision)))
			v.ServePeer(w, r, peer, signer, always, next)
		})
	}
}

// Serve reads the request body (bounded by MaxBody, restored for the
// handler) and verifies the request.
func (v *Verifier) Serve(r *http.Request) (*Peer, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
	if err != nil || len(body) > MaxBody {
		return nil, wimse.Errorf(wimse.ReasonRequestMalformed, "httpsig: the body cannot be read or exceeds %d bytes", MaxBody)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return v.Verify(r, body)
}

// ServePeer calls next for an authenticated peer, signing the response
// when the peer asked for it or always is set.
func (v *Verifier) ServePeer(w http.ResponseWriter, r *http.Request, peer *Peer, signer *Signer, always bool, next http.Handler) {
	r = r.WithContext(WithPeer(r.Context(), peer))
	if !peer.SignResponse && !always {
		next.ServeHTTP(w, r)
		return
	}
	if signer == nil {
		problem.Write(w, http.StatusNotImplemented, wimse.Errorf(wimse.ReasonHTTPSigCannotSign, "httpsig: a signed response was requested and this server cannot sign"))
		return
	}
	rec := &recorder{header: http.Header{}}
	next.ServeHTTP(rec, r)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	if err := signer.SignResponse(rec.header, rec.status, rec.body.Bytes(), rfc9421.FromRequest(r, v.scheme()), peer.Revision, peer.Nonce); err != nil {
		problem.Write(w, http.StatusNotImplemented, &wimse.Error{Reason: wimse.ReasonHTTPSigCannotSign, Detail: "httpsig: the response could not be signed", Err: err})
		return
	}
	for k, vs := range rec.header {
		w.Header()[k] = vs
	}
	w.WriteHeader(rec.status)
	_, _ = w.Write(rec.body.Bytes())
}

// Status is the HTTP status for a verification error: 400, or 503 when
// the replay cache is full and 500 for internal failures (-07 §3.6).
func Status(err error) int {
	switch wimse.ClassOf(wimse.ReasonOf(err)) {
	case wimse.ClassUnavailable:
		return http.StatusServiceUnavailable
	case wimse.ClassInternal:
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}

// recorder buffers a response so it can be signed.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(s int) {
	if r.status == 0 {
		r.status = s
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if r.body.Len()+len(b) > MaxBody {
		return 0, io.ErrShortWrite
	}
	return r.body.Write(b)
}
