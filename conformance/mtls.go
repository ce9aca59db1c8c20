package conformance

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"syscall"
	"time"

	"github.com/wimse-wg/wimse/profiles/mtls"
	"github.com/wimse-wg/wimse/vectors"
	"github.com/wimse-wg/wimse/wimse"
)

// How the runner plays an mtls vector (client role): it opens a fresh TLS
// connection to the target presenting the vector's chain and key (none for
// mtls-client-no-certificate) and sends one GET of the target URL (the
// profile's method and path, the --header fields). The target accepts if
// the handshake completes and it answers 2xx. It rejects if it refuses the
// handshake (a TLS alert, or the connection closed during or right after
// it: observed status 0, the error text in the message) or answers 4xx
// (the same verdict; an RFC 9457 reason is read as for requests).
// Server-role vectors are not played: the runner cannot change the
// target's certificate. Config.ServerID checks that certificate instead.
//
// A target that requires application-layer credentials besides the
// certificate declares which in Profile.MTLSCredentials (a WPT carriage or
// an HTTP signature revision): every handshake's GET then also carries a
// valid WIT for the certificate's identifier and a valid proof of that
// draft (mtlsRequest), so the certificate is the only defect of a negative
// vector and the only thing a valid one is judged on.

// ServerIdentityCheck is the ID of the result that checks the target's own
// certificate against Config.ServerID.
const ServerIdentityCheck = "mtls-target-server-identity"

// mtlsState is what the runner needs to play mtls vectors.
type mtlsState struct {
	// serverID and serverTrust check the target's certificate; zero
	// serverID leaves it to the Client's usual verification.
	serverID    wimse.ID
	serverTrust *wimse.TrustStore
}

func (c *Config) kinds() []string {
	if len(c.Kinds) == 0 {
		return []string{vectors.KindRequest}
	}
	return c.Kinds
}

// mtlsOnly reports whether the run plays mtls vectors and nothing else, so
// that Draft does not matter.
func (c *Config) mtlsOnly() bool {
	k := c.kinds()
	return slices.Contains(k, vectors.KindMTLS) && !slices.Contains(k, vectors.KindRequest)
}

// initMTLS checks the kinds and prepares the server check.
func (r *Runner) initMTLS() error {
	for _, k := range r.cfg.Kinds {
		if k != vectors.KindRequest && k != vectors.KindMTLS && k != vectors.KindExchange {
			return fmt.Errorf("conformance: kind %q is not %s, %s or %s", k, vectors.KindRequest, vectors.KindMTLS, vectors.KindExchange)
		}
	}
	if !slices.Contains(r.cfg.kinds(), vectors.KindMTLS) {
		return nil
	}
	if r.target.Scheme != "https" {
		return fmt.Errorf("conformance: mtls vectors need an https target, not %s", redactURL(r.cfg.Target))
	}
	r.mtls = &mtlsState{}
	if r.cfg.ServerID == "" {
		return nil
	}
	id, err := wimse.ParseID(r.cfg.ServerID)
	if err != nil {
		return fmt.Errorf("conformance: server identifier: %w", err)
	}
	store := wimse.NewTrustStore()
	if len(r.cfg.ServerRoots) > 0 {
		store.Set(id.TrustDomain(), wimse.Anchors{X509Roots: r.cfg.ServerRoots})
	} else if err := vectors.AddX509Roots(store, r.cfg.Set.Requirements.X509Roots); err != nil {
		return err
	}
	r.mtls.serverID, r.mtls.serverTrust = id, store
	return nil
}

// plays reports whether the run plays a vector of its kind.
func (r *Runner) plays(v *vectors.Vector) bool {
	kinds := r.cfg.kinds()
	switch v.Kind {
	case vectors.KindRequest:
		return slices.Contains(kinds, vectors.KindRequest) && v.AppliesTo(r.cfg.Draft)
	case vectors.KindMTLS:
		return slices.Contains(kinds, vectors.KindMTLS) && v.Input != nil && v.Input.Certificates != nil &&
			v.Input.Certificates.Role == vectors.RoleClient
	case vectors.KindExchange:
		return slices.Contains(kinds, vectors.KindExchange) && v.Exchange != nil
	}
	return false
}

// playMTLS plays a client-role mtls vector.
func (r *Runner) playMTLS(ctx context.Context, group string, v *vectors.Vector, prof *Profile) (res Result) {
	res = r.mtlsResult(v.ID, group, v.Comment, v.Result, v.Requirements)
	res.Flags, res.Labels = v.Flags, v.Labels
	sig := v.Expect.Signal[vectors.SignalMTLS]
	res.Expected = Expected{Verdict: v.Expect.Verdict, Reason: v.Expect.Reason, Status: sig.Status}
	start := time.Now()
	defer func() { res.Duration = time.Since(start) }()
	if why := unsupported(v, prof, r.cfg.Draft); why != "" {
		res.Status, res.Message = StatusUnsupported, why
		return res
	}
	cert, err := v.Input.Certificates.TLSCertificate()
	if err != nil {
		res.Status, res.Message = StatusError, "the vector's certificate and key: "+err.Error()
		return res
	}
	tr := r.mtlsTransport(cert)
	defer tr.CloseIdleConnections()
	rt := &errRecorder{rt: tr}
	rc := *r
	rc.client = &http.Client{Transport: rt, Timeout: r.client.Timeout, CheckRedirect: r.client.CheckRedirect}
	req, err := r.mtlsRequest(v.Input.Certificates, prof)
	if err != nil {
		res.Status, res.Message = StatusError, "the application-layer credentials (profile mtlsCredentials): "+err.Error()
		return res
	}
	obs, sent, _ := rc.send(ctx, req, prof)
	res.Request = sent
	refused := ""
	if obs.Error != "" {
		var ok bool
		if refused, ok = refusal(rt.err); !ok {
			res.Status, res.Observed, res.Message = StatusError, obs, obs.Error
			if se := (*serverRejectedError)(nil); errors.As(rt.err, &se) {
				// The target answered the handshake; the runner refused its
				// certificate (reported by ServerIdentityCheck): not an
				// unreachable target.
				res.Observed = Observed{}
			}
			return res
		}
		obs = Observed{}
	}
	res.Observed = obs
	res.Status, res.Message = r.score(v, res.Expected, obs)
	if refused != "" {
		res.Message = joinMessage(res.Message, "the target refused the TLS connection: "+refused)
	}
	return r.expectedFailure(res)
}

// mtlsResult starts the result of an mtls vector or check.
func (r *Runner) mtlsResult(id, group, comment, result string, reqs []string) Result {
	res := Result{ID: id, Group: group, Comment: comment, Result: result, Requirements: reqs, Draft: vectors.SignalMTLS}
	for _, q := range reqs {
		res.Levels = append(res.Levels, r.reqs[q].Level)
	}
	res.Reproduce = fmt.Sprintf("wimse conformance run --profile mtls --target %s --id %s", redactURL(r.cfg.Target), id)
	if r.cfg.Reproduce != nil {
		res.Reproduce = r.cfg.Reproduce(id)
	}
	return res
}

func joinMessage(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// mtlsTransport returns a transport for one vector: the Client's TLS
// settings (--ca, --insecure), presenting cert (nothing when it has no
// certificate, whatever the server asks for), on a fresh connection. With
// a ServerID, the target's certificate is checked as a Workload Identity
// Certificate instead (mutual-tls-03 M7: the client knows the server's
// identifier and validates it before it sends its own certificate).
func (r *Runner) mtlsTransport(cert tls.Certificate) *http.Transport {
	base, ok := r.client.Transport.(*http.Transport)
	if !ok {
		base = http.DefaultTransport.(*http.Transport)
	}
	tr := base.Clone()
	tc := tr.TLSClientConfig.Clone()
	if tc == nil {
		tc = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	tc.Certificates = nil
	tc.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &cert, nil }
	if !r.mtls.serverID.IsZero() {
		tc.InsecureSkipVerify = true //nolint:gosec // VerifyConnection checks the server per trust domain
		tc.VerifyConnection = func(cs tls.ConnectionState) error {
			if err := r.verifyServer(cs.PeerCertificates); err != nil {
				return &serverRejectedError{err}
			}
			return nil
		}
	}
	tr.TLSClientConfig = tc
	tr.DisableKeepAlives = true
	return tr
}

func (r *Runner) verifyServer(chain []*x509.Certificate) error {
	_, err := mtls.VerifyPeer(chain, r.mtls.serverTrust, mtls.Server, r.now(), mtls.WithExpectedID(r.mtls.serverID))
	return err
}

// serverRejectedError is the runner's own refusal of the target's
// certificate: no verdict on the vector.
type serverRejectedError struct{ err error }

func (e *serverRejectedError) Error() string {
	return "the runner rejected the target's certificate (--server-id): " + e.err.Error()
}

func (e *serverRejectedError) Unwrap() error { return e.err }

// errRecorder keeps the error of the last round trip, which send reduces
// to text.
type errRecorder struct {
	rt  http.RoundTripper
	err error
}

func (t *errRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.rt.RoundTrip(req)
	t.err = err
	return resp, err
}

// refusal reports whether err means that the target refused the TLS
// connection, and describes it: a TLS alert from the target, or the
// connection closed or reset during or right after the handshake (TLS 1.3
// clients finish their handshake before the server has judged their
// certificate, so its verdict can arrive as the first read, or be lost to
// a reset). Dial errors, timeouts and the runner's own rejection of the
// target's certificate are not refusals.
func refusal(err error) (string, bool) {
	var se *serverRejectedError
	var op *net.OpError
	var ne net.Error
	switch {
	case err == nil, errors.As(err, &se):
		return "", false
	case errors.As(err, &ne) && ne.Timeout():
		return "", false
	case errors.As(err, &op) && op.Op == "remote error":
		return op.Error(), true
	case errors.As(err, &op) && op.Op == "dial":
		return "", false
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return err.Error(), true
	}
	return "", false
}

// errCaptured stops the handshake of the server check once the target's
// certificate is read.
var errCaptured = errors.New("certificate captured")

// checkServerIdentity checks, with Config.ServerID, that the target's own
// certificate is a Workload Identity Certificate for ServerID that
// validates to ServerRoots in the server role (mutual-tls-03 M7, M9). It
// reads the certificate in a handshake it stops before presenting one of
// its own.
func (r *Runner) checkServerIdentity(ctx context.Context) []Result {
	if r.mtls == nil || r.mtls.serverID.IsZero() {
		return nil
	}
	res := r.mtlsResult(ServerIdentityCheck, "mtls", fmt.Sprintf("the target's own certificate is a Workload Identity Certificate for %s (--server-id)", r.mtls.serverID),
		vectors.ResultValid, []string{"MTLS-SERVER-ID", "MTLS-CHAIN", "MTLS-EKU"})
	res.Expected = Expected{Verdict: "accept"}
	start := time.Now()
	var peer []*x509.Certificate
	d := tls.Dialer{NetDialer: &net.Dialer{Timeout: r.client.Timeout}, Config: &tls.Config{
		MinVersion: tls.VersionTLS12, ServerName: r.target.Hostname(),
		InsecureSkipVerify: true, //nolint:gosec // the certificate is checked below
		VerifyConnection: func(cs tls.ConnectionState) error {
			peer = cs.PeerCertificates
			return errCaptured
		},
	}}
	addr := r.target.Host
	if r.target.Port() == "" {
		addr = net.JoinHostPort(r.target.Hostname(), "443")
	}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if conn != nil {
		conn.Close()
	}
	if len(peer) == 0 {
		res.Status, res.Message = StatusError, fmt.Sprintf("could not read the target's certificate: %v", err)
		res.Observed.Error = res.Message
		res.Duration = time.Since(start)
		return []Result{res}
	}
	if err := r.verifyServer(peer); err != nil {
		res.Status, res.Observed.Reason = StatusFail, string(wimse.ReasonOf(err))
		res.Message = "the target's certificate is not a valid server certificate for " + r.mtls.serverID.String() + ": " + err.Error()
	} else {
		res.Status = StatusPass
	}
	res.Duration = time.Since(start)
	return []Result{r.expectedFailure(res)}
}

// mtlsRequest is the request an mtls vector's connection carries: a GET of
// the target URL, with Profile.MTLSCredentials also a valid WIT and proof
// of that draft. The WIT is issued by the suite's issuer (the target must
// trust its keys, wimse conformance trust-bundle, for the trust domains of
// the suite's X.509 roots too) for the certificate's identifier when the
// leaf carries exactly one URI SAN that is a Workload Identifier of one of
// those trust domains; otherwise (no, several or a malformed identifier, or
// an untrusted trust domain: certificates that must be refused anyway) for
// the baseline subject, so that the WIT is valid whatever the certificate.
func (r *Runner) mtlsRequest(in *vectors.MTLSInput, prof *Profile) (*vectors.Request, error) {
	method := http.MethodGet
	if prof.Method != "" {
		method = prof.Method
	}
	draft := prof.MTLSCredentials
	if draft == "" {
		return &vectors.Request{Method: method, Target: r.mapPath("/path")}, nil
	}
	t := &vectors.Template{WIT: vectors.BaseWIT(), WPT: vectors.BaseWPT(), Request: &vectors.RequestTemplate{
		Method: method, Path: "/path",
		Fields: [][2]string{{"Workload-Identity-Token", "{{wit}}"}, {"{{proof}}", ""}},
	}}
	replace := r.replace
	if id, ok := r.certificateID(in); ok {
		// The certificate's own identifier, as it is: only the issuer is
		// the profile's.
		t.WIT.Claims["sub"] = id.String()
		replace = nil
		if prof.Issuer != "" {
			replace = []string{"https://issuer.example.org", prof.Issuer}
		}
	}
	m, err := vectors.Materialize(t, vectors.Env{Now: r.now(), Base: r.base, Draft: draft, Keys: r.keys, JTI: randomJTI,
		Path: r.mapPath, Replace: replace})
	if err != nil {
		return nil, err
	}
	return m.Request, nil
}

// certificateID returns the Workload Identifier of a chain's leaf when it
// has exactly one URI SAN, a valid identifier in a trust domain of the
// suite's X.509 roots.
func (r *Runner) certificateID(in *vectors.MTLSInput) (wimse.ID, bool) {
	chain, err := in.ParseChain()
	if err != nil || len(chain) == 0 || len(chain[0].URIs) != 1 {
		return wimse.ID{}, false
	}
	id, err := wimse.ParseID(chain[0].URIs[0].String())
	if err != nil {
		return wimse.ID{}, false
	}
	for _, root := range r.cfg.Set.Requirements.X509Roots {
		if root.TrustDomain == id.TrustDomain().String() {
			return id, true
		}
	}
	return wimse.ID{}, false
}
