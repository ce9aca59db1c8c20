package exchange_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/tokens/accesstoken"
	"github.com/wimse-wg/wimse/tokens/confirmation"
	"github.com/wimse-wg/wimse/tokens/dpop"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/wimse"
)

// dpopServer serves e's Handler (DPoP with nonces) over httptest, with
// DPoPConfig.TokenURL set to the server's URL, and counts requests.
func dpopServer(t *testing.T, e *env) (tokenURL string, calls *atomic.Int32) {
	t.Helper()
	n := new(atomic.Int32)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		e.h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	e.h.DPoP.TokenURL = srv.URL + "/token"
	return srv.URL + "/token", n
}

// TestClientDPoP: a Client with a DPoP key sends a proof, retries once with
// the nonce of use_dpop_nonce (RFC 9449 §8), and gets a DPoP-bound token,
// which its TokenSource yields with type DPoP.
func TestClientDPoP(t *testing.T) {
	e := dpopEnv(t, true)
	tokenURL, calls := dpopServer(t, e)
	key := dpopKey(t)
	c := &exchange.Client{
		TokenURL: tokenURL,
		Auth:     &exchange.ClientSecretBasic{ClientID: hxClientA, Secret: "pw-a"},
		DPoP:     exchange.DPoPSigner(&dpop.Signer{Key: key, Now: hxClock}),
	}
	req := exchange.Request{SubjectToken: subjectToken(t, nil), SubjectTokenType: oauth.TokenTypeAccessToken, Resource: []string{hxBackend}}
	src := &exchange.TokenSource{Client: c, Request: req, SubjectToken: func(context.Context) (string, error) { return req.SubjectToken, nil }, Now: hxClock}
	tok, err := src.TokenContext(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if tok.Type() != oauth.AccessTokenTypeDPoP || calls.Load() != 2 {
		t.Fatalf("type %q after %d calls; want DPoP after 2 (nonce retry)", tok.Type(), calls.Load())
	}
	cnf, _ := claimsOf(t, tok.AccessToken)["cnf"].(map[string]any)
	if cnf["jkt"] != jktOf(t, key) {
		t.Errorf("cnf %v", cnf)
	}

	// The DPoP-bound token is itself a subject token: the Client's proof
	// carries its ath, and the server's nonce from the last answer.
	bound := tok.AccessToken
	req.SubjectToken = bound
	resp, err := c.Exchange(t.Context(), req)
	if err != nil {
		t.Fatalf("exchanging the DPoP-bound token: %v", err)
	}
	if resp.TokenType != oauth.AccessTokenTypeDPoP {
		t.Errorf("token_type %q", resp.TokenType)
	}
}

// TestClientDPoPBoundNeedsKey: the DPoP-bound token is refused from a
// client without the key (cnf.unconfirmed) or with another key
// (cnf.mismatch).
func TestClientDPoPBoundNeedsKey(t *testing.T) {
	e := dpopEnv(t, false)
	tokenURL, _ := dpopServer(t, e)
	key := dpopKey(t)
	bound := subjectToken(t, func(c *accesstoken.Claims) { c.Confirmation, _ = confirmation.JKT(key.Public()) })
	req := exchange.Request{SubjectToken: bound, SubjectTokenType: oauth.TokenTypeAccessToken, Resource: []string{hxBackend}}
	for _, signer := range []*dpop.Signer{nil, {Key: wimsetest.Ed("thief"), Now: hxClock}} {
		c := &exchange.Client{TokenURL: tokenURL, Auth: &exchange.ClientSecretBasic{ClientID: hxClientA, Secret: "pw-a"}}
		if signer != nil {
			c.DPoP = exchange.DPoPSigner(signer)
		}
		_, err := c.Exchange(t.Context(), req)
		var oe *exchange.Error
		if !errors.As(err, &oe) || oe.Code != oauth.ErrorInvalidRequest {
			t.Fatalf("got %v", err)
		}
	}
	want := []wimse.Reason{wimse.ReasonCnfUnconfirmed, wimse.ReasonCnfMismatch}
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.decisions) != len(want) {
		t.Fatalf("%d decisions, want %d", len(e.decisions), len(want))
	}
	for i, d := range e.decisions {
		if d.Reason != want[i] {
			t.Errorf("decision %d: reason %q, want %q", i, d.Reason, want[i])
		}
	}
}
