package httpwpt_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wimse-wg/wimse/profiles/httpwpt"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/tokens/wpt"
	"github.com/wimse-wg/wimse/wimse"
)

const (
	hWIT  = httpwpt.HeaderWIT
	hWPT  = httpwpt.HeaderWPT
	hTxn  = httpwpt.HeaderTxnToken
	hAuth = "Authorization"
)

// TestCarriage covers carriage detection and extraction (creds-02 §5.1.1,
// wpt-01 §3, wpt-02 §2): which field carries the proof, how many lines, and how the
// rejection is signalled. Headers are built with Header.Add so that a
// repeated name is two field lines, as on the wire.
func TestCarriage(t *testing.T) {
	f := newFixture(t)
	proof := f.signWPT(t, nil)
	withAth := f.signWPT(t, func(c *wpt.Claims) { c.AccessTokenHash = wit.Hash(testBearer) })
	withTth := f.signWPT(t, func(c *wpt.Claims) { c.TxnTokenHash = wit.Hash("txn") })
	otherWIT := f.signWIT(t, wimse.MustParseID("wimse://example.com/service/other"), f.issuer, "k1")
	only01 := withRevisions(wimse.RevisionWPT01)
	only02 := withRevisions(wimse.RevisionWPT02)
	// replaceSigChar swaps one character of the signature segment.
	replaceSigChar := func(s string, c byte) string {
		b := []byte(s)
		b[len(b)-2] = c
		return string(b)
	}

	tests := []struct {
		name   string
		opts   []func(*httpwpt.Verifier)
		header http.Header
		want   verdict
	}{
		// No proof at all: 401 + challenge advertises wpt-02 when accepted,
		// 400 when the receiver speaks wpt-01 only (§13.8 step 5).
		{name: "no proof", header: header(hWIT, f.wit),
			want: rejected(wimse.ReasonWPTMissing, 401, true)},
		{name: "no fields at all", header: header(),
			want: rejected(wimse.ReasonWPTMissing, 401, true)},
		{name: "no proof wpt-01 only policy", opts: opts(only01), header: header(hWIT, f.wit),
			want: rejected(wimse.ReasonWPTMissing, 400, false)},
		{name: "bearer only", header: header(hWIT, f.wit, hAuth, "Bearer "+testBearer),
			want: rejected(wimse.ReasonWPTMissing, 401, true)},
		{name: "wpt as bearer", header: header(hWIT, f.wit, hAuth, "Bearer "+proof),
			want: rejected(wimse.ReasonWPTMissing, 401, true)},
		{name: "scheme glued to token", header: header(hWIT, f.wit, hAuth, "WPT"+proof),
			want: rejected(wimse.ReasonWPTMissing, 401, true)},

		// wpt-02 credentials: "WPT" 1*SP token68, then a single JWT.
		{name: "wpt-02 valid", header: header(hWIT, f.wit, hAuth, "WPT "+proof),
			want: accepted(wimse.RevisionWPT02)},
		{name: "lower-case scheme", header: header(hWIT, f.wit, hAuth, "wpt "+proof),
			want: accepted(wimse.RevisionWPT02)},
		{name: "mixed-case scheme", header: header(hWIT, f.wit, hAuth, "Wpt "+proof),
			want: accepted(wimse.RevisionWPT02)},
		{name: "two spaces", header: header(hWIT, f.wit, hAuth, "WPT  "+proof),
			want: accepted(wimse.RevisionWPT02)},
		{name: "bare scheme", header: header(hWIT, f.wit, hAuth, "WPT"),
			want: rejected(wimse.ReasonWPTMalformed, 401, true)},
		{name: "scheme and space only", header: header(hWIT, f.wit, hAuth, "WPT "),
			want: rejected(wimse.ReasonWPTMalformed, 401, true)},
		{name: "htab after scheme", header: header(hWIT, f.wit, hAuth, "WPT\t"+proof),
			want: rejected(wimse.ReasonWPTMalformed, 401, true)},
		{name: "padding is token68 but not a jwt", header: header(hWIT, f.wit, hAuth, "WPT "+proof+"="),
			want: rejected(wimse.ReasonWPTMalformed, 401, true)},
		{name: "double padding", header: header(hWIT, f.wit, hAuth, "WPT "+proof+"=="),
			want: rejected(wimse.ReasonWPTMalformed, 401, true)},
		{name: "plus in token", header: header(hWIT, f.wit, hAuth, "WPT "+replaceSigChar(proof, '+')),
			want: rejected(wimse.ReasonWPTMalformed, 401, true)},
		{name: "slash in token", header: header(hWIT, f.wit, hAuth, "WPT "+replaceSigChar(proof, '/')),
			want: rejected(wimse.ReasonWPTMalformed, 401, true)},
		{name: "tilde in token", header: header(hWIT, f.wit, hAuth, "WPT "+replaceSigChar(proof, '~')),
			want: rejected(wimse.ReasonWPTMalformed, 401, true)},
		{name: "auth-param instead of token68", header: header(hWIT, f.wit, hAuth, `WPT token="`+proof+`"`),
			want: rejected(wimse.ReasonWPTMalformed, 401, true)},
		{name: "two authorization lines", header: header(hWIT, f.wit, hAuth, "WPT "+proof, hAuth, "WPT "+proof),
			want: rejected(wimse.ReasonWPTMultiple, 401, true)},
		{name: "wpt and bearer lines", header: header(hWIT, f.wit, hAuth, "WPT "+proof, hAuth, "Bearer "+testBearer),
			want: rejected(wimse.ReasonWPTMultiple, 401, true)},
		{name: "bearer and wpt lines", header: header(hWIT, f.wit, hAuth, "Bearer "+testBearer, hAuth, "WPT "+proof),
			want: rejected(wimse.ReasonWPTMultiple, 401, true)},
		{name: "comma-joined authorization", header: header(hWIT, f.wit, hAuth, "WPT "+proof+", WPT "+proof),
			want: rejected(wimse.ReasonWPTMultiple, 401, true)},
		{name: "comma-joined with bearer", header: header(hWIT, f.wit, hAuth, "WPT "+proof+", Bearer "+testBearer),
			want: rejected(wimse.ReasonWPTMultiple, 401, true)},
		{name: "wpt-02 ignores ath", header: header(hWIT, f.wit, hAuth, "WPT "+withAth),
			want: accepted(wimse.RevisionWPT02)},

		// Mixing the carriages is a request error: 400, no challenge.
		{name: "mixed carriage", header: header(hWIT, f.wit, hAuth, "WPT "+proof, hWPT, proof),
			want: rejected(wimse.ReasonRequestMixedCarriage, 400, false)},
		{name: "mixed carriage malformed wpt-02", header: header(hWIT, f.wit, hAuth, "WPT", hWPT, proof),
			want: rejected(wimse.ReasonRequestMixedCarriage, 400, false)},
		{name: "mixed carriage wpt-01 only policy", opts: opts(only01), header: header(hWIT, f.wit, hAuth, "wpt "+proof, hWPT, proof),
			want: rejected(wimse.ReasonRequestMixedCarriage, 400, false)},

		// wpt-01: Workload-Proof-Token, ath when a bearer token is present.
		{name: "wpt-01 valid", header: header(hWIT, f.wit, hWPT, proof),
			want: accepted(wimse.RevisionWPT01)},
		{name: "wpt-01 two lines", header: header(hWIT, f.wit, hWPT, proof, hWPT, proof),
			want: rejected(wimse.ReasonWPTMultiple, 400, false)},
		{name: "wpt-01 comma-joined", header: header(hWIT, f.wit, hWPT, proof+","+proof),
			want: rejected(wimse.ReasonWPTMultiple, 400, false)},
		{name: "wpt-01 bearer with ath", header: header(hWIT, f.wit, hAuth, "Bearer "+testBearer, hWPT, withAth),
			want: accepted(wimse.RevisionWPT01)},
		{name: "wpt-01 lower-case bearer with ath", header: header(hWIT, f.wit, hAuth, "bearer "+testBearer, hWPT, withAth),
			want: accepted(wimse.RevisionWPT01)},
		{name: "wpt-01 dpop with ath", header: header(hWIT, f.wit, hAuth, "DPoP "+testBearer, hWPT, withAth),
			want: accepted(wimse.RevisionWPT01)},
		{name: "wpt-01 bearer requires ath", header: header(hWIT, f.wit, hAuth, "Bearer "+testBearer, hWPT, proof),
			want: rejected(wimse.ReasonWPTATHMissing, 400, false)},
		{name: "wpt-01 ath of another token", header: header(hWIT, f.wit, hAuth, "Bearer other", hWPT, withAth),
			want: rejected(wimse.ReasonWPTATHMismatch, 400, false)},
		{name: "wpt-01 ath without bearer", header: header(hWIT, f.wit, hWPT, withAth),
			want: rejected(wimse.ReasonWPTATHMismatch, 400, false)},
		{name: "wpt-01 two authorization lines", header: header(hWIT, f.wit, hAuth, "Bearer a", hAuth, "Bearer b", hWPT, proof),
			want: rejected(wimse.ReasonRequestMalformed, 400, false)},

		// wpt-01 Authorization is parsed as RFC 9110 §11.4 credentials:
		// auth-scheme (a token, any case), 1*SP, token68 or auth-params.
		// A field that does not parse is refused, never ignored: ignoring
		// "Bearer<HTAB>token" let an unbound access token through.
		{name: "wpt-01 bearer htab without ath", header: header(hWIT, f.wit, hAuth, "Bearer\t"+testBearer, hWPT, proof),
			want: rejected(wimse.ReasonRequestAuthorizationMalformed, 400, false)},
		{name: "wpt-01 bearer htab with ath", header: header(hWIT, f.wit, hAuth, "Bearer\t"+testBearer, hWPT, withAth),
			want: rejected(wimse.ReasonRequestAuthorizationMalformed, 400, false)},
		{name: "wpt-01 bearer space and htab", header: header(hWIT, f.wit, hAuth, "Bearer \t"+testBearer, hWPT, proof),
			want: rejected(wimse.ReasonRequestAuthorizationMalformed, 400, false)},
		{name: "wpt-01 bare bearer", header: header(hWIT, f.wit, hAuth, "Bearer", hWPT, proof),
			want: rejected(wimse.ReasonRequestAuthorizationMalformed, 400, false)},
		{name: "wpt-01 bearer and spaces only", header: header(hWIT, f.wit, hAuth, "Bearer   ", hWPT, proof),
			want: rejected(wimse.ReasonRequestAuthorizationMalformed, 400, false)},
		{name: "wpt-01 bearer auth-params", header: header(hWIT, f.wit, hAuth, `Bearer token="`+testBearer+`"`, hWPT, proof),
			want: rejected(wimse.ReasonRequestAuthorizationMalformed, 400, false)},
		{name: "wpt-01 bearer comma-joined", header: header(hWIT, f.wit, hAuth, "Bearer "+testBearer+", Bearer other", hWPT, withAth),
			want: rejected(wimse.ReasonRequestAuthorizationMalformed, 400, false)},
		{name: "wpt-01 bearer token with a space", header: header(hWIT, f.wit, hAuth, "Bearer "+testBearer+" x", hWPT, withAth),
			want: rejected(wimse.ReasonRequestAuthorizationMalformed, 400, false)},
		{name: "wpt-01 empty authorization", header: header(hWIT, f.wit, hAuth, "", hWPT, proof),
			want: rejected(wimse.ReasonRequestAuthorizationMalformed, 400, false)},
		{name: "wpt-01 no scheme", header: header(hWIT, f.wit, hAuth, "="+testBearer, hWPT, proof),
			want: rejected(wimse.ReasonRequestAuthorizationMalformed, 400, false)},
		{name: "wpt-01 bearer two spaces requires ath", header: header(hWIT, f.wit, hAuth, "Bearer  "+testBearer, hWPT, proof),
			want: rejected(wimse.ReasonWPTATHMissing, 400, false)},
		{name: "wpt-01 bearer two spaces with ath", header: header(hWIT, f.wit, hAuth, "Bearer  "+testBearer, hWPT, withAth),
			want: accepted(wimse.RevisionWPT01)},
		{name: "wpt-01 upper-case bearer requires ath", header: header(hWIT, f.wit, hAuth, "BEARER "+testBearer, hWPT, proof),
			want: rejected(wimse.ReasonWPTATHMissing, 400, false)},
		{name: "wpt-01 mixed-case dpop requires ath", header: header(hWIT, f.wit, hAuth, "dPoP "+testBearer, hWPT, proof),
			want: rejected(wimse.ReasonWPTATHMissing, 400, false)},
		{name: "wpt-01 mixed-case dpop with ath", header: header(hWIT, f.wit, hAuth, "dPoP "+testBearer, hWPT, withAth),
			want: accepted(wimse.RevisionWPT01)},
		{name: "wpt-01 leading and trailing whitespace", header: header(hWIT, f.wit, hAuth, " \tBearer "+testBearer+"\t ", hWPT, withAth),
			want: accepted(wimse.RevisionWPT01)},
		// Credentials of other schemes carry no OAuth access token.
		{name: "wpt-01 basic credentials", header: header(hWIT, f.wit, hAuth, "Basic dXNlcjpwYXNz", hWPT, proof),
			want: accepted(wimse.RevisionWPT01)},
		{name: "wpt-01 auth-param credentials", header: header(hWIT, f.wit, hAuth, `Digest username="a\"b", realm=r ,, qop = auth`, hWPT, proof),
			want: accepted(wimse.RevisionWPT01)},
		{name: "wpt-01 scheme only", header: header(hWIT, f.wit, hAuth, "Negotiate", hWPT, proof),
			want: accepted(wimse.RevisionWPT01)},
		// "Bearer<token>" is one token: another auth-scheme (RFC 9110
		// §11.1), as "WPT<jwt>" is under wpt-02.
		{name: "wpt-01 scheme glued to token", header: header(hWIT, f.wit, hAuth, "Bearer"+testBearer, hWPT, proof),
			want: accepted(wimse.RevisionWPT01)},
		{name: "wpt-01 unterminated quoted-string", header: header(hWIT, f.wit, hAuth, `Digest realm="r`, hWPT, proof),
			want: rejected(wimse.ReasonRequestAuthorizationMalformed, 400, false)},
		{name: "wpt-01 auth-param without value", header: header(hWIT, f.wit, hAuth, `Digest realm=, qop=auth`, hWPT, proof),
			want: rejected(wimse.ReasonRequestAuthorizationMalformed, 400, false)},

		// The WIT field: exactly one line, no list (the drafts are silent on repeats).
		{name: "wit missing", header: header(hAuth, "WPT "+proof),
			want: rejected(wimse.ReasonWITMissing, 401, true)},
		{name: "wit missing wpt-01", header: header(hWPT, proof),
			want: rejected(wimse.ReasonWITMissing, 400, false)},
		{name: "wit empty value", header: header(hWIT, "", hAuth, "WPT "+proof),
			want: rejected(wimse.ReasonWITMalformed, 401, true)},
		{name: "two wit lines", header: header(hWIT, f.wit, hWIT, f.wit, hAuth, "WPT "+proof),
			want: rejected(wimse.ReasonWITMultiple, 401, true)},
		{name: "two different wit lines", header: header(hWIT, f.wit, hWIT, otherWIT, hAuth, "WPT "+proof),
			want: rejected(wimse.ReasonWITMultiple, 401, true)},
		{name: "comma-joined wit", header: header(hWIT, f.wit+", "+f.wit, hAuth, "WPT "+proof),
			want: rejected(wimse.ReasonWITMultiple, 401, true)},
		{name: "two wit lines wpt-01", header: header(hWIT, f.wit, hWIT, f.wit, hWPT, proof),
			want: rejected(wimse.ReasonWITMultiple, 400, false)},
		{name: "proof for another wit", header: header(hWIT, otherWIT, hAuth, "WPT "+proof),
			want: rejected(wimse.ReasonWPTWTHMismatch, 401, true)},

		// Context tokens: at most one line each.
		{name: "txn-token bound", header: header(hWIT, f.wit, hAuth, "WPT "+withTth, hTxn, "txn"),
			want: accepted(wimse.RevisionWPT02)},
		{name: "txn-token twice", header: header(hWIT, f.wit, hAuth, "WPT "+withTth, hTxn, "txn", hTxn, "txn"),
			want: rejected(wimse.ReasonRequestContextTokenMultiple, 400, false)},
		{name: "txn-token comma-joined", header: header(hWIT, f.wit, hAuth, "WPT "+withTth, hTxn, "txn, txn"),
			want: rejected(wimse.ReasonRequestContextTokenMultiple, 400, false)},
		{name: "txn-token twice wpt-01", header: header(hWIT, f.wit, hWPT, withTth, hTxn, "txn", hTxn, "txn"),
			want: rejected(wimse.ReasonRequestContextTokenMultiple, 400, false)},
		{name: "txn-token not bound", header: header(hWIT, f.wit, hAuth, "WPT "+proof, hTxn, "txn"),
			want: rejected(wimse.ReasonWPTTTHMissing, 401, true)},
		{name: "configured context field twice", opts: opts(withContext("X-Custom-Token")),
			header: header(hWIT, f.wit, hAuth, "WPT "+proof, "X-Custom-Token", "a", "X-Custom-Token", "b"),
			want:   rejected(wimse.ReasonRequestContextTokenMultiple, 400, false)},

		// Carriages the policy does not accept.
		{name: "wpt-02 carriage not accepted", opts: opts(only01), header: header(hWIT, f.wit, hAuth, "WPT "+proof),
			want: rejected(wimse.ReasonRequestCarriageNotAccepted, 400, false)},
		{name: "wpt-01 carriage not accepted", opts: opts(only02), header: header(hWIT, f.wit, hWPT, proof),
			want: rejected(wimse.ReasonRequestCarriageNotAccepted, 400, false)},
		{name: "wpt-01 only policy accepts wpt-01", opts: opts(only01), header: header(hWIT, f.wit, hWPT, proof),
			want: accepted(wimse.RevisionWPT01)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := judge(f.verifier(tt.opts...), request(tt.header))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("verdict mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCarriageRejectionRevision checks the carriage a rejection is judged
// under, which drives the signalling: "" for a mixed request, the detected
// revision otherwise.
func TestCarriageRejectionRevision(t *testing.T) {
	f := newFixture(t)
	proof := f.signWPT(t, nil)
	tests := []struct {
		name   string
		header http.Header
		want   wimse.Revision
	}{
		{"mixed", header(hWIT, f.wit, hAuth, "WPT "+proof, hWPT, proof), ""},
		{"wpt-02 malformed", header(hWIT, f.wit, hAuth, "WPT"), wimse.RevisionWPT02},
		{"wpt-01 multiple", header(hWIT, f.wit, hWPT, proof, hWPT, proof), wimse.RevisionWPT01},
		{"no proof", header(hWIT, f.wit), wimse.RevisionWPT02},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.verifier().Verify(request(tt.header))
			if got := mustRejection(t, err).Revision; got != tt.want {
				t.Errorf("revision: got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestCarriageDoesNotMutateRequest checks that Verify leaves the request's
// fields as they were.
func TestCarriageDoesNotMutateRequest(t *testing.T) {
	f := newFixture(t)
	h := header(hWIT, f.wit, hAuth, "WPT "+f.signWPT(t, nil))
	want := h.Clone()
	if _, err := f.verifier().Verify(request(h)); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if diff := cmp.Diff(want, h); diff != "" {
		t.Errorf("header changed (-want +got):\n%s", diff)
	}
}

// TestCarriageReplayAcrossCarriages checks that one replay cache serves both
// carriages (§13.8 step 2): the same proof sent as wpt-02 and then as wpt-01
// is a replay.
func TestCarriageReplayAcrossCarriages(t *testing.T) {
	f := newFixture(t)
	proof := f.signWPT(t, nil)
	v := f.verifier()
	first := judge(v, request(header(hWIT, f.wit, hAuth, "WPT "+proof)))
	second := judge(v, request(header(hWIT, f.wit, hWPT, proof)))
	want := []verdict{accepted(wimse.RevisionWPT02), rejected(wimse.ReasonWPTReplayed, 400, false)}
	if diff := cmp.Diff(want, []verdict{first, second}); diff != "" {
		t.Errorf("verdicts (-want +got):\n%s", diff)
	}
}

func opts(o ...func(*httpwpt.Verifier)) []func(*httpwpt.Verifier) { return o }

func withContext(fields ...string) func(*httpwpt.Verifier) {
	return func(v *httpwpt.Verifier) { v.ContextTokenFields = fields }
}

// TestCarriageOversizedHeader checks that a huge credential is rejected by
// size before any decoding.
func TestCarriageOversizedHeader(t *testing.T) {
	f := newFixture(t)
	huge := strings.Repeat("A", wimse.DefaultMaxTokenSize) + ".e30.AA"
	tests := []struct {
		name   string
		header http.Header
		want   verdict
	}{
		{"wpt", header(hWIT, f.wit, hAuth, "WPT "+huge), rejected(wimse.ReasonWPTOversized, 401, true)},
		{"wit", header(hWIT, huge, hAuth, "WPT "+f.signWPT(t, nil)), rejected(wimse.ReasonWITOversized, 401, true)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, judge(f.verifier(), request(tt.header))); diff != "" {
				t.Errorf("verdict (-want +got):\n%s", diff)
			}
		})
	}
}
