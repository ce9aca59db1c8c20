package vectors_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/profiles/httpsig"
	"github.com/wimse-wg/wimse/profiles/httpwpt"
	"github.com/wimse-wg/wimse/vectors"
	"github.com/wimse-wg/wimse/wimse"
)

// TestForeignOriginCatchesHostDerivedAudience materialises the vectors
// whose audience names a foreign host the way the runner does, for a
// target that differs from the frozen one in scheme and path
// (http://127.0.0.1:8080/api/v1): a receiver that derives its audience from
// Host must accept each of them (so the vector, which expects a rejection,
// catches it), and a receiver configured with its own audience must reject
// it with the vector's reason.
func TestForeignOriginCatchesHostDerivedAudience(t *testing.T) {
	s := loadSet(t)
	keys, err := vectors.DeriveKeys(vectors.DefaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	const base = "http://127.0.0.1:8080"
	now := time.Unix(vectors.FrozenNow, 0)
	fromHost := func(r *http.Request) (string, error) { return "http://" + r.Host + r.URL.EscapedPath(), nil }
	for _, tc := range []struct{ id, draft string }{
		{"wpt-aud-host-evil", "wpt-02"}, {"wpt-aud-host-evil", "wpt-01"},
		{"sig07-aud-host-derived", vectors.Sig07}, {"sig06-aud-host-derived", vectors.Sig06},
	} {
		t.Run(tc.id+"/"+tc.draft, func(t *testing.T) {
			v := byID(t, s, tc.id)
			m, err := vectors.Materialize(v.Template, vectors.Env{
				Now: now, Base: base, Draft: tc.draft, Keys: keys,
				JTI:  func(tok string) string { return "jti-" + tok },
				Path: func(p string) string { return strings.Replace(p, "/path", "/api/v1", 1) },
			})
			if err != nil {
				t.Fatal(err)
			}
			read := func() (*http.Request, []byte) {
				t.Helper()
				req, err := httpwpt.ReadRequest([]byte(renderRaw(m.Request)))
				if err != nil {
					t.Fatal(err)
				}
				if req.Host != "evil.example" {
					t.Fatalf("Host %q, want evil.example", req.Host)
				}
				body, _ := io.ReadAll(req.Body)
				req.Body = io.NopCloser(bytes.NewReader(body))
				return req, body
			}
			verify := func(audience func(*http.Request) (string, error)) error {
				wv := newVerifier(t, v.Policy, keys, now, nil)
				req, body := read()
				if strings.HasPrefix(tc.draft, "http-signature-") {
					sv := &httpsig.Verifier{Trust: wv.Trust, Policy: wv.Policy, Audience: audience, Scheme: "http"}
					_, err := sv.Verify(req, body)
					return err
				}
				wv.Audience = audience
				_, err := wv.Verify(req)
				return err
			}
			if err := verify(fromHost); err != nil {
				t.Errorf("a receiver taking its audience from Host rejects %s (%v): the vector cannot catch it", tc.id, err)
			}
			err = verify(func(r *http.Request) (string, error) { return base + r.URL.EscapedPath(), nil })
			if got := string(wimse.ReasonOf(err)); got != v.Expect.Reason {
				t.Errorf("a receiver with its own audience: %v, want %s", err, v.Expect.Reason)
			}
		})
	}
}

func byID(t *testing.T, s *vectors.Set, id string) *vectors.Vector {
	t.Helper()
	for _, v := range s.Vectors() {
		if v.ID == id {
			return v
		}
	}
	t.Fatalf("no vector %s", id)
	return nil
}
