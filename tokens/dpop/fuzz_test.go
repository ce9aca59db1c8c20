package dpop_test

import (
	"strings"
	"testing"

	"github.com/wimse-wg/wimse/tokens/dpop"
	"github.com/wimse-wg/wimse/wimse"
)

// FuzzParseProof: Verify never panics and rejects only with a known dpop.*
// reason; what it accepts has a thumbprint and the request's method.
func FuzzParseProof(f *testing.F) {
	f.Add(rfcProof)
	f.Add(baseline(f, ecKey(f), "ES256").sign(f))
	f.Add("a.b.c")
	f.Add("eyJ0eXAiOiJkcG9wK2p3dCJ9.e30.AA")
	f.Fuzz(func(t *testing.T, raw string) {
		v := &dpop.Verifier{Now: clock(now)}
		p, err := v.Verify(raw, "POST", tokenURL, "")
		if err != nil {
			if r := wimse.ReasonOf(err); !strings.HasPrefix(string(r), "dpop.") || !r.Known() {
				t.Fatalf("reason %q: %v", r, err)
			}
			return
		}
		if p.JKT == "" || p.Method != "POST" || p.Key == nil {
			t.Fatalf("accepted %+v", p)
		}
	})
}

// FuzzParseHTU: NormalizeHTU never panics and is idempotent.
func FuzzParseHTU(f *testing.F) {
	for _, s := range []string{"https://h.example/a/./b/../%7e", "http://[::1]:80", "https://h/%2", "HTTPS://H:443"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := dpop.NormalizeHTU(s)
		if err != nil {
			return
		}
		again, err := dpop.NormalizeHTU(n)
		if err != nil || again != n {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", s, n, again, err)
		}
	})
}

// FuzzParseHeader: FromHeader never panics.
func FuzzParseHeader(f *testing.F) {
	f.Add("a.b.c", "")
	f.Fuzz(func(t *testing.T, a, b string) {
		h := map[string][]string{"Dpop": {a}}
		if b != "" {
			h["Dpop"] = append(h["Dpop"], b)
		}
		if _, err := dpop.FromHeader(h); err != nil && !wimse.ReasonOf(err).Known() {
			t.Fatal(err)
		}
	})
}
