package httpsig

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/wimse-wg/wimse/profiles/httpsig/rfc9421"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/wimse"
)

// ResponseCheck says how a client judges a response (-07 §3.5).
type ResponseCheck struct {
	// WIT verifies the server's WIT; it is validated before the signature.
	WIT *wit.Verifier
	// Request is the signature context of the request that was sent, the
	// source of the ;req components.
	Request rfc9421.Message
	// Nonce is the request signature's nonce; wimse-req-nonce must equal it.
	Nonce string
	// Required is true when the request sent wimse-sign-response: an
	// unsigned response is then rejected. Otherwise an unsigned response is
	// accepted (a middlebox may strip opportunistic signatures), but a
	// present signature must verify.
	Required bool
	// Revision is the request's revision; the response must mirror it.
	Revision wimse.Revision
	// Responder decides whether the verified signer of the response is the
	// responder the client meant to reach; it runs only once everything
	// else verified. Nil accepts any signer whose WIT verifies under WIT:
	// the caller then judges the returned Peer itself (Transport never
	// leaves it nil, see Transport.Responder).
	Responder Authorizer
}

// VerifyResponse checks a response's WIMSE signature. It returns the
// responder, the signer of the response (its identifier and verified WIT),
// or nil for an accepted unsigned response.
//
// Once a tagged signature is found, every independent problem is reported,
// not only the first: the error then wraps each one (errors.As and
// wimse.ReasonOf see the first in check order: the server's WIT, the
// parameters, wimse-req-nonce, coverage, Content-Digest, the signature,
// its window) and its message lists them all on one line. The signature is
// verified only under a WIT that verified, and c.Responder consulted only
// when nothing else failed.
func VerifyResponse(status int, h http.Header, body []byte, c ResponseCheck) (*Peer, error) {
	sigs, err := rfc9421.ParseSignatures(h)
	if err != nil {
		return nil, &wimse.Error{Reason: wimse.ReasonHTTPSigMalformed, Detail: "httpsig: response Signature or Signature-Input does not parse", Err: err}
	}
	var tagged []rfc9421.Signature
	for _, s := range sigs {
		if t, _ := s.Params.Tag(); t == Tag {
			tagged = append(tagged, s)
		}
	}
	switch {
	case len(tagged) == 0 && c.Required:
		return nil, wimse.Errorf(wimse.ReasonHTTPSigResponseUnsigned, "httpsig: the response is not signed although wimse-sign-response was sent")
	case len(tagged) == 0:
		return nil, nil
	case len(tagged) > 1:
		return nil, fail(wimse.ReasonHTTPSigMultiple, "%d response signatures are tagged %s", len(tagged), Tag)
	}
	sig := tagged[0]
	var errs problems
	// The server's WIT first: nothing is trusted before it verifies.
	var tok *wit.Token
	raws := h.Values(HeaderWIT)
	if len(raws) != 1 || strings.Contains(raws[0], ",") {
		errs = append(errs, wimse.Errorf(wimse.ReasonWITMultiple, "httpsig: a signed response needs exactly one Workload-Identity-Token"))
	} else if tok, err = c.WIT.Verify(raws[0]); err != nil {
		errs = append(errs, err)
	}
	created, expires, nonce, _, perrs := paramProblems(sig.Params, false)
	errs = append(errs, perrs...)
	if rn, ok := sig.Params.GetString(ParamReqNonce); !ok || rn != c.Nonce {
		errs = append(errs, fail(wimse.ReasonHTTPSigReqNonce, "wimse-req-nonce is missing or not the request's nonce"))
	}
	covered := make([]string, len(sig.Components))
	for i, comp := range sig.Components {
		covered[i] = comp.String()
	}
	want := []string{`"@status"`, `"workload-identity-token"`, `"@method";req`}
	if c.Revision == wimse.RevisionHTTPSig06 {
		want = append(want, `"@request-target";req`)
	} else {
		want = append(want, `"@path";req`, `"@query";req`)
	}
	for _, w := range want {
		if !slices.Contains(covered, w) {
			errs = append(errs, fail(wimse.ReasonHTTPSigComponentMissing, "the response signature does not cover %s", w))
		}
	}
	for _, f := range []string{"content-type", "content-digest"} {
		if len(h.Values(f)) > 0 && !slices.Contains(covered, `"`+f+`"`) {
			errs = append(errs, fail(wimse.ReasonHTTPSigComponentMissing, "%s is present but not covered", f))
		}
	}
	if err := checkDigest(h, body); err != nil {
		errs = append(errs, err)
	}
	if tok != nil {
		m := rfc9421.FromResponse(status, h, c.Request)
		if err := sig.Verify(m, tok.Confirmation.Alg, tok.Confirmation.Key); err != nil {
			errs = append(errs, &wimse.Error{Reason: wimse.ReasonHTTPSigSignature, Detail: "httpsig: the response signature does not verify with the server's WIT key", Err: err})
		}
	}
	if _, hasCreated := sig.Params.Created(); hasCreated {
		if _, hasExpires := sig.Params.Expires(); hasExpires {
			if err := checkWindow(&c.WIT.Policy, created, expires); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if len(errs) > 0 {
		return nil, errs.err()
	}
	responder := &Peer{ID: tok.Subject, WIT: tok, Revision: c.Revision, Nonce: nonce, Components: covered}
	if c.Responder != nil {
		if err := c.Responder(responder); err != nil {
			var we *wimse.Error
			if !errors.As(err, &we) {
				err = &wimse.Error{Reason: wimse.ReasonHTTPSigResponderIdentity, Detail: fmt.Sprintf("httpsig: the response is signed by %s, not the expected responder", tok.Subject), Err: err}
			}
			return nil, err
		}
	}
	return responder, nil
}

// problems are the independent problems of one message, in check order.
// Like errors.Join it unwraps to each of them (errors.As finds the first
// first), but its message stays on one line, for reports.
type problems []error

func (p problems) Error() string {
	msgs := make([]string, len(p))
	for i, e := range p {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "; ")
}

func (p problems) Unwrap() []error { return p }

// err is nil for no problem, the problem itself for one, p for several.
func (p problems) err() error {
	switch len(p) {
	case 0:
		return nil
	case 1:
		return p[0]
	}
	return p
}
