package exchange

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/textproto"

	"github.com/wimse-wg/wimse/internal/mutant"
	"github.com/wimse-wg/wimse/tokens/accesstoken"
	"github.com/wimse-wg/wimse/tokens/confirmation"
	"github.com/wimse-wg/wimse/tokens/jwtgrant"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/tokens/wpt"
	"github.com/wimse-wg/wimse/wimse"
)

// AccessTokenValidator validates access tokens this authorization server
// issued (urn:ietf:params:oauth:token-type:access_token, RFC 8693 §3: "issued
// by the given authorization server"), with an accesstoken.Verifier whose
// Trust lists only this server's own issuer and keys. Its Audiences are this
// server's identifiers, or AnyAudience is set so that a resource server can
// exchange the token it received (RFC 8693 §2.3); the Authorizer then sees
// the token's audience and decides whether this client may present it.
//
// A sender-constrained token (cnf) is accepted only with the request's
// proof of its key: for jkt and jwk the DPoP proof's key, whose ath must
// then be the token's hash (dpop.ath_missing, dpop.ath_mismatch), or
// ClientIdentity.Key; for x5t#S256 the client's mutual TLS Certificate
// (tokens/confirmation: cnf.unconfirmed without one, cnf.mismatch for
// another). A bearer token needs none, whatever the request proves.
type AccessTokenValidator struct {
	Verifier *accesstoken.Verifier
	// Revocations, if set, refuses tokens revoked at the RevocationHandler
	// (revocation.revoked); a failure to read it is server_error
	// (revocation.unavailable). Nil checks no revocation.
	Revocations Revocations
}

// ValidateToken verifies the token; failures carry accesstoken.* (or act.*,
// may_act.*, scope.*, cnf.*, revocation.*) reasons.
func (v *AccessTokenValidator) ValidateToken(ctx context.Context, p Presentation) (*Party, error) {
	if v.Verifier == nil {
		return nil, wimse.Errorf(wimse.ReasonInternal, "exchange: access token validator has no verifier")
	}
	t, err := v.Verifier.Verify(p.Token, presentationProof(p))
	if err != nil {
		return nil, err
	}
	if err := checkRevoked(ctx, v.Revocations, t.ID, p.Role); err != nil {
		return nil, err
	}
	return &Party{
		TokenType: p.TokenType,
		Issuer:    t.Issuer, Subject: t.Subject, Audience: t.Audience, ClientID: t.ClientID, ID: t.ID,
		Expiry: t.Expiry, IssuedAt: t.IssuedAt,
		Scoped: true, Scope: t.Scope,
		Act: t.Act, MayAct: t.MayAct, Claims: t.Claims,
	}, nil
}

// HeaderWPT is the field that carries the Workload Proof Token for a WIT
// presented at the token endpoint: the Workload-Proof-Token field of
// draft-ietf-wimse-wpt-01 §3. The Authorization field is left to client
// authentication (RFC 6749 §2.3.1), so wpt-02's "Authorization: WPT" is not
// used here.
const HeaderWPT = "Workload-Proof-Token"

// WITValidator validates Workload Identity Tokens
// (draft-ietf-wimse-workload-creds-02 §5.1) presented as subject or actor
// token, under the type URI the Handler maps to it. A WIT is never accepted
// alone: the caller must prove it holds the WIT's key (cnf.jwk), in one of
// two ways, tried in this order:
//
//  1. the client authenticated with that same key in this request
//     (ClientIdentity.Key equals cnf.jwk: for example spiffe_wit with the
//     same WIT-SVID and its attestation PoP);
//  2. the request carries one Workload-Proof-Token field with a WPT signed
//     by that key, whose aud is Audience (the token endpoint URL, from
//     configuration, never from Host) and whose wth is the hash of this WIT
//     (draft-ietf-wimse-wpt-01 §3, wpt-02 §2: the same token), single-use
//     through Proof.Replay.
//
// Otherwise the token is refused with exchange.proof_missing, or with the
// WPT's own wpt.* reason when one was sent and failed. One request carries
// at most one WPT, so when both the subject and the actor are WITs one of
// them must be proved by client authentication.
type WITValidator struct {
	// Verifier verifies the WIT (trust anchors, policy, cache).
	Verifier *wit.Verifier
	// Proof verifies the WPT; its Replay should be set. Nil disables the
	// WPT route: only proof by client authentication is accepted.
	Proof *wpt.Verifier
	// Audience is the aud every WPT must carry: this token endpoint's URL.
	Audience string

	// mutantHook carries the checks the conformance self-test disables
	// (internal/mutant: exchange.proof_missing skips the proof of the
	// WIT's key); outside this module it is always empty.
	//lint:ignore U1000 reached through the promoted method mutant.Put and mutant.Of call
	mutantHook
}

// ValidateToken verifies the WIT and the proof of its key; failures carry
// wit.*, wpt.* or exchange.proof_missing reasons.
func (v *WITValidator) ValidateToken(_ context.Context, p Presentation) (*Party, error) {
	if v.Verifier == nil {
		return nil, wimse.Errorf(wimse.ReasonInternal, "exchange: WIT validator has no verifier")
	}
	t, err := v.Verifier.Verify(p.Token)
	if err != nil {
		return nil, err
	}
	if err := v.proved(t, p); err != nil {
		return nil, err
	}
	return &Party{
		TokenType: p.TokenType,
		Issuer:    t.Issuer, Subject: t.Subject.String(), ID: t.ID,
		Expiry: t.Expiry, IssuedAt: t.IssuedAt, Claims: t.Claims,
	}, nil
}

func (v *WITValidator) proved(t *wit.Token, p Presentation) error {
	if mutant.Of(v).Off(string(wimse.ReasonExchangeProofMissing)) {
		return nil
	}
	if p.Client.Key != nil && sameKey(p.Client.Key, t.Confirmation.Key) {
		return nil
	}
	proofs := p.Header.Values(HeaderWPT)
	switch {
	case len(proofs) == 0:
		return wimse.Errorf(wimse.ReasonExchangeProofMissing, "exchange: the %s token is a WIT and the request proves no possession of its key", p.Role)
	case len(proofs) > 1:
		return wimse.Errorf(wimse.ReasonWPTMultiple, "exchange: %s appears more than once", textproto.CanonicalMIMEHeaderKey(HeaderWPT))
	case v.Proof == nil || v.Audience == "":
		return wimse.Errorf(wimse.ReasonExchangeProofMissing, "exchange: this endpoint accepts no WPT for a WIT; authenticate the client with the WIT's key")
	}
	_, err := v.Proof.Verify(proofs[0], wpt.Expect{Revision: wimse.RevisionWPT01, Audience: v.Audience, WIT: t})
	return err
}

// sameKey reports whether a and b are the same public key, by RFC 7638
// thumbprint.
func sameKey(a, b any) bool {
	ta, err1 := confirmation.Thumbprint(a)
	tb, err2 := confirmation.Thumbprint(b)
	return err1 == nil && err2 == nil && subtle.ConstantTimeCompare([]byte(ta), []byte(tb)) == 1
}

// JWTSVIDValidator validates JWT-SVIDs (the SPIFFE JWT-SVID specification)
// presented as subject or actor token, under the type URI the Handler maps
// to it (urn:ietf:params:oauth:token-type:jwt). The SVID's sole audience
// must be this authorization server's issuer identifier (the rule of
// jwtgrant.SPIFFEVerifier, spiffe-client-auth-02 §3.1), which keeps an SVID
// minted for another service out: the STS is not a confused deputy (RFC
// 8693 §5). A JWT-SVID is a bearer token; set Verifier.Replay to make each
// single-use.
//
// The Party's Issuer is the trust domain's SPIFFE ID (spiffe://TD), never
// the SVID's iss: the SVID verified with the trust domain's JWT bundle, so
// the trust domain is its issuer, and SPIRE omits iss unless jwt_issuer is
// set (an iss that is there stays in Claims).
type JWTSVIDValidator struct {
	Verifier *jwtgrant.SPIFFEVerifier
}

// ValidateToken verifies the JWT-SVID; failures carry jwtgrant.* reasons.
func (v *JWTSVIDValidator) ValidateToken(_ context.Context, p Presentation) (*Party, error) {
	if v.Verifier == nil {
		return nil, wimse.Errorf(wimse.ReasonInternal, "exchange: JWT-SVID validator has no verifier")
	}
	a, err := v.Verifier.Verify(p.Token, "")
	if err != nil {
		return nil, err
	}
	if a.SPIFFEID.IsZero() {
		return nil, &wimse.Error{Reason: wimse.ReasonInternal, Detail: "exchange: verified JWT-SVID has no SPIFFE ID", Err: errors.New("no SPIFFE ID")}
	}
	return &Party{
		TokenType: p.TokenType,
		Issuer:    a.SPIFFEID.TrustDomain().IDString(), Subject: a.SPIFFEID.String(), Audience: a.Audience, ID: a.ID,
		Expiry: a.Expiry, IssuedAt: a.IssuedAt, Claims: a.Claims,
	}, nil
}
