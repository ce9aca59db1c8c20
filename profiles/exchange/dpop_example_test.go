package exchange_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/tokens/accesstoken"
	"github.com/wimse-wg/wimse/tokens/dpop"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/tokens/scope"
	"github.com/wimse-wg/wimse/wimse"
)

// A client with a DPoP key gets a DPoP-bound token (RFC 9449 §5) from a
// token endpoint that requires nonces: its first request is answered
// use_dpop_nonce, and the Client retries once with the nonce.
func ExampleDPoPSigner() {
	const issuer = "https://sts.example.com"
	now := func() time.Time { return time.Unix(1767225600, 0) }
	stsKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	own := wimse.NewTrustStore()
	own.Set(wimse.MustParseTrustDomain("sts.example.com"), wimse.Anchors{
		Issuers: []string{issuer},
		Keys:    []wimse.IssuerKey{{KeyID: "k1", Public: stsKey.Public()}},
	})
	signer := &accesstoken.Signer{Key: stsKey, KeyID: "k1"}
	nonces := &dpop.NonceSource{Key: []byte("32 bytes of HMAC key for nonces!")}

	h := &exchange.Handler{
		Issuer: issuer,
		Signer: signer,
		Clients: exchange.ClientAuthenticatorFunc(func(_ context.Context, r *http.Request) (exchange.ClientIdentity, error) {
			if id, secret, ok := r.BasicAuth(); ok && id == "app" && secret == "long-secure-random-secret" {
				return exchange.ClientIdentity{ID: id, Method: oauth.AuthMethodClientSecretBasic}, nil
			}
			return exchange.ClientIdentity{}, exchange.Errorf(oauth.ErrorInvalidClient, "client authentication failed")
		}),
		Validators: map[string]exchange.TokenValidator{
			oauth.TokenTypeAccessToken: &exchange.AccessTokenValidator{
				Verifier: &accesstoken.Verifier{Trust: own, AnyAudience: true, Policy: wimse.Policy{Now: now}},
			},
		},
		Authorize: func(context.Context, *exchange.Proposal) (exchange.Grant, error) {
			return exchange.Grant{Audience: []string{"https://backend.example.com"}, Scope: scope.MustParse("api"), Impersonate: true}, nil
		},
		OnDecision: func(_ context.Context, d exchange.Decision) error {
			fmt.Printf("audit: issued=%v error=%q binding=%q\n", d.Issued, d.Error, d.Binding)
			return nil
		},
		Now: now,
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	h.DPoP = &exchange.DPoPConfig{
		Verifier: &dpop.Verifier{Replay: &wimse.MemoryReplayCache{}, Nonces: nonces},
		Nonces:   nonces,
		TokenURL: srv.URL + "/token",
	}

	clientKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	proofs := &dpop.Signer{Key: clientKey, Now: now}
	c := &exchange.Client{
		TokenURL: srv.URL + "/token",
		Auth:     &exchange.ClientSecretBasic{ClientID: "app", Secret: "long-secure-random-secret"},
		DPoP:     exchange.DPoPSigner(proofs),
	}
	subject, _ := signer.Sign(accesstoken.Claims{
		Issuer: issuer, Subject: "bdc@example.com", ClientID: "app", ID: "a1",
		Audience: []string{"app"}, IssuedAt: now(), Expiry: now().Add(30 * time.Minute),
	})
	resp, err := c.Exchange(context.Background(), exchange.Request{
		SubjectToken: subject, SubjectTokenType: oauth.TokenTypeAccessToken,
		Resource: []string{"https://backend.example.com/api"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.TokenType)
	// Output:
	// audit: issued=false error="use_dpop_nonce" binding=""
	// audit: issued=true error="" binding="dpop"
	// DPoP
}
