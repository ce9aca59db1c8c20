package exchange

import (
	"context"
	"errors"
	"net/http"
	"net/url"
)

// SPIFFEX509 is spiffe_x509 (draft-ietf-oauth-spiffe-client-auth-02
// §3.2): mutual TLS with the client's X.509-SVID (RFC 8705 §2). The TLS
// part is the http.Client's: Authenticate only adds client_id, which -02
// requires and the server compares with the certificate's SPIFFE ID.
// Experimental: the draft may change.
//
// The Client's HTTPClient must present the X.509-SVID and verify the
// server with the Web PKI (the system roots), never the SPIFFE bundle
// (-02 §3.2: the authorization server has an ordinary TLS certificate).
// With go-spiffe and the Workload API:
//
//	src, _ := workloadapi.NewX509Source(ctx)
//	tr := &http.Transport{TLSClientConfig: tlsconfig.MTLSWebClientConfig(src, nil)} // nil: system roots
//
// or with crypto/tls alone, from a certificate and key on disk:
//
//	cert, _ := tls.LoadX509KeyPair("svid.pem", "svid_key.pem")
//	tr := &http.Transport{TLSClientConfig: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}}
//
// then Client{Auth: &SPIFFEX509{ClientID: "spiffe://example.org/client"},
// HTTPClient: &http.Client{Transport: tr}}. A certificate source that
// rotates (GetClientCertificate) keeps working across SVID renewals.
type SPIFFEX509 struct {
	// ClientID is the SPIFFE ID of the certificate, sent as client_id.
	// Required.
	ClientID string
}

// Authenticate adds client_id to form.
func (a *SPIFFEX509) Authenticate(_ context.Context, _ *http.Request, form url.Values) error {
	if a.ClientID == "" {
		return errors.New("exchange: spiffe_x509 needs a ClientID")
	}
	form.Set(ParamClientID, a.ClientID)
	return nil
}
