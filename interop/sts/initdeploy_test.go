package sts_test

import (
	"context"
	"crypto"
	"crypto/tls"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wimse-wg/wimse/interop/sts"
	"github.com/wimse-wg/wimse/interop/sts/audit"
	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/tokens/dpop"
	"github.com/wimse-wg/wimse/tokens/jwtgrant"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/tokens/scope"
	"github.com/wimse-wg/wimse/wimse"
)

// demo is an Init deployment served over TLS on loopback.
type demo struct {
	d       *sts.Deployment
	srv     *sts.Running
	secrets map[string]string
}

func startDemo(t *testing.T) *demo {
	t.Helper()
	d, r, err := sts.StartDeployment(filepath.Join(t.TempDir(), "demo"), sts.InitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	secrets, err := d.Secrets()
	if err != nil {
		t.Fatal(err)
	}
	return &demo{d: d, srv: r, secrets: secrets}
}

func (dm *demo) httpClient(t *testing.T, certs ...tls.Certificate) *http.Client {
	t.Helper()
	hc, err := dm.d.HTTPClient(certs...)
	if err != nil {
		t.Fatal(err)
	}
	return hc
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// TestInitDeploymentEveryMethod: the deployment sts init writes serves,
// and the workload's WIT-SVID is exchanged with every client
// authentication method; the metadata names them all, DPoP binds, a
// token is introspected and revoked, and the audit log verifies.
func TestInitDeploymentEveryMethod(t *testing.T) {
	dm := startDemo(t)
	d := dm.d
	ctx := context.Background()
	md, err := exchange.FetchMetadata(ctx, dm.httpClient(t), d.Issuer)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(md.TokenEndpointAuthMethodsSupported, " "); len(md.TokenEndpointAuthMethodsSupported) != 6 {
		t.Fatalf("metadata methods %q", got)
	}
	if md.ChallengeEndpoint == "" || len(md.DPoPSigningAlgValuesSupported) == 0 || !md.TLSClientCertificateBoundAccessTokens || md.RevocationEndpoint == "" || md.IntrospectionEndpoint == "" {
		t.Fatalf("metadata %+v", md)
	}
	witSVID := readFile(t, d.WIT)
	orders, err := wimse.LoadPrivateJWK(d.WorkloadKey)
	if err != nil {
		t.Fatal(err)
	}
	sc, _ := scope.Parse(sts.DemoScope)
	req := exchange.Request{SubjectToken: witSVID, SubjectTokenType: oauth.TokenTypeJWT, Resource: []string{sts.DemoResource}, Scope: sc}
	tokens := map[string]string{}
	for _, m := range []string{oauth.AuthMethodClientSecretBasic, oauth.AuthMethodClientSecretPost, oauth.AuthMethodPrivateKeyJWT,
		oauth.AuthMethodSPIFFEJWT, oauth.AuthMethodSPIFFEX509, oauth.AuthMethodSPIFFEWIT} {
		t.Run(m, func(t *testing.T) {
			c := d.Clients[m]
			hc := dm.httpClient(t)
			var auth exchange.ClientAuth
			switch m {
			case oauth.AuthMethodClientSecretBasic:
				auth = &exchange.ClientSecretBasic{ClientID: c.ClientID, Secret: dm.secrets[c.SecretEnv]}
			case oauth.AuthMethodClientSecretPost:
				auth = &exchange.ClientSecretPost{ClientID: c.ClientID, Secret: dm.secrets[c.SecretEnv]}
			case oauth.AuthMethodPrivateKeyJWT:
				k, err := wimse.LoadPrivateJWK(c.Key)
				if err != nil {
					t.Fatal(err)
				}
				auth = &exchange.PrivateKeyJWT{ClientID: c.ClientID, Audience: md.Issuer, Signer: &jwtgrant.Signer{Key: k.Signer, KeyID: k.KeyID}}
			case oauth.AuthMethodSPIFFEJWT:
				svid := readFile(t, c.Token)
				auth = &exchange.JWTSPIFFE{Audience: md.Issuer, SVID: func(context.Context, string) (string, error) { return svid, nil }}
			case oauth.AuthMethodSPIFFEX509:
				pair, err := tls.LoadX509KeyPair(c.Cert, c.CertKey)
				if err != nil {
					t.Fatal(err)
				}
				hc = dm.httpClient(t, pair)
				auth = &exchange.SPIFFEX509{ClientID: c.ClientID}
			case oauth.AuthMethodSPIFFEWIT:
				w := &exchange.SPIFFEWIT{Audience: md.Issuer, WIT: readFile(t, c.Token), Key: orders.Signer, ChallengeURL: md.ChallengeEndpoint, HTTPClient: hc}
				hc = &http.Client{Transport: w.Transport(hc.Transport)}
				auth = w
			}
			if m != oauth.AuthMethodSPIFFEWIT {
				auth = &exchange.WITProof{ClientAuth: auth, WIT: witSVID, Key: orders.Signer, Audience: md.TokenEndpoint}
			}
			client := &exchange.Client{TokenURL: md.TokenEndpoint, Auth: auth, HTTPClient: hc}
			resp, err := client.Exchange(ctx, req)
			if err != nil {
				t.Fatalf("exchange: %v", err)
			}
			if resp.IssuedTokenType != oauth.TokenTypeAccessToken || resp.AccessToken == "" || resp.AccessToken == witSVID {
				t.Fatalf("response %+v", resp)
			}
			tokens[m] = resp.AccessToken
		})
	}

	// The X.509-to-access-token profile: the spiffe_x509 client exchanges
	// its own certificate for the payments API's audience.
	t.Run("x509 subject", func(t *testing.T) {
		c := d.Clients[oauth.AuthMethodSPIFFEX509]
		pair, err := tls.LoadX509KeyPair(c.Cert, c.CertKey)
		if err != nil {
			t.Fatal(err)
		}
		client := &exchange.Client{TokenURL: md.TokenEndpoint, Auth: &exchange.SPIFFEX509{ClientID: c.ClientID}, HTTPClient: dm.httpClient(t, pair)}
		resp, err := client.Exchange(ctx, exchange.Request{SubjectToken: exchange.X509ClientCertificateToken, SubjectTokenType: oauth.TokenTypeMTLS,
			Audience: []string{sts.DemoResource}, RequestedTokenType: oauth.TokenTypeAccessToken})
		if err != nil {
			t.Fatal(err)
		}
		if resp.IssuedTokenType != oauth.TokenTypeAccessToken || resp.RefreshToken != "" {
			t.Fatalf("response %+v", resp)
		}
		if _, err := client.Exchange(ctx, exchange.Request{SubjectToken: exchange.X509ClientCertificateToken, SubjectTokenType: oauth.TokenTypeMTLS,
			Resource: []string{sts.DemoResource}}); err == nil {
			t.Fatal("an mtls subject token without audience was exchanged")
		}
	})

	t.Run("dpop", func(t *testing.T) {
		k, err := wimse.LoadPrivateJWK(d.DPoPKey())
		if err != nil {
			t.Fatal(err)
		}
		c := d.Clients[oauth.AuthMethodClientSecretBasic]
		client := &exchange.Client{TokenURL: md.TokenEndpoint, HTTPClient: dm.httpClient(t),
			Auth: &exchange.WITProof{ClientAuth: &exchange.ClientSecretBasic{ClientID: c.ClientID, Secret: dm.secrets[c.SecretEnv]}, WIT: witSVID, Key: orders.Signer, Audience: md.TokenEndpoint},
			DPoP: exchange.DPoPSigner(&dpop.Signer{Key: k.Signer})}
		resp, err := client.Exchange(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if !oauth.EqualAccessTokenType(resp.TokenType, oauth.AccessTokenTypeDPoP) {
			t.Errorf("token_type %q, want DPoP", resp.TokenType)
		}
	})

	t.Run("introspect and revoke", func(t *testing.T) {
		tok := tokens[oauth.AuthMethodClientSecretBasic]
		c := d.Clients[oauth.AuthMethodClientSecretBasic]
		post := func(endpoint string) *http.Response {
			t.Helper()
			r, _ := http.NewRequest(http.MethodPost, endpoint, strings.NewReader("token="+tok))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.SetBasicAuth(c.ClientID, dm.secrets[c.SecretEnv])
			resp, err := dm.httpClient(t).Do(r)
			if err != nil {
				t.Fatal(err)
			}
			return resp
		}
		active := func() bool {
			resp := post(md.IntrospectionEndpoint)
			defer resp.Body.Close()
			var b strings.Builder
			buf := make([]byte, 4096)
			n, _ := resp.Body.Read(buf)
			b.Write(buf[:n])
			if resp.StatusCode != 200 {
				t.Fatalf("introspect: %d %s", resp.StatusCode, b.String())
			}
			return strings.Contains(b.String(), `"active":true`)
		}
		if !active() {
			t.Fatal("a fresh token is not active")
		}
		if resp := post(md.RevocationEndpoint); resp.StatusCode != 200 {
			t.Fatalf("revoke: %d", resp.StatusCode)
		}
		if active() {
			t.Fatal("a revoked token is still active")
		}
	})

	store, closeStore, err := sts.OpenAudit(ctx, dm.srv.Config())
	if err != nil {
		t.Fatal(err)
	}
	defer closeStore()
	var issued, revoked int
	for e, err := range store.Range(ctx, audit.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		if e.Record != nil && e.Record.Decision == audit.Issued {
			issued++
		}
		if e.Record != nil && e.Record.Decision == audit.Revoked {
			revoked++
		}
	}
	if issued != 8 || revoked != 1 {
		t.Errorf("audit: %d issued, %d revoked; want 8 and 1", issued, revoked)
	}
	pub, err := sts.CheckpointPublic(dm.srv.Config())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := audit.Verify(ctx, store.Range(ctx, audit.Filter{}), audit.VerifyOptions{Keys: []crypto.PublicKey{pub}}); err != nil {
		t.Errorf("audit log: %v", err)
	}
	if _, err := sts.Init(d.Dir, sts.InitOptions{}); err == nil || errors.Is(err, os.ErrNotExist) {
		t.Errorf("Init over an existing deployment: %v", err)
	}
}
