package exchange

import (
	"github.com/wimse-wg/wimse/tokens/confirmation"
	"github.com/wimse-wg/wimse/tokens/dpop"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/wimse"
)

// The binding methods of Decision.Binding.
const (
	// BindingDPoP: the issued token is bound to the DPoP proof's key
	// (cnf.jkt, RFC 9449 §6.1).
	BindingDPoP = "dpop"
	// BindingMTLS: the issued token is bound to the client certificate
	// (cnf x5t#S256, RFC 8705 §3.1).
	BindingMTLS = "mtls"
)

// binding is how the token to issue is sender-constrained.
type binding struct {
	cnf    confirmation.Claim // zero: a bearer token
	method string             // BindingDPoP, BindingMTLS or ""
}

// bind decides the binding of the issued token. A verified DPoP proof wins
// over a client certificate: the client asked for DPoP explicitly, and cnf
// carries one method only (RFC 7800 §3.1). Otherwise, with BindCertificate,
// a client that authenticated with mutual TLS gets a certificate-bound
// token.
func (h *Handler) bind(proof *dpop.Proof, client ClientIdentity) (binding, error) {
	switch {
	case proof != nil:
		c, err := confirmation.JKT(proof.Key)
		if err != nil {
			return binding{}, serverError(&wimse.Error{Reason: wimse.ReasonInternal, Detail: "exchange: no thumbprint of the DPoP key", Err: err})
		}
		return binding{cnf: c, method: BindingDPoP}, nil
	case h.BindCertificate && client.Certificate != nil:
		return binding{cnf: confirmation.X5TS256(client.Certificate), method: BindingMTLS}, nil
	}
	return binding{}, nil
}

// tokenType returns the token_type of an access token with this binding:
// DPoP for a DPoP-bound token (RFC 9449 §5), Bearer otherwise, a
// certificate-bound token included (RFC 8705 §3).
func (b binding) tokenType() string {
	if b.method == BindingDPoP {
		return oauth.AccessTokenTypeDPoP
	}
	return oauth.AccessTokenTypeBearer
}

// presentationProof is what the presenter of an access token proved
// possession of in this request, for the token's cnf: the DPoP proof's key
// (whose ath must then be the hash of the token: RFC 9449 §4.3 check 12),
// the key of the client's authentication, or its mutual TLS certificate.
// A bearer token passes whatever the request proves: at the token endpoint
// these proofs are the request's, and a DPoP proof there binds the token
// to issue, not the one presented. Nil when the request proves nothing.
func presentationProof(p Presentation) confirmation.Proof {
	if p.DPoP == nil && p.Client.Key == nil && p.Client.Certificate == nil {
		return nil
	}
	return func(c confirmation.Claim) error {
		switch c.Method() {
		case "":
			return nil
		case confirmation.MethodX5TS256:
			if p.Client.Certificate == nil {
				return wimse.Errorf(wimse.ReasonCnfUnconfirmed, "exchange: the %s token is certificate-bound and the client presented no certificate", p.Role)
			}
			return confirmation.Certificate(p.Client.Certificate)(c)
		}
		var err error
		if p.DPoP != nil {
			if err = confirmation.Key(p.DPoP.Key)(c); err == nil {
				return p.DPoP.BindsAccessToken(p.Token)
			}
		}
		if p.Client.Key != nil {
			if err = confirmation.Key(p.Client.Key)(c); err == nil {
				return nil
			}
		}
		if err == nil {
			err = wimse.Errorf(wimse.ReasonCnfUnconfirmed, "exchange: the %s token is bound by %s and the request proves no key", p.Role, c.Method())
		}
		return err
	}
}
