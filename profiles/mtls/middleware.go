package mtls

import (
	"log/slog"
	"net/http"

	"github.com/wimse-wg/wimse/profiles/problem"

	"github.com/wimse-wg/wimse/wimse"
)

// ProblemTypeBase prefixes the reason code to form an RFC 9457 problem type
// (the same page as profiles/httpwpt's).
const ProblemTypeBase = problem.TypeBase

// Middleware returns a handler that puts the client's Peer in the request
// context (PeerFromContext) and calls next, or answers 400 with an
// application/problem+json body whose "reason" member is an mtls.* code
// when the request has no verified peer: it did not arrive over TLS
// (mtls.no_certificate), or the client certificate does not pass
// VerifyPeer with role Client and the options.
//
// The Peer is re-derived from r.TLS.PeerCertificates on every request, with
// the WithNow clock: behind ServerConfig with the same options this
// repeats the handshake's verdict, and a certificate that expires during a
// long-lived connection stops being accepted. Identity never comes from a
// request header (mutual-tls-03 M18). Rejections are logged to WithLogger
// with the reason, method and path; never a certificate.
func Middleware(trust *wimse.TrustStore, opts ...Option) func(http.Handler) http.Handler {
	c := newConfig(opts)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var peer *Peer
			var err error = wimse.Errorf(wimse.ReasonMTLSNoCertificate, "mtls: request did not arrive over TLS")
			if r.TLS != nil {
				peer, err = verify(r.TLS.PeerCertificates, trust, Client, c.now(), c)
			}
			if err != nil {
				c.logger.LogAttrs(r.Context(), slog.LevelInfo, "request rejected",
					slog.String("method", r.Method), slog.String("path", r.URL.Path),
					slog.Int("status", http.StatusBadRequest), slog.String("reason", string(wimse.ReasonOf(err))))
				writeProblem(w, http.StatusBadRequest, err)
				return
			}
			c.logger.LogAttrs(r.Context(), slog.LevelInfo, "request authenticated",
				slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.String("subject", peer.ID.String()))
			next.ServeHTTP(w, r.WithContext(WithPeer(r.Context(), peer)))
		})
	}
}

// problem is an RFC 9457 problem details object with the reason member, in
// the shape of profiles/httpwpt.Problem.
func writeProblem(w http.ResponseWriter, status int, err error) { problem.Write(w, status, err) }
