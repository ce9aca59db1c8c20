package exchange

import (
	"context"
	"net/http"
	"time"

	"github.com/wimse-wg/wimse/tokens/dpop"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/wimse"
)

// NonceIssuer issues the server nonces a token endpoint sends in the
// DPoP-Nonce header (RFC 9449 §8). It must be safe for concurrent use;
// *dpop.NonceSource is one, and also checks them (dpop.NonceChecker).
type NonceIssuer interface {
	// NewNonce returns the nonce to send at now.
	NewNonce(now time.Time) (string, error)
}

// DPoPConfig turns on DPoP at the token endpoint (RFC 9449 §5): a request
// with a DPoP header gets a token bound to the proof's key (cnf.jkt,
// token_type DPoP).
type DPoPConfig struct {
	// Verifier verifies the proofs; required. Its Replay should be set.
	// When its Now is nil the Handler's clock is used. When its Nonces is
	// set, every proof must carry a nonce (RFC 9449 §8).
	Verifier *dpop.Verifier
	// TokenURL is the htu every proof must carry: this token endpoint's
	// URL as clients address it, from configuration, never built from the
	// request's Host. Required.
	TokenURL string
	// Nonces issues the DPoP-Nonce sent with use_dpop_nonce and with every
	// token response (RFC 9449 §8, §8.2); required when Verifier.Nonces is
	// set (the same *dpop.NonceSource serves as both), ignored otherwise.
	Nonces NonceIssuer
}

// SigningAlgValues returns the proof algorithms the token endpoint
// accepts: Metadata.DPoPSigningAlgValuesSupported (RFC 9449 §5.1).
func (c *DPoPConfig) SigningAlgValues() []string {
	if c == nil || c.Verifier == nil {
		return nil
	}
	return c.Verifier.SupportedAlgorithms()
}

// DPoPFunc returns the DPoP proof of one request (RFC 9449 §4) to htu with
// method htm: with ath of accessToken unless it is "", and with the
// server's nonce unless it is "". See Client.DPoP.
type DPoPFunc func(ctx context.Context, htm, htu, accessToken, nonce string) (string, error)

// DPoPSigner returns the DPoPFunc that signs with s: Client.DPoP for a
// client whose DPoP key is s.Key.
func DPoPSigner(s *dpop.Signer) DPoPFunc {
	return func(_ context.Context, htm, htu, accessToken, nonce string) (string, error) {
		return s.NewProof(htm, htu, accessToken, nonce)
	}
}

// proveDPoP verifies the request's DPoP proof, if DPoP is configured and the
// request has one; nil and nil otherwise. A DPoP header sent to a Handler
// without DPoP is ignored (RFC 9449 §5: a server that does not support DPoP
// ignores it), so the client gets a Bearer token it can tell by token_type.
func (h *Handler) proveDPoP(w http.ResponseWriter, r *http.Request) (*dpop.Proof, error) {
	if h.DPoP == nil {
		return nil, nil
	}
	cfg := h.DPoP
	if cfg.Verifier == nil || cfg.TokenURL == "" {
		return nil, serverError(wimse.Errorf(wimse.ReasonInternal, "exchange: DPoPConfig needs a Verifier and a TokenURL"))
	}
	raw, err := dpop.FromHeader(r.Header)
	if err != nil {
		return nil, &Error{Code: oauth.ErrorInvalidDPoPProof, Description: describe(err), Err: err}
	}
	if raw == "" {
		return nil, nil
	}
	v := *cfg.Verifier
	if v.Now == nil {
		v.Now = h.now
	}
	p, err := v.Verify(raw, http.MethodPost, cfg.TokenURL, "")
	switch r := wimse.ReasonOf(err); {
	case err == nil:
		if v.Nonces != nil {
			// A fresh nonce with every success (RFC 9449 §8.2), so the
			// client never needs a use_dpop_nonce round trip.
			if err := h.setNonce(w); err != nil {
				return nil, err
			}
		}
		return p, nil
	case serverFailure(err):
		return nil, serverError(err)
	case r == wimse.ReasonDPoPNonceMissing || r == wimse.ReasonDPoPNonceInvalid:
		if err := h.setNonce(w); err != nil {
			return nil, err
		}
		return nil, &Error{Code: oauth.ErrorUseDPoPNonce, Description: "the authorization server requires a nonce in the DPoP proof", Err: err}
	}
	return nil, &Error{Code: oauth.ErrorInvalidDPoPProof, Description: describe(err), Err: err}
}

// setNonce sets a fresh DPoP-Nonce header on the answer.
func (h *Handler) setNonce(w http.ResponseWriter) error {
	if h.DPoP.Nonces == nil {
		return serverError(wimse.Errorf(wimse.ReasonInternal, "exchange: DPoP nonces are required but DPoPConfig.Nonces is nil"))
	}
	n, err := h.DPoP.Nonces.NewNonce(h.now())
	if err != nil {
		return serverError(&wimse.Error{Reason: wimse.ReasonInternal, Detail: "exchange: no DPoP nonce", Err: err})
	}
	w.Header().Set(dpop.NonceHeader, n)
	return nil
}
