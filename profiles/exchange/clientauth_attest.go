package exchange

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/spiffe/go-spiffe/v2/spiffeid"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/tokens/attestation"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/wimse"
)

// AttestationAuthenticator authenticates spiffe_wit clients
// (draft-ietf-oauth-spiffe-client-auth-02 §3.3): a WIT-SVID in the
// OAuth-Client-Attestation field and a Client Attestation PoP JWT, signed
// with the WIT-SVID's cnf key, in the OAuth-Client-Attestation-PoP field
// (draft-ietf-oauth-attestation-based-client-auth-11 §5.1, §7.1, §7.2,
// §7.5). The client is the WIT-SVID's SPIFFE ID; ClientIdentity.Key is its
// cnf key, which the PoP proved. It is safe for concurrent use if its
// fields are not modified. Experimental: both drafts may change.
//
// The checks, in order: exactly one of each field, token68
// (attestation.FromHeader); the WIT-SVID by Verifier (wit.* reasons: typ
// exactly wit+jwt, kid, RS/ES/PS, SPIFFE ID sub, no aud, exp, signature
// by a wit-svid key of the sub's trust domain); Known; client_id; then the
// PoP (attestation.PoPVerifier: attestation.pop_* reasons, the challenge,
// replay last).
//
// Decisions:
//   - typ: the attestation must be typed wit+jwt. -02 §3.3 has the server
//     accept wit+jwt "besides" oauth-client-attestation+jwt, but a
//     WIT-SVID is recognised by its typ (attestation-based-client-auth-11
//     §13: a profile says how the server knows it applies; here, typ
//     wit+jwt), and accepting a WIT-SVID under the generic typ would let
//     one token pass as either kind. Such an attestation fails as
//     wit.typ.
//   - Errors: every failure is invalid_client with the reason recorded;
//     invalid_client_attestation (§7.4, MAY "in addition") is not sent,
//     since RFC 6749 clients know invalid_client and -02's examples use it.
//     An expired WIT-SVID is invalid_client (wit.expired), not
//     use_fresh_attestation: its exp is a credential's end, not a freshness
//     policy.
//   - Challenges: with Challenges set, a PoP without a challenge, or with
//     one Challenges does not accept, is 400 use_attestation_challenge with
//     a fresh challenge in OAuth-Client-Attestation-Challenge (§6.2,
//     §7.4); every other check runs first, so only a client that proved
//     its key gets that answer.
//   - client_id, when sent, must equal the SPIFFE ID (§7.5;
//     exchange.client_id_mismatch). A metadata-document client_id (-02 §5)
//     is not supported.
//   - DPoP combined mode (attest_jwt_client_auth_dpop) is not supported:
//     an attestation without a PoP field is attestation.pop_missing.
type AttestationAuthenticator struct {
	// Verifier verifies the WIT-SVID; its Profile must be wit.ProfileSVID
	// and its Trust the trust domains' wit-svid keys. Its Policy also gives
	// the PoP its clock skew and size limit. Required.
	Verifier *wit.Verifier
	// Issuer is the PoP's expected aud: the authorization server's issuer
	// identifier (Metadata.Issuer), compared byte for byte. Required.
	Issuer string
	// Challenges, when set, makes challenges mandatory (§6): serve
	// ChallengeHandler with the same source. Nil uses none, and a PoP's
	// challenge claim is ignored.
	Challenges ChallengeSource
	// Replay records each PoP's jti per SPIFFE ID for MaxAge plus the skew
	// (§12.1). Nil disables the check: set it on every server.
	Replay wimse.ReplayCache
	// MaxAge is how old a PoP's iat may be; zero means
	// attestation.DefaultMaxAge.
	MaxAge time.Duration
	// Known reports whether a SPIFFE ID is a known client (-02 §3.3, as
	// §3.1: associated with a registered client); false is invalid_client
	// (exchange.client). Nil accepts every workload of a trusted trust
	// domain, leaving the decision to the Authorizer.
	Known func(id spiffeid.ID) bool
	// Now is the PoP's clock; nil means Verifier.Policy's clock.
	Now func() time.Time
}

// AuthenticateClient verifies the WIT-SVID and its PoP.
func (a *AttestationAuthenticator) AuthenticateClient(ctx context.Context, r *http.Request) (ClientIdentity, error) {
	method, err := oneMethod(r)
	if err != nil {
		return ClientIdentity{}, err
	}
	if method != oauth.AuthMethodSPIFFEWIT {
		return ClientIdentity{}, notHere(method)
	}
	if a.Verifier == nil || a.Verifier.Profile != wit.ProfileSVID || a.Issuer == "" {
		return ClientIdentity{}, wimse.Errorf(wimse.ReasonInternal, "exchange: AttestationAuthenticator needs a WIT-SVID Verifier and an Issuer")
	}
	rawAtt, rawPoP, err := attestation.FromHeader(r.Header)
	if err != nil {
		return ClientIdentity{}, rejected(err)
	}
	w, err := a.Verifier.Verify(rawAtt)
	if err != nil {
		return ClientIdentity{}, rejected(err)
	}
	id := w.Subject.String()
	if a.Known != nil {
		sid, err := spiffeid.FromString(id)
		if err != nil || !a.Known(sid) {
			return ClientIdentity{}, invalid(oauth.ErrorInvalidClient, wimse.ReasonExchangeClient, "the SPIFFE ID is not a known client")
		}
	}
	if cid := r.PostForm.Get(ParamClientID); cid != "" && cid != id {
		return ClientIdentity{}, invalid(oauth.ErrorInvalidClient, wimse.ReasonExchangeClientIDMismatch, "client_id is not the attestation's sub")
	}
	now := a.Now
	if now == nil {
		now = a.Verifier.Policy.Time
	}
	v := &attestation.PoPVerifier{
		Audience:  a.Issuer,
		MaxAge:    a.MaxAge,
		ClockSkew: a.Verifier.Policy.ClockSkew,
		MaxSize:   a.Verifier.Policy.MaxTokenSize,
		Replay:    a.Replay,
		Now:       now,
	}
	if a.Challenges != nil {
		v.Challenge = func(c string) error { return a.Challenges.CheckChallenge(ctx, c) }
	}
	key := attestation.Key{Public: w.Confirmation.Key, Alg: w.Confirmation.Alg}
	if _, err := v.Verify(rawPoP, key, id); err != nil {
		switch wimse.ReasonOf(err) {
		case wimse.ReasonAttestationChallengeMissing, wimse.ReasonAttestationChallengeInvalid:
			return ClientIdentity{}, a.useChallenge(ctx, err)
		}
		return ClientIdentity{}, rejected(err)
	}
	return ClientIdentity{ID: id, Method: oauth.AuthMethodSPIFFEWIT, Key: w.Confirmation.Key}, nil
}

// useChallenge is 400 use_attestation_challenge with a fresh challenge
// (§7.4), or the source's failure.
func (a *AttestationAuthenticator) useChallenge(ctx context.Context, cause error) error {
	fresh, err := a.Challenges.NewChallenge(ctx)
	if err != nil {
		return serverError(withReason(err, wimse.ReasonInternal))
	}
	h := http.Header{}
	h.Set(attestation.HeaderChallenge, fresh)
	return &Error{
		Code:        attestation.ErrorUseAttestationChallenge,
		Description: "a fresh attestation challenge is required",
		Err:         cause,
		Header:      h,
	}
}

// WITSVIDAlgorithms returns the JWS algorithms spiffe_wit accepts for the
// WIT-SVID and for its PoP (whose alg is the WIT-SVID's cnf.jwk.alg): the
// WIT-SVID's RS/ES/PS list that this module verifies (RS256, ES256, ES384,
// ES512, PS256). Set Metadata's ClientAttestationSigningAlgValuesSupported
// and ClientAttestationPoPSigningAlgValuesSupported to it (§10: both are
// required with the PoP-JWT mechanism).
func WITSVIDAlgorithms() []string {
	var out []string
	for _, alg := range wit.SVIDAlgorithms {
		if jose.IsSupported(alg) {
			out = append(out, alg)
		}
	}
	return slices.Clip(out)
}
