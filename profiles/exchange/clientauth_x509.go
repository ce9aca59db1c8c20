package exchange

import (
	"context"
	"net/http"
	"time"

	"github.com/spiffe/go-spiffe/v2/spiffeid"

	"github.com/wimse-wg/wimse/profiles/mtls"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/wimse"
)

// X509SVIDAuthenticator authenticates spiffe_x509 clients
// (draft-ietf-oauth-spiffe-client-auth-02 §3.2): mutual TLS (RFC 8705
// §2) with an X.509-SVID as the client certificate. The chain in
// r.TLS.PeerCertificates is verified by mtls.VerifyPeer with role Client,
// on every request: RFC 5280 path validation to the X.509 roots of the
// trust domain of the leaf's single URI SAN and of no other (never the
// system store, -02 §6), a leaf that is no CA, has digitalSignature and no
// keyCertSign or cRLSign, id-kp-clientAuth when it has an extended key
// usage, and a validity period around Now; failures keep their mtls.*
// reasons. The identifier must then be a spiffe:// ID and, with Known, a
// known client (exchange.client_certificate). ClientIdentity.Certificate
// is the leaf, for certificate-bound tokens (RFC 8705 §3). It is safe for
// concurrent use if its fields are not modified. Experimental: the draft
// may change.
//
// The TLS server must ask for a client certificate without verifying it
// against one root pool, which ignores trust domains: ClientAuth
// tls.RequestClientCert (not VerifyClientCertIfGiven or
// RequireAndVerifyClientCert). mtls.ServerConfig also fits, but it refuses
// in the handshake every client without a valid Workload Identity
// Certificate, so it suits only an endpoint that serves spiffe_x509
// alone. A request without a certificate does not present this method
// (Methods sends it elsewhere), and a certificate beside another method is
// not spiffe_x509 (see presented).
//
// Decisions:
//   - client_id is required and must equal the SPIFFE ID (-02 §3.2, RFC
//     8705 §2): missing is invalid_request (exchange.request), another
//     value invalid_client (exchange.client_id_mismatch). ClientIDOptional
//     relaxes the first. The editor's copy after -02 lets client_id be a
//     metadata document URL the SPIFFE ID is authorized for; that is not
//     supported.
//   - A wimse:// identifier in a valid Workload Identity Certificate is
//     not a SPIFFE client: invalid_client (exchange.client_certificate).
type X509SVIDAuthenticator struct {
	// Trust holds each trust domain's X.509 roots (Anchors.X509Roots), for
	// example from SPIFFE bundles (wimse.ParseSPIFFEBundle). Required.
	Trust *wimse.TrustStore
	// Options are passed to mtls.VerifyPeer: mtls.WithTrustDomains to
	// restrict the accepted trust domains, mtls.WithAuthorizer. Nil
	// accepts every trust domain of Trust that has X.509 roots.
	Options []mtls.Option
	// Known reports whether a SPIFFE ID is a known client (-02 §3.2: the
	// SPIFFE ID "matches or is associated with" a registered client);
	// false is invalid_client (exchange.client_certificate). Nil accepts
	// every SVID of a trusted trust domain, leaving the decision to the
	// Authorizer.
	Known func(id spiffeid.ID) bool
	// ClientIDOptional accepts a request without client_id (the client is
	// then the certificate's SPIFFE ID). The zero value requires it, as
	// -02 §3.2 does.
	ClientIDOptional bool
	// Now is the clock the certificates' validity is checked against; nil
	// means time.Now.
	Now func() time.Time
}

// AuthenticateClient verifies the TLS client certificate.
func (a *X509SVIDAuthenticator) AuthenticateClient(_ context.Context, r *http.Request) (ClientIdentity, error) {
	method, err := oneMethod(r)
	if err != nil {
		return ClientIdentity{}, err
	}
	if method != oauth.AuthMethodSPIFFEX509 {
		return ClientIdentity{}, notHere(method)
	}
	if a.Trust == nil {
		return ClientIdentity{}, wimse.Errorf(wimse.ReasonInternal, "exchange: X509SVIDAuthenticator has no Trust")
	}
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	chain := r.TLS.PeerCertificates // oneMethod saw at least one
	id, err := mtls.VerifyPeer(chain, a.Trust, mtls.Client, now(), a.Options...)
	if err != nil {
		return ClientIdentity{}, rejected(err)
	}
	sid, err := spiffeid.FromString(id.String())
	if err != nil {
		return ClientIdentity{}, invalid(oauth.ErrorInvalidClient, wimse.ReasonExchangeClientCertificate, "the client certificate's identifier is not a SPIFFE ID")
	}
	if a.Known != nil && !a.Known(sid) {
		return ClientIdentity{}, invalid(oauth.ErrorInvalidClient, wimse.ReasonExchangeClientCertificate, "the SPIFFE ID is not a known client")
	}
	switch cid := r.PostForm.Get(ParamClientID); {
	case cid == "" && !a.ClientIDOptional:
		return ClientIdentity{}, invalid(oauth.ErrorInvalidRequest, wimse.ReasonExchangeRequest, "client_id is required with spiffe_x509")
	case cid != "" && cid != sid.String():
		return ClientIdentity{}, invalid(oauth.ErrorInvalidClient, wimse.ReasonExchangeClientIDMismatch, "client_id is not the client certificate's SPIFFE ID")
	}
	return ClientIdentity{ID: sid.String(), Method: oauth.AuthMethodSPIFFEX509, Certificate: chain[0]}, nil
}
