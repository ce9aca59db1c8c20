package httpsig_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/profiles/httpsig"
	"github.com/wimse-wg/wimse/profiles/httpsig/rfc9421"
	"github.com/wimse-wg/wimse/wimse"
)

// countingBody is a request body that counts the reads made of it.
type countingBody struct {
	r     io.Reader
	reads int
}

func (b *countingBody) Read(p []byte) (int, error) {
	b.reads++
	return b.r.Read(p)
}

func (b *countingBody) Close() error { return nil }

const base = "https://svc.example"

// signedPost is a POST of body to base/path signed by s (Content-Digest
// included), its body replaced by a countingBody of the same bytes that
// announces its length, as a server sees it.
func signedPost(t *testing.T, s *httpsig.Signer, path string, body []byte, mods ...func(*http.Request)) (*http.Request, *countingBody) {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, base+path, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	if _, err := s.SignRequest(r, body, httpsig.RequestOptions{Audience: base + path}); err != nil {
		t.Fatal(err)
	}
	for _, m := range mods {
		m(r)
	}
	cb := &countingBody{r: bytes.NewReader(body)}
	r.Body, r.ContentLength = cb, int64(len(body))
	return r, cb
}

// TestMiddlewareJudgesCredentialBeforeBody: a request whose credentials do
// not verify is refused without reading a byte of its body (issue 9 item
// 3; -07 §3.3: nothing is processed before the WIT and the signature are
// validated). The signature base covers the Content-Digest field, not the
// content, so everything but R5 is judged from the header alone.
func TestMiddlewareJudgesCredentialBeforeBody(t *testing.T) {
	p := newPeers(t)
	body := []byte(`{"item":1}`)
	for _, tc := range []struct {
		name string
		req  func(t *testing.T) (*http.Request, *countingBody)
		want wimse.Reason
	}{
		{"WIT of an untrusted trust domain", func(t *testing.T) (*http.Request, *countingBody) {
			return signedPost(t, p.stranger, "/a", body)
		}, wimse.ReasonWITTrustDomain},
		{"no WIT", func(t *testing.T) (*http.Request, *countingBody) {
			return signedPost(t, p.client, "/a", body, func(r *http.Request) { r.Header.Del(httpsig.HeaderWIT) })
		}, wimse.ReasonWITMissing},
		{"signature over another path", func(t *testing.T) (*http.Request, *countingBody) {
			return signedPost(t, p.client, "/a", body, func(r *http.Request) { r.URL.Path, r.RequestURI = "/b", "/b" })
		}, wimse.ReasonHTTPSigSignature},
		{"Content-Digest field changed after signing", func(t *testing.T) (*http.Request, *countingBody) {
			return signedPost(t, p.client, "/a", body, func(r *http.Request) {
				r.Header.Set("Content-Digest", "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:")
			})
		}, wimse.ReasonHTTPSigSignature},
		{"Content-Digest added after signing (not covered)", func(t *testing.T) (*http.Request, *countingBody) {
			r := httptest.NewRequest(http.MethodPost, base+"/a", nil)
			if _, err := p.client.SignRequest(r, nil, httpsig.RequestOptions{Audience: base + "/a"}); err != nil {
				t.Fatal(err)
			}
			r.Header.Set("Content-Digest", rfc9421.ContentDigest(body, "sha-256"))
			cb := &countingBody{r: bytes.NewReader(body)}
			r.Body, r.ContentLength = cb, int64(len(body))
			return r, cb
		}, wimse.ReasonHTTPSigComponentMissing},
		{"wimse-aud of another receiver", func(t *testing.T) (*http.Request, *countingBody) {
			r := httptest.NewRequest(http.MethodPost, base+"/a", bytes.NewReader(body))
			if _, err := p.client.SignRequest(r, body, httpsig.RequestOptions{Audience: "https://other.example/a"}); err != nil {
				t.Fatal(err)
			}
			cb := &countingBody{r: bytes.NewReader(body)}
			r.Body, r.ContentLength = cb, int64(len(body))
			return r, cb
		}, wimse.ReasonHTTPSigAudMismatch},
		{"expired signature", func(t *testing.T) (*http.Request, *countingBody) {
			old := *p.client
			old.Now = func() time.Time { return p.now.Add(-time.Hour) }
			return signedPost(t, &old, "/a", body)
		}, wimse.ReasonHTTPSigExpired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, cb := tc.req(t)
			rec := httptest.NewRecorder()
			p.verifier(base).Middleware(nil, false, nil)(echoPeer).ServeHTTP(rec, r)
			if rec.Code != http.StatusBadRequest || problemReason(t, rec.Body.Bytes()) != tc.want {
				t.Errorf("got %d %s, want 400 %s", rec.Code, rec.Body, tc.want)
			}
			if cb.reads != 0 {
				t.Errorf("the body was read %d times before the credentials were judged; want 0", cb.reads)
			}
		})
	}
	t.Run("replayed nonce", func(t *testing.T) {
		v := p.verifier(base)
		h := v.Middleware(nil, false, nil)(echoPeer)
		r, _ := signedPost(t, p.client, "/a", body)
		replay := r.Clone(r.Context())
		h.ServeHTTP(httptest.NewRecorder(), r)
		cb := &countingBody{r: bytes.NewReader(body)}
		replay.Body = cb
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, replay)
		if rec.Code != http.StatusBadRequest || problemReason(t, rec.Body.Bytes()) != wimse.ReasonHTTPSigReplayed {
			t.Errorf("got %d %s, want 400 %s", rec.Code, rec.Body, wimse.ReasonHTTPSigReplayed)
		}
		if cb.reads != 0 {
			t.Errorf("the replay's body was read %d times; want 0", cb.reads)
		}
	})
	t.Run("verified: the handler sees the body, Content-Digest checked", func(t *testing.T) {
		r, _ := signedPost(t, p.client, "/a", body)
		rec := httptest.NewRecorder()
		p.verifier(base).Middleware(nil, false, nil)(echoPeer).ServeHTTP(rec, r)
		if want := clientID.String() + " " + string(body); rec.Code != http.StatusOK || rec.Body.String() != want {
			t.Errorf("got %d %q, want 200 %q", rec.Code, rec.Body, want)
		}
		r, _ = signedPost(t, p.client, "/a", body)
		r.Body = io.NopCloser(bytes.NewReader([]byte(`{"item":2}`)))
		rec = httptest.NewRecorder()
		p.verifier(base).Middleware(nil, false, nil)(echoPeer).ServeHTTP(rec, r)
		if rec.Code != http.StatusBadRequest || problemReason(t, rec.Body.Bytes()) != wimse.ReasonHTTPSigDigestMismatch {
			t.Errorf("got %d %s, want 400 %s", rec.Code, rec.Body, wimse.ReasonHTTPSigDigestMismatch)
		}
	})
}

// chunked makes r's body of unknown length, as a chunked request is.
func chunked(r *http.Request) { r.ContentLength = -1 }

// TestMiddlewareBodyLimit: a verified request's body is read up to
// Verifier.MaxBody bytes; a larger one is refused with 413
// request.body_too_large, without reading it when its length is announced
// and after at most MaxBody+1 bytes when it is not.
func TestMiddlewareBodyLimit(t *testing.T) {
	p := newPeers(t)
	const limit = 16
	for _, tc := range []struct {
		name      string
		body      []byte
		mods      []func(*http.Request)
		want      int
		reason    wimse.Reason
		maxReads  int // -1: any
		handlerIn string
	}{
		{"at the limit", bytes.Repeat([]byte("a"), limit), nil, 200, "", -1, string(bytes.Repeat([]byte("a"), limit))},
		{"at the limit, chunked", bytes.Repeat([]byte("a"), limit), []func(*http.Request){chunked}, 200, "", -1, string(bytes.Repeat([]byte("a"), limit))},
		{"one byte over, announced", bytes.Repeat([]byte("a"), limit+1), nil, 413, wimse.ReasonRequestBodyTooLarge, 0, ""},
		{"one byte over, chunked", bytes.Repeat([]byte("a"), limit+1), []func(*http.Request){chunked}, 413, wimse.ReasonRequestBodyTooLarge, -1, ""},
		{"no body", nil, nil, 200, "", -1, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, cb := signedPost(t, p.client, "/a", tc.body)
			for _, m := range tc.mods {
				m(r)
			}
			v := p.verifier(base)
			v.MaxBody = limit
			rec := httptest.NewRecorder()
			v.Middleware(nil, false, nil)(echoPeer).ServeHTTP(rec, r)
			if rec.Code != tc.want {
				t.Fatalf("status %d, want %d (%s)", rec.Code, tc.want, rec.Body)
			}
			if tc.reason != "" {
				if got := problemReason(t, rec.Body.Bytes()); got != tc.reason {
					t.Errorf("reason %q, want %q", got, tc.reason)
				}
			} else if want := clientID.String() + " " + tc.handlerIn; rec.Body.String() != want {
				t.Errorf("the handler saw %q, want %q", rec.Body, want)
			}
			if tc.maxReads >= 0 && cb.reads > tc.maxReads {
				t.Errorf("the body was read %d times, want at most %d", cb.reads, tc.maxReads)
			}
		})
	}
	t.Run("default limit", func(t *testing.T) {
		r, cb := signedPost(t, p.client, "/a", []byte("x"))
		r.ContentLength = httpsig.DefaultMaxBody + 1
		rec := httptest.NewRecorder()
		p.verifier(base).Middleware(nil, false, nil)(echoPeer).ServeHTTP(rec, r)
		if rec.Code != http.StatusRequestEntityTooLarge || cb.reads != 0 {
			t.Errorf("status %d after %d reads, want 413 after none", rec.Code, cb.reads)
		}
	})
}
