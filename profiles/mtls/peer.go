package mtls

import (
	"context"
	"crypto/x509"

	"github.com/wimse-wg/wimse/wimse"
)

// Peer is a TLS peer authenticated by its Workload Identity Certificate.
type Peer struct {
	// ID is the Workload Identifier from the leaf's URI SAN (mutual-tls-03
	// M10). It is the identity to authorise, account and audit with, always
	// together with its trust domain (M12).
	ID wimse.ID
	// Certificate is the peer's leaf certificate.
	Certificate *x509.Certificate
	// Chain is the verified chain, from the leaf to a root of ID's trust
	// domain.
	Chain []*x509.Certificate
}

// TrustDomain returns the peer's trust domain: the trust domain of ID, whose
// anchors validated Chain.
func (p *Peer) TrustDomain() wimse.TrustDomain { return p.ID.TrustDomain() }

type peerKey struct{}

// PeerFromContext returns the authenticated peer Middleware stored.
func PeerFromContext(ctx context.Context) (*Peer, bool) {
	p, ok := ctx.Value(peerKey{}).(*Peer)
	return p, ok
}

// WithPeer returns a context carrying p.
func WithPeer(ctx context.Context, p *Peer) context.Context {
	return context.WithValue(ctx, peerKey{}, p)
}
