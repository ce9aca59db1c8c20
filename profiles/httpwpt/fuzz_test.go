package httpwpt_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/wimse-wg/wimse/profiles/httpwpt"
	"github.com/wimse-wg/wimse/wimse"
)

// FuzzVerifyRawRequest feeds raw request bytes through ReadRequest,
// Verifier.Verify and Verifier.Status, as `wimse token verify` and the
// middleware do. It checks that nothing panics, that every failure carries a
// reason of the closed set, and that a rejection is signalled with 400, 401,
// 429, 500 or 503, with a challenge only on 401.
//
// The receiver is the published-example one (June 5 key, clock inside the
// examples' validity), so the seeds that are published requests verify and
// mutations of them reach deep into the WIT and WPT checks.
func FuzzVerifyRawRequest(f *testing.F) {
	wpt02 := string(readTestdata(f, "wpt-02-example.http"))
	wpt01 := string(readTestdata(f, "wpt-01-example.http"))
	field := func(raw, name string) string {
		for _, line := range strings.Split(raw, "\n") {
			if v, ok := strings.CutPrefix(line, name+": "); ok {
				return v
			}
		}
		f.Fatalf("no %s field", name)
		return ""
	}
	witLine := "Workload-Identity-Token: " + field(wpt02, "Workload-Identity-Token")
	authLine := "Authorization: " + field(wpt02, "Authorization")
	proofLine := "Workload-Proof-Token: " + field(wpt01, "Workload-Proof-Token")
	addAfterHost := func(raw, lines string) string {
		return strings.Replace(raw, "Host: workload.example.com\n", "Host: workload.example.com\n"+lines+"\n", 1)
	}
	seeds := []string{
		wpt02,
		wpt01,
		strings.ReplaceAll(wpt02, "\n", "\r\n"),
		addAfterHost(wpt02, authLine),  // two Authorization lines
		addAfterHost(wpt02, witLine),   // two WIT lines
		addAfterHost(wpt01, proofLine), // two Workload-Proof-Token lines
		addAfterHost(wpt02, proofLine), // mixed carriage
		addAfterHost(wpt02, "Txn-Token: a\nTxn-Token: b"),     // context token twice
		addAfterHost(wpt02, "X-Forwarded-Host: evil.example"), // untrusted host data
		strings.Replace(wpt02, "Authorization: WPT ", "Authorization: wpt  ", 1),
		strings.Replace(wpt02, "Authorization: WPT ", "Authorization: WPT\t", 1),
		strings.Replace(wpt02, "Authorization: WPT ", "Authorization: Bearer ", 1),
		strings.Replace(wpt02, "POST /path ", "POST /other ", 1),
		strings.Replace(wpt02, authLine, authLine+"=", 1),
		strings.Replace(wpt02, authLine, authLine+", WPT x.y.z", 1),
		strings.Replace(wpt01, "Authorization: Bearer 16_", "Authorization: Bearer 17_", 1),
		strings.Replace(wpt01, "Authorization: Bearer 16_", "Authorization: Bearer\t16_", 1),
		strings.Replace(wpt01, "Authorization: Bearer 16_", "Authorization: dPoP  16_", 1),
		"GET / HTTP/1.1\nHost: a\n\n",
		"GET / HTTP/1.1\nHost: a\nAuthorization: WPT\n\n",
		"GET / HTTP/1.1\nHost: a\nAuthorization: WPT a.b.c\nWorkload-Identity-Token: a.b.c\n\n",
		"OPTIONS * HTTP/1.1\nHost: a\nAuthorization: WPT e30.e30.AA\nWorkload-Identity-Token: e30.e30.AA\n\n",
		"GET http://evil.example/path HTTP/1.1\nHost: evil.example\n\n",
		"",
		"\x00\xff\r\n\r\n",
		"GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	v := publishedVerifier(f, 1745509900)

	f.Fuzz(func(t *testing.T, raw []byte) {
		r, err := httpwpt.ReadRequest(raw)
		if err != nil {
			if got := wimse.ReasonOf(err); got != wimse.ReasonRequestMalformed {
				t.Fatalf("ReadRequest: reason %q, want %q (err: %v)", got, wimse.ReasonRequestMalformed, err)
			}
			return
		}
		// A fresh replay cache per input keeps inputs independent.
		v := *v
		v.Replay = wimse.NewMemoryReplayCache(0)

		p, err := v.Verify(r)
		if err == nil {
			if p == nil || p.WIT == nil || p.WPT == nil || p.ID.IsZero() {
				t.Fatalf("Verify accepted with an incomplete peer: %+v", p)
			}
			if p.Revision != wimse.RevisionWPT01 && p.Revision != wimse.RevisionWPT02 {
				t.Fatalf("accepted with revision %q", p.Revision)
			}
			return
		}
		if p != nil {
			t.Fatalf("Verify returned a peer with error %v", err)
		}
		reason := wimse.ReasonOf(err)
		if !reason.Known() {
			t.Fatalf("reason %q is not in the closed set (err: %v)", reason, err)
		}
		var rj *httpwpt.Rejection
		if !errors.As(err, &rj) {
			t.Fatalf("error %v (%T) is not a *httpwpt.Rejection", err, err)
		}
		status, challenge := v.Status(err)
		switch status {
		case 400, 401, 429, 500, 503:
		default:
			t.Fatalf("status %d for %q", status, reason)
		}
		if challenge != (status == 401) {
			t.Fatalf("status %d with challenge=%v for %q", status, challenge, reason)
		}
		// Neither credential may be echoed in the reason's detail.
		for _, name := range []string{"Authorization", httpwpt.HeaderWPT, httpwpt.HeaderWIT} {
			for _, val := range r.Header.Values(name) {
				if len(val) >= 16 && strings.Contains(rj.Err.Detail, val) {
					t.Fatalf("detail of %q echoes the %s value", reason, name)
				}
			}
		}
	})
}
