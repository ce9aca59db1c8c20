package exchange

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/wimse-wg/wimse/tokens/oauth"
)

// Client sends token exchange requests to one token endpoint. Its fields
// are read, never changed, so a Client is safe for concurrent use once
// configured.
type Client struct {
	// TokenURL is the token endpoint; required.
	TokenURL string
	// Auth authenticates the client; nil sends no client authentication
	// (RFC 8693 §2.1 leaves it to the deployment).
	Auth ClientAuth
	// HTTPClient sends the request; nil means http.DefaultClient. Redirects
	// are never followed, whatever its CheckRedirect says: a token request
	// carries credentials, and RFC 6749 §3.2 defines no redirect. A 3xx
	// answer is a *ResponseError.
	HTTPClient *http.Client
	// DPoP, when set, returns a DPoP proof (RFC 9449 §4) for a POST to
	// TokenURL, with the server's nonce when it gave one ("" otherwise),
	// and with accessToken the request's subject token when that is an
	// access token (ath: the proof then also proves a DPoP-bound subject
	// token, see AccessTokenValidator), "" otherwise. DPoPSigner(s) signs
	// with a dpop.Signer. The Client sends a fresh proof with every
	// request and retries once, never more, when the server answers
	// use_dpop_nonce with a DPoP-Nonce header (RFC 9449 §8); the issued
	// token is then token_type DPoP.
	DPoP DPoPFunc
}

// maxBody bounds the response body read from the token endpoint.
const maxBody = 1 << 20

// excerptLen bounds the body excerpt of a ResponseError.
const excerptLen = 256

// Exchange sends req to the token endpoint (RFC 8693 §2.1) and returns the
// issued token. req is checked with Validate first: such an error is an
// *Error with Status 0, and nothing was sent. Then the error is an *Error
// carrying the HTTP status when the server answered with an RFC 6749 §5.2
// error object, a *ResponseError when it answered with anything else, or
// a transport error wrapping ctx's error when ctx ended first.
func (c *Client) Exchange(ctx context.Context, req Request) (*Response, error) {
	if err := req.Validate(); err != nil {
		return nil, fmt.Errorf("exchange: request not sent: %w", err)
	}
	if c.TokenURL == "" {
		return nil, errors.New("exchange: Client.TokenURL is empty")
	}
	nonce := ""
	for attempt := 0; ; attempt++ {
		resp, err := c.post(ctx, req, nonce)
		var e *Error
		if c.DPoP != nil && attempt == 0 && errors.As(err, &e) && e.Code == oauth.ErrorUseDPoPNonce && e.dpopNonce != "" {
			nonce = e.dpopNonce
			continue
		}
		return resp, err
	}
}

func (c *Client) post(ctx context.Context, req Request, nonce string) (*Response, error) {
	form := req.Form()
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, c.TokenURL, http.NoBody)
	if err != nil {
		return nil, fmt.Errorf("exchange: token request: %w", err)
	}
	hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	hr.Header.Set("Accept", "application/json")
	if c.Auth != nil {
		if err := c.Auth.Authenticate(ctx, hr, form); err != nil {
			return nil, err
		}
	}
	if c.DPoP != nil {
		bound := ""
		if req.SubjectTokenType == oauth.TokenTypeAccessToken {
			bound = req.SubjectToken
		}
		proof, err := c.DPoP(ctx, http.MethodPost, c.TokenURL, bound, nonce)
		if err != nil {
			return nil, fmt.Errorf("exchange: dpop proof: %w", err)
		}
		hr.Header.Set("DPoP", proof)
	}
	body := form.Encode()
	hr.Body = io.NopCloser(strings.NewReader(body))
	hr.ContentLength = int64(len(body))
	hr.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(body)), nil }

	hc := http.DefaultClient
	if c.HTTPClient != nil {
		hc = c.HTTPClient
	}
	noRedirect := *hc
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	hresp, err := noRedirect.Do(hr)
	if err != nil {
		// *url.Error names the URL, not the body: no credential leaks.
		return nil, fmt.Errorf("exchange: token request: %w", err)
	}
	defer hresp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(hresp.Body, maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("exchange: token response: %w", err)
	}
	return parseResponse(hresp.StatusCode, hresp.Header, data)
}

// parseResponse turns a token endpoint answer into a *Response, an *Error
// or a *ResponseError.
func parseResponse(status int, h http.Header, data []byte) (*Response, error) {
	ct := h.Get("Content-Type")
	re := &ResponseError{Status: status, ContentType: ct}
	if len(data) > maxBody {
		re.Err = errors.New("body exceeds 1 MiB")
		return nil, re
	}
	if status == http.StatusOK {
		// The body may hold a token: never excerpt it.
		if !isJSON(ct) {
			re.Err = errors.New("content type is not application/json")
			return nil, re
		}
		var r Response
		if err := json.Unmarshal(data, &r); err != nil {
			re.Err = err
			return nil, re
		}
		return &r, nil
	}
	re.Body = excerpt(data)
	if status < 400 || status > 599 {
		re.Err = errors.New("not a token endpoint status")
		return nil, re
	}
	var e Error
	if err := json.Unmarshal(data, &e); err != nil {
		re.Err = err
		return nil, re
	}
	e.Status = status
	e.dpopNonce = h.Get("DPoP-Nonce")
	return nil, &e
}

// isJSON reports whether ct is application/json (parameters allowed).
func isJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "application/json"
}

// excerpt returns the start of body with anything but printable ASCII
// replaced.
func excerpt(body []byte) string {
	if len(body) > excerptLen {
		body = body[:excerptLen]
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return '?'
		}
		return r
	}, string(body))
}

// ResponseError is an answer from the token endpoint that is neither a
// token response nor an RFC 6749 §5.2 error object: an HTML error page
// from a proxy, a redirect, a malformed body.
type ResponseError struct {
	// Status is the HTTP status code.
	Status int
	// ContentType is the Content-Type header.
	ContentType string
	// Body is an excerpt of the body (printable ASCII, at most 256 bytes);
	// empty for a 200, whose body may hold a token.
	Body string
	// Err says what was wrong with it.
	Err error
}

// Error returns "exchange: token endpoint answered STATUS (TYPE): ERR: BODY".
func (e *ResponseError) Error() string {
	s := "exchange: token endpoint answered " + strconv.Itoa(e.Status)
	if e.ContentType != "" {
		s += " (" + e.ContentType + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	if e.Body != "" {
		s += ": " + strconv.Quote(e.Body)
	}
	return s
}

// Unwrap returns Err.
func (e *ResponseError) Unwrap() error { return e.Err }
