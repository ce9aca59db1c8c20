package mtls

import (
	"slices"

	"github.com/wimse-wg/wimse/wimse"
)

// Authorizer decides whether an authenticated peer may proceed. It is called
// only after the chain, the usages and the identifier have been validated
// (mutual-tls-03 M11, M14). A denial is an error; one without a
// *wimse.Error reason is reported as mtls.peer_identity. Authorizers must
// be safe for concurrent use.
type Authorizer func(*Peer) error

// AuthorizeID allows exactly the peer id: the whole identifier, compared
// byte for byte (mutual-tls-03 M9; identifier-03: the complete identifier,
// no wildcard or prefix matching).
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
		return wimse.Errorf(wimse.ReasonMTLSPeerIdentity, "mtls: peer %s is not authorized", p.ID)
	}
}

// AuthorizeMemberOf allows every peer of trust domain td.
func AuthorizeMemberOf(td wimse.TrustDomain) Authorizer {
	return func(p *Peer) error {
		if p.TrustDomain() == td {
			return nil
		}
		return wimse.Errorf(wimse.ReasonMTLSPeerIdentity, "mtls: peer %s is not in trust domain %s", p.ID, td)
	}
}
