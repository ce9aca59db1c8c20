package attestation_test

import (
	"net/http"
	"testing"

	"github.com/wimse-wg/wimse/tokens/attestation"
	"github.com/wimse-wg/wimse/wimse"
)

func TestFromHeader(t *testing.T) {
	cases := []struct {
		name       string
		att, pop   []string
		wantReason wimse.Reason
	}{
		{name: "ok", att: []string{"a.b.c"}, pop: []string{"d.e.f"}},
		{name: "ok token68 with padding and spaces", att: []string{" a+/~_-.b= "}, pop: []string{"d.e.f=="}},
		{name: "no attestation", pop: []string{"d.e.f"}, wantReason: wimse.ReasonAttestationMissing},
		{name: "two attestation fields", att: []string{"a.b.c", "a.b.c"}, pop: []string{"d.e.f"}, wantReason: wimse.ReasonAttestationMultiple},
		{name: "attestation list", att: []string{"a.b.c, a.b.c"}, pop: []string{"d.e.f"}, wantReason: wimse.ReasonAttestationMultiple},
		{name: "attestation not token68", att: []string{"a b"}, pop: []string{"d.e.f"}, wantReason: wimse.ReasonAttestationMalformed},
		{name: "attestation empty", att: []string{""}, pop: []string{"d.e.f"}, wantReason: wimse.ReasonAttestationMalformed},
		{name: "attestation only padding", att: []string{"=="}, pop: []string{"d.e.f"}, wantReason: wimse.ReasonAttestationMalformed},
		{name: "no PoP", att: []string{"a.b.c"}, wantReason: wimse.ReasonAttestationPoPMissing},
		{name: "two PoP fields", att: []string{"a.b.c"}, pop: []string{"d.e.f", "g.h.i"}, wantReason: wimse.ReasonAttestationPoPMultiple},
		{name: "PoP not token68", att: []string{"a.b.c"}, pop: []string{"d.e.f=x"}, wantReason: wimse.ReasonAttestationPoPMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			for _, v := range tc.att {
				h.Add("oauth-client-attestation", v) // names are case-insensitive
			}
			for _, v := range tc.pop {
				h.Add(attestation.HeaderPoP, v)
			}
			att, pop, err := attestation.FromHeader(h)
			if got := wimse.ReasonOf(err); got != tc.wantReason {
				t.Fatalf("reason = %q, want %q (%v)", got, tc.wantReason, err)
			}
			if err == nil && (att == "" || pop == "") {
				t.Fatalf("got %q, %q", att, pop)
			}
		})
	}
}
