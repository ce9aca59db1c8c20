package httpsig

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/wimse-wg/wimse/internal/eddsa"
	"github.com/wimse-wg/wimse/internal/mutant"
	"github.com/wimse-wg/wimse/profiles/httpsig/rfc9421"
	"github.com/wimse-wg/wimse/profiles/problem"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/wimse"
)

// Profile constants.
const (
	// Tag identifies the WIMSE signature (-07 §3.3).
	Tag = "wimse-workload-to-workload"
	// ParamAud, ParamSignResponse and ParamReqNonce are the WIMSE signature
	// metadata parameters (-07 §5).
	ParamAud          = "wimse-aud"
	ParamSignResponse = "wimse-sign-response"
	ParamReqNonce     = "wimse-req-nonce"
	// HeaderWIT carries the WIT (creds-02 §5.1.1).
	HeaderWIT = "Workload-Identity-Token"
	// Label is the label this package signs under: -06 §3 asks for it, -07
	// gives labels no meaning, so it suits both.
	Label = "wimse"
)

// conditional are the fields that must be covered when present (R4).
var conditional = []string{"content-type", "content-digest", "authorization", "txn-token", "workload-identity-token"}

// Peer is the authenticated party of a signed message: the caller of a
// request (Verifier, PeerFromContext) or the signer of a response
// (VerifyResponse, ResponderFromResponse).
type Peer struct {
	// ID is the peer's Workload Identifier (the WIT's sub).
	ID wimse.ID
	// WIT is the peer's verified WIT.
	WIT *wit.Token
	// Revision is the profile revision the signature follows.
	Revision wimse.Revision
	// Nonce is the signature's nonce (a request's is echoed as
	// wimse-req-nonce).
	Nonce string
	// SignResponse is true when the request carries wimse-sign-response
	// (always false for a responder).
	SignResponse bool
	// Components are the signature's covered components.
	Components []string
}

// TrustDomain returns the caller's trust domain.
func (p *Peer) TrustDomain() wimse.TrustDomain { return p.ID.TrustDomain() }

// Verifier verifies signed requests. It is one verifier stack configured
// in one place: the WIT and the message signature are judged under its
// single Policy. Its fields must not change once in use; it is safe for
// concurrent use.
type Verifier struct {
	// Trust maps trust domains to the issuer keys of WITs
	// (workload-creds-02 §5.1.3). Nil trusts nothing.
	Trust *wimse.TrustStore
	// Policy is the verification policy of the WIT and of the signature:
	// clock, skew, sizes, algorithms, MaxWPTLifetime (the longest
	// signature) and Revisions. The zero value is the strict default
	// policy.
	Policy wimse.Policy
	// WITProfile is the profile the WIT is verified under: wit.ProfileWIT
	// (the zero value) or wit.ProfileSVID for a receiver of SPIFFE
	// WIT-SVIDs only.
	WITProfile wit.Profile
	// WITCache, if non-nil, remembers fully verified WITs by hash so that
	// a WIT reused across requests costs no second signature verification
	// (wit.Cache). Nil verifies every WIT in full.
	WITCache *wit.Cache
	// Schemes lists identifier schemes accepted besides wimse and spiffe
	// (identifier-03 §3: other schemes only when configured).
	Schemes []string
	// Replay records nonces; nil disables the replay check (-07 §3.4:
	// SHOULD).
	Replay wimse.ReplayCache
	// Audience returns the wimse-aud this receiver expects for a request,
	// from trusted configuration only (R8). Required.
	Audience func(*http.Request) (string, error)
	// Scheme is the scheme clients use to reach this receiver ("https" when
	// empty); only @scheme and @target-uri depend on it.
	Scheme string
	// MaxBody is the largest request body Serve reads, in bytes, and only
	// for a request whose credentials verified; a larger one is refused
	// with request.body_too_large (413). Zero or negative means
	// DefaultMaxBody.
	MaxBody int64
	// ProblemDetail is what the middleware's problem bodies disclose. The
	// zero value, problem.Minimal, gives type, title, status and reason;
	// problem.Full adds the detail, which may name the expected wimse-aud:
	// for receivers that implementers test against.
	ProblemDetail problem.Disclosure
}

// AudienceFromBase returns an Audience function: base followed by the
// request path (the default wimse-aud of -07 §3.4 is the target URI
// without query and fragment). A trailing "/" of base is dropped.
func AudienceFromBase(base string) func(*http.Request) (string, error) {
	base = strings.TrimSuffix(base, "/")
	return func(r *http.Request) (string, error) {
		p := r.URL.EscapedPath()
		if p == "" {
			p = "/"
		}
		return base + p, nil
	}
}

// off reports whether the conformance self-test disabled the check that
// rejects with r (internal/mutant; always false outside this module).
func off(p *wimse.Policy, r wimse.Reason) bool { return mutant.Of(p).Off(string(r)) }

func fail(r wimse.Reason, format string, args ...any) error {
	return wimse.Errorf(r, "httpsig: "+format, args...)
}

// HasSignature reports whether a request carries a Signature-Input or a
// Signature field: the reference server uses it to pick this profile over
// the WPT one (a lone Signature field is then judged malformed here rather
// than as a missing WPT).
func HasSignature(h http.Header) bool {
	return len(h.Values("Signature-Input")) > 0 || len(h.Values("Signature")) > 0
}

// Verify authenticates a signed request whose body has been read into
// body: VerifyHeaders, then R5 over body. Failures are *wimse.Error
// values. A server should not read the body before VerifyHeaders
// succeeded: Serve does it in that order.
func (v *Verifier) Verify(r *http.Request, body []byte) (*Peer, error) {
	peer, err := v.VerifyHeaders(r)
	if err != nil {
		return nil, err
	}
	if err := checkDigest(r.Header, body); err != nil && !off(&v.Policy, wimse.ReasonOf(err)) {
		return nil, err
	}
	return peer, nil
}

// VerifyHeaders authenticates a signed request from its header alone:
// everything but R5, in the order R1 (the WIT, fully), R2, R3, R4, R6 (the
// signature), R7, R8, R9 (the nonce is recorded). The signature base covers
// the Content-Digest field value, not the content, so a signature is
// judged before a byte of the body is read; whether the field matches the
// content (R5) is left to the caller (Serve reads the body and checks it).
// Failures are *wimse.Error values.
func (v *Verifier) VerifyHeaders(r *http.Request) (*Peer, error) {
	policy := &v.Policy
	// R1: the WIT, fully, first.
	raws := r.Header.Values(HeaderWIT)
	switch {
	case len(raws) == 0:
		return nil, wimse.Errorf(wimse.ReasonWITMissing, "httpsig: request carries no Workload-Identity-Token")
	case len(raws) > 1 || strings.Contains(raws[0], ","):
		return nil, wimse.Errorf(wimse.ReasonWITMultiple, "httpsig: Workload-Identity-Token appears more than once")
	}
	witV := wit.Verifier{Trust: v.Trust, Policy: v.Policy, Schemes: v.Schemes, Cache: v.WITCache, Profile: v.WITProfile}
	tok, err := witV.Verify(raws[0])
	if err != nil {
		return nil, err
	}
	// R2: the one tagged signature.
	sigs, err := rfc9421.ParseSignatures(r.Header)
	if err != nil {
		return nil, &wimse.Error{Reason: wimse.ReasonHTTPSigMalformed, Detail: "httpsig: Signature or Signature-Input does not parse", Err: err}
	}
	var tagged []rfc9421.Signature
	for _, s := range sigs {
		if t, _ := s.Params.Tag(); t == Tag {
			tagged = append(tagged, s)
		}
	}
	switch {
	case len(tagged) == 0:
		return nil, fail(wimse.ReasonHTTPSigMissing, "no signature is tagged %s", Tag)
	case len(tagged) > 1 && !off(policy, wimse.ReasonHTTPSigMultiple):
		return nil, fail(wimse.ReasonHTTPSigMultiple, "%d signatures are tagged %s", len(tagged), Tag)
	}
	sig := tagged[0]
	covered := make([]string, len(sig.Components))
	for i, c := range sig.Components {
		covered[i] = c.String()
	}
	rev, err := revisionOf(covered, policy)
	if err != nil {
		return nil, err
	}
	// R3: parameters.
	created, expires, nonce, aud, err := requiredParams(sig.Params, true)
	if err != nil && !off(policy, wimse.ReasonOf(err)) {
		return nil, err
	}
	// R4: components.
	if err := requireFields(covered, r.Header); err != nil && !off(policy, wimse.ReasonHTTPSigComponentMissing) {
		return nil, err
	}
	// R5 (the content) is judged once the body is read: Serve, Verify.
	// R6: the signature, with cnf.jwk under cnf.jwk.alg.
	m := rfc9421.FromRequest(r, v.scheme())
	if err := verifySignature(policy, sig, m, tok); err != nil {
		return nil, err
	}
	// R7: time.
	if err := checkWindow(policy, created, expires); err != nil && !off(policy, wimse.ReasonOf(err)) {
		return nil, err
	}
	// R8: audience, from configuration.
	if v.Audience == nil {
		return nil, wimse.Errorf(wimse.ReasonInternal, "httpsig: verifier has no Audience")
	}
	want, err := v.Audience(r)
	if err != nil {
		return nil, &wimse.Error{Reason: wimse.ReasonInternal, Detail: "httpsig: no audience for this request", Err: err}
	}
	if aud != want && !off(policy, wimse.ReasonHTTPSigAudMismatch) {
		return nil, fail(wimse.ReasonHTTPSigAudMismatch, "wimse-aud %q is not %q", aud, want)
	}
	// R9: nonce replay.
	if v.Replay != nil && !off(policy, wimse.ReasonHTTPSigReplayed) {
		fresh, err := wimse.CheckReplay(v.Replay, wimse.ReplayKey("httpsig "+tok.Subject.String(), nonce), time.Unix(expires, 0).Add(policy.Skew()), policy.Time(), "httpsig: replay cache cannot record the nonce")
		if err != nil {
			return nil, err
		}
		if !fresh {
			return nil, fail(wimse.ReasonHTTPSigReplayed, "nonce was already used")
		}
	}
	signResp, _ := sig.Params.GetBool(ParamSignResponse)
	return &Peer{ID: tok.Subject, WIT: tok, Revision: rev, Nonce: nonce, SignResponse: signResp, Components: covered}, nil
}

// verifySignature is R6: sig verifies over m with the WIT's cnf.jwk under
// cnf.jwk.alg; an Ed25519 signature whose S is not below L is refused with
// its own reason (RFC 8032 §5.1.7).
func verifySignature(policy *wimse.Policy, sig rfc9421.Signature, m rfc9421.Message, tok *wit.Token) error {
	err := sig.Verify(m, tok.Confirmation.Alg, tok.Confirmation.Key)
	if errors.Is(err, rfc9421.ErrNonCanonical) {
		if !off(policy, wimse.ReasonHTTPSigSignatureNonCanonical) {
			return &wimse.Error{Reason: wimse.ReasonHTTPSigSignatureNonCanonical, Detail: "httpsig: the Ed25519 signature's S is not below L", Err: err}
		}
		// The mutant: a verifier that reduces S instead.
		sig.Value = eddsa.ReduceS(sig.Value)
		err = sig.Verify(m, tok.Confirmation.Alg, tok.Confirmation.Key)
	}
	if err != nil && !off(policy, wimse.ReasonHTTPSigSignature) {
		return &wimse.Error{Reason: wimse.ReasonHTTPSigSignature, Detail: "httpsig: the signature does not verify with the WIT's key", Err: err}
	}
	return nil
}

func (v *Verifier) scheme() string {
	if v.Scheme == "" {
		return "https"
	}
	return v.Scheme
}

// revisionOf detects the revision from the covered components and
// checks the derived components it requires.
func revisionOf(covered []string, policy *wimse.Policy) (wimse.Revision, error) {
	has := func(c string) bool { return slices.Contains(covered, c) }
	var rev wimse.Revision
	switch {
	case has(`"@path"`) && has(`"@query"`):
		rev = wimse.RevisionHTTPSig07
	case has(`"@request-target"`):
		rev = wimse.RevisionHTTPSig06
	case off(policy, wimse.ReasonHTTPSigComponentMissing):
		rev = wimse.RevisionHTTPSig07
	default:
		return "", fail(wimse.ReasonHTTPSigComponentMissing, "neither @path and @query (-07) nor @request-target (-06) is covered")
	}
	if !policy.Accepts(rev) && !off(policy, wimse.ReasonHTTPSigRevision) {
		return "", fail(wimse.ReasonHTTPSigRevision, "%s signatures are not accepted", rev)
	}
	if !has(`"@method"`) && !off(policy, wimse.ReasonHTTPSigComponentMissing) {
		return "", fail(wimse.ReasonHTTPSigComponentMissing, "@method is not covered")
	}
	return rev, nil
}

// requiredParams checks R3 and returns the parameters the profile uses.
// It reads every parameter before judging, so the values come back with
// the first error (the self-test's mutants carry on with them).
func requiredParams(p rfc9421.Params, request bool) (created, expires int64, nonce, aud string, err error) {
	created, expires, nonce, aud, errs := paramProblems(p, request)
	if len(errs) > 0 {
		err = errs[0]
	}
	return created, expires, nonce, aud, err
}

// paramProblems is requiredParams reporting every problem, in check order.
func paramProblems(p rfc9421.Params, request bool) (created, expires int64, nonce, aud string, errs []error) {
	missing := func(name string) { errs = append(errs, fail(wimse.ReasonHTTPSigParamMissing, "%s is missing", name)) }
	var ok bool
	if created, ok = p.Created(); !ok {
		missing("created")
	}
	if expires, ok = p.Expires(); !ok {
		missing("expires")
	}
	if nonce, ok = p.Nonce(); !ok || nonce == "" {
		missing("nonce")
	}
	if request {
		if aud, ok = p.GetString(ParamAud); !ok {
			if _, present := p.Get(ParamAud); present {
				errs = append(errs, fail(wimse.ReasonHTTPSigMalformed, "wimse-aud is not a String"))
			} else {
				missing("wimse-aud")
			}
		}
		if v, present := p.Get(ParamSignResponse); present {
			if _, isBool := v.(bool); !isBool {
				errs = append(errs, fail(wimse.ReasonHTTPSigMalformed, "wimse-sign-response is not a Boolean"))
			}
		}
	}
	if _, present := p.Get(rfc9421.ParamKeyID); present {
		errs = append(errs, fail(wimse.ReasonHTTPSigParamForbidden, "keyid MUST NOT be sent: the key is in the WIT"))
	}
	if _, present := p.Get(rfc9421.ParamAlg); present {
		errs = append(errs, fail(wimse.ReasonHTTPSigParamForbidden, "alg MUST NOT be sent: the algorithm is cnf.jwk.alg"))
	}
	return created, expires, nonce, aud, errs
}

// requireFields checks that every conditional field present is covered.
func requireFields(covered []string, h http.Header) error {
	for _, f := range conditional {
		if len(h.Values(f)) > 0 && !slices.Contains(covered, `"`+f+`"`) {
			return fail(wimse.ReasonHTTPSigComponentMissing, "%s is present but not covered", f)
		}
	}
	return nil
}

// checkDigest enforces R5: a body needs a matching Content-Digest.
func checkDigest(h http.Header, body []byte) error {
	fields := h.Values("Content-Digest")
	if len(body) == 0 && len(fields) == 0 {
		return nil
	}
	if len(fields) == 0 {
		return fail(wimse.ReasonHTTPSigDigestMissing, "the message has a body but no Content-Digest")
	}
	if err := rfc9421.VerifyContentDigest(strings.Join(fields, ", "), body); err != nil {
		return &wimse.Error{Reason: wimse.ReasonHTTPSigDigestMismatch, Detail: "httpsig: Content-Digest does not match the body", Err: err}
	}
	return nil
}

// checkWindow enforces R7: now within [created, expires] with skew, and a
// tight lifetime: neither expires - now nor expires - created may exceed
// Policy.MaxWPTLifetime plus the skew ("tight, minutes": -07 §3.4).
func checkWindow(policy *wimse.Policy, created, expires int64) error {
	now, skew := policy.Time(), policy.Skew()
	c, e := time.Unix(created, 0), time.Unix(expires, 0)
	switch {
	case !now.Before(e.Add(skew)):
		return fail(wimse.ReasonHTTPSigExpired, "expired at %s", e.UTC().Format(time.RFC3339))
	case c.After(now.Add(skew)):
		return fail(wimse.ReasonHTTPSigNotYetValid, "created %s lies in the future", c.UTC().Format(time.RFC3339))
	case !e.After(c):
		return fail(wimse.ReasonHTTPSigLifetime, "expires is not after created")
	}
	if max := policy.WPTLifetime(); max > 0 && e.After(now.Add(max+skew)) {
		return fail(wimse.ReasonHTTPSigLifetime, "expires lies more than %s ahead", max)
	} else if max > 0 && e.Sub(c) > max+skew {
		return fail(wimse.ReasonHTTPSigLifetime, "the validity window is longer than %s", max)
	}
	return nil
}

type peerKey struct{}

// PeerFromContext returns the peer the middleware stored.
func PeerFromContext(ctx context.Context) (*Peer, bool) {
	p, ok := ctx.Value(peerKey{}).(*Peer)
	return p, ok
}

// WithPeer returns a context carrying p.
func WithPeer(ctx context.Context, p *Peer) context.Context {
	return context.WithValue(ctx, peerKey{}, p)
}
