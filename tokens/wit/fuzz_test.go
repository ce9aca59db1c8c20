package wit_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/wimse"
)

// FuzzVerifyWIT feeds arbitrary strings to Verify. It must never panic; a
// rejection must be a *wimse.Error with a known wit.* reason that does not
// quote the token; an acceptance must return a consistent token.
func FuzzVerifyWIT(f *testing.F) {
	const at = 1745508910 + 60 // inside the published example's lifetime
	published := readFile(f, "testdata/creds-02-example.wit")

	fx := baseWIT(f)
	fx.claims["iat"] = int64(1745508910)
	fx.claims["exp"] = int64(1745512510)
	generated := fx.token(f)

	store := exampleStore(f)
	june5, _ := store.Anchors(wimse.MustParseTrustDomain("example.com"))
	june5.Keys = append(june5.Keys, fx.anchors["example.com"].Keys...)
	store.Set(wimse.MustParseTrustDomain("example.com"), june5)
	v := &wit.Verifier{Trust: store, Policy: wimse.Policy{Now: func() time.Time { return time.Unix(at, 0) }}}
	for _, raw := range []string{published, generated} {
		if _, err := v.Verify(raw); err != nil {
			f.Fatalf("seed does not verify: %v", err)
		}
	}

	for _, raw := range []string{published, generated} {
		f.Add(raw)
		f.Add(raw[:len(raw)-1])
		f.Add(raw + "=")
		f.Add(raw + ".")
		f.Add(" " + raw)
		f.Add(strings.Replace(raw, ".", "..", 1))
		f.Add(strings.ToUpper(raw))
		f.Add(segment(raw, 0) + "." + segment(raw, 1) + ".")
	}
	for _, mutate := range []func(testing.TB, *witFixture){
		setHeader("alg", "none"),
		setHeader("typ", "JWT"),
		setHeader("crit", []string{"exp"}),
		setClaim("sub", "wimse://example.com/a/../b"),
		setClaim("cnf", map[string]any{"jwk": map[string]any{"kty": "oct", "k": "AAAA"}}),
		setClaim("exp", rawJSON("1e400")),
		func(t testing.TB, f *witFixture) {
			f.headerJSON = []byte(`{"alg":"ES256","kid":"k1","typ":"wit+jwt","typ":"JWT"}`)
		},
		func(t testing.TB, f *witFixture) {
			f.claims["deep"] = rawJSON(strings.Repeat(`{"a":`, 40) + "1" + strings.Repeat("}", 40))
		},
	} {
		m := baseWIT(f)
		m.claims["iat"], m.claims["exp"] = int64(1745508910), int64(1745512510)
		mutate(f, m)
		f.Add(m.token(f))
	}
	f.Add("")
	f.Add("..")
	f.Add("e30.e30.AA")

	f.Fuzz(func(t *testing.T, raw string) {
		tok, err := v.Verify(raw)
		if err != nil {
			var e *wimse.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T) is not a *wimse.Error", err, err)
			}
			if !e.Reason.Known() || !strings.HasPrefix(string(e.Reason), "wit.") {
				t.Fatalf("reason %q is not a known wit.* reason (err: %v)", e.Reason, err)
			}
			if len(raw) > 20 && strings.Contains(err.Error(), raw) {
				t.Fatalf("error text quotes the token: %v", err)
			}
			return
		}
		if tok == nil || tok.Raw != raw || tok.Hash != wit.Hash(raw) || tok.Subject.IsZero() ||
			tok.Confirmation.Key == nil || tok.Confirmation.Alg == "" || tok.Expiry.IsZero() {
			t.Fatalf("accepted %q with an inconsistent token %+v", raw, tok)
		}
	})
}
