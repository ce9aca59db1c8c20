package exchange

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/spiffe/go-spiffe/v2/spiffeid"
	"github.com/wimse-wg/wimse/wimse"
)

// X509ClientCertificateToken is the subject_token of the X.509-to-access-token
// profile (draft-mccracken-wimse-x509-to-access-token-exchange-profile,
// digest §8.3): the subject is the certificate of the TLS handshake.
const X509ClientCertificateToken = "mtls_client_certificate"

// X509SubjectValidator validates the subject token of the X.509 certificate
// to access token profile (subject_token_type
// urn:ietf:params:oauth:token-type:mtls, oauth.TokenTypeMTLS): the subject
// is the client certificate of the request's mutual TLS handshake, which
// the ClientAuthenticator verified (X509SVIDAuthenticator: the chain to the
// configured trust anchors of the certificate's trust domain, its validity
// at the time of the request, one SPIFFE ID). The validator never verifies
// a chain itself: without a verified client certificate
// (ClientIdentity.Certificate, set only by spiffe_x509 authentication) the
// token is refused with exchange.x509_subject.
//
// The subject_token is either the literal mtls_client_certificate, or,
// as the newer text allows, an X.509 chain in the form of JOSE x5c (a JSON
// array of base64 DER certificates, leaf first): it is accepted only when
// its leaf equals the TLS client certificate byte for byte; the rest of the
// array is ignored, since the chain that counts is the one the handshake
// carried and the authenticator verified. Anything else is
// exchange.x509_subject.
//
// The Party's Subject is the certificate's SPIFFE ID (its URI SAN), its
// Issuer the trust domain's SPIFFE ID (spiffe://TD) and its Expiry the
// certificate's NotAfter, so the issued token never outlives the
// certificate. The issued token's nbf (its iat) cannot precede the
// certificate's NotBefore: it is issued after the authenticator checked
// that the certificate is valid now. The profile's other rules, audience
// REQUIRED and requested_token_type access_token, are the Handler's (see
// the package documentation); which SPIFFE IDs may obtain which audience is
// the Authorizer's.
type X509SubjectValidator struct{}

// ValidateToken checks the subject token against the request's verified
// client certificate; failures carry exchange.x509_subject.
func (X509SubjectValidator) ValidateToken(_ context.Context, p Presentation) (*Party, error) {
	cert := p.Client.Certificate
	if cert == nil {
		return nil, wimse.Errorf(wimse.ReasonExchangeX509Subject, "exchange: a %s token of type mtls needs a client certificate verified by mutual TLS client authentication (spiffe_x509)", p.Role)
	}
	if p.Token != X509ClientCertificateToken {
		leaf, ok := x5cLeaf(p.Token)
		switch {
		case !ok:
			return nil, wimse.Errorf(wimse.ReasonExchangeX509Subject, "exchange: the %s token of type mtls is neither %s nor an x5c chain", p.Role, X509ClientCertificateToken)
		case !bytes.Equal(leaf, cert.Raw):
			return nil, wimse.Errorf(wimse.ReasonExchangeX509Subject, "exchange: the leaf of the x5c %s token is not the TLS client certificate", p.Role)
		}
	}
	if len(cert.URIs) == 0 {
		return nil, wimse.Errorf(wimse.ReasonExchangeX509Subject, "exchange: the client certificate has no URI SAN")
	}
	id, err := spiffeid.FromURI(cert.URIs[0])
	if err != nil {
		return nil, wimse.Errorf(wimse.ReasonExchangeX509Subject, "exchange: the client certificate's URI SAN is not a SPIFFE ID")
	}
	return &Party{
		TokenType: p.TokenType,
		Issuer:    id.TrustDomain().IDString(), Subject: id.String(),
		Expiry: cert.NotAfter,
	}, nil
}

// x5cLeaf returns the DER of the first certificate of a JOSE x5c array
// (RFC 7515 §4.1.6: standard base64, not base64url).
func x5cLeaf(token string) ([]byte, bool) {
	if !strings.HasPrefix(strings.TrimSpace(token), "[") {
		return nil, false
	}
	var chain []string
	if err := json.Unmarshal([]byte(token), &chain); err != nil || len(chain) == 0 {
		return nil, false
	}
	der, err := base64.StdEncoding.DecodeString(chain[0])
	if err != nil || len(der) == 0 {
		return nil, false
	}
	return der, true
}
