package httpwpt

import (
	"log/slog"
	"net/http"

	"github.com/wimse-wg/wimse/wimse"
)

// Middleware returns a handler that authenticates every request with v and
// calls next with the Peer in the context, or answers with a problem body.
// Rejections are logged to logger (nil discards) with the reason, method
// and path only: never a token or an Authorization value.
func (v *Verifier) Middleware(logger *slog.Logger) func(http.Handler) http.Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			peer, err := v.Verify(r)
			if err != nil {
				status, challenge := v.Status(err)
				logger.LogAttrs(r.Context(), slog.LevelInfo, "request rejected",
					slog.String("method", r.Method), slog.String("path", r.URL.Path),
					slog.Int("status", status), slog.String("reason", string(wimse.ReasonOf(err))))
				WriteProblem(w, status, challenge, err, v.ProblemDetail)
				return
			}
			logger.LogAttrs(r.Context(), slog.LevelInfo, "request authenticated",
				slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.String("subject", peer.ID.String()), slog.String("carriage", string(peer.Revision)))
			next.ServeHTTP(w, r.WithContext(WithPeer(r.Context(), peer)))
		})
	}
}
