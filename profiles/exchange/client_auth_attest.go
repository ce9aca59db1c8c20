package exchange

import (
	"bytes"
	"context"
	"crypto"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/tokens/attestation"
)

// SPIFFEWIT is spiffe_wit (draft-ietf-oauth-spiffe-client-auth-02 §3.3):
// the WIT-SVID in OAuth-Client-Attestation and, in
// OAuth-Client-Attestation-PoP, a Client Attestation PoP JWT
// (draft-ietf-oauth-attestation-based-client-auth-11 §5.1) signed with
// the WIT-SVID's cnf key, new for every request (new jti, iat now, aud
// Audience). It is safe for concurrent use if its fields are not
// modified. Experimental: both drafts may change.
//
// Challenges (§6): with ChallengeURL set, Authenticate POSTs to the
// challenge endpoint before every request and puts the challenge in the
// PoP (§6: SHOULD fetch rather than provoke an error; one extra round
// trip, and always the most recent challenge). Retrying after
// use_attestation_challenge needs the answer, which a ClientAuth does not
// see: send the requests through Transport, which retries once with the
// challenge of the OAuth-Client-Attestation-Challenge field and never
// more (§6: MUST NOT loop). Without ChallengeURL, the PoPs then carry the
// most recent challenge Transport saw in any answer (§6: the client MUST
// use the most recent one and MAY reuse it), so a reusable challenge costs
// one retry, not one per request. A SPIFFEWIT must not be copied after
// first use.
//
//	auth := &exchange.SPIFFEWIT{Audience: issuer, Source: fetchWITSVID}
//	c := &exchange.Client{TokenURL: issuer + "/token", Auth: auth,
//		HTTPClient: &http.Client{Transport: auth.Transport(nil)}}
type SPIFFEWIT struct {
	// ClientID is sent as client_id when not "": the WIT-SVID's SPIFFE ID
	// (the server compares them, §7.5).
	ClientID string
	// Audience is the PoP's aud: the authorization server's issuer
	// identifier, exactly as its metadata spells it. Required.
	Audience string
	// WIT and Key are a fixed WIT-SVID (compact) and the private key of its
	// cnf.jwk. Used when Source is nil.
	WIT string
	Key crypto.Signer
	// Source, when set, returns the current WIT-SVID and its key for every
	// request (from the SPIFFE Workload API: go-spiffe's
	// workloadapi.FetchWITSVID gives both). A new key comes with a new
	// WIT-SVID, never alone (§10: no key rotation within an attestation).
	Source func(ctx context.Context) (wit string, key crypto.Signer, err error)
	// Alg is the PoP's alg: the WIT-SVID's cnf.jwk.alg; "" means the
	// default for the key (ES256 for P-256).
	Alg string
	// ChallengeURL is the server's challenge endpoint
	// (Metadata.ChallengeEndpoint); "" fetches none.
	ChallengeURL string
	// HTTPClient fetches challenges; nil means http.DefaultClient.
	HTTPClient *http.Client
	// Now is the clock of iat; nil means time.Now.
	Now func() time.Time
	// Rand is the source of jti; nil means crypto/rand.
	Rand io.Reader

	mu   sync.Mutex
	last string // the most recent challenge an answer carried
}

// recent returns the most recent challenge Transport saw, "" for none.
func (a *SPIFFEWIT) recent() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.last
}

// remember keeps c as the most recent challenge.
func (a *SPIFFEWIT) remember(c string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.last = c
}

// Authenticate sets the two fields, after fetching a challenge when
// ChallengeURL is set, and client_id when ClientID is set.
func (a *SPIFFEWIT) Authenticate(ctx context.Context, r *http.Request, form url.Values) error {
	challenge := a.recent()
	if a.ChallengeURL != "" {
		c, err := FetchChallenge(ctx, a.HTTPClient, a.ChallengeURL)
		if err != nil {
			return err
		}
		challenge = c
	}
	if err := a.sign(ctx, r.Header, challenge); err != nil {
		return err
	}
	if a.ClientID != "" {
		form.Set(ParamClientID, a.ClientID)
	}
	return nil
}

// sign sets the attestation and a new PoP in h.
func (a *SPIFFEWIT) sign(ctx context.Context, h http.Header, challenge string) error {
	if a.Audience == "" {
		return errors.New("exchange: spiffe_wit needs an Audience")
	}
	wit, key := a.WIT, a.Key
	if a.Source != nil {
		var err error
		if wit, key, err = a.Source(ctx); err != nil {
			return fmt.Errorf("exchange: spiffe_wit: fetch WIT-SVID: %w", err)
		}
	}
	if wit == "" || key == nil {
		return errors.New("exchange: spiffe_wit needs a WIT-SVID and its key")
	}
	jti, err := jose.NewID(a.Rand)
	if err != nil {
		return fmt.Errorf("exchange: spiffe_wit: jti: %w", err)
	}
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	pop, err := (&attestation.PoPSigner{Key: key, Alg: a.Alg}).Sign(attestation.PoPClaims{
		Audience: a.Audience, ID: jti, IssuedAt: now(), Challenge: challenge,
	})
	if err != nil {
		return fmt.Errorf("exchange: spiffe_wit: %w", err)
	}
	h.Set(attestation.HeaderAttestation, wit)
	h.Set(attestation.HeaderPoP, pop)
	return nil
}

// Transport returns a RoundTripper over base (nil means
// http.DefaultTransport) that retries a request carrying a PoP once when
// the server answers 400 use_attestation_challenge with an
// OAuth-Client-Attestation-Challenge field: with a new PoP holding that
// challenge (and the current WIT-SVID). The second answer is returned
// whatever it is. The request body must be replayable (GetBody, which the
// Client sets); other requests and answers pass through unchanged.
func (a *SPIFFEWIT) Transport(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return &challengeRetry{auth: a, base: base}
}

// challengeRetry is SPIFFEWIT.Transport.
type challengeRetry struct {
	auth *SPIFFEWIT
	base http.RoundTripper
}

// maxChallengeBody bounds the error body read to look for
// use_attestation_challenge.
const maxChallengeBody = 64 << 10

// RoundTrip sends req, and once more with a fresh PoP when the answer asks
// for a challenge.
func (t *challengeRetry) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil || req.Header.Get(attestation.HeaderPoP) == "" {
		return resp, err
	}
	challenge := resp.Header.Get(attestation.HeaderChallenge)
	if challenge == "" {
		return resp, nil
	}
	t.auth.remember(challenge)
	if resp.StatusCode != http.StatusBadRequest || req.GetBody == nil {
		return resp, nil
	}
	data, rerr := io.ReadAll(io.LimitReader(resp.Body, maxChallengeBody))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(data))
	var e struct {
		Code string `json:"error"`
	}
	if rerr != nil || json.Unmarshal(data, &e) != nil || e.Code != attestation.ErrorUseAttestationChallenge {
		return resp, nil
	}
	body, err := req.GetBody()
	if err != nil {
		return resp, nil
	}
	retry := req.Clone(req.Context())
	retry.Body = body
	if err := t.auth.sign(req.Context(), retry.Header, challenge); err != nil {
		body.Close()
		return nil, err
	}
	return t.base.RoundTrip(retry)
}

// FetchChallenge POSTs to a challenge endpoint (§6.3) and returns its
// attestation_challenge. hc nil means http.DefaultClient. The answer must
// be 200 with a JSON object whose attestation_challenge is a non-empty
// string; anything else is an error (a *ResponseError, or an *Error when
// the endpoint answered an error object).
func FetchChallenge(ctx context.Context, hc *http.Client, endpoint string) (string, error) {
	if hc == nil {
		hc = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, http.NoBody)
	if err != nil {
		return "", fmt.Errorf("exchange: challenge request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("exchange: challenge request: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxChallengeBody+1))
	if err != nil {
		return "", fmt.Errorf("exchange: challenge response: %w", err)
	}
	re := &ResponseError{Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type")}
	switch {
	case len(data) > maxChallengeBody:
		re.Err = errors.New("body too large")
		return "", re
	case resp.StatusCode != http.StatusOK:
		var e Error
		if json.Unmarshal(data, &e) == nil {
			e.Status = resp.StatusCode
			return "", &e
		}
		re.Body, re.Err = excerpt(data), errors.New("not a challenge response")
		return "", re
	case !isJSON(re.ContentType):
		re.Err = errors.New("content type is not application/json")
		return "", re
	}
	var c struct {
		Challenge *string `json:"attestation_challenge"`
	}
	if err := json.Unmarshal(data, &c); err != nil || c.Challenge == nil || strings.TrimSpace(*c.Challenge) == "" {
		re.Body, re.Err = excerpt(data), errors.New("no attestation_challenge")
		return "", re
	}
	return *c.Challenge, nil
}
