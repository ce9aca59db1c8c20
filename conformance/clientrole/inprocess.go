package clientrole

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/wimse-wg/wimse/internal/mutant"
	"github.com/wimse-wg/wimse/profiles/httpsig"
	"github.com/wimse-wg/wimse/profiles/httpwpt"
	"github.com/wimse-wg/wimse/profiles/mtls"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/wimse"
)

// InProcess is this module's own client, in process: profiles/httpwpt's
// Transport, profiles/httpsig's Transport (requiring signed responses from
// the server's identifier when asked, AuthorizeID) or the mutual-TLS client
// of profiles/mtls (ClientConfig, the server authenticated by its DNS-ID).
// It supports every capability. Mutants, when set, break the transports'
// sender-side behaviours one at a time (internal/mutant ClientChecks).
type InProcess struct {
	Mutants *mutant.Set
}

// Supports implements Client.
func (InProcess) Supports(string) bool { return true }

// Call implements Client.
func (c InProcess) Call(ctx context.Context, call *Call) error {
	cr := call.Credentials
	base := &http.Transport{Proxy: nil, DisableKeepAlives: true}
	if strings.HasPrefix(call.URL, "https://") {
		pool := x509.NewCertPool()
		for _, r := range cr.ServerRoots {
			pool.AddCert(r)
		}
		base.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: pool}
	}
	var rt http.RoundTripper = base
	switch rev := wimse.Revision(call.Draft); {
	case call.Profile == "mtls":
		cert := cr.Certificate
		if c.Mutants.Off("client.mtls.no_certificate") {
			cert = tls.Certificate{}
		}
		host := strings.TrimPrefix(call.URL, "https://")
		host, _, _ = strings.Cut(host, ":")
		base.TLSClientConfig = mtls.ClientConfig(cr.ServerTrust, cert, mtls.ServerIdentity{DNSName: host},
			mtls.WithTrustDomains(cr.ServerID.TrustDomain()), mtls.WithMutant(c.Mutants), mtls.WithNow(cr.Now))
	case rev == wimse.RevisionWPT01 || rev == wimse.RevisionWPT02:
		t := &httpwpt.Transport{Base: base, WIT: cr.WIT, Key: cr.Key, Alg: cr.Alg, Revision: rev, ContextTokenFields: call.ContextTokens, Now: cr.Now}
		mutant.Put(t, c.Mutants)
		rt = t
	default:
		s := &httpsig.Signer{WIT: cr.WIT, Key: cr.Key, Alg: cr.Alg, Revision: rev, Now: cr.Now}
		mutant.Put(s, c.Mutants)
		t := &httpsig.Transport{Base: base, Signer: s}
		if call.SignResponse {
			t.RequireSignedResponse = true
			t.Responses = &wit.Verifier{Trust: cr.ServerTrust, Policy: wimse.Policy{Now: cr.Now}}
			t.Responder = httpsig.AuthorizeID(cr.ServerID)
		}
		mutant.Put(t, c.Mutants)
		rt = t
	}
	var body io.Reader
	if call.Body != "" {
		body = strings.NewReader(call.Body)
	}
	req, err := http.NewRequestWithContext(ctx, call.Method, call.URL, body)
	if err != nil {
		return err
	}
	if call.Body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, f := range call.Fields {
		req.Header.Add(f[0], f[1])
	}
	resp, err := (&http.Client{Transport: rt}).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("the server answered %s", resp.Status)
	}
	return nil
}
