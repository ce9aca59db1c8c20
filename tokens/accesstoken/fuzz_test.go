package accesstoken_test

import (
	"strings"
	"testing"

	"github.com/wimse-wg/wimse/wimse"
)

// FuzzVerifyAccessToken feeds arbitrary strings to Verify. It must never
// panic; a rejection must carry a known reason of this token's families
// and never quote the token; an acceptance must be consistent.
func FuzzVerifyAccessToken(f *testing.F) {
	good := base(f)
	good.claims["act"] = map[string]any{"sub": "a", "act": map[string]any{"sub": "b"}}
	good.claims["cnf"] = map[string]any{"jkt": "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I"}
	seeds := []string{base(f).token(f), good.token(f)}
	for _, m := range []mutator{setHeader("typ", "JWT"), setHeader("alg", "none"), setClaim("scope", "a  b"),
		setClaim("act", map[string]any{"sub": "a", "exp": 1}), setClaim("aud", []any{1})} {
		fx := base(f)
		m(f, fx)
		seeds = append(seeds, fx.token(f))
	}
	for _, s := range seeds {
		f.Add(s)
		f.Add(s[:len(s)-2])
		f.Add(strings.Replace(s, ".", "..", 1))
	}
	v := verifier(f)
	families := []string{"accesstoken.", "act.", "may_act.", "scope.", "cnf."}
	f.Fuzz(func(t *testing.T, raw string) {
		tok, err := v.Verify(raw, nil)
		if err != nil {
			r := wimse.ReasonOf(err)
			ok := r.Known()
			if ok {
				ok = false
				for _, p := range families {
					ok = ok || strings.HasPrefix(string(r), p)
				}
			}
			if !ok {
				t.Fatalf("reason %q (%v)", r, err)
			}
			if len(raw) > 20 && strings.Contains(err.Error(), raw) {
				t.Fatal("error quotes the token")
			}
			return
		}
		if tok.Raw != raw || tok.Subject == "" || tok.ClientID == "" || len(tok.Audience) == 0 || !tok.Confirmation.IsZero() {
			t.Fatalf("inconsistent token %+v", tok)
		}
	})
}
