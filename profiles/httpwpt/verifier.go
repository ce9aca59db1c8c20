package httpwpt

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/wimse-wg/wimse/internal/mutant"
	"github.com/wimse-wg/wimse/profiles/problem"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/tokens/wpt"
	"github.com/wimse-wg/wimse/wimse"
)

// Peer is the authenticated caller of a request.
type Peer struct {
	// ID is the caller's Workload Identifier (the WIT's sub).
	ID wimse.ID
	// WIT and WPT are the verified tokens.
	WIT *wit.Token
	WPT *wpt.Token
	// Revision is the carriage the proof came in: wpt-01 or wpt-02.
	Revision wimse.Revision
}

// TrustDomain returns the caller's trust domain.
func (p *Peer) TrustDomain() wimse.TrustDomain { return p.ID.TrustDomain() }

// Verifier verifies the WIT and WPT of HTTP requests. It is one verifier
// stack configured in one place: the WIT, the WPT and the carriage are all
// judged under its single Policy, so they cannot disagree about the clock,
// the skew, the sizes, the algorithms or the revisions. Its fields must not
// change once it is in use; it is safe for concurrent use.
type Verifier struct {
	// Trust maps trust domains to the issuer keys of WITs
	// (workload-creds-02 §5.1.3). Nil trusts nothing.
	Trust *wimse.TrustStore
	// Policy is the verification policy of the WIT, of the WPT and of the
	// carriage (Policy.Revisions decides which carriages are accepted).
	// The zero value is the strict default policy.
	Policy wimse.Policy
	// Replay records (sub, jti) pairs of verified proofs; nil disables the
	// replay check (wpt-01 §4, wpt-02 §3: RECOMMENDED), which is only
	// for offline use.
	Replay wimse.ReplayCache
	// WITProfile is the profile the WIT is verified under: wit.ProfileWIT
	// (the zero value) or wit.ProfileSVID for a receiver of SPIFFE
	// WIT-SVIDs only.
	WITProfile wit.Profile
	// WITCache, if non-nil, remembers fully verified WITs by hash so that a
	// WIT reused across requests costs no second signature verification
	// (wit.Cache). Nil verifies every WIT in full.
	WITCache *wit.Cache
	// Schemes lists identifier schemes accepted besides wimse and spiffe
	// (identifier-03 §3: other schemes only when configured). Nil accepts
	// those two.
	Schemes []string
	// Audience returns the aud a request's WPT must carry. It must build the
	// value from trusted configuration, never from Host or
	// X-Forwarded-Host; see AudienceFromBase. Required.
	Audience func(r *http.Request) (string, error)
	// ContextTokenFields lists the context-token fields (besides Txn-Token)
	// that oth may cover (wpt-01 §3.1). A request carrying one of them must
	// bind it through oth; an oth entry for any other field is rejected.
	ContextTokenFields []string
	// WITFailureStatus400 answers WIT failures of wpt-02 requests with 400
	// (creds-02 §5.2) instead of 401 with a WPT challenge (wpt-02 §2.1).
	WITFailureStatus400 bool
	// ProblemDetail is what the middleware's problem bodies disclose. The
	// zero value, problem.Minimal, gives type, title, status and reason;
	// problem.Full adds the detail, which may name the expected audience:
	// for receivers that implementers test against.
	ProblemDetail problem.Disclosure
}

// AudienceFromBase returns an Audience function for a receiver whose public
// base URL is base: the expected aud of a request for path P is base
// followed by P (escaped, without query). A trailing "/" of base is dropped.
func AudienceFromBase(base string) func(*http.Request) (string, error) {
	base = strings.TrimSuffix(base, "/")
	return func(r *http.Request) (string, error) {
		return base + r.URL.EscapedPath(), nil
	}
}

// Rejection is the error Verify returns: the reason-carrying *wimse.Error
// plus the carriage it was judged under, which decides the signalling.
type Rejection struct {
	Err      *wimse.Error
	Revision wimse.Revision
}

func (r *Rejection) Error() string { return r.Err.Error() }
func (r *Rejection) Unwrap() error { return r.Err }

// Verify authenticates r: carriage, the WIT fully, then the WPT (nothing
// is trusted before both verify). Failures are *Rejection values;
// wimse.ReasonOf gives their reason.
func (v *Verifier) Verify(r *http.Request) (*Peer, error) {
	policy := &v.Policy
	m := mutant.Of(policy)
	rev, err := classify(r.Header, m)
	if err != nil {
		return nil, v.reject(err, "")
	}
	if rev == "" {
		rev = wimse.RevisionWPT02
		if !policy.Accepts(wimse.RevisionWPT02) {
			rev = wimse.RevisionWPT01
		}
		return nil, v.reject(wimse.Errorf(wimse.ReasonWPTMissing, "httpwpt: request carries no workload proof token"), rev)
	}
	if !policy.Accepts(rev) && !m.Off(string(wimse.ReasonRequestCarriageNotAccepted)) {
		return nil, v.reject(wimse.Errorf(wimse.ReasonRequestCarriageNotAccepted, "httpwpt: carriage %s is not accepted", rev), rev)
	}
	p, err := extract(r.Header, rev, v.ContextTokenFields, m)
	if err != nil {
		return nil, v.reject(err, rev)
	}
	witV := wit.Verifier{Trust: v.Trust, Policy: v.Policy, Schemes: v.Schemes, Cache: v.WITCache, Profile: v.WITProfile}
	witTok, err := witV.Verify(p.wit)
	if err != nil {
		return nil, v.reject(err, rev)
	}
	if v.Audience == nil {
		return nil, v.reject(wimse.Errorf(wimse.ReasonInternal, "httpwpt: verifier has no Audience"), rev)
	}
	aud, err := v.Audience(r)
	if err != nil {
		return nil, v.reject(&wimse.Error{Reason: wimse.ReasonInternal, Detail: "httpwpt: no audience for this request", Err: err}, rev)
	}
	wptV := wpt.Verifier{Policy: v.Policy, Replay: v.Replay}
	wptTok, err := wptV.Verify(p.wpt, wpt.Expect{
		Revision:    rev,
		Audience:    aud,
		WIT:         witTok,
		AccessToken: p.accessToken,
		TxnToken:    p.txnToken,
		OtherTokens: p.other,
		KnownOther:  v.knownOther,
	})
	if err != nil {
		return nil, v.reject(err, rev)
	}
	return &Peer{ID: witTok.Subject, WIT: witTok, WPT: wptTok, Revision: rev}, nil
}

func (v *Verifier) knownOther(name string) bool {
	for _, f := range v.ContextTokenFields {
		if strings.EqualFold(f, name) && name == strings.ToLower(name) {
			return true
		}
	}
	return false
}

func (v *Verifier) reject(err error, rev wimse.Revision) error {
	var we *wimse.Error
	if !errors.As(err, &we) {
		we = &wimse.Error{Reason: wimse.ReasonInternal, Detail: "httpwpt: unexpected failure", Err: err}
	}
	return &Rejection{Err: we, Revision: rev}
}

// Status returns the HTTP status for a Verify error and whether the answer
// carries a "WWW-Authenticate: WPT" challenge (see the package doc).
func (v *Verifier) Status(err error) (status int, challenge bool) {
	var rj *Rejection
	if !errors.As(err, &rj) {
		return http.StatusInternalServerError, false
	}
	switch wimse.ClassOf(rj.Err.Reason) {
	case wimse.ClassRequest:
		return http.StatusBadRequest, false
	case wimse.ClassUnavailable:
		return http.StatusServiceUnavailable, false
	case wimse.ClassRateLimited:
		return http.StatusTooManyRequests, false
	case wimse.ClassInternal:
		return http.StatusInternalServerError, false
	}
	if rj.Revision != wimse.RevisionWPT02 {
		return http.StatusBadRequest, false
	}
	if v.WITFailureStatus400 && strings.HasPrefix(string(rj.Err.Reason), "wit.") {
		return http.StatusBadRequest, false
	}
	return http.StatusUnauthorized, true
}

type peerKey struct{}

// PeerFromContext returns the authenticated peer the middleware stored.
func PeerFromContext(ctx context.Context) (*Peer, bool) {
	p, ok := ctx.Value(peerKey{}).(*Peer)
	return p, ok
}

// WithPeer returns a context carrying p.
func WithPeer(ctx context.Context, p *Peer) context.Context {
	return context.WithValue(ctx, peerKey{}, p)
}
