package exchange

import (
	"context"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/tokens/accesstoken"
	"github.com/wimse-wg/wimse/tokens/confirmation"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/wimse"
)

// Parameters of a revocation request (RFC 7009 §2.1) and of an
// introspection request (RFC 7662 §2.1).
const (
	ParamToken         = "token"
	ParamTokenTypeHint = "token_type_hint"
)

// Values of token_type_hint (RFC 7009 §2.1, the IANA "OAuth Token Type
// Hints" registry). The endpoints of this package accept any value and
// search the access tokens of this STS whatever it says: the only tokens
// they know (RFC 7009 §2.1 and RFC 7662 §2.1: a server that cannot find the
// token with the hint MUST extend its search).
const (
	TokenTypeHintAccessToken  = "access_token"
	TokenTypeHintRefreshToken = "refresh_token"
)

// tokenRequest is a revocation or introspection request: the two share
// their parameters.
type tokenRequest struct {
	token, hint string
}

// readTokenRequest reads a revocation or introspection request as the
// token endpoint reads its own (Handler.readRequest): POST only,
// application/x-www-form-urlencoded in UTF-8, at most limit bytes,
// parameters from the body only (RFC 7009 §2.1, RFC 7662 §2.1, RFC 6749
// §3.2), with the same reasons (exchange.method, exchange.content_type,
// exchange.request). missing is the reason of an absent token.
func readTokenRequest(w http.ResponseWriter, r *http.Request, limit int64, endpoint string, missing wimse.Reason) (tokenRequest, error) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		e := invalid(oauth.ErrorInvalidRequest, wimse.ReasonExchangeMethod, "the %s endpoint takes POST, not %s", endpoint, truncate(r.Method))
		e.Status = http.StatusMethodNotAllowed
		return tokenRequest{}, e
	}
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != formType {
		return tokenRequest{}, invalid(oauth.ErrorInvalidRequest, wimse.ReasonExchangeContentType, "the body must be %s", formType)
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return tokenRequest{}, invalid(oauth.ErrorInvalidRequest, wimse.ReasonExchangeContentType, "the body must be UTF-8 (RFC 6749 Appendix B)")
	}
	if limit <= 0 {
		limit = DefaultMaxBodySize
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseForm(); err != nil {
		return tokenRequest{}, invalid(oauth.ErrorInvalidRequest, wimse.ReasonExchangeRequest, "the form cannot be read")
	}
	return parseTokenRequest(r.PostForm, missing)
}

// parseTokenRequest reads token and token_type_hint: no parameter may
// appear twice (RFC 6749 §3.2), token is required; a parameter without a
// value is absent.
func parseTokenRequest(form url.Values, missing wimse.Reason) (tokenRequest, error) {
	for name, vs := range form {
		if len(vs) > 1 {
			return tokenRequest{}, invalid(oauth.ErrorInvalidRequest, wimse.ReasonExchangeRequest, "parameter %s appears %d times", truncate(name), len(vs))
		}
	}
	req := tokenRequest{token: form.Get(ParamToken), hint: form.Get(ParamTokenTypeHint)}
	if req.token == "" {
		return tokenRequest{}, invalid(oauth.ErrorInvalidRequest, missing, "token is missing")
	}
	return req, nil
}

// authenticateClient authenticates the client of a revocation or
// introspection request exactly as the token endpoint does (Handler.authenticate):
// nil clients refuse everyone with invalid_client.
func authenticateClient(ctx context.Context, clients ClientAuthenticator, r *http.Request) (ClientIdentity, error) {
	return (&Handler{Clients: clients}).authenticate(ctx, r)
}

// ownToken verifies raw as an access token of this STS. Any cnf binding is
// accepted: revocation and introspection identify a token, they do not use
// it, so the caller needs no proof of its key.
func ownToken(v *accesstoken.Verifier, raw string) (*accesstoken.Token, error) {
	return v.Verify(raw, anyBinding)
}

func anyBinding(confirmation.Claim) error { return nil }

// otherJWT reports whether raw is a well-formed JWS whose typ is not at+jwt:
// a JWT of another kind (an ID token, a token this STS issued as
// requested_token_type jwt) rather than garbage.
func otherJWT(raw string, maxSize int) bool {
	t, err := jose.Parse(raw, maxSize)
	return err == nil && !(t.HasTyp && jose.TypMatches(t.Typ, accesstoken.MediaType, nil))
}
