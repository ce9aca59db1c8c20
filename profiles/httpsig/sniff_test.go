package httpsig_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/wimse-wg/wimse/profiles/httpsig"
)

// TestSignedResponseSurvivesContentSniffing: the middleware signs what
// net/http actually sends (issue 9 item 6). A handler that sets no
// Content-Type gets the one net/http sniffs from the body, and the
// signature must cover it; where net/http does not sniff (Content-Encoding
// set, no body) nothing is added; a 304 loses its Content-Type on the wire
// (RFC 9110 §15.4.5; net/http's suppressedHeaders304); a HEAD response
// carries no content, so no Content-Digest over one. Real loopback round
// trips through httpsig.Transport, which verifies each signed response.
func TestSignedResponseSurvivesContentSniffing(t *testing.T) {
	p := newPeers(t)
	for _, tc := range []struct {
		name    string
		method  string
		handler http.HandlerFunc
		status  int
		ctype   []string // the Content-Type the client receives
	}{
		{"HTML body, no Content-Type", http.MethodGet, func(w http.ResponseWriter, _ *http.Request) {
			_, _ = io.WriteString(w, "<!DOCTYPE html><html><body>hello</body></html>")
		}, 200, []string{"text/html; charset=utf-8"}},
		{"text body, no Content-Type, 404", http.MethodGet, func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, "no ice cream today\n")
		}, 404, []string{"text/plain; charset=utf-8"}},
		{"binary body in two writes, no Content-Type", http.MethodPost, func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte{0x1f, 0x8b, 0x08})
			_, _ = w.Write([]byte{0, 0, 0, 0, 0, 0, 0xff})
		}, 200, []string{"application/x-gzip"}},
		{"Content-Encoding set: net/http does not sniff", http.MethodGet, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Encoding", "identity")
			_, _ = io.WriteString(w, "<html></html>")
		}, 200, nil},
		{"Content-Type key without a value: net/http does not sniff", http.MethodGet, func(w http.ResponseWriter, _ *http.Request) {
			w.Header()["Content-Type"] = nil
			_, _ = io.WriteString(w, "<html></html>")
		}, 200, nil},
		{"no body, no Content-Type", http.MethodGet, func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusAccepted)
		}, 202, nil},
		{"304 with a Content-Type (removed on the wire)", http.MethodGet, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotModified)
		}, 304, nil},
		{"204 with a body the handler tried to write", http.MethodGet, func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusNoContent)
			_, _ = io.WriteString(w, "ignored")
		}, 204, nil},
		{"HEAD: sniffed from what the handler wrote, no content sent", http.MethodHead, func(w http.ResponseWriter, _ *http.Request) {
			_, _ = io.WriteString(w, "<html></html>")
		}, 200, []string{"text/html; charset=utf-8"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(p.verifier("http://svc.example").Middleware(p.server, false, nil)(tc.handler))
			defer srv.Close()
			c := &http.Client{Transport: &httpsig.Transport{
				Signer:                p.client,
				RequireSignedResponse: true,
				Responses:             p.witVerifier(),
				Responder:             httpsig.AuthorizeID(serverID),
				Audience:              func(r *http.Request) string { return "http://svc.example" + r.URL.EscapedPath() },
			}}
			req, err := http.NewRequest(tc.method, srv.URL+"/a", nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatalf("the signed response was rejected: %v", err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.status)
			}
			if got := resp.Header.Values("Content-Type"); !slices.Equal(got, tc.ctype) {
				t.Errorf("Content-Type %q, want %q", got, tc.ctype)
			}
		})
	}
}
