package exchange

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/wimse-wg/wimse/tokens/attestation"
)

// ChallengeSource issues and checks the attestation challenges of
// draft-ietf-oauth-attestation-based-client-auth-11 §6: values the
// client must put in its Client Attestation PoP. *attestation.Challenges
// (stateless, HMAC-authenticated server time) implements it; a store of
// single-use values could too. Implementations must be safe for
// concurrent use. Experimental: the draft may change.
type ChallengeSource interface {
	// NewChallenge returns a fresh challenge: a token68 that is also a JSON
	// string without escapes. An error is the server's failure (a
	// server.* reason).
	NewChallenge(ctx context.Context) (string, error)
	// CheckChallenge reports whether challenge was issued by this source
	// and is still acceptable: nil, or an error with the reason
	// attestation.challenge_invalid (the client then gets
	// use_attestation_challenge and a fresh one), or a server.* reason for
	// a failure of the source.
	CheckChallenge(ctx context.Context, challenge string) error
}

// challengeResponse is the body of the challenge endpoint (§6.3).
type challengeResponse struct {
	Challenge string `json:"attestation_challenge"`
}

// ChallengeHandler serves the challenge endpoint of §6.3 from src: a POST
// answers 200 with {"attestation_challenge": "..."} as application/json
// and Cache-Control: no-store; other methods answer 405 with Allow: POST; a
// failure of src answers 500 server_error (a token endpoint error object).
// The request body is ignored and the client is not authenticated: a
// challenge is freshness, not a credential. DPoP nonces (the DPoP-Nonce
// field §6.3 requires when the server also uses them) are not added
// here. Publish its URL as Metadata.ChallengeEndpoint.
func ChallengeHandler(src ChallengeSource) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if src == nil {
			WriteError(w, r, nil)
			return
		}
		c, err := src.NewChallenge(r.Context())
		if err != nil {
			WriteError(w, r, err)
			return
		}
		body, _ := json.Marshal(challengeResponse{c}) // cannot fail: one string
		writeJSON(w, http.StatusOK, body)
	})
}

// *attestation.Challenges is a ChallengeSource.
var _ ChallengeSource = (*attestation.Challenges)(nil)
