package exchange_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/tokens/accesstoken"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/wimse"
)

// A client revokes an access token the STS issued to it (RFC 7009); the
// resource server it was issued for then finds it inactive at introspection
// (RFC 7662), and the token endpoint refuses it as a subject token.
func ExampleRevocationHandler() {
	const issuer = "https://sts.example.com"
	now := func() time.Time { return time.Unix(1767225600, 0) }
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	own := wimse.NewTrustStore()
	own.Set(wimse.MustParseTrustDomain("sts.example.com"), wimse.Anchors{
		Issuers: []string{issuer},
		Keys:    []wimse.IssuerKey{{KeyID: "k1", Public: key.Public()}},
	})
	verifier := &accesstoken.Verifier{Trust: own, AnyAudience: true, Policy: wimse.Policy{Now: now}}
	clients := exchange.NewClientSecrets(map[string]string{"app": "app-secret", "https://rs.example.com": "rs-secret"})
	revs := exchange.NewMemoryRevocations(0, now)

	revoke := &exchange.RevocationHandler{Clients: clients, Verifier: verifier, Revocations: revs,
		OnRevoke: func(_ context.Context, d exchange.RevocationDecision) error {
			fmt.Printf("audit: client=%s jti=%s revoked=%v status=%d\n", d.Client.ID, d.TokenID, d.Revoked, d.Status)
			return nil
		}}
	introspect := &exchange.IntrospectionHandler{Clients: clients, Verifier: verifier, Revocations: revs}

	token, _ := (&accesstoken.Signer{Key: key, KeyID: "k1"}).Sign(accesstoken.Claims{
		Issuer: issuer, Subject: "alice", ClientID: "app", ID: "t-1", Audience: []string{"https://rs.example.com"},
		IssuedAt: now(), Expiry: now().Add(time.Hour),
	})
	call := func(h http.Handler, id, secret string) string {
		r := httptest.NewRequest(http.MethodPost, issuer+"/x", strings.NewReader(url.Values{"token": {token}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret)) // RFC 6749 §2.3.1
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return strings.TrimSpace(fmt.Sprint(w.Code, " ", w.Body.String()))
	}
	fmt.Println("introspect:", call(introspect, "https://rs.example.com", "rs-secret")[:18])
	fmt.Println("revoke by rs:", call(revoke, "https://rs.example.com", "rs-secret"))
	fmt.Println("revoke by app:", call(revoke, "app", "app-secret"))
	fmt.Println("introspect:", call(introspect, "https://rs.example.com", "rs-secret"))

	_, err := (&exchange.AccessTokenValidator{Verifier: verifier, Revocations: revs}).ValidateToken(context.Background(),
		exchange.Presentation{Token: token, TokenType: oauth.TokenTypeAccessToken, Role: exchange.RoleSubject})
	fmt.Println("as subject token:", wimse.ReasonOf(err))
	// Output:
	// introspect: 200 {"active":true
	// audit: client=https://rs.example.com jti=t-1 revoked=false status=400
	// revoke by rs: 400 {"error":"unauthorized_client","error_description":"the token was not issued to this client"}
	// audit: client=app jti=t-1 revoked=true status=200
	// revoke by app: 200
	// introspect: 200 {"active":false}
	// as subject token: revocation.revoked
}
