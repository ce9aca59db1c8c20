package httpwpt_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/wimse-wg/wimse/profiles/httpwpt"
	"github.com/wimse-wg/wimse/wimse"
)

// publishedVerifier trusts example.com with the Identity Server key
// "June 5" of the drafts' examples, expects aud https://workload.example.com + path,
// and reads its clock at unix time at. It has a fresh replay cache.
func publishedVerifier(t testing.TB, at int64) *httpwpt.Verifier {
	t.Helper()
	keys, err := wimse.ParseJWKSet(readTestdata(t, "issuer-june5.jwks"))
	if err != nil {
		t.Fatal(err)
	}
	store := wimse.NewTrustStore()
	store.Set(wimse.MustParseTrustDomain("example.com"), wimse.Anchors{Keys: keys})
	now := time.Unix(at, 0)
	return &httpwpt.Verifier{
		Trust:    store,
		Policy:   wimse.Policy{Now: func() time.Time { return now }},
		Replay:   wimse.NewMemoryReplayCache(0),
		Audience: httpwpt.AudienceFromBase("https://workload.example.com"),
	}
}

// publishedResult is what a published request verifies to.
type publishedResult struct {
	Verdict verdict
	Subject string
	WTH     string
	ATH     string
}

// TestPublishedExamples verifies the published example requests, read from
// raw files with ReadRequest: wpt-02 Figure 5 and the wpt-01 §3 request.
// Their proofs expire at 1745510016 (+60 s skew).
func TestPublishedExamples(t *testing.T) {
	const (
		valid   = 1745509900
		expired = 1745510100
	)
	tests := []struct {
		name string
		file string
		at   int64
		want publishedResult
	}{
		{"wpt-02 valid", "wpt-02-example.http", valid, publishedResult{
			Verdict: accepted(wimse.RevisionWPT02),
			Subject: "wimse://example.com/specific-workload",
			WTH:     "X9wiPgq3jlSGzAegHCGhNO1lJgUbDoI1Mjkat5QHJB0",
		}},
		{"wpt-01 valid", "wpt-01-example.http", valid, publishedResult{
			Verdict: accepted(wimse.RevisionWPT01),
			Subject: "wimse://example.com/specific-workload",
			WTH:     "AaYUfC34D1di2FxQLpiIJJ7Sg8VZ6o8OCdwSf9IToLg",
			ATH:     "CL4wjfpRmNf-bdYIbYLnV9d5rMARGwKYE10wUwzC0jI",
		}},
		{"wpt-02 expired", "wpt-02-example.http", expired, publishedResult{
			Verdict: rejected(wimse.ReasonWPTExpired, 401, true),
		}},
		{"wpt-01 expired", "wpt-01-example.http", expired, publishedResult{
			Verdict: rejected(wimse.ReasonWPTExpired, 400, false),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := httpwpt.ReadRequest(readTestdata(t, tt.file))
			if err != nil {
				t.Fatalf("ReadRequest: %v", err)
			}
			v := publishedVerifier(t, tt.at)
			var got publishedResult
			p, err := v.Verify(r)
			if err != nil {
				status, challenge := v.Status(err)
				got.Verdict = verdict{Reason: wimse.ReasonOf(err), Status: status, Challenge: challenge}
			} else {
				got = publishedResult{
					Verdict: accepted(p.Revision),
					Subject: p.ID.String(),
					WTH:     p.WPT.WITHash,
					ATH:     p.WPT.AccessTokenHash,
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPublishedExamplesOtherRevision checks that each published request is
// judged by its carriage: a receiver that accepts only the other revision
// refuses it with request.carriage_not_accepted.
func TestPublishedExamplesOtherRevision(t *testing.T) {
	tests := []struct {
		file string
		only wimse.Revision
	}{
		{"wpt-02-example.http", wimse.RevisionWPT01},
		{"wpt-01-example.http", wimse.RevisionWPT02},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r, err := httpwpt.ReadRequest(readTestdata(t, tt.file))
			if err != nil {
				t.Fatalf("ReadRequest: %v", err)
			}
			v := publishedVerifier(t, 1745509900)
			withRevisions(tt.only)(v)
			want := rejected(wimse.ReasonRequestCarriageNotAccepted, 400, false)
			if diff := cmp.Diff(want, judge(v, r)); diff != "" {
				t.Errorf("verdict (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPublishedExamplesShareJTI checks the replay cache across carriages
// with the published vectors: both proofs have jti __bwc4ESC3acc2LTC1-_x
// and the same sender, so the second one verified by one receiver is a
// replay.
func TestPublishedExamplesShareJTI(t *testing.T) {
	v := publishedVerifier(t, 1745509900)
	var got []verdict
	for _, file := range []string{"wpt-02-example.http", "wpt-01-example.http"} {
		r, err := httpwpt.ReadRequest(readTestdata(t, file))
		if err != nil {
			t.Fatalf("ReadRequest(%s): %v", file, err)
		}
		got = append(got, judge(v, r))
	}
	want := []verdict{accepted(wimse.RevisionWPT02), rejected(wimse.ReasonWPTReplayed, 400, false)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("verdicts (-want +got):\n%s", diff)
	}
}

// TestReadRequest checks the raw-request reader's failures.
func TestReadRequest(t *testing.T) {
	tests := []struct {
		name       string
		raw        string
		wantReason wimse.Reason
	}{
		{"lf line endings", "GET /path HTTP/1.1\nHost: a.example\n\n", ""},
		{"crlf line endings", "GET /path HTTP/1.1\r\nHost: a.example\r\n\r\n", ""},
		{"empty", "", wimse.ReasonRequestMalformed},
		{"garbage", "\x00\x01\x02", wimse.ReasonRequestMalformed},
		{"no blank line", "GET /path HTTP/1.1\nHost: a.example\n", wimse.ReasonRequestMalformed},
		{"bad request line", "GET\n\n", wimse.ReasonRequestMalformed},
		{"bad field line", "GET / HTTP/1.1\nHost a.example\n\n", wimse.ReasonRequestMalformed},
		{"too large", "GET / HTTP/1.1\nX: " + string(make([]byte, httpwpt.MaxRawRequest)) + "\n\n", wimse.ReasonRequestMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := httpwpt.ReadRequest([]byte(tt.raw))
			if got := wimse.ReasonOf(err); got != tt.wantReason {
				t.Errorf("reason: got %q, want %q (err: %v)", got, tt.wantReason, err)
			}
		})
	}
}
