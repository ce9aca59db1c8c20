package main

import (
	"context"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/wimse-wg/wimse/interop/demo"
	"github.com/wimse-wg/wimse/interop/sts"
	"github.com/wimse-wg/wimse/interop/sts/audit"
	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/tokens/accesstoken"
	"github.com/wimse-wg/wimse/tokens/dpop"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/tokens/scope"
	"github.com/wimse-wg/wimse/wimse"
)

func demoExchangeCmd(e *env) *cobra.Command {
	var dir string
	c := &cobra.Command{
		Use:   "exchange [--dir DIR]",
		Short: "Workload A exchanges its WIT-SVID at the STS for a token to call workload B",
		Long: `exchange writes a demo STS deployment (wimse sts init), starts the STS and a
second workload, B, on loopback over HTTPS, and walks through:

 1. workload A (spiffe://example.org/orders) authenticates to the STS with its
    WIT-SVID (spiffe_wit: the WIT-SVID in OAuth-Client-Attestation, a fresh PoP
    signed with its key) and exchanges the same WIT-SVID (RFC 8693, subject token
    type jwt; the PoP proves its key) for an access token for B's audience
    (resource https://payments.example.org/api, RFC 8707) with scope
    payments:read, bound to a DPoP key (RFC 9449);
 2. A calls B with Authorization: DPoP <token> and a DPoP proof carrying the
    token's hash (ath); B verifies the token (RFC 9068 at+jwt from the STS's
    JWK Set, aud = its resource identifier) and that the proof's key is the
    token's cnf.jkt, and answers 200 naming A;
 3. the same request again (a replayed proof) and the token sent as a Bearer
    token are refused (401);
 4. the STS's audit log verifies.

Exits 0 when every answer is as expected. The files go to a temporary folder,
removed afterwards, unless --dir names one to keep.`,
		Example: "  wimse demo exchange\n  wimse demo exchange --dir ./demo-exchange",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDemoExchange(cmd.Context(), e, dir)
		},
	}
	c.Flags().StringVar(&dir, "dir", "", "directory for the deployment, kept afterwards (default: a temporary directory, removed at the end)")
	return c
}

func runDemoExchange(ctx context.Context, e *env, dir string) error {
	out := e.stdout
	if dir == "" {
		tmp, err := os.MkdirTemp("", "wimse-demo-exchange-")
		if err != nil {
			return failErr("%v", err)
		}
		defer os.RemoveAll(tmp)
		dir = filepath.Join(tmp, "deployment")
	}
	d, stsSrv, err := sts.StartDeployment(dir, sts.InitOptions{})
	if err != nil {
		return failErr("%v", err)
	}
	defer stsSrv.Close()
	cfg := stsSrv.Config()

	caPEM, err := os.ReadFile(d.CA)
	if err != nil {
		return failErr("%v", err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(caPEM)
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 30 * time.Second}

	// Workload B: a resource server that accepts the STS's DPoP-bound
	// tokens for its resource identifier.
	md, err := exchange.FetchMetadata(ctx, hc, d.Issuer)
	if err != nil {
		return failErr("%v", err)
	}
	jwks, err := httpGet(ctx, hc, md.JWKSURI)
	if err != nil {
		return failErr("STS JWK Set: %v", err)
	}
	keys, err := wimse.ParseJWKSet(jwks)
	if err != nil {
		return failErr("STS JWK Set: %v", err)
	}
	stsTrust := wimse.NewTrustStore()
	stsTrust.Set(wimse.MustParseTrustDomain("sts.demo.invalid"), wimse.Anchors{Issuers: []string{d.Issuer}, Keys: keys})
	bLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return failErr("listen: %v", err)
	}
	bCert, bCertPEM, err := demo.SelfSignedTLS(time.Now())
	if err != nil {
		return failErr("%v", err)
	}
	roots.AppendCertsFromPEM(bCertPEM)
	bBase := "https://" + bLn.Addr().String()
	b := &sts.Resource{
		Tokens:  &accesstoken.Verifier{Trust: stsTrust, Audiences: []string{sts.DemoResource}},
		Proofs:  &dpop.Verifier{Replay: wimse.NewMemoryReplayCache(0)},
		BaseURL: bBase,
		Next: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			t := sts.ResourceToken(r.Context())
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			fmt.Fprintf(w, "hello %s (client %s, scope %q)\n", t.Subject, t.ClientID, t.Scope.String())
		}),
	}
	bSrv := &http.Server{Handler: b, ReadHeaderTimeout: 10 * time.Second, TLSConfig: &tls.Config{Certificates: []tls.Certificate{bCert}, MinVersion: tls.VersionTLS12}}
	go func() { _ = bSrv.ServeTLS(bLn, "", "") }()
	defer bSrv.Close()

	fmt.Fprintf(out, "STS %s (deployment in %s)\nworkload A %s\nworkload B %s, resource identifier %s\n\n", d.Issuer, d.Dir, d.Workload, bBase, sts.DemoResource)

	// 1. A exchanges its WIT-SVID.
	witSVID, err := os.ReadFile(d.WIT)
	if err != nil {
		return failErr("%v", err)
	}
	aKey, err := wimse.LoadPrivateJWK(d.WorkloadKey)
	if err != nil {
		return failErr("%v", err)
	}
	dpopKey, err := wimse.LoadPrivateJWK(d.DPoPKey())
	if err != nil {
		return failErr("%v", err)
	}
	auth := &exchange.SPIFFEWIT{Audience: md.Issuer, WIT: strings.TrimSpace(string(witSVID)), Key: aKey.Signer,
		ChallengeURL: md.ChallengeEndpoint, HTTPClient: hc}
	signer := &dpop.Signer{Key: dpopKey.Signer}
	client := &exchange.Client{TokenURL: md.TokenEndpoint, Auth: auth, HTTPClient: &http.Client{Transport: auth.Transport(tr)},
		DPoP: exchange.DPoPSigner(signer)}
	sc, _ := scope.Parse(sts.DemoScope)
	fmt.Fprintf(out, "--- 1. A -> STS: POST %s\n    client authentication spiffe_wit (WIT-SVID + PoP, challenge from %s)\n    subject_token = A's WIT-SVID (%s), resource = %s, scope = %s, DPoP proof\n",
		md.TokenEndpoint, md.ChallengeEndpoint, oauth.TokenTypeJWT, sts.DemoResource, sts.DemoScope)
	resp, err := client.Exchange(ctx, exchange.Request{SubjectToken: auth.WIT, SubjectTokenType: oauth.TokenTypeJWT,
		Resource: []string{sts.DemoResource}, Scope: sc})
	if err != nil {
		fmt.Fprintf(out, "=> %v\n", err)
		return quietExit(exitFailure)
	}
	fmt.Fprintf(out, "=> 200: token_type %s, issued_token_type %s, expires_in %d\n   claims %s\n\n",
		resp.TokenType, resp.IssuedTokenType, resp.ExpiresIn, claimsOf(resp.AccessToken))
	ok := oauth.EqualAccessTokenType(resp.TokenType, oauth.AccessTokenTypeDPoP)

	// 2. A calls B; 3. the replay and the Bearer presentation fail.
	call := func(title string, req *http.Request, want int) {
		fmt.Fprintf(out, "--- %s\n", title)
		r, err := tr.RoundTrip(req)
		if err != nil {
			fmt.Fprintf(out, "=> %v\n\n", err)
			ok = false
			return
		}
		defer r.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(r.Body, 4096))
		fmt.Fprintf(out, "=> %s", r.Status)
		if c := r.Header.Get("WWW-Authenticate"); c != "" {
			fmt.Fprintf(out, " (WWW-Authenticate: %s)", c)
		}
		fmt.Fprintf(out, "\n%s\n\n", strings.TrimSpace(string(body)))
		if r.StatusCode != want {
			fmt.Fprintf(out, "unexpected: want %d\n", want)
			ok = false
		}
	}
	url := bBase + "/api/payments"
	proof, err := signer.NewProof(http.MethodGet, url, resp.AccessToken, "")
	if err != nil {
		return failErr("%v", err)
	}
	req := func(scheme string, withProof bool) *http.Request {
		r, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		r.Header.Set("Authorization", scheme+" "+resp.AccessToken)
		if withProof {
			r.Header.Set("DPoP", proof)
		}
		return r
	}
	call("2. A -> B: GET "+url+" with Authorization: DPoP <token> and a DPoP proof (ath = the token's hash)", req("DPoP", true), http.StatusOK)
	call("3. the same request again: the proof is replayed", req("DPoP", true), http.StatusUnauthorized)
	call("3. the token as a Bearer token, without a proof", req("Bearer", false), http.StatusUnauthorized)

	// 4. The audit log.
	pub, err := sts.CheckpointPublic(cfg)
	if err != nil {
		return failErr("%v", err)
	}
	if _, err := stsSrv.Checkpoint(ctx); err != nil {
		return failErr("audit checkpoint: %v", err)
	}
	logStore, closeLog, err := sts.OpenAudit(ctx, cfg)
	if err != nil {
		return failErr("%v", err)
	}
	defer closeLog()
	rep, err := audit.Verify(ctx, logStore.Range(ctx, audit.Filter{}), audit.VerifyOptions{Keys: []crypto.PublicKey{pub}})
	if err != nil {
		fmt.Fprintf(out, "--- 4. audit log NOT intact: %v\n", err)
		return quietExit(exitFailure)
	}
	fmt.Fprintf(out, "--- 4. the STS audit log is intact: %d records, %d checkpoints\n\n", rep.Records, rep.Checkpoints)
	if !ok {
		return quietExit(exitFailure)
	}
	fmt.Fprintln(out, "demo exchange: all answers as expected")
	return nil
}

// claimsOf decodes a JWT's claims for display (not verified).
func claimsOf(jwt string) string {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return "(not a JWT)"
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "(undecodable)"
	}
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return "(undecodable)"
	}
	out, _ := json.Marshal(m)
	return string(out)
}

// httpGet fetches a small JSON document.
func httpGet(ctx context.Context, hc *http.Client, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: HTTP %d", u, resp.StatusCode)
	}
	return io.ReadAll(io.LimitReader(resp.Body, 1<<20))
}
