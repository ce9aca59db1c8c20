package jose

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const okHeader = `{"alg":"ES256","kid":"k1","typ":"wit+jwt"}`

// compact builds a compact JWS from JSON text and a raw signature segment.
func compact(header, payload, sig string) string {
	return b64(header) + "." + b64(payload) + "." + sig
}

func TestParse(t *testing.T) {
	valid := compact(okHeader, `{"sub":"x"}`, "c2ln")
	tests := []struct {
		name    string
		raw     string
		max     int // 0 means 4096
		want    Code
		wantHdr Header // compared when want is 0 (Raw ignored)
	}{
		{name: "valid", raw: valid, wantHdr: Header{Alg: "ES256", Typ: "wit+jwt", Kid: "k1", HasTyp: true, HasKid: true}},
		{name: "no typ, no kid", raw: compact(`{"alg":"EdDSA"}`, `{}`, "AA"), wantHdr: Header{Alg: "EdDSA"}},
		{name: "empty typ and kid are present", raw: compact(`{"alg":"EdDSA","typ":"","kid":""}`, `{}`, "AA"),
			wantHdr: Header{Alg: "EdDSA", HasTyp: true, HasKid: true}},
		{name: "alg null reads as empty", raw: compact(`{"alg":null}`, `{}`, "AA"), wantHdr: Header{}},
		{name: "crit flagged", raw: compact(`{"alg":"ES256","crit":["b64"]}`, `{}`, "AA"), wantHdr: Header{Alg: "ES256", Crit: true}},
		{name: "jku flagged", raw: compact(`{"alg":"ES256","jku":"https://x"}`, `{}`, "AA"), wantHdr: Header{Alg: "ES256", KeyRef: "jku"}},
		{name: "x5c flagged", raw: compact(`{"alg":"ES256","x5c":[]}`, `{}`, "AA"), wantHdr: Header{Alg: "ES256", KeyRef: "x5c"}},
		{name: "jku reported before x5c", raw: compact(`{"x5c":[],"alg":"ES256","jku":"https://x"}`, `{}`, "AA"), wantHdr: Header{Alg: "ES256", KeyRef: "jku"}},
		{name: "x5t is not a key reference", raw: compact(`{"alg":"ES256","x5t":"AA"}`, `{}`, "AA"), wantHdr: Header{Alg: "ES256"}},
		{name: "b64 true", raw: compact(`{"alg":"ES256","b64":true}`, `{}`, "AA"), wantHdr: Header{Alg: "ES256"}},
		{name: "exactly max size", raw: valid, max: len(valid), wantHdr: Header{Alg: "ES256", Typ: "wit+jwt", Kid: "k1", HasTyp: true, HasKid: true}},

		{name: "one byte over max size", raw: valid, max: len(valid) - 1, want: CodeOversized},
		{name: "oversized garbage", raw: strings.Repeat("\x00", 11), max: 10, want: CodeOversized},
		{name: "empty", raw: "", want: CodeMalformed},
		{name: "no dot", raw: b64(okHeader), want: CodeMalformed},
		{name: "one dot", raw: b64(okHeader) + "." + b64("{}"), want: CodeMalformed},
		{name: "three dots", raw: valid + ".AA", want: CodeMalformed},
		{name: "two dots only", raw: "..", want: CodeMalformed},
		{name: "empty header", raw: "." + b64("{}") + ".AA", want: CodeMalformed},
		{name: "empty payload", raw: b64(okHeader) + "..AA", want: CodeMalformed},
		{name: "empty signature", raw: b64(okHeader) + "." + b64("{}") + ".", want: CodeMalformed},
		{name: "padding", raw: valid + "=", want: CodeMalformed},
		{name: "space", raw: valid[:10] + " " + valid[10:], want: CodeMalformed},
		{name: "newline", raw: valid + "\n", want: CodeMalformed},
		{name: "plus", raw: strings.Replace(valid, "c2ln", "c2+n", 1), want: CodeMalformed},
		{name: "slash", raw: strings.Replace(valid, "c2ln", "c2/n", 1), want: CodeMalformed},
		{name: "NUL byte", raw: valid[:5] + "\x00" + valid[6:], want: CodeMalformed},
		{name: "non-ASCII", raw: valid[:5] + "é" + valid[7:], want: CodeMalformed},
		{name: "segment length 1 mod 4", raw: "e30AA." + b64("{}") + ".AA", want: CodeMalformed},
		{name: "non-zero trailing bits", raw: "e31." + b64("{}") + ".AA", want: CodeMalformed},
		{name: "signature non-zero trailing bits", raw: compact(okHeader, "{}", "AB"), want: CodeMalformed},
		{name: "header not JSON", raw: compact(`alg=ES256`, `{}`, "AA"), want: CodeMalformed},
		{name: "header array", raw: compact(`[{"alg":"ES256"}]`, `{}`, "AA"), want: CodeMalformed},
		{name: "header string", raw: compact(`"ES256"`, `{}`, "AA"), want: CodeMalformed},
		{name: "header trailing object", raw: compact(`{"alg":"ES256"}{}`, `{}`, "AA"), want: CodeMalformed},
		{name: "header duplicate", raw: compact(`{"alg":"ES256","alg":"none"}`, `{}`, "AA"), want: CodeDuplicateMember},
		{name: "header duplicate via escape", raw: compact(`{"alg":"ES256","\u0061lg":"none"}`, `{}`, "AA"), want: CodeDuplicateMember},
		{name: "header invalid UTF-8", raw: compact("{\"alg\":\"ES256\",\"kid\":\"\xc3\"}", `{}`, "AA"), want: CodeMalformed},
		{name: "alg number", raw: compact(`{"alg":256}`, `{}`, "AA"), want: CodeAlg},
		{name: "typ array", raw: compact(`{"alg":"ES256","typ":["wit+jwt"]}`, `{}`, "AA"), want: CodeTyp},
		{name: "kid number", raw: compact(`{"alg":"ES256","kid":5}`, `{}`, "AA"), want: CodeMalformed},
		{name: "b64 false", raw: compact(`{"alg":"ES256","b64":false}`, `{}`, "AA"), want: CodeMalformed},
		{name: "b64 string", raw: compact(`{"alg":"ES256","b64":"true"}`, `{}`, "AA"), want: CodeMalformed},
		{name: "payload array", raw: compact(okHeader, `[]`, "AA"), want: CodeMalformed},
		{name: "payload not JSON", raw: compact(okHeader, `sub=x`, "AA"), want: CodeMalformed},
		{name: "payload duplicate", raw: compact(okHeader, `{"sub":"a","sub":"b"}`, "AA"), want: CodeDuplicateMember},
		{name: "payload nested duplicate", raw: compact(okHeader, `{"cnf":{"jwk":{"x":"a","x":"b"}}}`, "AA"), want: CodeDuplicateMember},
		{name: "payload invalid UTF-8", raw: compact(okHeader, "{\"sub\":\"\xff\"}", "AA"), want: CodeMalformed},
		{name: "payload nested too deeply", raw: compact(okHeader, `{"a":`+strings.Repeat("[", 40)+strings.Repeat("]", 40)+`}`, "AA"), want: CodeMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			max := tc.max
			if max == 0 {
				max = 4096
			}
			tok, err := Parse(tc.raw, max)
			checkCode(t, err, tc.want)
			if err != nil {
				if tok != nil {
					t.Errorf("Parse returned a token with an error")
				}
				return
			}
			if diff := cmp.Diff(tc.wantHdr, tok.Header, cmpopts.IgnoreFields(Header{}, "Raw")); diff != "" {
				t.Errorf("header (-want +got):\n%s", diff)
			}
		})
	}
}

// TestParseFields checks the parts of a parsed token.
func TestParseFields(t *testing.T) {
	raw := compact(okHeader, `{"sub":"x"}`, "c2ln")
	tok, err := Parse(raw, len(raw))
	if err != nil {
		t.Fatal(err)
	}
	got := []string{tok.Raw, string(tok.Header.Raw), string(tok.Payload), tok.SigningInput, string(tok.Signature)}
	want := []string{raw, okHeader, `{"sub":"x"}`, raw[:strings.LastIndexByte(raw, '.')], "sig"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("raw, header, payload, signing input, signature (-want +got):\n%s", diff)
	}
}

func TestCheckHeader(t *testing.T) {
	base := Header{Alg: "ES256", Typ: "wit+jwt", HasTyp: true}
	tests := []struct {
		name   string
		mutate func(*Header)
		legacy []string
		allow  func(string) bool
		want   Code
	}{
		{name: "valid"},
		{name: "crit", mutate: func(h *Header) { h.Crit = true }, want: CodeCrit},
		{name: "crit before key reference and typ", mutate: func(h *Header) { h.Crit, h.KeyRef, h.HasTyp = true, "jku", false }, want: CodeCrit},
		{name: "key reference", mutate: func(h *Header) { h.KeyRef = "x5u" }, want: CodeHeaderKey},
		{name: "key reference before typ", mutate: func(h *Header) { h.KeyRef, h.Typ = "jwk", "JWT" }, want: CodeHeaderKey},
		{name: "typ absent", mutate: func(h *Header) { h.HasTyp, h.Typ = false, "" }, want: CodeTyp},
		{name: "typ absent but Typ set", mutate: func(h *Header) { h.HasTyp = false }, want: CodeTyp},
		{name: "typ wrong", mutate: func(h *Header) { h.Typ = "JWT" }, want: CodeTyp},
		{name: "typ legacy without legacy list", mutate: func(h *Header) { h.Typ = "wimse-id+jwt" }, want: CodeTyp},
		{name: "typ legacy with legacy list", mutate: func(h *Header) { h.Typ = "wimse-id+jwt" }, legacy: []string{"wimse-id+jwt"}},
		{name: "typ before alg", mutate: func(h *Header) { h.Typ, h.Alg = "JWT", "none" }, want: CodeTyp},
		{name: "alg empty", mutate: func(h *Header) { h.Alg = "" }, want: CodeAlg},
		{name: "alg none", mutate: func(h *Header) { h.Alg = "none" }, want: CodeAlg},
		{name: "alg HS256", mutate: func(h *Header) { h.Alg = "HS256" }, want: CodeAlg},
		{name: "alg RS384", mutate: func(h *Header) { h.Alg = "RS384" }, want: CodeAlg},
		{name: "alg lower case", mutate: func(h *Header) { h.Alg = "es256" }, want: CodeAlg},
		{name: "allow rejects", allow: func(a string) bool { return a == "EdDSA" }, want: CodeAlg},
		{name: "allow admits", allow: func(a string) bool { return a == "ES256" }},
		{name: "allow cannot enable none", mutate: func(h *Header) { h.Alg = "none" }, allow: func(string) bool { return true }, want: CodeAlg},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := base
			if tc.mutate != nil {
				tc.mutate(&h)
			}
			checkCode(t, CheckHeader(&h, "wit+jwt", tc.legacy, tc.allow, nil), tc.want)
		})
	}
}

func TestTypMatches(t *testing.T) {
	tests := []struct {
		typ    string
		legacy []string
		want   bool
	}{
		{"wit+jwt", nil, true},
		{"WIT+JWT", nil, true},
		{"Wit+Jwt", nil, true},
		{"application/wit+jwt", nil, true},
		{"Application/WIT+jwt", nil, true},
		{"", nil, false},
		{"jwt", nil, false},
		{"wit", nil, false},
		{"wit+jwt ", nil, false},
		{" wit+jwt", nil, false},
		{"application/", nil, false},
		{"application/application/wit+jwt", nil, false},
		{"text/wit+jwt", nil, false},
		{"wit+jwt; charset=utf-8", nil, false},
		{"wpt+jwt", nil, false},
		{"wimse-id+jwt", nil, false},
		{"wimse-id+jwt", []string{"wimse-id+jwt"}, true},
		{"application/WIMSE-ID+JWT", []string{"wimse-id+jwt"}, true},
		{"wimse-proof+jwt", []string{"wimse-id+jwt"}, false},
	}
	for _, tc := range tests {
		if got := TypMatches(tc.typ, "wit+jwt", tc.legacy); got != tc.want {
			t.Errorf("TypMatches(%q, wit+jwt, %q) = %v, want %v", tc.typ, tc.legacy, got, tc.want)
		}
	}
}
