package httpsig

import (
	"slices"

	"github.com/wimse-wg/wimse/wimse"
)

// Authorizer decides whether a verified peer may proceed. Transport calls
// it with the signer of each signed response (Transport.Responder), only
// after the response's WIT and signature verified. A denial is an error;
// one without a *wimse.Error reason is reported as
// httpsig.responder_identity. Authorizers must be safe for concurrent use.
type Authorizer func(*Peer) error

// AuthorizeID allows exactly the peer id: the whole identifier, compared
// byte for byte (identifier-03: the complete identifier, no wildcard or
// prefix matching).
func AuthorizeID(id wimse.ID) Authorizer {
	return AuthorizeOneOf(id)
}

// AuthorizeOneOf allows the peers ids.
func AuthorizeOneOf(ids ...wimse.ID) Authorizer {
	ids = slices.Clone(ids)
	return func(p *Peer) error {
		if slices.Contains(ids, p.ID) {
			return nil
		}
		return wimse.Errorf(wimse.ReasonHTTPSigResponderIdentity, "httpsig: %s is not an expected peer", p.ID)
	}
}

// AuthorizeMemberOf allows every peer of trust domain td. As a
// Transport.Responder it accepts a response signed by any workload of td,
// an intermediary included: prefer AuthorizeID where the server is known.
func AuthorizeMemberOf(td wimse.TrustDomain) Authorizer {
	return func(p *Peer) error {
		if p.TrustDomain() == td {
			return nil
		}
		return wimse.Errorf(wimse.ReasonHTTPSigResponderIdentity, "httpsig: %s is not in trust domain %s", p.ID, td)
	}
}

// AuthorizeAny allows every peer whose WIT verified: any workload of any
// trusted trust domain. As a Transport.Responder it is the explicit choice
// not to name the server, with the risk that brings (an intermediary with
// a WIT of its own can answer in the server's name).
func AuthorizeAny() Authorizer {
	return func(*Peer) error { return nil }
}
