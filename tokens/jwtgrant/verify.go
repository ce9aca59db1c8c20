package jwtgrant

import (
	"context"
	"errors"
	"time"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/wimse"
)

// Verifier verifies RFC 7523 JWTs at an authorization server: grants
// (VerifyGrant) and client assertions (VerifyClientAssertion). It is safe
// for concurrent use if Keys and Replay are.
type Verifier struct {
	// Issuer is the authorization server's issuer identifier (RFC 8414 §2),
	// the only audience a client assertion may name (rfc7523bis: the AS
	// MUST have one). Required.
	Issuer string
	// GrantAudiences are further values that identify this authorization
	// server in a grant's aud, such as its token endpoint URL (rfc7523bis:
	// for grants "an AS MAY be identified by its issuer identifier or its
	// token endpoint URL"). They are never accepted for client assertions.
	// Nil accepts Issuer only.
	GrantAudiences []string
	// GrantType, when non-empty, is the explicit typ a grant must carry: a
	// profile's media type (for example oauth-id-jag+jwt), compared as
	// RFC 7515 §4.1.9 says. Empty accepts an untyped grant or typ JWT, as
	// RFC 7523 defines no typ for grants.
	GrantType string
	// Keys gives the keys of each trusted issuer (for client assertions,
	// each registered client). Nil trusts nobody.
	Keys KeySource
	// Policy supplies the clock, the clock skew, the token size limit and
	// the algorithm restriction.
	Policy wimse.Policy
	// MaxLifetime bounds exp - now (beyond the skew) and exp - iat. Zero
	// means DefaultMaxLifetime; negative disables the check.
	MaxLifetime time.Duration
	// Replay records the (iss, jti) pairs of accepted client assertions,
	// and of grants that carry a jti. Nil disables the replay check (for
	// offline use only: a client assertion is then reusable until exp).
	Replay wimse.ReplayCache
}

type use int

const (
	useGrant use = iota + 1
	useClient
)

// VerifyGrant verifies a JWT authorization grant: the assertion parameter
// of a grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer request (RFC
// 7523 §2.1, §3, §3.1). Failures are *wimse.Error values with a jwtgrant.*
// reason (or server.*); a token endpoint answers them with invalid_grant.
func (v *Verifier) VerifyGrant(ctx context.Context, raw string) (*Assertion, error) {
	return v.verify(ctx, raw, useGrant, "")
}

// VerifyClientAssertion verifies a JWT client assertion: the
// client_assertion parameter of a request with client_assertion_type
// urn:ietf:params:oauth:client-assertion-type:jwt-bearer (RFC 7523 §2.2,
// §3, §3.2, with rfc7523bis). clientID is the client_id request parameter,
// "" when the request has none (RFC 7521 §4.2: if present it MUST identify
// the same client). Failures are *wimse.Error values with a jwtgrant.*
// reason (or server.*); a token endpoint answers them with invalid_client.
func (v *Verifier) VerifyClientAssertion(ctx context.Context, raw, clientID string) (*Assertion, error) {
	return v.verify(ctx, raw, useClient, clientID)
}

func (v *Verifier) verify(ctx context.Context, raw string, u use, clientID string) (*Assertion, error) {
	if v.Issuer == "" {
		return nil, wimse.Errorf(wimse.ReasonInternal, "jwtgrant: Verifier.Issuer is required")
	}
	jt, err := jose.Parse(raw, v.Policy.TokenSize())
	if err != nil {
		return nil, fromJOSE(err)
	}
	typOK := v.grantTyp
	if u == useClient {
		typOK = clientTyp
	}
	if err := checkHeader(&jt.Header, &v.Policy, typOK, nil); err != nil {
		return nil, err
	}
	a, _, err := readClaims(jt, raw)
	if err != nil {
		return nil, err
	}
	// iss names the keys, so it is read before the signature is checked;
	// nothing else is trusted until then.
	if a.Issuer == "" {
		return nil, fail(wimse.ReasonJWTGrantIssMissing, "iss is missing")
	}
	if err := v.verifySignature(ctx, jt, a.Issuer); err != nil {
		return nil, err
	}
	if a.Subject == "" {
		return nil, fail(wimse.ReasonJWTGrantSubMissing, "sub is missing")
	}
	accept := []string{v.Issuer}
	if u == useClient {
		// RFC 7521 §5.2, RFC 7523 §3 item 2: iss and sub are the client_id.
		if a.Issuer != a.Subject {
			return nil, fail(wimse.ReasonJWTGrantIssSubMismatch, "iss and sub name different clients")
		}
		if clientID != "" && clientID != a.Subject {
			return nil, fail(wimse.ReasonJWTGrantClientIDMismatch, "client_id does not name the client of the assertion")
		}
	} else {
		accept = append(accept, v.GrantAudiences...)
	}
	if err := checkAudience(a.Audience, accept); err != nil {
		return nil, err
	}
	if err := checkTimes(a, &v.Policy, lifetime(v.MaxLifetime)); err != nil {
		return nil, err
	}
	if u == useClient && a.ID == "" {
		return nil, fail(wimse.ReasonJWTGrantJTIMissing, "jti is missing")
	}
	// Replay last: only otherwise valid assertions are recorded.
	if v.Replay != nil && a.ID != "" {
		if err := checkReplay(v.Replay, &v.Policy, a.Issuer, a); err != nil {
			return nil, err
		}
	}
	return a, nil
}

func (v *Verifier) verifySignature(ctx context.Context, jt *jose.Token, iss string) error {
	if v.Keys == nil {
		return fail(wimse.ReasonJWTGrantIssuerUnknown, "no issuer is trusted")
	}
	keys, err := v.Keys.Keys(ctx, iss)
	if err != nil {
		var we *wimse.Error
		if errors.As(err, &we) {
			return err
		}
		return &wimse.Error{Reason: wimse.ReasonInternal, Detail: "jwtgrant: the issuer's keys cannot be had", Err: err}
	}
	if len(keys) == 0 {
		return fail(wimse.ReasonJWTGrantIssuerUnknown, "issuer is not trusted")
	}
	k, err := selectKey(keys, jt.Kid, jt.HasKid)
	if err != nil {
		return err
	}
	return verifyWith(jt, k)
}

// clientTyp accepts a client assertion's typ: client-authentication+jwt
// (rfc7523bis, RFC 7523 §3.2 update), or an untyped JWT: no typ or the
// generic JWT (rfc7523bis: rejecting them is NOT RECOMMENDED; RFC 7519
// §5.1). Another explicit type is a different kind of token (RFC 8725
// §3.11).
func clientTyp(h *jose.Header) bool {
	return !h.HasTyp || jose.TypMatches(h.Typ, "JWT", nil) || jose.TypMatches(h.Typ, MediaType, nil)
}

// grantTyp accepts a grant's typ: GrantType when set, otherwise none or
// JWT. A client-authentication+jwt is never a grant (RFC 8725 §3.11: the
// type keeps a client assertion from being replayed as a grant).
func (v *Verifier) grantTyp(h *jose.Header) bool {
	if v.GrantType != "" {
		return h.HasTyp && jose.TypMatches(h.Typ, v.GrantType, nil)
	}
	return !h.HasTyp || jose.TypMatches(h.Typ, "JWT", nil)
}
