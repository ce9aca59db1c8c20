package httpsig_test

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"io"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/internal/mutant"
	"github.com/wimse-wg/wimse/profiles/httpsig"
	"github.com/wimse-wg/wimse/profiles/httpsig/rfc9421"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/wimse"
)

const examples = "rfc9421/testdata/"

// readRequest reads a raw request file of the examples.
func readRequest(t *testing.T, name string) (*http.Request, []byte) {
	t.Helper()
	raw, err := os.ReadFile(examples + name)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte("\r\n")) {
		raw = bytes.ReplaceAll(raw, []byte("\n"), []byte("\r\n"))
	}
	r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(r.Body)
	return r, body
}

func readResponse(t *testing.T, name string, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	raw, err := os.ReadFile(examples + name)
	if err != nil {
		t.Fatal(err)
	}
	// Field lines get CRLF; the body stays byte for byte (the drafts hash
	// bodies that end with LF: -07 §3.7, -06's examples).
	head, body, _ := bytes.Cut(raw, []byte("\n\n"))
	head = bytes.ReplaceAll(head, []byte("\n"), []byte("\r\n"))
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(append(head, "\r\n\r\n"...))), req)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// pretrusted verifies WITs whose issuer key the drafts do not publish: the
// WIT signature check is the one check disabled (the self-test's
// wit.signature mutant); every other WIT rule and the whole HTTP signature
// profile apply.
func pretrusted(at int64) *wit.Verifier {
	store := wimse.NewTrustStore()
	store.Set(wimse.MustParseTrustDomain("example.com"), wimse.Anchors{Keys: []wimse.IssuerKey{{KeyID: "issuer-key", Public: ed25519.PublicKey(make([]byte, 32))}}})
	policy := wimse.Policy{Now: func() time.Time { return time.Unix(at, 0) }}
	mutant.Put(&policy, mutant.New(string(wimse.ReasonWITSignature)))
	return &wit.Verifier{Trust: store, Policy: policy}
}

// TestPublishedExamples plays the http-signature-07 (§3.7, Figures 2, 4, 6
// and 7) and -06 examples through the profile: requests through
// Verifier.Verify, responses through VerifyResponse with the request's nonce.
func TestPublishedExamples(t *testing.T) {
	for _, tc := range []struct {
		name, req, resp, aud string
		at                   int64
		rev                  wimse.Revision
	}{
		{"07 fig2+fig4", "wimse-07-fig2.http", "wimse-07-fig4.http", "https://svcb.example.com/gimme-ice-cream", 1789405200, wimse.RevisionHTTPSig07},
		{"07 fig6+fig7", "wimse-07-fig6.http", "wimse-07-fig7.http", "https://svcc.example.com/inventory/cones", 1789405200, wimse.RevisionHTTPSig07},
		{"06 request+response", "wimse-06-request.http", "wimse-06-response.http", "https://svcb.example.com/gimme-ice-cream", 1785155900, wimse.RevisionHTTPSig06},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, body := readRequest(t, tc.req)
			pt := pretrusted(tc.at)
			v := &httpsig.Verifier{Trust: pt.Trust, Policy: pt.Policy, Replay: wimse.NewMemoryReplayCache(0),
				Audience: func(*http.Request) (string, error) { return tc.aud, nil }}
			peer, err := v.Verify(r, body)
			if err != nil {
				t.Fatalf("request: %v", err)
			}
			if peer.Revision != tc.rev || !peer.SignResponse {
				t.Errorf("peer %+v: want revision %s and wimse-sign-response", peer, tc.rev)
			}
			resp, rbody := readResponse(t, tc.resp, r)
			_, err = httpsig.VerifyResponse(resp.StatusCode, resp.Header, rbody, httpsig.ResponseCheck{
				WIT: pretrusted(tc.at), Request: rfc9421.FromRequest(r, "https"), Nonce: peer.Nonce, Required: true, Revision: tc.rev,
			})
			if err != nil {
				t.Fatalf("response: %v", err)
			}
			// A replay of the request is refused (R9).
			r2, body2 := readRequest(t, tc.req)
			if _, err := v.Verify(r2, body2); wimse.ReasonOf(err) != wimse.ReasonHTTPSigReplayed {
				t.Errorf("replay: %v, want %s", err, wimse.ReasonHTTPSigReplayed)
			}
		})
	}
}
