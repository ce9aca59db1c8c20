package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/tokens/dpop"
	"github.com/wimse-wg/wimse/tokens/jwtgrant"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/tokens/scope"
	"github.com/wimse-wg/wimse/wimse"
)

// stsAuthMethods are the values of wimse sts exchange --auth.
var stsAuthMethods = []string{oauth.AuthMethodSPIFFEWIT, oauth.AuthMethodSPIFFEJWT, oauth.AuthMethodSPIFFEX509,
	oauth.AuthMethodPrivateKeyJWT, oauth.AuthMethodClientSecretBasic, oauth.AuthMethodClientSecretPost}

type stsExchangeFlags struct {
	sts, ca, auth                      string
	clientID, secretEnv, clientKey     string
	jwtSVID, cert, certKey, witFile    string
	witKey                             string
	subjectToken, subjectType, subjKey string
	actorToken, actorType              string
	resources, audiences               []string
	scope, requestedType, dpopKey      string
	timeout                            time.Duration
}

func stsExchangeCmd(e *env) *cobra.Command {
	var f stsExchangeFlags
	c := &cobra.Command{
		Use:   "exchange --sts URL --auth METHOD --subject-token FILE --subject-token-type URN [flags]",
		Short: "Exchange a token at an STS (RFC 8693) and print the response",
		Long: `exchange sends one token exchange request (RFC 8693) to the STS whose issuer
identifier is --sts: it reads the STS's metadata (RFC 8414) for the token
endpoint, authenticates as a client with --auth, and prints the token
response JSON (exit 0) or the OAuth error response JSON (exit 1).

Client authentication (--auth) and the credentials each method takes:
  spiffe_wit           --wit FILE --wit-key FILE   (WIT-SVID and its private JWK;
                                                    a PoP per request)
  spiffe_jwt           --jwt-svid FILE             (a JWT-SVID whose aud is the STS)
  spiffe_x509          --cert FILE --cert-key FILE (X.509-SVID chain and key, PEM)
  private_key_jwt      --client-id ID --client-key FILE (private JWK with kid)
  client_secret_basic  --client-id ID --client-secret-env VAR
  client_secret_post   --client-id ID --client-secret-env VAR
A secret is read from the environment variable, never from a flag.

A WIT subject (or actor) token needs proof of its key: --subject-key FILE
signs a Workload-Proof-Token for the token endpoint, unless the client
authenticated with spiffe_wit and that WIT's key. --dpop-key FILE asks for a
DPoP-bound token (RFC 9449), retrying once with the server's nonce.

Exit status: 0 a token was issued, 1 the STS refused (or answered something
else), 2 usage.`,
		Example: `  wimse sts exchange --sts https://127.0.0.1:8443 --ca demo/trust/ca.pem \
    --auth spiffe_wit --wit demo/workload/orders.wit --wit-key demo/workload/orders.jwk \
    --subject-token demo/workload/orders.wit --subject-token-type urn:ietf:params:oauth:token-type:jwt \
    --resource https://payments.example.org/api --scope payments:read`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return f.run(cmd.Context(), e) },
	}
	fl := c.Flags()
	fl.StringVar(&f.sts, "sts", "", "the STS's issuer identifier (required); its metadata names the token endpoint")
	fl.StringVar(&f.ca, "ca", "", "PEM file of the roots that sign the STS's TLS certificate (default: the system roots)")
	fl.StringVar(&f.auth, "auth", "", "client authentication method: "+strings.Join(stsAuthMethods, ", ")+" (required)")
	fl.StringVar(&f.clientID, "client-id", "", "client_id (private_key_jwt, client_secret_*)")
	fl.StringVar(&f.secretEnv, "client-secret-env", "", "environment variable holding the client secret (client_secret_*)")
	fl.StringVar(&f.clientKey, "client-key", "", "private JWK file of the client's assertion key (private_key_jwt)")
	fl.StringVar(&f.jwtSVID, "jwt-svid", "", "file holding a JWT-SVID (spiffe_jwt)")
	fl.StringVar(&f.cert, "cert", "", "PEM file of the client's X.509-SVID chain (spiffe_x509)")
	fl.StringVar(&f.certKey, "cert-key", "", "PEM file of the X.509-SVID's private key (spiffe_x509)")
	fl.StringVar(&f.witFile, "wit", "", "file holding the client's WIT-SVID (spiffe_wit)")
	fl.StringVar(&f.witKey, "wit-key", "", "private JWK file of the WIT-SVID's cnf key (spiffe_wit)")
	fl.StringVar(&f.subjectToken, "subject-token", "", "file holding the subject token (required)")
	fl.StringVar(&f.subjectType, "subject-token-type", "", "subject_token_type URN (required)")
	fl.StringVar(&f.subjKey, "subject-key", "", "private JWK file of a WIT subject token's key: signs a Workload-Proof-Token")
	fl.StringVar(&f.actorToken, "actor-token", "", "file holding the actor token (delegation)")
	fl.StringVar(&f.actorType, "actor-token-type", "", "actor_token_type URN (with --actor-token)")
	fl.StringArrayVar(&f.resources, "resource", nil, "resource (RFC 8707): an absolute URI; repeatable")
	fl.StringArrayVar(&f.audiences, "audience", nil, "audience (RFC 8693); repeatable")
	fl.StringVar(&f.scope, "scope", "", "space-separated scope")
	fl.StringVar(&f.requestedType, "requested-token-type", "", "requested_token_type URN")
	fl.StringVar(&f.dpopKey, "dpop-key", "", "private JWK file of a DPoP key: ask for a DPoP-bound token")
	fl.DurationVar(&f.timeout, "timeout", 30*time.Second, "time limit of the whole exchange")
	return c
}

// readTokenFile reads a token file, trimming the trailing newline.
func readTokenFile(flag, path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", usageErr("%s: %v", flag, err)
	}
	s := strings.TrimSpace(string(b))
	if s == "" {
		return "", usageErr("%s: %s is empty", flag, path)
	}
	return s, nil
}

func (f *stsExchangeFlags) run(ctx context.Context, e *env) error {
	switch {
	case f.sts == "":
		return usageErr("--sts is required")
	case f.auth == "":
		return usageErr("--auth is required: one of %s", strings.Join(stsAuthMethods, ", "))
	case !slices.Contains(stsAuthMethods, f.auth):
		return usageErr("--auth %q: want one of %s", f.auth, strings.Join(stsAuthMethods, ", "))
	case f.subjectToken == "" || f.subjectType == "":
		return usageErr("--subject-token and --subject-token-type are required")
	case (f.actorToken == "") != (f.actorType == ""):
		return usageErr("--actor-token and --actor-token-type go together")
	}
	if f.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, f.timeout)
		defer cancel()
	}
	req := exchange.Request{SubjectTokenType: f.subjectType, ActorTokenType: f.actorType, Resource: f.resources,
		Audience: f.audiences, RequestedTokenType: f.requestedType}
	var err error
	if req.SubjectToken, err = readTokenFile("--subject-token", f.subjectToken); err != nil {
		return err
	}
	if f.actorToken != "" {
		if req.ActorToken, err = readTokenFile("--actor-token", f.actorToken); err != nil {
			return err
		}
	}
	if f.scope != "" {
		if req.Scope, err = scope.Parse(f.scope); err != nil {
			return usageErr("--scope: %v", err)
		}
	}

	tlsConf := &tls.Config{MinVersion: tls.VersionTLS12}
	if f.ca != "" {
		certs, err := readPEMCerts(f.ca)
		if err != nil {
			return usageErr("--ca: %v", err)
		}
		tlsConf.RootCAs = x509.NewCertPool()
		for _, c := range certs {
			tlsConf.RootCAs.AddCert(c)
		}
	}
	if f.auth == oauth.AuthMethodSPIFFEX509 {
		if f.cert == "" || f.certKey == "" {
			return usageErr("--auth spiffe_x509 needs --cert and --cert-key")
		}
		pair, err := tls.LoadX509KeyPair(f.cert, f.certKey)
		if err != nil {
			return usageErr("--cert/--cert-key: %v", err)
		}
		tlsConf.Certificates = []tls.Certificate{pair}
	}
	transport := &http.Transport{TLSClientConfig: tlsConf, Proxy: http.ProxyFromEnvironment}
	hc := &http.Client{Transport: transport}

	md, err := exchange.FetchMetadata(ctx, hc, f.sts)
	if err != nil {
		return failErr("%v", err)
	}
	auth, err := f.clientAuth(md, hc)
	if err != nil {
		return err
	}
	if w, ok := auth.(*exchange.SPIFFEWIT); ok {
		hc = &http.Client{Transport: w.Transport(transport)}
	}
	if f.subjKey != "" {
		k, err := wimse.LoadPrivateJWK(f.subjKey)
		if err != nil {
			return usageErr("--subject-key: %v", err)
		}
		auth = &exchange.WITProof{ClientAuth: auth, WIT: req.SubjectToken, Key: k.Signer, Alg: k.Algorithm, Audience: md.TokenEndpoint}
	}
	client := &exchange.Client{TokenURL: md.TokenEndpoint, Auth: auth, HTTPClient: hc}
	if f.dpopKey != "" {
		k, err := wimse.LoadPrivateJWK(f.dpopKey)
		if err != nil {
			return usageErr("--dpop-key: %v", err)
		}
		client.DPoP = exchange.DPoPSigner(&dpop.Signer{Key: k.Signer, Alg: k.Algorithm})
	}
	resp, err := client.Exchange(ctx, req)
	var oe *exchange.Error
	switch {
	case errors.As(err, &oe) && oe.Status != 0:
		b, _ := json.MarshalIndent(map[string]any{"status": oe.Status, "error": oe.Code, "error_description": oe.Description}, "", "  ")
		fmt.Fprintln(e.stdout, string(b))
		return quietExit(exitFailure)
	case err != nil:
		return failErr("%v", err)
	}
	b, err := json.MarshalIndent(resp, "", "  ")
	if err != nil {
		return failErr("%v", err)
	}
	fmt.Fprintln(e.stdout, string(b))
	return nil
}

// clientAuth builds the client authentication of --auth.
func (f *stsExchangeFlags) clientAuth(md *exchange.Metadata, hc *http.Client) (exchange.ClientAuth, error) {
	secret := func() (string, error) {
		if f.clientID == "" || f.secretEnv == "" {
			return "", usageErr("--auth %s needs --client-id and --client-secret-env", f.auth)
		}
		s, ok := os.LookupEnv(f.secretEnv)
		if !ok || s == "" {
			return "", usageErr("--client-secret-env: the environment variable %s is not set", f.secretEnv)
		}
		return s, nil
	}
	switch f.auth {
	case oauth.AuthMethodClientSecretBasic:
		s, err := secret()
		if err != nil {
			return nil, err
		}
		return &exchange.ClientSecretBasic{ClientID: f.clientID, Secret: s}, nil
	case oauth.AuthMethodClientSecretPost:
		s, err := secret()
		if err != nil {
			return nil, err
		}
		return &exchange.ClientSecretPost{ClientID: f.clientID, Secret: s}, nil
	case oauth.AuthMethodPrivateKeyJWT:
		if f.clientID == "" || f.clientKey == "" {
			return nil, usageErr("--auth private_key_jwt needs --client-id and --client-key")
		}
		k, err := wimse.LoadPrivateJWK(f.clientKey)
		if err != nil {
			return nil, usageErr("--client-key: %v", err)
		}
		return &exchange.PrivateKeyJWT{ClientID: f.clientID, Audience: md.Issuer,
			Signer: &jwtgrant.Signer{Key: k.Signer, Alg: k.Algorithm, KeyID: k.KeyID}}, nil
	case oauth.AuthMethodSPIFFEJWT:
		if f.jwtSVID == "" {
			return nil, usageErr("--auth spiffe_jwt needs --jwt-svid")
		}
		svid, err := readTokenFile("--jwt-svid", f.jwtSVID)
		if err != nil {
			return nil, err
		}
		return &exchange.JWTSPIFFE{Audience: md.Issuer, SVID: func(context.Context, string) (string, error) { return svid, nil }}, nil
	case oauth.AuthMethodSPIFFEX509:
		id, err := certSPIFFEID(f.cert)
		if err != nil {
			return nil, err
		}
		return &exchange.SPIFFEX509{ClientID: id}, nil
	case oauth.AuthMethodSPIFFEWIT:
		if f.witFile == "" || f.witKey == "" {
			return nil, usageErr("--auth spiffe_wit needs --wit and --wit-key")
		}
		w, err := readTokenFile("--wit", f.witFile)
		if err != nil {
			return nil, err
		}
		k, err := wimse.LoadPrivateJWK(f.witKey)
		if err != nil {
			return nil, usageErr("--wit-key: %v", err)
		}
		return &exchange.SPIFFEWIT{Audience: md.Issuer, WIT: w, Key: k.Signer, Alg: k.Algorithm,
			ChallengeURL: md.ChallengeEndpoint, HTTPClient: hc}, nil
	}
	return nil, usageErr("--auth %q is not supported", f.auth)
}

// certSPIFFEID returns the SPIFFE ID (URI SAN) of the leaf of a PEM chain.
func certSPIFFEID(path string) (string, error) {
	certs, err := readPEMCerts(path)
	if err != nil || len(certs) == 0 {
		return "", usageErr("--cert: %v", err)
	}
	for _, u := range certs[0].URIs {
		if u.Scheme == "spiffe" {
			return u.String(), nil
		}
	}
	return "", usageErr("--cert: the certificate has no spiffe:// URI SAN")
}
