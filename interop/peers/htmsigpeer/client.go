package htmsigpeer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwk"

	"github.com/wimse-wg/wimse/interop/peers/jwxpeer"
)

// Client signs requests (-07 §3.2) and checks signed responses (§3.5).
type Client struct {
	// WIT is the compact WIT; Key the private key of its cnf.jwk (its alg
	// member, or Alg, is the signature algorithm).
	WIT string
	Key jwk.Key
	Alg string
	// Label is the signature label; "" means sig1 (labels carry no meaning).
	Label string
	// Lifetime is expires - created; zero means one minute.
	Lifetime time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Audience returns wimse-aud; nil means the target URI without query
	// and fragment.
	Audience func(*http.Request) string
	// SignResponse sends wimse-sign-response and rejects an unsigned
	// response; it needs Responses.
	SignResponse bool
	// Responses verifies the WIT of signed responses; nil leaves signed
	// responses unchecked (allowed only without SignResponse). Responder,
	// when set, is the only accepted signer (its WIT sub).
	Responses *jwxpeer.WITVerifier
	Responder string
}

// SignRequest adds the WIT, Content-Digest (for a non-empty body) and the
// signature to req in place and returns the nonce.
func (c *Client) SignRequest(req *http.Request, body []byte) (string, error) {
	if c.WIT == "" || c.Key == nil {
		return "", errors.New("htmsigpeer: client needs a WIT and a key")
	}
	alg := c.Alg
	if alg == "" {
		a, err := jwxpeer.LoadKeyAlg(c.Key)
		if err != nil {
			return "", err
		}
		alg = a
	}
	now := time.Now()
	if c.Now != nil {
		now = c.Now()
	}
	life := c.Lifetime
	if life <= 0 {
		life = time.Minute
	}
	label := c.Label
	if label == "" {
		label = "sig1"
	}
	aud := jwxpeer.TargetURI(req)
	if c.Audience != nil {
		aud = c.Audience(req)
	}
	req.Header.Set("Workload-Identity-Token", c.WIT)
	setBody(req.Header, body)
	extra := []param{{"wimse-aud", aud}}
	if c.SignResponse {
		extra = append(extra, param{"wimse-sign-response", true})
	}
	return signer{wit: c.WIT, key: c.Key, alg: alg, label: label, created: now, lifetime: life}.
		sign(requestMessage(req), requestComponents(), requestFields, extra...)
}

// VerifyResponse checks a response to the request req that was signed with
// nonce (-07 §3.5): a present WIMSE signature is verified (WIT first,
// wimse-req-nonce equal to nonce, the components, the digest); an unsigned
// response is refused only when the client asked for a signed one.
func (c *Client) VerifyResponse(req *http.Request, nonce string, status int, h http.Header, body []byte) (signer string, err error) {
	_, found, err := wimseSignature(h)
	if err != nil {
		return "", err
	}
	if !found {
		if c.SignResponse {
			return "", errors.New("htmsigpeer: the response is not signed")
		}
		return "", nil
	}
	if c.Responses == nil {
		return "", nil
	}
	m := &message{header: h, status: status, req: requestMessage(req)}
	res, err := checker{wit: c.Responses, maxLifetime: DefaultMaxLifetime}.check(m, body, responseAlways, true, responseFields)
	if err != nil {
		return "", fmt.Errorf("htmsigpeer: response: %w", err)
	}
	if got, ok := stringParam(res.sig.def, "wimse-req-nonce"); !ok || got != nonce {
		return "", errors.New("htmsigpeer: response wimse-req-nonce is not the request's nonce")
	}
	if c.Responder != "" && res.wit.Subject != c.Responder {
		return "", fmt.Errorf("htmsigpeer: response signed by %s, not %s", res.wit.Subject, c.Responder)
	}
	return res.wit.Subject, nil
}

// RoundTripper signs each request and checks each response; base nil means
// http.DefaultTransport.
func (c *Client) RoundTripper(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return roundTripper{c, base}
}

type roundTripper struct {
	c    *Client
	base http.RoundTripper
}

func (t roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		var err error
		body, err = io.ReadAll(io.LimitReader(req.Body, maxBody+1))
		req.Body.Close()
		if err != nil || len(body) > maxBody {
			return nil, errors.New("htmsigpeer: request body unreadable or too large")
		}
	}
	if t.c.SignResponse && t.c.Responses == nil {
		return nil, errors.New("htmsigpeer: SignResponse needs Responses")
	}
	r2 := req.Clone(req.Context())
	r2.Body = io.NopCloser(bytes.NewReader(body))
	r2.ContentLength = int64(len(body))
	if len(body) == 0 {
		r2.Body = http.NoBody
	}
	nonce, err := t.c.SignRequest(r2, body)
	if err != nil {
		return nil, err
	}
	resp, err := t.base.RoundTrip(r2)
	if err != nil {
		return nil, err
	}
	rb, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	resp.Body.Close()
	if err != nil || len(rb) > maxBody {
		return nil, errors.New("htmsigpeer: response body unreadable or too large")
	}
	if _, err := t.c.VerifyResponse(r2, nonce, resp.StatusCode, resp.Header, rb); err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(rb))
	return resp, nil
}
