package suite

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/vectors"
)

// DraftMTLS is the Options.Draft value that plays the client-role mtls
// vectors (draft-ietf-wimse-mutual-tls-03): TLS handshakes presenting the
// vectors' client certificates, as `wimse conformance run --profile mtls`.
const DraftMTLS = "mtls"

// Drafts are the values Options.Draft accepts: the revisions of the WIT +
// WPT and WIT + HTTP message signature profiles (conformance.AllRevisions),
// DraftMTLS and DraftExchange.
func Drafts() []string {
	return append(slices.Clone(conformance.AllRevisions), DraftMTLS, DraftExchange)
}

// Options configure the specs one Describe registers. Either Handler or
// Target names what is tested.
type Options struct {
	// Name names the target under test: the container reads "WIMSE
	// conformance <Name> <Draft>" and every spec carries Name as a Ginkgo
	// label (so it must be a valid label: no &|!,()/ and no leading ':').
	// "" leaves both out.
	Name string
	// Draft is what is played: a revision, wpt-01 or wpt-02 (WIT + WPT),
	// http-signature-06 or http-signature-07 (WIT + HTTP message
	// signature; responses the vectors ask to be signed are verified with
	// Config.ResponseTrust), or DraftMTLS (client certificates over mutual
	// TLS; the Handler is served over TLS). Required: any other value
	// fails the container (see Describe).
	Draft string
	// Handler builds the handler under test from its environment: the
	// base URL it is served at (its audience) and a trust store of the
	// suite's issuer keys. The adapter serves it on a loopback port of its
	// own (127.0.0.1) while the container's specs run; the target is the
	// base URL followed by /path (Profile.Path overrides the path). An
	// error fails the container.
	Handler func(Env) (http.Handler, error)
	// Target is the protected endpoint of a server running elsewhere,
	// tested instead of a Handler (an absolute http or https URL; https
	// for DraftMTLS). Config.Client decides how its certificate is
	// verified.
	Target string
	// TLS serves the Handler over TLS (https). Nil means plain HTTP,
	// except with DraftMTLS, which implies &TLS{}.
	TLS *TLS
	// Profile declares how the target differs from the vectors' defaults
	// and the policy it enforces where the drafts leave a choice (clock
	// skew, sizes, lifetimes, algorithms, kid, revisions, unsupported
	// labels): the type `wimse conformance run --target-config` reads. A
	// vector whose expectation rests on something the profile does not
	// declare is skipped as unsupported, never failed. Nil with no
	// ProfileFile declares nothing; conformance.DefaultProfile declares
	// the library's and the reference server's defaults.
	Profile *conformance.Profile
	// ProfileFile is a target profile file (conformance.LoadProfile: the
	// same file as --target-config), read when Describe is called; a path
	// relative to the test's package directory. Set Profile or
	// ProfileFile, not both.
	ProfileFile string
	// Config holds the run's other settings (Strict, ScoreReasons,
	// ExpectedFailures, Timeout, Headers, ResponseTrust, ServerID,
	// ServerRoots, Seed, Now, LabelFilter, Focus, Skip, IDs, Client). Its
	// Target, Draft, Kinds, Profile and Set come from Options and must be
	// left zero; for a Handler served over TLS the adapter sets Client.
	Config conformance.Config
	// Set is the vector set; nil means the embedded one (vectors.FS).
	Set *vectors.Set
}

// TLS configures how a Handler is served over TLS. The runner's client
// trusts exactly the certificate served (it compares the certificate the
// handshake presents with it), so a self-signed one is fine.
type TLS struct {
	// Certificate is the server's certificate chain and key; nil means the
	// suite's (vectors.MTLSServerCertificate: a Workload Identity
	// Certificate for vectors.ServerSubject with the DNS-ID localhost,
	// issued by the suite's X.509 root of vectors.TrustDomain). Test
	// credentials only.
	Certificate *tls.Certificate
	// Config returns the listener's TLS configuration; Env.Certificate is
	// the certificate to present. Nil means a configuration that presents
	// the certificate and, with DraftMTLS, requires client certificates and
	// verifies them against Env.Trust during the handshake
	// (profiles/mtls.ServerConfig); without DraftMTLS it asks for none.
	Config func(Env) (*tls.Config, error)
}

// Validate checks the options as Describe does, before anything is
// served: Draft, Handler or Target, Name, Profile or ProfileFile (which it
// reads) and the run configuration. Describe fails the container with this
// error; Validate lets a test check options on their own.
func (o Options) Validate() error {
	_, err := o.plan()
	return err
}

// plan is what Describe registers: the run configuration (its Target set
// once the handler is served) and the vectors the runner selects for it.
type plan struct {
	cfg      conformance.Config
	selected []*vectors.Vector
	groups   map[string]string // vector ID -> file group
}

// plan checks the options and selects the vectors.
func (o Options) plan() (*plan, error) {
	cfg := o.Config
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("suite: "+format, args...)) }
	switch {
	case o.Draft == "":
		bad("Options.Draft is empty: set one of %s", strings.Join(Drafts(), ", "))
	case !slices.Contains(Drafts(), o.Draft):
		bad("Options.Draft %q is not one of %s", o.Draft, strings.Join(Drafts(), ", "))
	}
	switch {
	case o.Handler == nil && o.Target == "":
		bad("set Options.Handler (a handler to serve on loopback) or Options.Target (a URL)")
	case o.Handler != nil && o.Target != "":
		bad("set Options.Handler or Options.Target, not both")
	case o.Target != "" && o.TLS != nil:
		bad("Options.TLS serves a Handler; a Target brings its own TLS (set Config.Client to trust it)")
	}
	if o.Name != "" && (strings.TrimSpace(o.Name) != o.Name || strings.ContainsAny(o.Name, "&|!,()/") || o.Name[0] == ':') {
		bad("Options.Name %q is not a valid Ginkgo label (no surrounding spaces, none of &|!,()/, no leading ':')", o.Name)
	}
	for _, f := range []struct {
		set       bool
		name, use string
	}{
		{cfg.Target != "", "Target", "Options.Target or Options.Handler"},
		{cfg.Draft != "", "Draft", "Options.Draft"},
		{len(cfg.Kinds) > 0, "Kinds", "Options.Draft (mtls plays the mtls vectors)"},
		{cfg.Profile != nil, "Profile", "Options.Profile or Options.ProfileFile"},
		{cfg.Set != nil, "Set", "Options.Set"},
	} {
		if f.set {
			bad("Options.Config.%s is set by the adapter: use %s", f.name, f.use)
		}
	}
	if o.Handler != nil && o.usesTLS() && cfg.Client != nil {
		bad("Options.Config.Client is set by the adapter for a Handler served over TLS (it trusts the certificate served)")
	}
	switch {
	case o.Profile != nil && o.ProfileFile != "":
		bad("set Options.Profile or Options.ProfileFile, not both")
	case o.ProfileFile != "":
		p, err := conformance.LoadProfile(o.ProfileFile)
		if err != nil {
			bad("Options.ProfileFile: %v", err)
		}
		cfg.Profile = p
	case o.Profile != nil:
		if err := o.Profile.Validate(); err != nil {
			bad("Options.Profile: %v", err)
		}
		p := *o.Profile
		cfg.Profile = &p
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	cfg.Draft, cfg.Set = o.Draft, o.Set
	if cfg.Set == nil {
		set, err := vectors.Load(vectors.FS)
		if err != nil {
			return nil, fmt.Errorf("suite: %w", err)
		}
		cfg.Set = set
	}
	if o.Draft == DraftMTLS {
		cfg.Kinds = []string{vectors.KindMTLS}
	}
	if o.Draft == DraftExchange {
		cfg.Kinds = []string{vectors.KindExchange}
	}
	// The engine judges the rest (the revisions the profile declares, the
	// label filter, the kinds) and selects the vectors, here against a
	// placeholder for a target that is not served yet.
	probe := cfg
	switch {
	case o.Target != "":
		probe.Target = o.Target
	case o.usesTLS():
		probe.Target = "https://127.0.0.1/path"
	default:
		probe.Target = "http://127.0.0.1/path"
	}
	r, err := conformance.NewRunner(probe)
	if err != nil {
		return nil, fmt.Errorf("suite: %w", err)
	}
	p := &plan{cfg: cfg, selected: r.Selected(), groups: map[string]string{}}
	if len(p.selected) == 0 {
		return nil, fmt.Errorf("suite: no vector of %s matches the selection (Options.Config IDs, Focus, Skip, LabelFilter)", o.Draft)
	}
	for _, f := range cfg.Set.Files {
		for _, v := range f.Tests {
			p.groups[v.ID] = f.Group
		}
	}
	return p, nil
}

// usesTLS reports whether the Handler is served over TLS.
func (o Options) usesTLS() bool { return o.TLS != nil || o.Draft == DraftMTLS }
