package fakeagent_test

import (
	"context"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spiffe/go-spiffe/v2/spiffeid"
	"github.com/spiffe/go-spiffe/v2/workloadapi"

	"github.com/wimse-wg/wimse/internal/fakeagent"
	"github.com/wimse-wg/wimse/interop/sts"
	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/tokens/scope"
	"github.com/wimse-wg/wimse/wimse"
)

// stsDeployment is an sts.Init deployment served over TLS on loopback
// (as interop/sts's own tests start it), and a client that trusts it.
func stsDeployment(t *testing.T) (*sts.Deployment, *http.Client) {
	t.Helper()
	d, r, err := sts.StartDeployment(filepath.Join(t.TempDir(), "sts"), sts.InitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	hc, err := d.HTTPClient()
	if err != nil {
		t.Fatal(err)
	}
	return d, hc
}

func readPEM(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// deploymentAgent is the Workload API of the deployment's trust domain
// for workload id: its X.509 CA, JWT-SVID and WIT-SVID authorities are the
// deployment's own (authority/*), so what it mints the STS trusts.
func deploymentAgent(t *testing.T, d *sts.Deployment, id spiffeid.ID) (*fakeagent.Agent, *workloadapi.Client) {
	t.Helper()
	authority := func(name string) fakeagent.Authority {
		k, err := wimse.LoadPrivateJWK(filepath.Join(d.Dir, "authority", name))
		if err != nil {
			t.Fatal(err)
		}
		return fakeagent.Authority{Key: k.Signer, KeyID: k.KeyID}
	}
	block, _ := pem.Decode(readPEM(t, d.CA))
	if block == nil {
		t.Fatal("no CA certificate")
	}
	ca, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := pem.Decode(readPEM(t, filepath.Join(d.Dir, "authority", "ca.key.pem")))
	if kb == nil {
		t.Fatal("no CA key")
	}
	caKey, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	a, err := fakeagent.Start(filepath.Join(t.TempDir(), "agent.sock"), fakeagent.Config{
		ID: id, CA: ca, CAKey: caKey.(crypto.Signer), JWT: authority("jwt-svid.jwk"), WIT: authority("wit-svid.jwk"),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := a.Close(); err != nil {
			t.Error(err)
		}
	})
	c, err := workloadapi.New(t.Context(), workloadapi.WithAddr(a.Addr()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return a, c
}

// TestSTSAcceptsWorkloadAPIWITSVID: the reference STS of an sts.Init
// deployment accepts, as spiffe_wit client authentication (OAuth
// attestation-based client authentication with a WIT-SVID), WIT-SVIDs that
// the Workload API mints with the deployment's WIT-SVID authority key,
// fetched through go-spiffe's client afresh for every token request
// (exchange.SPIFFEWIT.Source). A WIT-SVID from an agent with another WIT
// authority is refused.
func TestSTSAcceptsWorkloadAPIWITSVID(t *testing.T) {
	d, hc := stsDeployment(t)
	ctx := t.Context()
	md, err := exchange.FetchMetadata(ctx, hc, d.Issuer)
	if err != nil {
		t.Fatal(err)
	}
	client := d.Clients[oauth.AuthMethodSPIFFEWIT]
	a, wl := deploymentAgent(t, d, spiffeid.RequireFromString(client.ClientID))
	orders, err := wimse.LoadPrivateJWK(d.WorkloadKey)
	if err != nil {
		t.Fatal(err)
	}
	subject := strings.TrimSpace(string(readPEM(t, d.WIT)))
	sc, err := scope.Parse(sts.DemoScope)
	if err != nil {
		t.Fatal(err)
	}
	req := exchange.Request{SubjectToken: subject, SubjectTokenType: oauth.TokenTypeJWT, Resource: []string{sts.DemoResource}, Scope: sc}

	exchangeWith := func(wl *workloadapi.Client) (*exchange.Response, error) {
		w := &exchange.SPIFFEWIT{
			ClientID: client.ClientID, Audience: md.Issuer, ChallengeURL: md.ChallengeEndpoint, HTTPClient: hc,
			Source: func(ctx context.Context) (string, crypto.Signer, error) {
				svid, err := wl.FetchWITSVID(ctx, client.ClientID)
				if err != nil {
					return "", nil, err
				}
				key, ok := svid.PrivateKey.(crypto.Signer)
				if !ok {
					return "", nil, errors.New("the WIT-SVID's key is no crypto.Signer")
				}
				return svid.Marshal(), key, nil
			},
		}
		c := &exchange.Client{TokenURL: md.TokenEndpoint, HTTPClient: &http.Client{Transport: w.Transport(hc.Transport)},
			Auth: &exchange.WITProof{ClientAuth: w, WIT: subject, Key: orders.Signer, Audience: md.TokenEndpoint}}
		return c.Exchange(ctx, req)
	}

	for i := 1; i <= 2; i++ {
		resp, err := exchangeWith(wl)
		if err != nil {
			t.Fatalf("exchange %d: %v", i, err)
		}
		if resp.IssuedTokenType != oauth.TokenTypeAccessToken || resp.AccessToken == "" {
			t.Fatalf("exchange %d: response %+v", i, resp)
		}
		if a.WITMinted() != i {
			t.Fatalf("exchange %d: %d WIT-SVIDs fetched, want one per request", i, a.WITMinted())
		}
	}

	// The same workload's WIT-SVID from an agent with a WIT authority of its
	// own: the deployment's kid (wit-authority-1) on another key.
	rogue, err := fakeagent.Start(filepath.Join(t.TempDir(), "rogue.sock"), fakeagent.Config{ID: spiffeid.RequireFromString(client.ClientID)})
	if err != nil {
		t.Fatal(err)
	}
	defer rogue.Close()
	rc, err := workloadapi.New(ctx, workloadapi.WithAddr(rogue.Addr()))
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	_, err = exchangeWith(rc)
	var oe *exchange.Error
	if !errors.As(err, &oe) || oe.Code != oauth.ErrorInvalidClient {
		t.Fatalf("a WIT-SVID of an untrusted WIT authority: %v, want invalid_client", err)
	}
	t.Logf("untrusted WIT authority: %v; %d WIT-SVIDs fetched for 2 exchanges", err, a.WITMinted())
}
