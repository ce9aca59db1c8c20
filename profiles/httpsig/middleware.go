package httpsig

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"

	"github.com/wimse-wg/wimse/profiles/httpsig/rfc9421"
	"github.com/wimse-wg/wimse/wimse"
)

// DefaultMaxBody bounds the request bodies Serve reads when
// Verifier.MaxBody is zero, the response bodies the middleware buffers to
// sign, and the bodies Transport buffers: 10 MiB.
const DefaultMaxBody = 10 << 20

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
				v.ProblemDetail.Write(w, status, err)
				return
			}
			logger.LogAttrs(r.Context(), slog.LevelInfo, "request authenticated", slog.String("method", r.Method),
				slog.String("path", r.URL.Path), slog.String("subject", peer.ID.String()), slog.String("profile", string(peer.Revision)))
			v.ServePeer(w, r, peer, signer, always, next)
		})
	}
}

// Serve verifies a request in the order that keeps an unauthenticated
// sender from making the server read or hold its body: the header first
// (VerifyHeaders: the WIT, the signature and everything else but R5), then,
// only for a request whose credentials verified, the body, at most MaxBody
// bytes (a larger one, announced or sent, is request.body_too_large), then
// Content-Digest against it (R5). The body read is restored for the
// handler. A request refused before its body is read leaves it unread:
// net/http then closes the connection rather than drain a large body.
func (v *Verifier) Serve(r *http.Request) (*Peer, error) {
	peer, err := v.VerifyHeaders(r)
	if err != nil {
		return nil, err
	}
	body, err := v.readBody(r)
	if err != nil {
		return nil, err
	}
	if err := checkDigest(r.Header, body); err != nil && !off(&v.Policy, wimse.ReasonOf(err)) {
		return nil, err
	}
	return peer, nil
}

// readBody reads r's body, at most MaxBody bytes, and restores it for the
// handler.
func (v *Verifier) readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	limit := v.MaxBody
	if limit <= 0 {
		limit = DefaultMaxBody
	}
	tooLarge := func() error {
		return wimse.Errorf(wimse.ReasonRequestBodyTooLarge, "httpsig: the body exceeds this receiver's limit of %d bytes", limit)
	}
	if r.ContentLength > limit {
		return nil, tooLarge()
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, &wimse.Error{Reason: wimse.ReasonRequestMalformed, Detail: "httpsig: the body cannot be read", Err: err}
	}
	if int64(len(body)) > limit {
		return nil, tooLarge()
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, nil
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
		v.ProblemDetail.Write(w, http.StatusNotImplemented, wimse.Errorf(wimse.ReasonHTTPSigCannotSign, "httpsig: a signed response was requested and this server cannot sign"))
		return
	}
	rec := &recorder{header: http.Header{}}
	next.ServeHTTP(rec, r)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	// Sign what net/http will send: a sniffed Content-Type, no content for
	// HEAD, 204 or 304.
	content := asSent(rec.header, rec.status, rec.body.Bytes(), r)
	if err := signer.SignResponse(rec.header, rec.status, content, rfc9421.FromRequest(r, v.scheme()), peer.Revision, peer.Nonce); err != nil {
		v.ProblemDetail.Write(w, http.StatusNotImplemented, &wimse.Error{Reason: wimse.ReasonHTTPSigCannotSign, Detail: "httpsig: the response could not be signed", Err: err})
		return
	}
	for k, vs := range rec.header {
		w.Header()[k] = vs
	}
	w.WriteHeader(rec.status)
	_, _ = w.Write(rec.body.Bytes())
}

// Status is the HTTP status for a verification error: 400, or 413 for a
// body over the limit, 429 for a sender over its replay-cache quota, 503
// when the replay cache is full and 500 for internal failures (-07 §3.6).
func Status(err error) int {
	if wimse.ReasonOf(err) == wimse.ReasonRequestBodyTooLarge {
		return http.StatusRequestEntityTooLarge
	}
	switch wimse.ClassOf(wimse.ReasonOf(err)) {
	case wimse.ClassRateLimited:
		return http.StatusTooManyRequests
	case wimse.ClassUnavailable:
		return http.StatusServiceUnavailable
	case wimse.ClassInternal:
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}

// recorder buffers a response so it can be signed. Like net/http, it
// refuses content for a status that allows none; informational (1xx)
// responses are not forwarded.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(s int) {
	if r.status == 0 && (s < 100 || s > 199) {
		r.status = s
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if !bodyAllowed(r.status) {
		return 0, http.ErrBodyNotAllowed
	}
	if r.body.Len()+len(b) > DefaultMaxBody {
		return 0, io.ErrShortWrite
	}
	return r.body.Write(b)
}
