package httpwpt_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wimse-wg/wimse/profiles/httpwpt"
	"github.com/wimse-wg/wimse/profiles/problem"
	"github.com/wimse-wg/wimse/wimse"
)

type signal struct {
	Status    int
	Challenge bool
}

// TestStatus is the signalling table of the package doc: wpt-02 credential
// failures 401 + "WWW-Authenticate: WPT" (wpt-02 §2.1), wpt-01 failures 400
// (wpt-01 §3), request-level failures 400, a full replay cache 503, a
// sender over its replay-cache quota 429,
// internal failures 500, and WIT failures of wpt-02 requests 400 when
// WITFailureStatus400 is set (creds-02 §5.2).
func TestStatus(t *testing.T) {
	rej := func(r wimse.Reason, rev wimse.Revision) error {
		return &httpwpt.Rejection{Err: &wimse.Error{Reason: r}, Revision: rev}
	}
	const (
		w01 = wimse.RevisionWPT01
		w02 = wimse.RevisionWPT02
	)
	tests := []struct {
		name   string
		wit400 bool
		err    error
		want   signal
	}{
		{"wpt-02 wpt failure", false, rej(wimse.ReasonWPTSignature, w02), signal{401, true}},
		{"wpt-02 wpt missing", false, rej(wimse.ReasonWPTMissing, w02), signal{401, true}},
		{"wpt-02 replayed", false, rej(wimse.ReasonWPTReplayed, w02), signal{401, true}},
		{"wpt-02 wit failure", false, rej(wimse.ReasonWITExpired, w02), signal{401, true}},
		{"wpt-02 wit missing", false, rej(wimse.ReasonWITMissing, w02), signal{401, true}},
		{"wpt-02 wit failure with WITFailureStatus400", true, rej(wimse.ReasonWITExpired, w02), signal{400, false}},
		{"wpt-02 wit missing with WITFailureStatus400", true, rej(wimse.ReasonWITMissing, w02), signal{400, false}},
		{"wpt-02 wpt failure with WITFailureStatus400", true, rej(wimse.ReasonWPTSignature, w02), signal{401, true}},
		{"wpt-01 wpt failure", false, rej(wimse.ReasonWPTSignature, w01), signal{400, false}},
		{"wpt-01 wit failure", false, rej(wimse.ReasonWITTrustDomain, w01), signal{400, false}},
		{"wpt-01 ath", false, rej(wimse.ReasonWPTATHMissing, w01), signal{400, false}},
		{"wpt-01 wit failure with WITFailureStatus400", true, rej(wimse.ReasonWITExpired, w01), signal{400, false}},
		{"identifier reason is a credential failure", false, rej(wimse.ReasonIDPath, w02), signal{401, true}},
		{"mixed carriage", false, rej(wimse.ReasonRequestMixedCarriage, ""), signal{400, false}},
		{"mixed carriage judged as wpt-02", false, rej(wimse.ReasonRequestMixedCarriage, w02), signal{400, false}},
		{"carriage not accepted", false, rej(wimse.ReasonRequestCarriageNotAccepted, w02), signal{400, false}},
		{"context token multiple", false, rej(wimse.ReasonRequestContextTokenMultiple, w02), signal{400, false}},
		{"request malformed", false, rej(wimse.ReasonRequestMalformed, w01), signal{400, false}},
		{"replay cache full wpt-02", false, rej(wimse.ReasonReplayCacheFull, w02), signal{503, false}},
		{"replay cache full wpt-01", false, rej(wimse.ReasonReplayCacheFull, w01), signal{503, false}},
		{"sender over its replay quota wpt-02", false, rej(wimse.ReasonReplaySenderQuota, w02), signal{429, false}},
		{"sender over its replay quota wpt-01", false, rej(wimse.ReasonReplaySenderQuota, w01), signal{429, false}},
		{"authorization malformed", false, rej(wimse.ReasonRequestAuthorizationMalformed, w01), signal{400, false}},
		{"internal", false, rej(wimse.ReasonInternal, w02), signal{500, false}},
		{"unknown reason", false, rej("wpt.no_such_reason", w02), signal{500, false}},
		{"not a rejection", false, wimse.Errorf(wimse.ReasonWPTSignature, "httpwpt: bare error"), signal{500, false}},
		{"plain error", false, errors.New("boom"), signal{500, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := &httpwpt.Verifier{WITFailureStatus400: tt.wit400}
			status, challenge := v.Status(tt.err)
			if diff := cmp.Diff(tt.want, signal{status, challenge}); diff != "" {
				t.Errorf("Status (-want +got):\n%s", diff)
			}
		})
	}
}

// TestStatusEveryReason checks every reason of the closed set against its
// class under both carriages, so a reason added later cannot fall through
// to an unplanned status.
func TestStatusEveryReason(t *testing.T) {
	for _, r := range wimse.AllReasons() {
		for _, rev := range []wimse.Revision{wimse.RevisionWPT01, wimse.RevisionWPT02} {
			for _, wit400 := range []bool{false, true} {
				v := &httpwpt.Verifier{WITFailureStatus400: wit400}
				status, challenge := v.Status(&httpwpt.Rejection{Err: &wimse.Error{Reason: r}, Revision: rev})
				want := signal{400, false}
				switch wimse.ClassOf(r) {
				case wimse.ClassUnavailable:
					want = signal{503, false}
				case wimse.ClassRateLimited:
					want = signal{429, false}
				case wimse.ClassInternal:
					want = signal{500, false}
				case wimse.ClassCredential:
					if rev == wimse.RevisionWPT02 && !(wit400 && strings.HasPrefix(string(r), "wit.")) {
						want = signal{401, true}
					}
				}
				if got := (signal{status, challenge}); got != want {
					t.Errorf("%s under %s (WITFailureStatus400=%v): got %+v, want %+v", r, rev, wit400, got, want)
				}
			}
		}
	}
}

// TestWriteProblem checks the RFC 9457 body, its detail per disclosure,
// and the challenge.
func TestWriteProblem(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		challenge bool
		d         problem.Disclosure
		err       error
		want      httpwpt.Problem
	}{
		{"wpt-02 credential failure", 401, true, problem.Full,
			&httpwpt.Rejection{Err: wimse.Errorf(wimse.ReasonWPTExpired, "wpt: expired"), Revision: wimse.RevisionWPT02},
			httpwpt.Problem{Type: httpwpt.ProblemTypeBase + "wpt.expired", Title: "Unauthorized", Status: 401, Detail: "wpt: expired", Reason: "wpt.expired"}},
		{"wpt-02 credential failure minimal", 401, true, problem.Minimal,
			&httpwpt.Rejection{Err: wimse.Errorf(wimse.ReasonWPTExpired, "wpt: expired"), Revision: wimse.RevisionWPT02},
			httpwpt.Problem{Type: httpwpt.ProblemTypeBase + "wpt.expired", Title: "Unauthorized", Status: 401, Reason: "wpt.expired"}},
		{"request failure", 400, false, problem.Full,
			&httpwpt.Rejection{Err: wimse.Errorf(wimse.ReasonRequestMixedCarriage, "httpwpt: mixed")},
			httpwpt.Problem{Type: httpwpt.ProblemTypeBase + "request.mixed_carriage", Title: "Bad Request", Status: 400, Detail: "httpwpt: mixed", Reason: "request.mixed_carriage"}},
		{"plain error", 500, false, problem.Full, errors.New("secret detail"),
			httpwpt.Problem{Type: httpwpt.ProblemTypeBase + "server.internal", Title: "Internal Server Error", Status: 500, Reason: "server.internal"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			httpwpt.WriteProblem(rec, tt.status, tt.challenge, tt.err, tt.d)
			res := rec.Result()
			defer res.Body.Close()
			if res.StatusCode != tt.status {
				t.Errorf("status: got %d, want %d", res.StatusCode, tt.status)
			}
			if got := res.Header.Get("Content-Type"); got != "application/problem+json" {
				t.Errorf("content type: got %q, want application/problem+json", got)
			}
			wantChallenge := []string(nil)
			if tt.challenge {
				wantChallenge = []string{"WPT"}
			}
			if diff := cmp.Diff(wantChallenge, res.Header.Values("WWW-Authenticate")); diff != "" {
				t.Errorf("WWW-Authenticate (-want +got):\n%s", diff)
			}
			var got httpwpt.Problem
			dec := json.NewDecoder(res.Body)
			dec.DisallowUnknownFields()
			if err := dec.Decode(&got); err != nil {
				t.Fatalf("decode problem: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problem (-want +got):\n%s", diff)
			}
		})
	}
}

// TestMiddleware checks the middleware end to end on a recorder: the peer
// reaches the handler, and a rejection never reaches it.
func TestMiddleware(t *testing.T) {
	f := newFixture(t)
	v := f.verifier()
	var got *httpwpt.Peer
	h := v.Middleware(nil)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = httpwpt.PeerFromContext(r.Context())
		w.WriteHeader(http.StatusNoContent)
	}))

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, request(header(hWIT, f.wit, hAuth, "WPT "+f.signWPT(t, nil))))
	if rec.Code != http.StatusNoContent || got == nil {
		t.Fatalf("valid request: status %d, peer %v", rec.Code, got)
	}
	if got.ID != f.subject || got.Revision != wimse.RevisionWPT02 {
		t.Errorf("peer: got %s %s, want %s wpt-02", got.ID, got.Revision, f.subject)
	}

	got = nil
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, request(header(hWIT, f.wit)))
	if rec.Code != http.StatusUnauthorized || got != nil {
		t.Errorf("no proof: status %d, peer %v; want 401 and no call", rec.Code, got)
	}
}
