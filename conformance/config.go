package conformance

import (
	"crypto/x509"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/wimse-wg/wimse/wimse"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/wimse-wg/wimse/vectors"
)

// Defaults of Config.
const (
	DefaultTimeout  = 5 * time.Second
	DefaultParallel = 8
)

// Config configures a run.
type Config struct {
	// Target is the protected endpoint: its path stands for the vectors'
	// /path; vectors about other paths use its origin. Required.
	Target string
	// Audience is the base the target expects WPT aud values to start
	// with; "" means the target's origin (scheme://host[:port]).
	Audience string
	// Draft is the revision played: wpt-01 or wpt-02 (WIT + WPT), or
	// http-signature-06 or http-signature-07 (WIT + HTTP message signature).
	Draft string
	// Profile maps the suite onto the target (trust domain, subject, iss,
	// declared policy, unsupported labels); nil means the vectors' defaults.
	Profile *Profile
	// Strict makes SHOULD-level misses failures instead of warnings.
	Strict bool
	// ScoreReasons fails a rejection whose problem body names another
	// reason code than the vector expects. Only for targets that emit this
	// module's reason codes (the reference server does; the self-test uses
	// it); a target that sends no reason is never failed for it.
	ScoreReasons bool
	// Selection.
	IDs         []string
	Focus, Skip *regexp.Regexp
	LabelFilter string
	// ExpectedFailures maps vector IDs to the reason they are expected to
	// fail; an entry that passes is an xpass (a failure).
	ExpectedFailures map[string]string
	// Parallel bounds concurrent vectors; zero means DefaultParallel.
	Parallel int
	// Timeout bounds each request; zero means DefaultTimeout.
	Timeout time.Duration
	// Client sends the requests; nil means a client with TLS verification
	// against the system roots.
	Client *http.Client
	// Headers are extra field lines added to every request (deployment
	// needs); their values never appear in a report.
	Headers [][2]string
	// ResponseTrust trusts the issuer of the target's own WIT, which signs
	// its responses (http-signature vectors with expect.signedResponse);
	// nil means the suite's issuer keys for the vectors' trust domain
	// (right for the in-process reference server).
	ResponseTrust *wimse.TrustStore
	// Kinds are the vector kinds played: vectors.KindRequest (the default
	// when nil: HTTP requests of Draft) and vectors.KindMTLS (the
	// client-role mtls vectors: each a TLS handshake presenting the vector's
	// client certificate, then a GET of Target, which must be https). With
	// only KindMTLS, Draft is free (the CLI sets "mtls").
	Kinds []string
	// ServerID, with KindMTLS, is the Workload Identifier the target's own
	// TLS certificate must carry (mutual-tls-03 M7, M9). When set, every
	// handshake checks the target's certificate with profiles/mtls in the
	// server role against ServerRoots instead of the Client's usual
	// verification, and the report gets one more result,
	// mtls-target-server-identity.
	ServerID string
	// ServerRoots are the X.509 roots of ServerID's trust domain; nil means
	// the suite's roots (requirements.json x509Roots: right for the
	// in-process reference server).
	ServerRoots []*x509.Certificate
	// Set is the vector set; nil means the embedded one.
	Set *vectors.Set
	// Seed derives the suite's keys; "" means vectors.DefaultSeed.
	Seed string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Progress, if set, is called after each vector with the number of
	// vectors done so far and the number the run will play (from several
	// goroutines; it must be safe for concurrent use).
	Progress func(done, total int, res Result)
	// KeepGoing plays on when the first vectors of a run all end in
	// transport errors; without it, Run stops after
	// UnreachableAfter such errors in a row at the start and returns
	// ErrUnreachable.
	KeepGoing bool
	// FailFast stops the run at the first result that fails (the
	// self-test's mutants: one failing vector detects a mutant).
	FailFast bool
	// Reproduce renders the command that replays one vector; nil gives a
	// generic `wimse conformance run` line.
	Reproduce func(id string) string
}

// Profile describes how a target deployment differs from the vectors'
// defaults (TrustDomain, Subject, the https://issuer.example.org iss, the
// default policy). It is read from the --target-config file (JSON).
type Profile struct {
	// TrustDomain replaces example.org in every identifier the suite's
	// WITs carry.
	TrustDomain string `json:"trustDomain,omitempty"`
	// SecondTrustDomain declares a second trust domain the target trusts,
	// with the suite's second issuer key set bound to it alone (the keys
	// of vectors.OtherTrustDomain: `wimse conformance trust-bundle
	// --trust-domain other.example`). It replaces other.example in the
	// identifiers of the vectors that need it (vectors.NeedSecondTrustDomain:
	// a WIT of one trust domain signed by the other's issuer key, and its
	// valid source). Undeclared, those vectors are unsupported.
	SecondTrustDomain string `json:"secondTrustDomain,omitempty"`
	// Subject replaces the baseline subject wimse://example.org/workload/client
	// (a wimse:// or spiffe:// identifier in TrustDomain).
	Subject string `json:"subject,omitempty"`
	// Issuer replaces the baseline iss https://issuer.example.org.
	Issuer string `json:"issuer,omitempty"`
	// Path is the protected path (overrides the target URL's path).
	Path string `json:"path,omitempty"`
	// Method, when set, replaces the vectors' POST.
	Method string `json:"method,omitempty"`
	// Audience is the aud base the target expects (overrides --audience).
	Audience string `json:"audience,omitempty"`
	// Headers are extra field lines ("Name: value").
	Headers []string `json:"headers,omitempty"`
	// ContextTokenFields are the fields the target binds with oth; vectors
	// that need others are unsupported.
	ContextTokenFields []string `json:"contextTokenFields,omitempty"`

	// Declared policy: what the drafts leave to the receiver. A vector
	// whose expectation rests on a value the profile does not declare
	// (vectors.Needs) is unsupported, never failed; boundary vectors are
	// materialised relative to the declared values.

	// ClockSkew is the target's tolerance for exp, nbf and signature
	// windows, in seconds. Undeclared, vectors at the skew's boundary are
	// unsupported and vectors "clearly beyond the skew" assume
	// vectors.UndeclaredClockSkew.
	ClockSkew *int `json:"clockSkew,omitempty"`
	// MaxTokenSize is the largest compact token (WIT or WPT) the target
	// accepts, in bytes.
	MaxTokenSize *int `json:"maxTokenSize,omitempty"`
	// MaxProofLifetime is the largest exp - now of a WPT, or expires - now
	// of an HTTP message signature, the target accepts, in seconds (skew
	// excluded).
	MaxProofLifetime *int `json:"maxProofLifetime,omitempty"`
	// KidRequired true declares that the target rejects a WIT without kid
	// when the trust domain has several issuer keys (the suite's bundle has
	// six); false that it tries each key.
	KidRequired *bool `json:"kidRequired,omitempty"`
	// IssuerAlgorithms are the WIT signature algorithms the target
	// verifies; ES256 (mandatory to implement) is always assumed. Vectors
	// whose valid WIT needs another are unsupported.
	IssuerAlgorithms []string `json:"issuerAlgorithms,omitempty"`
	// ProofAlgorithms are the proof algorithms (cnf.jwk.alg) the target
	// accepts for the suite's trust domain; ES256 is always assumed.
	// Vectors whose valid proof needs another are unsupported; the
	// vectors of an allow-list policy (vectors.Policy.ProofAlgorithms) are
	// played only when this is exactly their list.
	ProofAlgorithms []string `json:"proofAlgorithms,omitempty"`
	// Issuers is the target's iss allow-list, when it enforces one.
	// Vectors that assume another allow-list, or none, are unsupported.
	Issuers []string `json:"issuers,omitempty"`
	// LegacyTyp is true when the target accepts the s2s-06 typ values.
	LegacyTyp bool `json:"legacyTyp,omitempty"`
	// WITSVID is true when the target verifies WITs under the SPIFFE
	// WIT-SVID profile (spiffe/spiffe standards/WIT-SVID.md: typ exactly
	// wit+jwt, kid required, RS/ES/PS only, SPIFFE ID sub, no aud). The
	// witsvid vectors are played only then, the other request vectors
	// (WITs with wimse:// subjects, EdDSA keys, ...) only when it is false.
	WITSVID bool `json:"witSVID,omitempty"`
	// Revisions lists the WPT carriages and HTTP signature revisions the
	// target accepts; nil means all (AllRevisions). Vectors that test the
	// rejection of a revision the target accepts are unsupported, and a
	// run of a draft outside this list is a usage error.
	Revisions []string `json:"revisions,omitempty"`
	// MTLSCredentials, for the mtls profile, names the application-layer
	// proof the target requires besides the client certificate
	// ("wpt-02", "wpt-01", "http-signature-07", "http-signature-06"): the
	// runner then sends a valid WIT and proof for the certificate's
	// identifier with every handshake, so the certificate is the only
	// defect. "" means none.
	MTLSCredentials string `json:"mtlsCredentials,omitempty"`
	// Unsupported lists vector labels the target declares it does not
	// implement (e.g. "oth"); those vectors are reported unsupported.
	Unsupported []string `json:"unsupported,omitempty"`
	// Exchange maps the token endpoint vectors onto the target (--profile
	// token-exchange): its client, subject tokens, targets, scopes and
	// features (exchange_profile.go).
	Exchange *ExchangeProfile `json:"exchange,omitempty"`
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

func (c *Config) validate() (types.LabelFilter, error) {
	if c.Target == "" {
		return nil, fmt.Errorf("conformance: no target")
	}
	if !slices.Contains(AllRevisions, c.Draft) && !c.mtlsOnly() && !c.exchangeOnly() {
		return nil, fmt.Errorf("conformance: draft %q is not one of %s", c.Draft, strings.Join(AllRevisions, ", "))
	}
	if c.Profile != nil {
		if err := c.Profile.Validate(); err != nil {
			return nil, err
		}
	}
	if c.LabelFilter == "" {
		return nil, nil
	}
	f, err := types.ParseLabelFilter(c.LabelFilter)
	if err != nil {
		// Ginkgo formats its errors for a terminal: keep the words only.
		msg := strings.Join(strings.Fields(ansi.ReplaceAllString(err.Error(), "")), " ")
		return nil, fmt.Errorf("conformance: label filter %q: %s", c.LabelFilter, msg)
	}
	return f, nil
}
