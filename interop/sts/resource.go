package sts

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/wimse-wg/wimse/tokens/accesstoken"
	"github.com/wimse-wg/wimse/tokens/confirmation"
	"github.com/wimse-wg/wimse/tokens/dpop"
	"github.com/wimse-wg/wimse/wimse"
)

// Resource protects a resource server's handler with the access tokens
// the STS issues, sent as RFC 9449 §7 asks of a DPoP-bound token:
// Authorization: DPoP <at+jwt> with a DPoP proof whose ath is the token's
// hash and whose key is the token's cnf.jkt. It is the receiving side of
// `wimse demo exchange`: workload B accepting the token workload A
// obtained for B's audience.
//
// Decisions: only DPoP-bound tokens are accepted (a bearer token, or a
// DPoP-bound token sent with the Bearer scheme, is refused: RFC 9449 §7.2);
// htu is BaseURL + the request path, never built from Host; failures
// answer 401 with WWW-Authenticate: DPoP error="invalid_token" (the
// token) or error="invalid_dpop_proof" (the proof), and the algs the
// verifier accepts (RFC 9449 §7.1), never the reason in the body.
type Resource struct {
	// Tokens verifies the access token: Trust holds the STS's issuer and
	// keys, Audiences this resource's identifier. Required.
	Tokens *accesstoken.Verifier
	// Proofs verifies the DPoP proof; set its Replay. Required.
	Proofs *dpop.Verifier
	// BaseURL is this server's scheme and authority, as clients reach it
	// (https://b.example): htu is BaseURL + the request path.
	BaseURL string
	// Next serves the request once the token is accepted; the verified
	// token is in the context (ResourceToken).
	Next http.Handler
}

type resourceKey struct{}

// ResourceToken returns the access token Resource accepted for the
// request of ctx, or nil.
func ResourceToken(ctx context.Context) *accesstoken.Token {
	t, _ := ctx.Value(resourceKey{}).(*accesstoken.Token)
	return t
}

// ServeHTTP checks the token and the proof, then calls Next.
func (s *Resource) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	t, err := s.Check(r)
	if err != nil {
		code := "invalid_token"
		if strings.HasPrefix(string(wimse.ReasonOf(err)), "dpop.") {
			code = "invalid_dpop_proof"
		}
		w.Header().Set("WWW-Authenticate", fmt.Sprintf(`DPoP error=%q, algs=%q`, code, strings.Join(s.Proofs.SupportedAlgorithms(), " ")))
		w.Header().Set("Cache-Control", "no-store")
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	s.Next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), resourceKey{}, t)))
}

// Check verifies the request's DPoP-bound access token and proof and
// returns the token. Failures are *wimse.Error values (dpop.*,
// access_token.*, cnf.* reasons).
func (s *Resource) Check(r *http.Request) (*accesstoken.Token, error) {
	if s.Tokens == nil || s.Proofs == nil || s.BaseURL == "" {
		return nil, errors.New("sts: Resource needs Tokens, Proofs and BaseURL")
	}
	auth := r.Header.Values("Authorization")
	if len(auth) != 1 {
		return nil, wimse.Errorf(wimse.ReasonRequestAuthorizationMalformed, "want exactly one Authorization field")
	}
	scheme, token, ok := strings.Cut(auth[0], " ")
	if !ok || !strings.EqualFold(scheme, "DPoP") || token == "" || strings.ContainsAny(token, " \t") {
		return nil, wimse.Errorf(wimse.ReasonRequestAuthorizationMalformed, "want Authorization: DPoP <token>")
	}
	raw, err := dpop.FromHeader(r.Header)
	if err != nil {
		return nil, err
	}
	proof, err := s.Proofs.Verify(raw, r.Method, strings.TrimSuffix(s.BaseURL, "/")+r.URL.EscapedPath(), token)
	if err != nil {
		return nil, err
	}
	t, err := s.Tokens.Verify(token, confirmation.Key(proof.Key))
	if err != nil {
		return nil, err
	}
	if t.Confirmation.Method() != confirmation.MethodJKT {
		return nil, wimse.Errorf(wimse.ReasonCnfMismatch, "the token is not DPoP-bound")
	}
	return t, nil
}
