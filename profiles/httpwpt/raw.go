package httpwpt

import (
	"bufio"
	"bytes"
	"net/http"

	"github.com/wimse-wg/wimse/wimse"
)

// MaxRawRequest bounds a raw request read by ReadRequest.
const MaxRawRequest = 1 << 20

// ReadRequest parses one raw HTTP/1.1 request message (request line, field
// lines, blank line, body), as `wimse token verify` reads it. A failure is a
// *wimse.Error with request.malformed.
func ReadRequest(raw []byte) (*http.Request, error) {
	if len(raw) > MaxRawRequest {
		return nil, wimse.Errorf(wimse.ReasonRequestMalformed, "httpwpt: request of %d bytes exceeds %d", len(raw), MaxRawRequest)
	}
	// Accept bare LF line endings, as files written by hand have them.
	if !bytes.Contains(raw, []byte("\r\n")) {
		raw = bytes.ReplaceAll(raw, []byte("\n"), []byte("\r\n"))
	}
	r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		// net/http's error quotes the offending line, which may hold a
		// credential: keep it out of the detail.
		return nil, &wimse.Error{Reason: wimse.ReasonRequestMalformed, Detail: "httpwpt: not an HTTP/1.1 request message"}
	}
	return r, nil
}
