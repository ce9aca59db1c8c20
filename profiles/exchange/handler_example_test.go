package exchange_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/tokens/accesstoken"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/tokens/scope"
	"github.com/wimse-wg/wimse/wimse"
)

// A resource server exchanges the access token it received for one usable
// at a backend (RFC 8693 §2.3), narrowed to one scope.
func ExampleHandler() {
	const issuer = "https://sts.example.com"
	now := func() time.Time { return time.Unix(1767225600, 0) }
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)

	// The STS reads back the access tokens it issued.
	own := wimse.NewTrustStore()
	own.Set(wimse.MustParseTrustDomain("sts.example.com"), wimse.Anchors{
		Issuers: []string{issuer},
		Keys:    []wimse.IssuerKey{{KeyID: "k1", Public: key.Public()}},
	})
	signer := &accesstoken.Signer{Key: key, KeyID: "k1"}

	h := &exchange.Handler{
		Issuer: issuer,
		Signer: signer,
		Clients: exchange.ClientAuthenticatorFunc(func(_ context.Context, r *http.Request) (exchange.ClientIdentity, error) {
			if id, secret, ok := r.BasicAuth(); ok && id == "rs08" && secret == "long-secure-random-secret" {
				return exchange.ClientIdentity{ID: id, Method: oauth.AuthMethodClientSecretBasic}, nil
			}
			return exchange.ClientIdentity{}, exchange.Errorf(oauth.ErrorInvalidClient, "client authentication failed")
		}),
		Validators: map[string]exchange.TokenValidator{
			oauth.TokenTypeAccessToken: &exchange.AccessTokenValidator{
				Verifier: &accesstoken.Verifier{Trust: own, AnyAudience: true, Policy: wimse.Policy{Now: now}},
			},
		},
		Authorize: func(_ context.Context, p *exchange.Proposal) (exchange.Grant, error) {
			// rs08 may pass on its callers' tokens to the backend only.
			if p.Client.ID != "rs08" || len(p.Resources) != 1 || p.Resources[0] != "https://backend.example.com/api" {
				return exchange.Grant{}, wimse.Errorf(wimse.ReasonPolicyTarget, "policy: target not permitted")
			}
			return exchange.Grant{Audience: []string{"https://backend.example.com"}, Scope: scope.MustParse("api orders"), Impersonate: true}, nil
		},
		OnDecision: func(_ context.Context, d exchange.Decision) error {
			fmt.Printf("audit: client=%s subject=%s aud=%v scope=%q lifetime=%s issued=%v\n",
				d.Client.ID, d.Subject, d.GrantedAudience, d.GrantedScope.String(), d.Lifetime, d.Issued)
			return nil
		},
		Now: now,
	}

	// The token rs08 received from its caller.
	received, _ := signer.Sign(accesstoken.Claims{
		Issuer: issuer, Subject: "bdc@example.com", ClientID: "app", ID: "a1",
		Audience: []string{"rs08"}, IssuedAt: now(), Expiry: now().Add(30 * time.Minute),
		Scope: scope.MustParse("api orders"),
	})
	form := url.Values{
		"grant_type":         {oauth.GrantTypeTokenExchange},
		"resource":           {"https://backend.example.com/api"},
		"scope":              {"api"},
		"subject_token":      {received},
		"subject_token_type": {oauth.TokenTypeAccessToken},
	}
	r := httptest.NewRequest(http.MethodPost, issuer+"/token", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.SetBasicAuth("rs08", "long-secure-random-secret")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)

	var resp exchange.Response
	_ = json.Unmarshal(w.Body.Bytes(), &resp)
	fmt.Println(w.Code, w.Header().Get("Cache-Control"))
	fmt.Println(resp.IssuedTokenType, resp.TokenType, resp.ExpiresIn, resp.Scope)
	// Output:
	// audit: client=rs08 subject=bdc@example.com aud=[https://backend.example.com] scope="api" lifetime=30m0s issued=true
	// 200 no-store
	// urn:ietf:params:oauth:token-type:access_token Bearer 1800 api
}
