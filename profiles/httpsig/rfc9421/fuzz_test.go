package rfc9421_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/wimse-wg/wimse/profiles/httpsig/rfc9421"
)

// FuzzParseSignatures feeds arbitrary Signature-Input and Signature values
// (a newline separates field lines). Parsing must never panic; whatever
// parses must re-serialise to the same signature params, survive
// AddSignature and a second parse, and yield a base or an error.
func FuzzParseSignatures(f *testing.F) {
	f.Add(`sig1=("@method" "@path");created=1618884473;keyid="k"`, `sig1=:AQID:`)
	f.Add(`sig-b22=("@authority" "content-digest" "@query-param";name="Pet");created=1618884473;keyid="test-key-rsa-pss";tag="header-example"`, `sig-b22=:AQID:`)
	f.Add("a=();x=?0\nb=(\"@status\" \"content-digest\";req;key=\"sha-256\");y=1.5;z=tok;w=:AA==:;v=@1;u=%\"%c3%a9\"", "b=:AA==:, a=:AA==:;p")
	f.Add(`sig1=("a" "a"), sig2=("@foo";tr)`, "sig1=:AA==:\nsig2=:AA==:")
	f.Add(`sig1=("@method");created="1"`, `sig1=:AA==:`)
	f.Add(`sig1=(`, `sig1=:`)
	msg := rfc9421.Message{
		Method: "POST", Scheme: "https", Authority: "example.com", Path: "/foo", RawQuery: "a=1&Pet=dog",
		Header: http.Header{"Content-Digest": {"sha-256=:AA==:"}, "A": {"1", "2"}},
	}
	f.Fuzz(func(t *testing.T, input, signature string) {
		h := http.Header{
			"Signature-Input": strings.Split(input, "\n"),
			"Signature":       strings.Split(signature, "\n"),
		}
		sigs, err := rfc9421.ParseSignatures(h)
		if err != nil {
			return
		}
		for _, s := range sigs {
			sp, err := rfc9421.SignatureParams(s.Components, s.Params)
			if err != nil {
				t.Fatalf("SignatureParams of a parsed signature: %v", err)
			}
			if sp != s.SignatureParams {
				t.Fatalf("re-serialised %q, parsed %q", sp, s.SignatureParams)
			}
			h2 := http.Header{}
			if err := rfc9421.AddSignature(h2, s.Label, s.SignatureParams, s.Value); err != nil {
				t.Fatalf("AddSignature(%q): %v", s.Label, err)
			}
			again, err := rfc9421.ParseSignatures(h2)
			if err != nil || len(again) != 1 || again[0].SignatureParams != s.SignatureParams || !bytes.Equal(again[0].Value, s.Value) {
				t.Fatalf("round trip: %v %+v", err, again)
			}
			if base, err := s.Base(msg); err == nil {
				checkBase(t, base, len(s.Components), s.SignatureParams)
			}
		}
	})
}

// FuzzSignatureBase builds signature bases over arbitrary messages and
// component lists. It must never panic, and every base it returns must have
// one line per component plus the @signature-params line.
func FuzzSignatureBase(f *testing.F) {
	f.Add("POST", "example.com:443", "/foo", "param=Value&Pet=dog", "content-type", "application/json", 0,
		`("@method" "@authority" "@path" "@query" "@target-uri" "@request-target" "@scheme" "@query-param";name="Pet" "content-type" "content-type";bs)`)
	f.Add("GET", "EXAMPLE.org", "", "", "example-dict", " a=1,  b=(x y);p , c", 200,
		`("@status" "example-dict";key="b" "example-dict";sf "@method";req "@path";req "example-dict";req;key="c")`)
	f.Add("GET", "a", "/x", "a=1&a=2", "x", "a\r\n b", 0, `("@query-param";name="a" "x" "x";bs)`)
	f.Add("GET", "[::1]:8080", "/%zz", "%ff=%fe&+=+", "signature", "s=:AA==:", 503, `("signature";key="s" "@query-param";req;name="%EF%BF%BD")`)
	f.Fuzz(func(t *testing.T, method, authority, path, query, field, value string, status int, components string) {
		req := rfc9421.Message{
			Method: method, Scheme: "https", Authority: authority, Path: path, RawQuery: query,
			Header: http.Header{http.CanonicalHeaderKey(field): strings.Split(value, "\x00")},
			Types:  map[string]rfc9421.FieldType{field: rfc9421.FieldDictionary},
		}
		m := req
		if status != 0 {
			m = rfc9421.FromResponse(status, req.Header, req)
		}
		sigs, err := rfc9421.ParseSignatures(http.Header{
			"Signature-Input": {"s=" + components + ";created=1"},
			"Signature":       {"s=:AA==:"},
		})
		if err != nil || len(sigs) != 1 {
			return
		}
		base, err := sigs[0].Base(m)
		if err != nil {
			return
		}
		checkBase(t, base, len(sigs[0].Components), sigs[0].SignatureParams)
	})
}

// checkBase checks the line structure of a signature base (RFC 9421 §2.5).
func checkBase(t *testing.T, base []byte, n int, params string) {
	t.Helper()
	lines := strings.Split(string(base), "\n")
	if len(lines) != n+1 {
		t.Fatalf("base has %d lines for %d components:\n%s", len(lines), n, base)
	}
	if lines[n] != `"@signature-params": `+params {
		t.Fatalf("last line %q", lines[n])
	}
	if bytes.ContainsAny(base, "\r\x00") {
		t.Fatalf("control character in base %q", base)
	}
	for _, l := range lines[:n] {
		if !strings.HasPrefix(l, `"`) || !strings.Contains(l, ": ") {
			t.Fatalf("malformed line %q", l)
		}
	}
}
