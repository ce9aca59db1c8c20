package mtls

import (
	"log/slog"
	"time"

	"github.com/wimse-wg/wimse/internal/mutant"
	"github.com/wimse-wg/wimse/wimse"
)

// Option configures VerifyPeer, ServerConfig, ClientConfig and Middleware.
// Every option applies wherever it is given; pass the same options to
// ServerConfig and Middleware so that both judge a client alike.
type Option func(*config)

type config struct {
	now          func() time.Time
	trustDomains []wimse.TrustDomain
	expectID     wimse.ID
	dnsName      string
	authorize    Authorizer
	logger       *slog.Logger
	mutant       *mutant.Set
}

func newConfig(opts []Option) *config {
	c := &config{}
	for _, o := range opts {
		o(c)
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// WithNow sets the clock that ServerConfig, ClientConfig and Middleware
// check validity periods against; the tls.Config of ServerConfig and
// ClientConfig also gets it as its Time, so session tickets (their age,
// and the client's check that a cached server certificate has not
// expired) run on the same clock. Nil (the default) means time.Now.
// VerifyPeer takes its time as an argument and ignores this option.
func WithNow(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithTrustDomains restricts the peer's trust domain to tds (mutual-tls-03
// M3: the trust domain of the identifier in the WIC must be the one expected
// for the peer). Without it, every trust domain that has X.509 roots in the
// trust store is accepted. Repeated, the lists add up.
func WithTrustDomains(tds ...wimse.TrustDomain) Option {
	return func(c *config) { c.trustDomains = append(c.trustDomains, tds...) }
}

// WithExpectedID requires the peer's identifier to be exactly id
// (mutual-tls-03 M7, M9: the whole identifier, byte for byte). The peer's
// trust domain must then also be id's (M3).
func WithExpectedID(id wimse.ID) Option { return func(c *config) { c.expectID = id } }

// WithDNSName requires the peer's certificate to carry a DNS-ID matching
// name (mutual-tls-03 M6, RFC 9525 §6.3), checked with
// x509.Certificate.VerifyHostname. Meant for servers reached by DNS name.
func WithDNSName(name string) Option { return func(c *config) { c.dnsName = name } }

// WithAuthorizer runs a after every other check passed; a non-nil error
// rejects the peer (with its reason, or mtls.peer_identity if it has none).
// Nil (the default) authorises every authenticated peer.
func WithAuthorizer(a Authorizer) Option { return func(c *config) { c.authorize = a } }

// WithLogger sets where rejections are logged, with their reason: handshake
// failures by ServerConfig and ClientConfig, request failures by Middleware.
// Certificates are never logged. Nil (the default) discards.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithMutant disables the checks of m's mtls.* reasons, for the conformance
// self-test (internal/mutant): each disabled rejection is skipped as if the
// check had passed (see verify for what that means per reason). Being of
// an internal type, it can only be given a non-nil set inside this module;
// nil (the default) disables nothing.
func WithMutant(m *mutant.Set) Option { return func(c *config) { c.mutant = m } }
