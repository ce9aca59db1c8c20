package httpwpt_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wimse-wg/wimse/profiles/httpwpt"
	"github.com/wimse-wg/wimse/tokens/wpt"
	"github.com/wimse-wg/wimse/wimse"
)

// TestAudienceFromConfiguration checks P14 / wpt-02 §3.1.7: the expected aud
// is the configured base URL plus the request path. Host and
// X-Forwarded-Host are untrusted request data and change nothing.
func TestAudienceFromConfiguration(t *testing.T) {
	f := newFixture(t)
	forAud := func(aud string) string {
		return f.signWPT(t, func(c *wpt.Claims) { c.Audience = aud })
	}
	tests := []struct {
		name string
		base string // configured base URL; "" means testBase
		url  string // request target as the server sees it
		host string // Host field, "" leaves the URL's
		xfh  string // X-Forwarded-Host, "" for none
		aud  string // aud of the WPT
		want verdict
	}{
		{name: "configured audience",
			url: "/path", aud: testTarget, want: accepted(wimse.RevisionWPT02)},
		{name: "evil host still needs configured aud",
			url: "http://evil.example/path", host: "evil.example", xfh: "evil.example",
			aud: testTarget, want: accepted(wimse.RevisionWPT02)},
		{name: "proof minted for the evil host",
			url: "http://evil.example/path", host: "evil.example", xfh: "evil.example",
			aud: "https://evil.example/path", want: rejected(wimse.ReasonWPTAudMismatch, 401, true)},
		{name: "proof minted for the forwarded host only",
			url: "/path", xfh: "evil.example",
			aud: "https://evil.example/path", want: rejected(wimse.ReasonWPTAudMismatch, 401, true)},
		{name: "other path",
			url: "/path", aud: testBase + "/other", want: rejected(wimse.ReasonWPTAudMismatch, 401, true)},
		{name: "other scheme",
			url: "/path", aud: "http://workload.example.com/path", want: rejected(wimse.ReasonWPTAudMismatch, 401, true)},
		{name: "explicit default port is another string",
			url: "/path", aud: "https://workload.example.com:443/path", want: rejected(wimse.ReasonWPTAudMismatch, 401, true)},
		{name: "query is not part of aud",
			url: "/path?x=1", aud: testTarget, want: accepted(wimse.RevisionWPT02)},
		{name: "aud with query is rejected",
			url: "/path?x=1", aud: testTarget + "?x=1", want: rejected(wimse.ReasonWPTAudMismatch, 401, true)},
		{name: "trailing slash of the base is dropped",
			base: testBase + "/", url: "/path", aud: testTarget, want: accepted(wimse.RevisionWPT02)},
		{name: "base with a prefix",
			base: testBase + "/api", url: "/path", aud: testBase + "/api/path", want: accepted(wimse.RevisionWPT02)},
		{name: "escaped path",
			url: "/a%20b", aud: testBase + "/a%20b", want: accepted(wimse.RevisionWPT02)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := tt.base
			if base == "" {
				base = testBase
			}
			v := f.verifier(func(v *httpwpt.Verifier) { v.Audience = httpwpt.AudienceFromBase(base) })
			r := httptest.NewRequest(http.MethodPost, tt.url, nil)
			if tt.host != "" {
				r.Host = tt.host
			}
			r.Header = header(hWIT, f.wit, hAuth, "WPT "+forAud(tt.aud))
			if tt.xfh != "" {
				r.Header.Add("X-Forwarded-Host", tt.xfh)
				r.Header.Add("Forwarded", "host="+tt.xfh)
			}
			if diff := cmp.Diff(tt.want, judge(v, r)); diff != "" {
				t.Errorf("verdict (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAudienceOf checks the sender's default aud: the target URI without
// query and fragment.
func TestAudienceOf(t *testing.T) {
	tests := []struct {
		url  string
		want string
	}{
		{"https://svc.example/path?q=1#frag", "https://svc.example/path"},
		{"http://127.0.0.1:8080/a/b", "http://127.0.0.1:8080/a/b"},
		{"https://svc.example/a%2Fb", "https://svc.example/a%2Fb"},
	}
	for _, tt := range tests {
		r, err := http.NewRequest(http.MethodGet, tt.url, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := httpwpt.AudienceOf(r); got != tt.want {
			t.Errorf("AudienceOf(%q): got %q, want %q", tt.url, got, tt.want)
		}
	}
}
