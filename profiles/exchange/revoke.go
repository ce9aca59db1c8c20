package exchange

import (
	"context"
	"net/http"
	"time"

	"github.com/wimse-wg/wimse/tokens/accesstoken"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/wimse"
)

// errorUnsupportedTokenType is the error code of RFC 7009 §2.2.1.
const errorUnsupportedTokenType = "unsupported_token_type"

// RevocationHandler is the token revocation endpoint of the STS (RFC
// 7009): an http.Handler that revokes the access tokens this STS issued,
// by jti, in Revocations, which the AccessTokenValidator and the
// IntrospectionHandler consult. Its fields are read-only once it serves; it
// is safe for concurrent use if its hooks are.
//
// Each request is answered in these steps:
//
//  1. POST, application/x-www-form-urlencoded in UTF-8, at most
//     MaxBodySize, parameters from the body only and none repeated: the
//     token endpoint's rules and reasons (exchange.method,
//     exchange.content_type, exchange.request).
//  2. Client authentication by Clients, answered as at the token endpoint
//     (invalid_client; 401 with WWW-Authenticate when the client used the
//     Authorization field). RFC 7009 §2.1 lets public clients revoke
//     without credentials; this STS has none, so authentication is
//     required.
//  3. token is required (invalid_request, revocation.token_missing).
//     token_type_hint is read, recorded and otherwise ignored: any value is
//     accepted, since the only tokens this endpoint knows are access tokens
//     (RFC 7009 §2.1: the server MAY ignore the hint, and MUST search
//     further when the hint does not find the token).
//  4. The token is verified by Verifier, which must trust only this STS
//     (its issuer and the KeySet's IssuerKeys) with AnyAudience set; any
//     cnf binding is accepted (revoking is no use of the token). A token
//     that does not verify (expired, foreign, garbage, another signer) is
//     answered 200 with no effect (RFC 7009 §2.2: invalid tokens cause no
//     error), its reason recorded; except a well-formed JWT whose typ is
//     not at+jwt, such as an ID token or a token this STS issued for
//     requested_token_type jwt (meant for another authorization server,
//     which this STS cannot recall): unsupported_token_type
//     (revocation.unsupported_token_type, RFC 7009 §2.2.1), so a client is
//     never told that such a token was revoked.
//  5. A token issued to another client (its client_id is not the
//     authenticated client) is refused: 400 unauthorized_client,
//     revocation.client_mismatch, and the token stays valid. RFC 7009 §2.1
//     says the request is then "refused and the client is informed of the
//     error"; answering 200 would tell the client that a token it believes
//     compromised is dead while it lives on. Only the client a token was
//     issued to may revoke it; a resource server in its aud may not.
//  6. Revocations.Revoke(jti, exp + the Verifier's clock skew). A failure
//     is 503 server_error (revocation.unavailable): the client must assume
//     the token still exists and may retry (RFC 7009 §2.2.1).
//  7. OnRevoke is called with the record. If it fails on a revocation, the
//     revocation stands (it cannot be undone safely) but the answer is 503
//     server_error, so the client retries and every acknowledged
//     revocation has its record (revoking again is harmless).
//  8. 200 with an empty body (RFC 7009 §2.2: the client ignores the
//     content); every answer has Cache-Control: no-store.
//
// Revoking a token does not revoke the tokens exchanged from it before:
// they live until their own exp, which the exchange bounded by the
// subject token's; a revoked token is refused as subject or actor token
// from then on.
type RevocationHandler struct {
	// Clients authenticates the client of every request. Nil refuses every
	// request with invalid_client.
	Clients ClientAuthenticator
	// Verifier verifies the tokens to revoke: an accesstoken.Verifier
	// whose Trust lists only this STS (its issuer, KeySet.IssuerKeys) with
	// AnyAudience set. Required.
	Verifier *accesstoken.Verifier
	// Revocations records the revocations. Required.
	Revocations Revocations
	// OnRevoke, if set, is called with the record of every answer before
	// it is sent. An error on a revocation answers 503 (see step 7); an
	// error on any other answer is ignored.
	OnRevoke func(ctx context.Context, d RevocationDecision) error
	// MaxBodySize bounds the request body in bytes. Zero means
	// DefaultMaxBodySize.
	MaxBodySize int64
	// Now is the clock of the records. Nil means time.Now; the Verifier
	// has its own (Policy.Now).
	Now func() time.Time
}

// RevocationDecision is the record of one answer of the revocation
// endpoint, for the audit log. It never holds a token. Fields not known
// when the request was refused are zero.
type RevocationDecision struct {
	// Time is when the request was decided.
	Time time.Time
	// Client is the authenticated client's ID and Method.
	Client ClientIdentity
	// TokenTypeHint is token_type_hint as sent (truncated).
	TokenTypeHint string
	// TokenID, TokenClientID, Subject and Expiry are the jti, client_id,
	// sub and exp of the token, when it verified as one of this STS's.
	TokenID, TokenClientID, Subject string
	Expiry                          time.Time
	// Revoked says the token is now revoked (by this request or before).
	Revoked bool
	// Error is the OAuth error code answered, "" for 200.
	Error string
	// Reason explains a refusal, or why a 200 had no effect (the token did
	// not verify: accesstoken.expired, accesstoken.issuer, ...); "" when
	// the token was revoked.
	Reason wimse.Reason
	// Status is the HTTP status answered.
	Status int
}

// ServeHTTP answers one revocation request (see RevocationHandler).
func (h *RevocationHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	d := RevocationDecision{Time: h.now()}
	err := h.serve(w, r, &d)
	if err == nil {
		d.Status = http.StatusOK
		if err = h.record(r.Context(), d); err == nil || !d.Revoked {
			writeNoContent(w)
			return
		}
		err = serverError(wimse.Errorf(wimse.ReasonRevocationUnavailable, "exchange: the revocation could not be recorded: %w", err))
	}
	e := asWire(err)
	d.Error, d.Reason, d.Status = e.Code, reasonOf(e), e.StatusCode(r)
	_ = h.record(r.Context(), d)
	e.Write(w, r)
}

func (h *RevocationHandler) serve(w http.ResponseWriter, r *http.Request, d *RevocationDecision) error {
	if h.Verifier == nil || h.Revocations == nil {
		return serverError(wimse.Errorf(wimse.ReasonInternal, "exchange: revocation handler has no Verifier or Revocations"))
	}
	req, err := readTokenRequest(w, r, h.MaxBodySize, "revocation", wimse.ReasonRevocationTokenMissing)
	if err != nil {
		return err
	}
	d.TokenTypeHint = truncate(req.hint)
	ctx := r.Context()
	client, err := authenticateClient(ctx, h.Clients, r)
	if err != nil {
		return err
	}
	d.Client = ClientIdentity{ID: client.ID, Method: client.Method}

	t, err := ownToken(h.Verifier, req.token)
	switch {
	case err != nil && serverFailure(err):
		return serverError(err)
	case err != nil && otherJWT(req.token, h.Verifier.Policy.TokenSize()):
		return invalid(errorUnsupportedTokenType, wimse.ReasonRevocationUnsupportedTokenType, "only access tokens (typ at+jwt) of this server can be revoked")
	case err != nil:
		d.Reason = wimse.ReasonOf(err) // RFC 7009 §2.2: no error, no effect
		return nil
	}
	d.TokenID, d.TokenClientID, d.Subject, d.Expiry = t.ID, t.ClientID, t.Subject, t.Expiry
	if t.ClientID != client.ID {
		return invalid(oauth.ErrorUnauthorizedClient, wimse.ReasonRevocationClientMismatch, "the token was not issued to this client")
	}
	if err := h.Revocations.Revoke(ctx, t.ID, t.Expiry.Add(h.Verifier.Policy.Skew())); err != nil {
		return serverError(wimse.Errorf(wimse.ReasonRevocationUnavailable, "exchange: revoke: %w", err))
	}
	d.Revoked = true
	return nil
}

func (h *RevocationHandler) record(ctx context.Context, d RevocationDecision) error {
	if h.OnRevoke == nil {
		return nil
	}
	return h.OnRevoke(ctx, d)
}

func (h *RevocationHandler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// writeNoContent answers 200 with an empty body and the headers of RFC
// 6749 §5.1.
func writeNoContent(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	w.WriteHeader(http.StatusOK)
}
