package httpsig

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/wimse-wg/wimse/internal/mutant"
	"github.com/wimse-wg/wimse/profiles/httpsig/rfc9421"
	"github.com/wimse-wg/wimse/tokens/wit"
)

// Transport is an http.RoundTripper that signs each request with Signer
// and checks the response signature (-07 §3.5) and its signer
// (Responder). It clones the request before changing it and closes the
// body on every error path.
type Transport struct {
	// Base performs the request; nil means http.DefaultTransport.
	Base http.RoundTripper
	// Signer signs the requests.
	Signer *Signer
	// RequireSignedResponse sends wimse-sign-response and rejects an
	// unsigned response.
	RequireSignedResponse bool
	// Responses verifies the server's WIT on signed responses; nil skips
	// response verification entirely (only when RequireSignedResponse is false).
	Responses *wit.Verifier
	// Responder decides whether the verified signer of a response is the
	// responder this client means to reach, e.g. AuthorizeID(server); a
	// denied response is refused with httpsig.responder_identity. A WIT
	// that verifies proves only that some trusted workload signed: without
	// this check an intermediary holding a WIT of its own could answer in
	// the server's name (-07 §3.5, §4). The signer of an accepted response
	// is available from ResponderFromResponse.
	//
	// Nil, with Responses set, is a configuration error: RoundTrip refuses
	// to send anything. There is no implicit "any trusted responder":
	// accepting every trusted signer is exactly the hole this field closes,
	// so that choice must be written out (AuthorizeMemberOf, AuthorizeAny).
	Responder Authorizer
	// Audience returns wimse-aud for a request; nil means the target URI
	// without query and fragment.
	Audience func(*http.Request) string

	//lint:ignore U1000 reached through the promoted method mutant.Put and mutant.Of call
	mutantHook
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	closeBody := func() {
		if req.Body != nil {
			req.Body.Close()
		}
	}
	if t.Signer == nil || (t.RequireSignedResponse && t.Responses == nil) {
		closeBody()
		return nil, errors.New("httpsig: transport needs a Signer, and a WIT verifier for required response signatures")
	}
	if t.Responses != nil && t.Responder == nil {
		closeBody()
		return nil, errors.New("httpsig: transport verifies responses but expects no responder: set Responder (AuthorizeID of the server)")
	}
	var body []byte
	if req.Body != nil {
		var err error
		body, err = io.ReadAll(io.LimitReader(req.Body, DefaultMaxBody+1))
		req.Body.Close()
		if err != nil || len(body) > DefaultMaxBody {
			return nil, errors.New("httpsig: request body cannot be read or is too large")
		}
	}
	r2 := req.Clone(req.Context())
	r2.Body = io.NopCloser(bytes.NewReader(body))
	r2.ContentLength = int64(len(body))
	m := mutant.Of(t)
	aud := audienceOf(r2)
	if t.Audience != nil {
		aud = t.Audience(r2)
	} else if m.Off(mutantAud) {
		aud = r2.URL.String()
	}
	nonce, err := t.Signer.SignRequest(r2, body, RequestOptions{Audience: aud, SignResponse: t.RequireSignedResponse && !m.Off(mutantSignResponse)})
	if err != nil {
		return nil, err
	}
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(r2)
	if err != nil || t.Responses == nil || m.Off(mutantResponseUnverified) {
		return resp, err
	}
	rbody, err := io.ReadAll(io.LimitReader(resp.Body, DefaultMaxBody+1))
	resp.Body.Close()
	if err != nil || len(rbody) > DefaultMaxBody {
		return nil, errors.New("httpsig: response body cannot be read or is too large")
	}
	resp.Body = io.NopCloser(bytes.NewReader(rbody))
	check := ResponseCheck{
		WIT: t.Responses, Request: rfc9421.FromRequest(r2, ""), Nonce: nonce,
		Required: t.RequireSignedResponse, Revision: t.Signer.revision(), Responder: t.Responder,
	}
	if m != nil {
		check.Required = check.Required && !m.Off(mutantResponseUnsigned)
		if m.Off(mutantReqNonce) {
			check.Nonce = echoedNonce(resp.Header)
		}
		if m.Off(mutantResponder) {
			check.Responder = nil
		}
	}
	responder, err := VerifyResponse(resp.StatusCode, resp.Header, rbody, check)
	if err != nil {
		return nil, err
	}
	if responder != nil {
		resp.Request = r2.WithContext(context.WithValue(r2.Context(), responderKey{}, responder))
	}
	return resp, nil
}

type responderKey struct{}

// ResponderFromResponse returns the verified signer of a response that
// Transport accepted (Transport.Responder allowed it); false for an
// unsigned response or one Transport did not check. It reads the context
// of resp.Request, the request Transport sent.
func ResponderFromResponse(resp *http.Response) (*Peer, bool) {
	if resp == nil || resp.Request == nil {
		return nil, false
	}
	p, ok := resp.Request.Context().Value(responderKey{}).(*Peer)
	return p, ok
}

// audienceOf is the target URI without query and fragment.
func audienceOf(r *http.Request) string {
	p := r.URL.EscapedPath()
	if p == "" {
		p = "/"
	}
	host := r.URL.Host
	if host == "" {
		host = r.Host
	}
	scheme := r.URL.Scheme
	if scheme == "" {
		scheme = "https"
	}
	return strings.ToLower(scheme) + "://" + host + p
}
