package sts_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/interop/sts"
	"github.com/wimse-wg/wimse/interop/sts/audit"
	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/tokens/accesstoken"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/tokens/wpt"
	"github.com/wimse-wg/wimse/wimse"
)

const (
	issuer   = "https://sts.example.test"
	workload = "wimse://td.example/orders"
	allowed  = "https://payments.example.test/api"
	denied   = "https://admin.example.test/api"
	clientID = "orders-client"
	secret   = "s3cret-0123456789abcdef"
	envName  = "STS_TEST_SECRET_ORDERS"
)

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func edKey(t *testing.T) ed25519.PrivateKey {
	t.Helper()
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func privateJWK(k ed25519.PrivateKey, kid string) string {
	return fmt.Sprintf(`{"kty":"OKP","crv":"Ed25519","x":%q,"d":%q,"kid":%q}`, b64(k.Public().(ed25519.PublicKey)), b64(k.Seed()), kid)
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

const policyFile = `// orders-client may exchange WITs of td.example for the payments API.
{"version": 1, "rules": [{
  "name": "orders-to-payments",
  "client": {"clientId": "orders-client"},
  "authMethods": ["client_secret_basic"],
  "subjectIssuers": ["https://wit-issuer.td.example"],
  "impersonation": true,
  "resources": ["https://payments.example.test/api"],
  "scopes": ["payments:read"],
  "maxLifetime": "10m"
}]}
`

type fixture struct {
	srv      *sts.Server
	ts       *httptest.Server
	cfg      *sts.Config
	witKey   ed25519.PrivateKey
	workload ed25519.PrivateKey
}

// setup writes a deployment into a temporary directory and serves it on a
// loopback listener.
func setup(t *testing.T) *fixture {
	t.Helper()
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	f := &fixture{witKey: edKey(t), workload: edKey(t)}
	write(t, dir, "current.jwk", privateJWK(edKey(t), "sts-1"))
	write(t, dir, "next.jwk", privateJWK(edKey(t), "sts-2"))
	write(t, dir, "audit.jwk", privateJWK(edKey(t), "audit-1"))
	write(t, dir, "td.jwks", fmt.Sprintf(`{"keys":[{"kty":"OKP","crv":"Ed25519","x":%q,"kid":"w1"}]}`, b64(f.witKey.Public().(ed25519.PublicKey))))
	write(t, dir, "policy.json", policyFile)
	cfg := map[string]any{
		"issuer":        issuer,
		"url":           base,
		"listen":        ln.Addr().String(),
		"signingKeys":   map[string]string{"current": "current.jwk", "next": "next.jwk"},
		"audit":         map[string]any{"log": "audit.jsonl", "checkpointKey": "audit.jwk", "checkpointEvery": 1},
		"policy":        "policy.json",
		"witTrust":      map[string]string{"td.example": "td.jwks"},
		"clientSecrets": map[string]any{clientID: map[string]string{"secretEnv": envName}},
		"authMethods":   []string{"client_secret_basic", "client_secret_post"},
		"maxLifetime":   "15m",
	}
	b, _ := json.Marshal(cfg)
	write(t, dir, "sts.json", string(b))
	t.Setenv(envName, secret)
	if f.cfg, err = sts.LoadConfig(filepath.Join(dir, "sts.json")); err != nil {
		t.Fatal(err)
	}
	if f.srv, err = sts.New(f.cfg); err != nil {
		t.Fatal(err)
	}
	f.ts = httptest.NewUnstartedServer(f.srv)
	f.ts.Listener.Close()
	f.ts.Listener = ln
	f.ts.Start()
	t.Cleanup(func() { f.ts.Close(); f.srv.Close() })
	return f
}

// witAndProof issues the workload's WIT and a WPT for the token endpoint.
func (f *fixture) witAndProof(t *testing.T, jti string) (string, string) {
	t.Helper()
	now := time.Now()
	raw, err := (&wit.Signer{Key: f.witKey, KeyID: "w1"}).Sign(wit.Claims{
		Subject: wimse.MustParseID(workload), Issuer: "https://wit-issuer.td.example",
		IssuedAt: now.Add(-time.Minute), Expiry: now.Add(30 * time.Minute), Key: f.workload.Public(),
	})
	if err != nil {
		t.Fatal(err)
	}
	p, err := (&wpt.Signer{Key: f.workload}).Sign(wpt.Claims{Audience: f.cfg.TokenEndpoint(), Expiry: now.Add(time.Minute), ID: jti, WITHash: wit.Hash(raw)})
	if err != nil {
		t.Fatal(err)
	}
	return raw, p
}

func (f *fixture) exchange(t *testing.T, resource, jti string) (*exchange.Response, error) {
	t.Helper()
	raw, p := f.witAndProof(t, jti)
	hc := &http.Client{Transport: headerTransport{exchange.HeaderWPT, p}}
	c := &exchange.Client{TokenURL: f.cfg.TokenEndpoint(), Auth: &exchange.ClientSecretBasic{ClientID: clientID, Secret: secret}, HTTPClient: hc}
	return c.Exchange(context.Background(), exchange.Request{SubjectToken: raw, SubjectTokenType: sts.TokenTypeWIT, Resource: []string{resource}})
}

type headerTransport struct{ name, value string }

func (h headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(h.name, h.value)
	return http.DefaultTransport.RoundTrip(r)
}

func get(t *testing.T, u string) []byte {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", u, resp.StatusCode, b)
	}
	return b
}

func (f *fixture) records(t *testing.T) []audit.Entry {
	t.Helper()
	pub, err := sts.CheckpointPublic(f.cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(f.auditPath())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Count(b, []byte("eyJ")) != 0 {
		t.Errorf("audit log contains a JWT:\n%s", b)
	}
	if _, err := audit.Verify(context.Background(), audit.ReadLog(bytes.NewReader(b)), audit.VerifyOptions{Keys: []crypto.PublicKey{pub}}); err != nil {
		t.Fatalf("audit.Verify: %v", err)
	}
	var out []audit.Entry
	for e, err := range audit.ReadLog(bytes.NewReader(b)) {
		if err != nil {
			t.Fatal(err)
		}
		if e.Record != nil {
			out = append(out, e)
		}
	}
	return out
}

func (f *fixture) auditPath() string { return f.cfg.AuditLogPath() }

func TestExchangeEndToEnd(t *testing.T) {
	f := setup(t)

	resp, err := f.exchange(t, allowed, "p1")
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	if resp.IssuedTokenType != oauth.TokenTypeAccessToken || !oauth.EqualAccessTokenType(resp.TokenType, oauth.AccessTokenTypeBearer) {
		t.Errorf("response = %v", resp)
	}
	keys, err := wimse.ParseJWKSet(get(t, f.cfg.JWKSURI()))
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 {
		t.Errorf("JWKS has %d keys, want current and next", len(keys))
	}
	trust := wimse.NewTrustStore()
	trust.Set(wimse.MustParseTrustDomain("sts.example.test"), wimse.Anchors{Issuers: []string{issuer}, Keys: keys})
	v := &accesstoken.Verifier{Trust: trust, Audiences: []string{allowed}}
	tok, err := v.Verify(resp.AccessToken, nil)
	if err != nil {
		t.Fatalf("verify issued token: %v", err)
	}
	if tok.Subject != workload || tok.ClientID != clientID {
		t.Errorf("claims: sub %q client_id %q", tok.Subject, tok.ClientID)
	}

	_, err = f.exchange(t, denied, "p2")
	var oe *exchange.Error
	if !errors.As(err, &oe) || oe.Code != oauth.ErrorInvalidTarget {
		t.Fatalf("denied exchange: err = %v, want invalid_target", err)
	}

	recs := f.records(t)
	if len(recs) != 2 {
		t.Fatalf("%d records, want 2", len(recs))
	}
	is, dn := recs[0].Record, recs[1].Record
	if is.Decision != audit.Issued || is.Client.ID.String() != clientID || is.Client.Method.String() != oauth.AuthMethodClientSecretBasic ||
		is.Subject.Sub.String() != workload || is.JTI.String() != tok.ID || is.Lifetime <= 0 ||
		len(is.Granted.Audience) != 1 || is.Granted.Audience[0].String() != allowed {
		t.Errorf("issued record = %+v", is)
	}
	if dn.Decision != audit.Denied || dn.Reason == "" || !dn.JTI.IsZero() ||
		len(dn.Requested.Resource) != 1 || dn.Requested.Resource[0].String() != denied {
		t.Errorf("denied record = %+v", dn)
	}
}

func TestMetadata(t *testing.T) {
	f := setup(t)
	var md map[string]any
	if err := json.Unmarshal(get(t, f.ts.URL+"/.well-known/oauth-authorization-server"), &md); err != nil {
		t.Fatal(err)
	}
	var methods []string
	for _, m := range md["token_endpoint_auth_methods_supported"].([]any) {
		methods = append(methods, m.(string))
	}
	slices.Sort(methods)
	if want := []string{"client_secret_basic", "client_secret_post"}; !slices.Equal(methods, want) {
		t.Errorf("methods = %v, want %v", methods, want)
	}
	if md["issuer"] != issuer || md["token_endpoint"] != f.cfg.TokenEndpoint() || md["jwks_uri"] != f.cfg.JWKSURI() {
		t.Errorf("metadata = %v", md)
	}
}

func TestBadClientSecret(t *testing.T) {
	f := setup(t)
	raw, p := f.witAndProof(t, "p1")
	form := url.Values{"grant_type": {oauth.GrantTypeTokenExchange}, "subject_token": {raw}, "subject_token_type": {sts.TokenTypeWIT}, "resource": {allowed}}
	req, _ := http.NewRequest("POST", f.cfg.TokenEndpoint(), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(exchange.HeaderWPT, p)
	req.SetBasicAuth(clientID, "wrong")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("status = %d, want 401", resp.StatusCode)
	}
	recs := f.records(t)
	if len(recs) != 1 || recs[0].Record.Decision != audit.Denied {
		t.Errorf("records = %+v", recs)
	}
}
