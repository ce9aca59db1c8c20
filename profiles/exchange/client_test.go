package exchange

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/tokens/jwtgrant"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/wimse"
)

const testSecret = "s3cr3t+/:pass"

// fakeSTS is a token endpoint that records requests and answers with
// answer.
type fakeSTS struct {
	t      testing.TB
	mu     sync.Mutex
	forms  []url.Values
	hdrs   []http.Header
	answer func(w http.ResponseWriter, r *http.Request, n int)
	srv    *httptest.Server
}

func newFakeSTS(t testing.TB, answer func(w http.ResponseWriter, r *http.Request, n int)) *fakeSTS {
	t.Helper()
	f := &fakeSTS{t: t, answer: answer}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
			(&Error{Code: oauth.ErrorInvalidRequest, Description: "want a form POST"}).Write(w, r)
			return
		}
		if err := r.ParseForm(); err != nil {
			t.Errorf("ParseForm: %v", err)
		}
		f.mu.Lock()
		f.forms = append(f.forms, r.PostForm)
		f.hdrs = append(f.hdrs, r.Header.Clone())
		n := len(f.forms)
		f.mu.Unlock()
		f.answer(w, r, n)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeSTS) calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.forms)
}

func (f *fakeSTS) client(auth ClientAuth) *Client {
	return &Client{TokenURL: f.srv.URL + "/token", Auth: auth, HTTPClient: f.srv.Client()}
}

// issue answers with a token named after the request number.
func issue(expiresIn int64) func(http.ResponseWriter, *http.Request, int) {
	return func(w http.ResponseWriter, r *http.Request, n int) {
		req, err := ParseRequest(r.PostForm)
		if err != nil {
			WriteError(w, r, err)
			return
		}
		(&Response{
			AccessToken:     fmt.Sprintf("token-%d", n),
			IssuedTokenType: oauth.TokenTypeAccessToken,
			TokenType:       oauth.AccessTokenTypeBearer,
			ExpiresIn:       expiresIn,
			Scope:           req.Scope,
		}).Write(w)
	}
}

func minimalRequest() Request {
	return Request{SubjectToken: subjectJWT, SubjectTokenType: oauth.TokenTypeJWT, Resource: []string{"https://backend.example.com/"}}
}

func TestExchangeSuccess(t *testing.T) {
	sts := newFakeSTS(t, issue(300))
	resp, err := sts.client(nil).Exchange(t.Context(), fullRequest())
	if err != nil {
		t.Fatal(err)
	}
	if resp.AccessToken != "token-1" || resp.ExpiresIn != 300 || resp.Scope.String() != "read write" {
		t.Errorf("got %+v", resp)
	}
	got, err := ParseRequest(sts.forms[0])
	if err != nil {
		t.Fatal(err)
	}
	if got.SubjectToken != subjectJWT || got.ActorToken != actorJWT || len(got.Resource) != 2 || len(got.Audience) != 2 {
		t.Errorf("server saw %v", got)
	}
}

func TestExchangeValidatesBeforeSending(t *testing.T) {
	sts := newFakeSTS(t, issue(300))
	_, err := sts.client(nil).Exchange(t.Context(), Request{SubjectTokenType: oauth.TokenTypeJWT})
	var e *Error
	if !errors.As(err, &e) || e.Code != oauth.ErrorInvalidRequest || e.Status != 0 {
		t.Errorf("got %v", err)
	}
	if sts.calls() != 0 {
		t.Error("an invalid request was sent")
	}
}

func TestExchangeErrorShapes(t *testing.T) {
	for _, tc := range []struct {
		name       string
		status     int
		ctype      string
		body       string
		wantCode   string // *Error
		wantStatus int
		wantURI    string
	}{
		{"invalid_request", 400, "application/json", `{"error":"invalid_request","error_description":"subject_token is expired"}`, oauth.ErrorInvalidRequest, 400, ""},
		{"invalid_target with uri", 400, "application/json", `{"error":"invalid_target","error_uri":"https://sts.example/e"}`, oauth.ErrorInvalidTarget, 400, "https://sts.example/e"},
		{"invalid_client 401", 401, "application/json", `{"error":"invalid_client"}`, oauth.ErrorInvalidClient, 401, ""},
		{"invalid_scope", 400, "application/json;charset=UTF-8", `{"error":"invalid_scope"}`, oauth.ErrorInvalidScope, 400, ""},
		{"unsupported_grant_type", 400, "application/json", `{"error":"unsupported_grant_type"}`, oauth.ErrorUnsupportedGrantType, 400, ""},
		{"extension code, unknown member", 403, "application/json", `{"error":"actor_unauthorized","x":1}`, "actor_unauthorized", 403, ""},
		{"server 500 with JSON error", 500, "application/json", `{"error":"server_error"}`, "server_error", 500, ""},
		{"JSON error without content type", 400, "", `{"error":"invalid_request"}`, oauth.ErrorInvalidRequest, 400, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sts := newFakeSTS(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				w.Header().Set("Content-Type", tc.ctype)
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			})
			_, err := sts.client(nil).Exchange(t.Context(), minimalRequest())
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v (%T), want *Error", err, err)
			}
			if e.Code != tc.wantCode || e.Status != tc.wantStatus || e.URI != tc.wantURI {
				t.Errorf("got %+v, want code %s status %d uri %q", e, tc.wantCode, tc.wantStatus, tc.wantURI)
			}
		})
	}
}

func TestExchangeNonJSONAnswers(t *testing.T) {
	long := strings.Repeat("x", 1000)
	for _, tc := range []struct {
		name     string
		status   int
		ctype    string
		body     string
		wantBody string
	}{
		{"HTML 502 from a proxy", 502, "text/html", "<html><body>Bad Gateway\n</body></html>", "<html><body>Bad Gateway?</body></html>"},
		{"plain 400", 400, "text/plain", "bad request", "bad request"},
		{"JSON without error member", 400, "application/json", `{"message":"nope"}`, `{"message":"nope"}`},
		{"long body is cut", 503, "text/plain", long, long[:excerptLen]},
		{"200 not JSON", 200, "text/plain", "token=abc", ""},
		{"200 JSON missing members", 200, "application/json", `{"access_token":"secret-token"}`, ""},
		{"200 JSON wrong type", 200, "application/json", `{"access_token":"secret-token","issued_token_type":"urn:x","token_type":"Bearer","expires_in":"60"}`, ""},
		{"201", 201, "application/json", `{}`, "{}"},
		{"redirect not followed", 307, "text/plain", "moved", "moved"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sts := newFakeSTS(t, func(w http.ResponseWriter, r *http.Request, n int) {
				if n > 1 {
					t.Error("redirect followed")
				}
				w.Header().Set("Content-Type", tc.ctype)
				if tc.status == 307 {
					w.Header().Set("Location", "/token2")
				}
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			})
			_, err := sts.client(nil).Exchange(t.Context(), minimalRequest())
			var re *ResponseError
			if !errors.As(err, &re) {
				t.Fatalf("got %v (%T), want *ResponseError", err, err)
			}
			if re.Status != tc.status || re.Body != tc.wantBody || re.ContentType != tc.ctype || re.Err == nil {
				t.Errorf("got %+v, want status %d body %q", re, tc.status, tc.wantBody)
			}
			if strings.Contains(err.Error(), "secret-token") || strings.Contains(err.Error(), "abc") {
				t.Errorf("error leaks the 200 body: %v", err)
			}
		})
	}
}

func TestExchangeBodyTooLarge(t *testing.T) {
	sts := newFakeSTS(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"` + strings.Repeat("a", maxBody) + `"}`))
	})
	_, err := sts.client(nil).Exchange(t.Context(), minimalRequest())
	var re *ResponseError
	if !errors.As(err, &re) || re.Status != 200 || re.Body != "" {
		t.Errorf("got %v", err)
	}
}

func TestExchangeContext(t *testing.T) {
	release := make(chan struct{})
	sts := newFakeSTS(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)

	t.Run("deadline", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		_, err := sts.client(nil).Exchange(ctx, minimalRequest())
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("got %v, want DeadlineExceeded", err)
		}
	})
	t.Run("cancel", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, err := sts.client(nil).Exchange(ctx, minimalRequest())
		if !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, want Canceled", err)
		}
	})
}

func TestClientSecretBasic(t *testing.T) {
	sts := newFakeSTS(t, issue(60))
	auth := &ClientSecretBasic{ClientID: "client:1", Secret: testSecret}
	if _, err := sts.client(auth).Exchange(t.Context(), minimalRequest()); err != nil {
		t.Fatal(err)
	}
	r := &http.Request{Header: sts.hdrs[0]}
	id, secret, ok := r.BasicAuth()
	if !ok || id != url.QueryEscape("client:1") || secret != url.QueryEscape(testSecret) {
		t.Errorf("Basic %q %q %v", id, secret, ok)
	}
	if uid, _ := url.QueryUnescape(id); uid != "client:1" {
		t.Errorf("client_id %q", uid)
	}
	if sts.forms[0].Has("client_secret") || sts.forms[0].Has("client_id") {
		t.Error("credentials also in the body (two methods in one request)")
	}
	checkRedacted(t, auth)
}

func TestClientSecretPost(t *testing.T) {
	sts := newFakeSTS(t, issue(60))
	auth := &ClientSecretPost{ClientID: "client-1", Secret: testSecret}
	if _, err := sts.client(auth).Exchange(t.Context(), minimalRequest()); err != nil {
		t.Fatal(err)
	}
	f := sts.forms[0]
	if f.Get("client_id") != "client-1" || f.Get("client_secret") != testSecret || sts.hdrs[0].Get("Authorization") != "" {
		t.Errorf("form %v", f)
	}
	checkRedacted(t, auth)
}

func checkRedacted(t *testing.T, auth any) {
	t.Helper()
	b, _ := json.Marshal(auth)
	for _, s := range []string{fmt.Sprint(auth), fmt.Sprintf("%v %+v %#v %s", auth, auth, auth, auth), string(b)} {
		if strings.Contains(s, testSecret) {
			t.Errorf("secret printed: %s", s)
		}
	}
	for _, empty := range []ClientAuth{&ClientSecretBasic{Secret: testSecret}, &ClientSecretPost{Secret: testSecret}} {
		err := empty.Authenticate(t.Context(), httptest.NewRequest("POST", "/", nil), url.Values{})
		if err == nil || strings.Contains(err.Error(), testSecret) {
			t.Errorf("missing client_id: %v", err)
		}
	}
}

func TestPrivateKeyJWT(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	const clientID, issuer = "https://client.example.com", "https://sts.example.com"
	now := time.Unix(1_800_000_000, 0)
	clock := func() time.Time { return now }
	auth := &PrivateKeyJWT{ClientID: clientID, Audience: issuer, Signer: &jwtgrant.Signer{Key: key}, Now: clock}
	verifier := &jwtgrant.Verifier{
		Issuer: issuer,
		Keys:   jwtgrant.StaticKeys{clientID: {{Public: key.Public()}}},
		Policy: wimse.Policy{Now: clock},
		Replay: wimse.NewMemoryReplayCache(100),
	}
	sts := newFakeSTS(t, func(w http.ResponseWriter, r *http.Request, n int) {
		f := r.PostForm
		if f.Get("client_assertion_type") != oauth.ClientAssertionTypeJWTBearer || f.Get("client_id") != clientID {
			t.Errorf("form %v", f)
		}
		if _, err := verifier.VerifyClientAssertion(r.Context(), f.Get("client_assertion"), clientID); err != nil {
			(&Error{Code: oauth.ErrorInvalidClient, Err: err}).Write(w, r)
			return
		}
		issue(60)(w, r, n)
	})
	c := sts.client(auth)
	for range 2 { // the second would be a replay if jti were reused
		if _, err := c.Exchange(t.Context(), minimalRequest()); err != nil {
			t.Fatal(err)
		}
	}
	if a, b := sts.forms[0].Get("client_assertion"), sts.forms[1].Get("client_assertion"); a == b {
		t.Error("client assertion reused")
	}
	if err := (&PrivateKeyJWT{ClientID: clientID}).Authenticate(t.Context(), nil, url.Values{}); err == nil {
		t.Error("accepted without Signer and Audience")
	}
}

func TestJWTSPIFFE(t *testing.T) {
	sts := newFakeSTS(t, issue(60))
	var gotAud string
	auth := &JWTSPIFFE{ClientID: "spiffe://example.org/client", Audience: "https://sts.example.com", SVID: func(_ context.Context, aud string) (string, error) {
		gotAud = aud
		return "svid.jwt.sig", nil
	}}
	if _, err := sts.client(auth).Exchange(t.Context(), minimalRequest()); err != nil {
		t.Fatal(err)
	}
	f := sts.forms[0]
	if f.Get("client_assertion_type") != oauth.ClientAssertionTypeJWTSPIFFE || f.Get("client_assertion") != "svid.jwt.sig" ||
		f.Get("client_id") != "spiffe://example.org/client" || gotAud != "https://sts.example.com" {
		t.Errorf("form %v, aud %q", f, gotAud)
	}

	boom := errors.New("workload API unavailable")
	auth.SVID = func(context.Context, string) (string, error) { return "", boom }
	if _, err := sts.client(auth).Exchange(t.Context(), minimalRequest()); !errors.Is(err, boom) {
		t.Errorf("got %v", err)
	}
	if sts.calls() != 1 {
		t.Error("sent without client authentication")
	}
}

func TestExchangeDPoPNonceRetry(t *testing.T) {
	var proofs []string
	sts := newFakeSTS(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.Header.Get("DPoP") != "proof-nonce-n1" {
			w.Header().Set("DPoP-Nonce", "n1")
			(&Error{Code: oauth.ErrorUseDPoPNonce}).Write(w, r)
			return
		}
		issue(60)(w, r, n)
	})
	c := sts.client(nil)
	c.DPoP = func(_ context.Context, htm, htu, _, nonce string) (string, error) {
		if htm != "POST" || htu != c.TokenURL {
			t.Errorf("htm %s htu %s", htm, htu)
		}
		p := "proof-nonce-" + nonce
		proofs = append(proofs, p)
		return p, nil
	}
	if _, err := c.Exchange(t.Context(), minimalRequest()); err != nil {
		t.Fatal(err)
	}
	if len(proofs) != 2 || sts.calls() != 2 {
		t.Errorf("proofs %v, calls %d", proofs, sts.calls())
	}

	// A server that keeps asking gets one retry only.
	stubborn := newFakeSTS(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("DPoP-Nonce", "again")
		(&Error{Code: oauth.ErrorUseDPoPNonce}).Write(w, r)
	})
	c2 := stubborn.client(nil)
	c2.DPoP = func(context.Context, string, string, string, string) (string, error) { return "p", nil }
	_, err := c2.Exchange(t.Context(), minimalRequest())
	var e *Error
	if !errors.As(err, &e) || e.Code != oauth.ErrorUseDPoPNonce || e.DPoPNonce() != "again" || stubborn.calls() != 2 {
		t.Errorf("got %v after %d calls", err, stubborn.calls())
	}
}

func TestExchangeNoTokenURL(t *testing.T) {
	if _, err := (&Client{}).Exchange(t.Context(), minimalRequest()); err == nil {
		t.Error("accepted an empty TokenURL")
	}
}
