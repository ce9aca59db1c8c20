package sts_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/interop/sts"
	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/tokens/jwtgrant"
	"github.com/wimse-wg/wimse/tokens/oauth"
)

const (
	idp       = "https://idp.example.test"
	idpOther  = "https://evil-idp.example.test"
	stsAud    = "sts.example.test"
	idpPolicy = `{"version": 1, "rules": [{
  "name": "federated-users",
  "client": {"clientId": "orders-client"},
  "subjectIssuers": ["https://idp.example.test"],
  "subjectTokenTypes": ["urn:ietf:params:oauth:token-type:id_token"],
  "impersonation": true,
  "resources": ["https://payments.example.test/api"],
  "maxLifetime": "5m"
}]}`
)

// TestOIDCIssuerFederation: an ID token of a configured OIDC issuer (keys
// from a file) is exchanged; one of an issuer not configured, or signed by
// another key, or for another audience, is invalid_request.
func TestOIDCIssuerFederation(t *testing.T) {
	dir := t.TempDir()
	idpKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := jose.PublicJWKJSON(idpKey.Public(), "ES256", "idp-1")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(map[string]any{"keys": []any{pub}})
	write(t, dir, "idp.jwks", string(b))
	write(t, dir, "current.jwk", privateJWK(edKey(t), "sts-1"))
	write(t, dir, "next.jwk", privateJWK(edKey(t), "sts-2"))
	write(t, dir, "audit.jwk", privateJWK(edKey(t), "audit-1"))
	write(t, dir, "policy.json", idpPolicy)
	cfg := map[string]any{
		"issuer":        issuer,
		"signingKeys":   map[string]string{"current": "current.jwk", "next": "next.jwk"},
		"audit":         map[string]any{"log": "audit.jsonl", "checkpointKey": "audit.jwk"},
		"policy":        "policy.json",
		"clientSecrets": map[string]any{clientID: map[string]string{"secretEnv": envName}},
		"authMethods":   []string{"client_secret_basic"},
		"oidcIssuers":   map[string]any{idp: map[string]any{"jwks": "idp.jwks", "audiences": []string{stsAud}}},
	}
	cb, _ := json.Marshal(cfg)
	write(t, dir, "sts.json", string(cb))
	t.Setenv(envName, secret)
	c, err := sts.LoadConfig(filepath.Join(dir, "sts.json"))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sts.New(c)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ts := httptest.NewServer(srv)
	defer ts.Close()

	otherKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	idToken := func(iss, aud string, key *ecdsa.PrivateKey) string {
		now := time.Now()
		tok, err := (&jwtgrant.Signer{Key: key, KeyID: "idp-1", Type: "JWT"}).SignGrant(jwtgrant.Claims{
			Issuer: iss, Subject: "alice", Audience: aud, IssuedAt: now, Expiry: now.Add(10 * time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	client := &exchange.Client{TokenURL: ts.URL + sts.TokenPath, Auth: &exchange.ClientSecretBasic{ClientID: clientID, Secret: secret}}
	ex := func(tok string) (*exchange.Response, error) {
		return client.Exchange(context.Background(), exchange.Request{SubjectToken: tok, SubjectTokenType: oauth.TokenTypeIDToken, Resource: []string{allowed}})
	}
	if resp, err := ex(idToken(idp, stsAud, idpKey)); err != nil || resp.AccessToken == "" {
		t.Fatalf("a valid ID token: %v", err)
	}
	for name, tok := range map[string]string{
		"issuer not configured": idToken(idpOther, stsAud, idpKey),
		"another key":           idToken(idp, stsAud, otherKey),
		"another audience":      idToken(idp, "someone-else", idpKey),
	} {
		_, err := ex(tok)
		var oe *exchange.Error
		if !errors.As(err, &oe) || oe.Code != oauth.ErrorInvalidRequest {
			t.Errorf("%s: err = %v, want invalid_request", name, err)
		}
	}
	// The configuration refuses an issuer with both or neither key source.
	for _, bad := range []string{
		`"oidcIssuers": {"https://idp.example.test": {"audiences": ["a"]}}`,
		`"oidcIssuers": {"https://idp.example.test": {"jwks": "x", "discovery": true, "audiences": ["a"]}}`,
		`"oidcIssuers": {"http://idp.example.test": {"jwks": "x", "audiences": ["a"]}}`,
		`"oidcIssuers": {"https://idp.example.test": {"jwks": "x"}}`,
	} {
		s := strings.Replace(string(cb), `"oidcIssuers":{"https://idp.example.test":{"audiences":["sts.example.test"],"jwks":"idp.jwks"}}`, bad, 1)
		if s == string(cb) {
			t.Fatal("the configuration text changed shape")
		}
		if _, err := sts.ParseConfig([]byte(s)); err == nil || !strings.Contains(err.Error(), "oidcIssuers") {
			t.Errorf("%s: err = %v", bad, err)
		}
	}
}
