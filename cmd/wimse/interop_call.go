package main

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/wimse-wg/wimse/profiles/httpsig"
	"github.com/wimse-wg/wimse/profiles/httpwpt"
	"github.com/wimse-wg/wimse/profiles/mtls"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/wimse"
)

// callFlags are those of `wimse interop call`, the interop peers' `call`
// convention.
type callFlags struct {
	url, wit, key, cert, ca, body, draft, trustDomain string
	headers, contextFields                            []string
	signResponse                                      bool
	trustBundle, serverID                             string
	timeout                                           time.Duration
}

func interopCallCmd(e *env) *cobra.Command {
	var f callFlags
	c := &cobra.Command{
		Use:   "call --url URL (--wit FILE --key JWK | --cert PEM --key PEM --ca PEM)",
		Short: "Send one authenticated request, as an interop client",
		Long: `Send one request to URL with our client transports and print the status line
and the body. With --wit, the request carries the WIT and a proof signed with
--key (a private JWK): a WPT (--draft wpt-02 or wpt-01, profiles/httpwpt) or
an HTTP message signature (--draft http-signature-07 or -06, profiles/httpsig).
With --cert, it authenticates with that client certificate chain and --key
(PEM) over mutual TLS (profiles/mtls): the server's certificate must chain to
--ca within --trust-domain (default: the trust domain of --ca's URI SAN) and
name the URL's host. With --wit over https, --ca is the server's CA. --body
sends a POST with that JSON body; otherwise a GET.

This is the 'call' convention of the interop peers (interop/peers): exit 0
on a 2xx answer, 1 on any other answer or a refused connection or handshake,
2 on a usage or setup error.`,
		Example: `  wimse interop call --url http://127.0.0.1:8443/hello --wit workload.wit --key workload.jwk
  wimse interop call --url https://127.0.0.1:8443/hello --cert client.pem --key client.key --ca ca.pem`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			client, err := f.client()
			if err != nil {
				return err
			}
			method, body := http.MethodGet, io.Reader(nil)
			if f.body != "" {
				method, body = http.MethodPost, strings.NewReader(f.body)
			}
			req, err := http.NewRequestWithContext(cmd.Context(), method, f.url, body)
			if err != nil {
				return usageErr("%v", err)
			}
			if f.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			for _, h := range f.headers {
				name, value, ok := strings.Cut(h, ":")
				if !ok || strings.TrimSpace(name) == "" {
					return usageErr("--header %q: want \"Name: value\"", h)
				}
				req.Header.Add(strings.TrimSpace(name), strings.TrimSpace(value))
			}
			resp, err := client.Do(req)
			if err != nil {
				return failErr("%v", err)
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
			if err != nil {
				return failErr("read the answer: %v", err)
			}
			fmt.Fprintf(e.stdout, "%s %s\n%s", resp.Proto, resp.Status, b)
			if len(b) > 0 && b[len(b)-1] != '\n' {
				fmt.Fprintln(e.stdout)
			}
			if resp.StatusCode < 200 || resp.StatusCode > 299 {
				return quietExit(exitFailure)
			}
			return nil
		},
	}
	fl := c.Flags()
	fl.StringVar(&f.url, "url", "", "URL to call (required)")
	fl.StringVar(&f.wit, "wit", "", "file holding the compact WIT")
	fl.StringVar(&f.key, "key", "", "with --wit: the workload private JWK; with --cert: the certificate's PEM private key")
	fl.StringVar(&f.cert, "cert", "", "PEM client certificate chain (mutual TLS)")
	fl.StringVar(&f.ca, "ca", "", "PEM CA certificates the server's certificate must chain to")
	fl.StringVar(&f.trustDomain, "trust-domain", "", "with --cert: the server's trust domain (default: from --ca's URI SAN)")
	fl.StringVar(&f.body, "body", "", "JSON request body; sent with POST")
	fl.StringVar(&f.draft, "draft", "wpt-02", "with --wit: wpt-02, wpt-01, http-signature-07 or http-signature-06")
	fl.StringArrayVar(&f.headers, "header", nil, `extra request field "Name: value" (repeatable)`)
	fl.StringArrayVar(&f.contextFields, "context-field", nil, "with a WPT: a request field holding a context token to bind with oth (repeatable)")
	fl.BoolVar(&f.signResponse, "sign-response", false, "with an HTTP message signature: ask for a signed response and refuse an answer that is not signed by --server-id")
	fl.StringVar(&f.trustBundle, "trust-bundle", "", "with --sign-response: JWK Set of the issuer of the server's WIT")
	fl.StringVar(&f.serverID, "server-id", "", "with --sign-response: the Workload Identifier that must sign the response")
	fl.DurationVar(&f.timeout, "timeout", 15*time.Second, "time bound of the whole call")
	return c
}

// client builds the HTTP client the flags describe.
func (f *callFlags) client() (*http.Client, error) {
	u, err := url.Parse(f.url)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, usageErr("--url %q is not an absolute http(s) URL", f.url)
	}
	if (f.wit == "") == (f.cert == "") || f.key == "" {
		return nil, usageErr("give --wit and --key (a WIT profile) or --cert, --key and --ca (mtls)")
	}
	base := &http.Transport{Proxy: nil, TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS12}}
	var roots []*x509.Certificate
	if f.ca != "" {
		if roots, err = readCerts(f.ca); err != nil {
			return nil, usageErr("--ca: %v", err)
		}
		pool := x509.NewCertPool()
		for _, r := range roots {
			pool.AddCert(r)
		}
		base.TLSClientConfig.RootCAs = pool
	}
	client := &http.Client{Timeout: f.timeout, Transport: base}
	if f.cert != "" {
		if f.ca == "" || u.Scheme != "https" {
			return nil, usageErr("--cert needs --ca and an https URL")
		}
		cert, err := tls.LoadX509KeyPair(f.cert, f.key)
		if err != nil {
			return nil, usageErr("--cert/--key: %v", err)
		}
		td, err := f.serverTrustDomain(roots)
		if err != nil {
			return nil, err
		}
		store := wimse.NewTrustStore()
		store.Set(td, wimse.Anchors{X509Roots: roots})
		base.TLSClientConfig = mtls.ClientConfig(store, cert, mtls.ServerIdentity{DNSName: u.Hostname()}, mtls.WithTrustDomains(td))
		return client, nil
	}
	witRaw, err := os.ReadFile(f.wit)
	if err != nil {
		return nil, usageErr("read --wit: %v", err)
	}
	key, alg, _, err := loadPrivateKey("--key", f.key)
	if err != nil {
		return nil, err
	}
	w := strings.TrimSpace(string(witRaw))
	switch rev := wimse.Revision(f.draft); rev {
	case wimse.RevisionWPT01, wimse.RevisionWPT02:
		if f.signResponse {
			return nil, usageErr("--sign-response needs an HTTP message signature draft")
		}
		client.Transport = &httpwpt.Transport{Base: base, WIT: w, Key: key, Alg: alg, Revision: rev, ContextTokenFields: f.contextFields}
	case wimse.RevisionHTTPSig06, wimse.RevisionHTTPSig07:
		if len(f.contextFields) > 0 {
			return nil, usageErr("--context-field needs a WPT draft")
		}
		t := &httpsig.Transport{Base: base, Signer: &httpsig.Signer{WIT: w, Key: key, Alg: alg, Revision: rev}}
		if f.signResponse {
			if err := f.requireSignedResponse(t); err != nil {
				return nil, err
			}
		}
		client.Transport = t
	default:
		return nil, usageErr("--draft %q is not wpt-02, wpt-01, http-signature-07 or http-signature-06", f.draft)
	}
	return client, nil
}

// requireSignedResponse makes t ask for a signed response and accept only
// one signed by --server-id with a WIT from --trust-bundle.
func (f *callFlags) requireSignedResponse(t *httpsig.Transport) error {
	if f.trustBundle == "" || f.serverID == "" {
		return usageErr("--sign-response needs --trust-bundle and --server-id")
	}
	id, err := wimse.ParseID(f.serverID)
	if err != nil {
		return usageErr("--server-id: %v", err)
	}
	b, err := os.ReadFile(f.trustBundle)
	if err != nil {
		return usageErr("--trust-bundle: %v", err)
	}
	keys, err := wimse.ParseJWKSet(b)
	if err != nil {
		return usageErr("--trust-bundle: %v", err)
	}
	store := wimse.NewTrustStore()
	store.Set(id.TrustDomain(), wimse.Anchors{Keys: keys})
	t.RequireSignedResponse = true
	t.Responses = &wit.Verifier{Trust: store}
	t.Responder = httpsig.AuthorizeID(id)
	return nil
}

// serverTrustDomain is --trust-domain, or the trust domain of the first
// spiffe:// or wimse:// URI SAN of the CA certificates.
func (f *callFlags) serverTrustDomain(roots []*x509.Certificate) (wimse.TrustDomain, error) {
	if f.trustDomain != "" {
		td, err := wimse.ParseTrustDomain(f.trustDomain)
		if err != nil {
			return wimse.TrustDomain{}, usageErr("--trust-domain: %v", err)
		}
		return td, nil
	}
	for _, r := range roots {
		for _, u := range r.URIs {
			if (u.Scheme == "spiffe" || u.Scheme == "wimse") && u.Host != "" {
				if td, err := wimse.ParseTrustDomain(u.Host); err == nil {
					return td, nil
				}
			}
		}
	}
	return wimse.TrustDomain{}, usageErr("--ca names no trust domain in a URI SAN: give --trust-domain")
}

// readCerts reads every CERTIFICATE block of a PEM file.
func readCerts(path string) ([]*x509.Certificate, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []*x509.Certificate
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s holds no certificate", path)
	}
	return out, nil
}
