package clientrole

import (
	"context"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"slices"
	"time"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/vectors"
	"github.com/wimse-wg/wimse/wimse"
)

// Defaults.
const (
	// DefaultTimeout bounds one client run, or a listen-only run.
	DefaultTimeout = 15 * time.Second
	// ClockSkew is the skew the suite allows the client's times, and
	// MaxLifetime the proof lifetime beyond which a SHOULD is missed: the
	// reference server's defaults (vectors.DefaultPolicy).
	ClockSkew   = 60 * time.Second
	MaxLifetime = 300 * time.Second
)

// Config is one client-role run.
type Config struct {
	// Profile is vectors.ClientProfileWPT, ClientProfileHTTPSig or
	// ClientProfileMTLS.
	Profile string
	// Draft is wpt-02 (default) or wpt-01 for wit-wpt, http-signature-07
	// (default) or -06 for wit-httpsig; ignored for mtls.
	Draft string
	// Listener is where the suite serves; Run closes it. Required.
	Listener net.Listener
	// BaseURL is the origin the client is given ({{url}} is BaseURL and
	// the scenario's path): "" means http://ADDR (https://localhost:PORT
	// for mtls, whose server certificate names localhost).
	BaseURL string
	// TLS serves the WIT profiles over HTTPS too (as the drafts require
	// outside tests), with the certificate of the mtls profile
	// (vectors.MTLSServerCertificate, DNS-ID localhost; {{ca}} is its root)
	// and https://localhost:PORT as the origin. The mtls profile always
	// serves TLS.
	TLS bool
	// Client drives the client under test; nil means listen only.
	Client Client
	// Requests: with a Client, how many times each scenario is played
	// (default 1; repeat scenarios at least twice); listen only, the number
	// of requests after which the run ends (default 1).
	Requests int
	// Timeout bounds each client run, or the whole listen-only run; zero
	// means DefaultTimeout.
	Timeout time.Duration
	// Strict scores SHOULD-level misses as failures.
	Strict bool
	// IDs selects scenarios by vector ID; nil selects every one that
	// applies.
	IDs []string
	// Set is the vector set; nil loads the embedded one.
	Set *vectors.Set
	// Seed derives the suite's keys; "" is vectors.DefaultSeed.
	Seed string
	// Now is the suite's clock (token times, expiry checks); nil means
	// time.Now.
	Now func() time.Time
	// Reproduce, if set, returns the command line that replays one vector.
	Reproduce func(id string) string
	// Progress, if set, is called after each result.
	Progress func(done, total int, res conformance.Result)
}

// Client is a client under test.
type Client interface {
	// Supports reports whether the client can play a scenario that needs a
	// capability (vectors.Cap*).
	Supports(capability string) bool
	// Call makes the client send the request c describes to c.URL and
	// judge the answer. Nil means it completed and accepted the answer; an
	// error that it failed or refused the answer.
	Call(ctx context.Context, c *Call) error
}

// Call is one run of the client: the request to make and the credentials
// to make it with.
type Call struct {
	// Scenario is the vector ID.
	Scenario string
	// Profile and Draft as in Config.
	Profile, Draft string
	// URL is the absolute URL to call; Method and Body the request (a
	// Body is JSON, Content-Type application/json).
	URL, Method, Body string
	// Fields are extra request fields to add; ContextTokens the names of
	// those to bind with oth.
	Fields        [][2]string
	ContextTokens []string
	// SignResponse: require a signed response from the server
	// Credentials.ServerID.
	SignResponse bool
	// Credentials are the suite-issued credentials to use.
	Credentials *Credentials
}

// Credentials are what the suite gives a client under test: public test
// keys, never to be trusted outside a test.
type Credentials struct {
	// WIT is the client's compact WIT; Key and Alg its cnf.jwk private key
	// and algorithm.
	WIT string
	Key crypto.Signer
	Alg string
	// Certificate is the client's TLS certificate chain and key (mtls).
	Certificate tls.Certificate
	// ServerID is the Workload Identifier of the suite's server (its WIT
	// and its certificate); ServerTrust trusts the suite's issuer keys and
	// X.509 roots, per trust domain; ServerRoots are the X.509 roots.
	ServerID    wimse.ID
	ServerTrust *wimse.TrustStore
	ServerRoots []*x509.Certificate
	// Now is the suite's clock, for in-process clients.
	Now func() time.Time
}

func (c *Config) check() error {
	switch c.Profile {
	case vectors.ClientProfileWPT:
		if c.Draft == "" {
			c.Draft = "wpt-02"
		}
		if c.Draft != "wpt-01" && c.Draft != "wpt-02" {
			return fmt.Errorf("clientrole: draft %q is not wpt-01 or wpt-02", c.Draft)
		}
	case vectors.ClientProfileHTTPSig:
		if c.Draft == "" {
			c.Draft = vectors.Sig07
		}
		if c.Draft != vectors.Sig06 && c.Draft != vectors.Sig07 {
			return fmt.Errorf("clientrole: draft %q is not %s or %s", c.Draft, vectors.Sig07, vectors.Sig06)
		}
	case vectors.ClientProfileMTLS:
		c.Draft = ""
	default:
		return fmt.Errorf("clientrole: profile %q is not %s, %s or %s", c.Profile, vectors.ClientProfileWPT, vectors.ClientProfileHTTPSig, vectors.ClientProfileMTLS)
	}
	if c.Listener == nil {
		return errors.New("clientrole: no listener")
	}
	if c.Requests < 0 {
		return errors.New("clientrole: negative number of requests")
	}
	return nil
}

func (c *Config) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func (c *Config) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return DefaultTimeout
}

// applies reports whether a vector is played in this run.
func (c *Config) applies(v *vectors.Vector) bool {
	if v.Kind != vectors.KindClient || v.Client == nil || v.Client.Profile != c.Profile {
		return false
	}
	if c.Draft != "" && !v.AppliesTo(c.Draft) {
		return false
	}
	if v.Client.Listen != (c.Client == nil) {
		return false
	}
	return len(c.IDs) == 0 || slices.Contains(c.IDs, v.ID)
}
