package httpsig

import "net/http"

// asSent makes h what net/http will send with status in answer to r, and
// returns the content it will send, so that a response signature covers
// exactly what goes on the wire (issue 9 item 6). It follows net/http's
// own rules (server.go chunkWriter.writeHeader for HTTP/1.x, h2_bundle.go
// writeChunk for HTTP/2):
//
//   - a status that allows no content (1xx, 204, 304: RFC 9110 §6.4.1)
//     sends none, and over HTTP/1.x a 304 also loses its Content-Type
//     (net/http's suppressedHeaders304);
//   - otherwise, when the handler left no Content-Type key (a key with no
//     value counts as set), set no non-empty Content-Encoding nor, over
//     HTTP/1.x, Transfer-Encoding, and wrote a non-empty body, net/http adds
//     the Content-Type that http.DetectContentType sniffs from it: asSent
//     adds the same one, before signing;
//   - the answer to HEAD carries no content (net/http sniffs what the
//     handler wrote, then discards it), so Content-Digest covers none.
func asSent(h http.Header, status int, body []byte, r *http.Request) []byte {
	http2 := r.ProtoMajor == 2
	if !bodyAllowed(status) {
		if status == http.StatusNotModified && !http2 {
			delete(h, "Content-Type")
		}
		return nil
	}
	_, haveType := h["Content-Type"]
	hasCE := h.Get("Content-Encoding") != ""
	hasTE := !http2 && first(h, "Transfer-Encoding") != ""
	if !haveType && !hasCE && !hasTE && len(body) > 0 {
		h["Content-Type"] = []string{http.DetectContentType(body)}
	}
	if r.Method == http.MethodHead {
		return nil
	}
	return body
}

// bodyAllowed reports whether status permits content (net/http's
// bodyAllowedForStatus; RFC 9110 §6.4.1).
func bodyAllowed(status int) bool {
	return !(status >= 100 && status <= 199 || status == http.StatusNoContent || status == http.StatusNotModified)
}

// first is the first value under the canonical key k, without
// canonicalising k (net/http's Header.get).
func first(h http.Header, k string) string {
	if vs := h[k]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}
