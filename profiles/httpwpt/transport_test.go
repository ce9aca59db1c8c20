package httpwpt_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/wimse-wg/wimse/profiles/httpwpt"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/wimse"
)

// recordingBase is a Base round-tripper that keeps the request it was given
// and answers 204.
type recordingBase struct {
	got   *http.Request
	calls int
}

func (b *recordingBase) RoundTrip(r *http.Request) (*http.Response, error) {
	b.calls++
	b.got = r
	if r.Body != nil {
		_ = r.Body.Close()
	}
	return &http.Response{StatusCode: http.StatusNoContent, Body: http.NoBody, Request: r}, nil
}

// closeRecorder is a request body that records Close.
type closeRecorder struct {
	io.Reader
	closed int
}

func (c *closeRecorder) Close() error { c.closed++; return nil }

func (f *fixture) transport(base http.RoundTripper, mods ...func(*httpwpt.Transport)) *httpwpt.Transport {
	tr := &httpwpt.Transport{
		Base: base,
		WIT:  f.wit,
		Key:  f.workload,
		Now:  func() time.Time { return f.now },
	}
	for _, m := range mods {
		m(tr)
	}
	return tr
}

// overTheWire serialises r as an HTTP/1.1 client would send it and reads it
// back as a server would, so the receiver sees the request line and fields
// exactly as on the wire.
func overTheWire(t testing.TB, r *http.Request) *http.Request {
	t.Helper()
	var buf bytes.Buffer
	if err := r.Write(&buf); err != nil {
		t.Fatalf("write request: %v", err)
	}
	got, err := httpwpt.ReadRequest(buf.Bytes())
	if err != nil {
		t.Fatalf("read request back: %v", err)
	}
	return got
}

func newOutgoing(t testing.TB, url string, h http.Header) *http.Request {
	t.Helper()
	r, err := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"do stuff":"please"}`))
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range h {
		for _, v := range vs {
			r.Header.Add(k, v)
		}
	}
	return r
}

// sent is what a test compares about a request the transport sent and the
// receiver verified.
type sent struct {
	WIT             []string
	Authorization   []string
	ProofField      []string
	Revision        wimse.Revision
	AccessTokenHash string
	TxnTokenHash    string
	Other           map[string]string
	Expiry          time.Time
}

func describe(t testing.TB, v *httpwpt.Verifier, r *http.Request) sent {
	t.Helper()
	p, err := v.Verify(overTheWire(t, r))
	if err != nil {
		t.Fatalf("receiver rejects what the transport sent: %v", err)
	}
	auth := slices.Clone(r.Header.Values("Authorization"))
	for i, a := range auth {
		if strings.HasPrefix(a, "WPT ") {
			auth[i] = "WPT <proof>"
		}
	}
	proofField := slices.Clone(r.Header.Values(httpwpt.HeaderWPT))
	for i := range proofField {
		proofField[i] = "<proof>"
	}
	return sent{
		WIT:             r.Header.Values(httpwpt.HeaderWIT),
		Authorization:   auth,
		ProofField:      proofField,
		Revision:        p.Revision,
		AccessTokenHash: p.WPT.AccessTokenHash,
		TxnTokenHash:    p.WPT.TxnTokenHash,
		Other:           p.WPT.OtherTokenHashes,
		Expiry:          p.WPT.Expiry,
	}
}

// TestTransport checks what the RoundTripper adds (style item 11): the WIT,
// and by default "Authorization: WPT <proof>"; in wpt-01 mode
// Workload-Proof-Token with ath for a bearer token; tth for a Txn-Token and
// oth for configured fields. Each sent request is put on the wire and
// verified by a receiver, so the test is a round trip.
func TestTransport(t *testing.T) {
	f := newFixture(t)
	exp := f.now.Add(httpwpt.DefaultProofLifetime)
	tests := []struct {
		name   string
		url    string
		header http.Header
		mods   []func(*httpwpt.Transport)
		fields []string // receiver's ContextTokenFields
		want   sent
	}{
		{name: "wpt-02 by default", header: header(),
			want: sent{WIT: []string{f.wit}, Authorization: []string{"WPT <proof>"}, Revision: wimse.RevisionWPT02, Expiry: exp}},
		{name: "wpt-02 explicit",
			mods: mods(func(tr *httpwpt.Transport) { tr.Revision = wimse.RevisionWPT02 }),
			want: sent{WIT: []string{f.wit}, Authorization: []string{"WPT <proof>"}, Revision: wimse.RevisionWPT02, Expiry: exp}},
		{name: "wit already present is replaced", header: header(hWIT, "stale"),
			want: sent{WIT: []string{f.wit}, Authorization: []string{"WPT <proof>"}, Revision: wimse.RevisionWPT02, Expiry: exp}},
		{name: "lifetime",
			mods: mods(func(tr *httpwpt.Transport) { tr.Lifetime = 30 * time.Second }),
			want: sent{WIT: []string{f.wit}, Authorization: []string{"WPT <proof>"}, Revision: wimse.RevisionWPT02, Expiry: f.now.Add(30 * time.Second)}},
		{name: "wpt-01 without bearer",
			mods: mods(func(tr *httpwpt.Transport) { tr.Revision = wimse.RevisionWPT01 }),
			want: sent{WIT: []string{f.wit}, ProofField: []string{"<proof>"}, Revision: wimse.RevisionWPT01, Expiry: exp}},
		{name: "wpt-01 with bearer adds ath", header: header(hAuth, "Bearer "+testBearer),
			mods: mods(func(tr *httpwpt.Transport) { tr.Revision = wimse.RevisionWPT01 }),
			want: sent{WIT: []string{f.wit}, Authorization: []string{"Bearer " + testBearer}, ProofField: []string{"<proof>"},
				Revision: wimse.RevisionWPT01, AccessTokenHash: "CL4wjfpRmNf-bdYIbYLnV9d5rMARGwKYE10wUwzC0jI", Expiry: exp}},
		{name: "wpt-01 with dpop adds ath", header: header(hAuth, "DPoP "+testBearer),
			mods: mods(func(tr *httpwpt.Transport) { tr.Revision = wimse.RevisionWPT01 }),
			want: sent{WIT: []string{f.wit}, Authorization: []string{"DPoP " + testBearer}, ProofField: []string{"<proof>"},
				Revision: wimse.RevisionWPT01, AccessTokenHash: wit.Hash(testBearer), Expiry: exp}},
		{name: "txn-token adds tth", header: header(hTxn, "txn-abc"),
			want: sent{WIT: []string{f.wit}, Authorization: []string{"WPT <proof>"}, Revision: wimse.RevisionWPT02,
				TxnTokenHash: wit.Hash("txn-abc"), Expiry: exp}},
		{name: "wpt-01 txn-token adds tth", header: header(hTxn, "txn-abc"),
			mods: mods(func(tr *httpwpt.Transport) { tr.Revision = wimse.RevisionWPT01 }),
			want: sent{WIT: []string{f.wit}, ProofField: []string{"<proof>"}, Revision: wimse.RevisionWPT01,
				TxnTokenHash: wit.Hash("txn-abc"), Expiry: exp}},
		{name: "configured field adds oth", header: header("X-Custom-Token", "some-example-other-token"),
			mods:   mods(func(tr *httpwpt.Transport) { tr.ContextTokenFields = []string{"X-Custom-Token"} }),
			fields: []string{"X-Custom-Token"},
			want: sent{WIT: []string{f.wit}, Authorization: []string{"WPT <proof>"}, Revision: wimse.RevisionWPT02,
				Other: map[string]string{"x-custom-token": "x-Uy6Ch_xn3AbUVKDjPMQQugtcn2erLWrkvVWAmKl1k"}, Expiry: exp}},
		{name: "configured field absent adds no oth",
			mods:   mods(func(tr *httpwpt.Transport) { tr.ContextTokenFields = []string{"X-Custom-Token"} }),
			fields: []string{"X-Custom-Token"},
			want:   sent{WIT: []string{f.wit}, Authorization: []string{"WPT <proof>"}, Revision: wimse.RevisionWPT02, Expiry: exp}},
		{name: "custom audience", url: "http://10.0.0.7:8080/path",
			mods: mods(func(tr *httpwpt.Transport) {
				tr.Audience = func(r *http.Request) string { return testBase + r.URL.EscapedPath() }
			}),
			want: sent{WIT: []string{f.wit}, Authorization: []string{"WPT <proof>"}, Revision: wimse.RevisionWPT02, Expiry: exp}},
		{name: "query is left out of aud", url: testTarget + "?page=2#top",
			want: sent{WIT: []string{f.wit}, Authorization: []string{"WPT <proof>"}, Revision: wimse.RevisionWPT02, Expiry: exp}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := tt.url
			if url == "" {
				url = testTarget
			}
			base := &recordingBase{}
			req := newOutgoing(t, url, tt.header)
			orig := req.Header.Clone()
			res, err := (&http.Client{Transport: f.transport(base, tt.mods...)}).Do(req)
			if err != nil {
				t.Fatalf("Do: %v", err)
			}
			res.Body.Close()
			if diff := cmp.Diff(orig, req.Header); diff != "" {
				t.Errorf("the caller's request was modified (-want +got):\n%s", diff)
			}
			if base.got == req {
				t.Errorf("Base received the caller's request, not a clone")
			}
			v := f.verifier(withContext(tt.fields...))
			if diff := cmp.Diff(tt.want, describe(t, v, base.got)); diff != "" {
				t.Errorf("sent (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTransportRootPath checks a request for the bare origin: on the wire
// its target is "/" (RFC 9110 §4.2.3), so the sender's default aud and the
// receiver's expectation are both base + "/".
func TestTransportRootPath(t *testing.T) {
	r, err := http.NewRequest(http.MethodGet, testBase, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := httpwpt.AudienceOf(r), testBase+"/"; got != want {
		t.Errorf("AudienceOf(%q): got %q, want %q", testBase, got, want)
	}
	f := newFixture(t)
	base := &recordingBase{}
	res, err := (&http.Client{Transport: f.transport(base)}).Do(newOutgoing(t, testBase, nil))
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	res.Body.Close()
	got := judge(f.verifier(), overTheWire(t, base.got))
	if diff := cmp.Diff(accepted(wimse.RevisionWPT02), got); diff != "" {
		t.Errorf("verdict (-want +got):\n%s", diff)
	}
}

// TestTransportDistinctProofs checks that every request gets a new jti, so
// a receiver with a replay cache accepts consecutive requests.
func TestTransportDistinctProofs(t *testing.T) {
	f := newFixture(t)
	v := f.verifier()
	base := &recordingBase{}
	client := &http.Client{Transport: f.transport(base)}
	seen := map[string]bool{}
	for i := range 3 {
		res, err := client.Do(newOutgoing(t, testTarget, nil))
		if err != nil {
			t.Fatalf("Do %d: %v", i, err)
		}
		res.Body.Close()
		p, err := v.Verify(overTheWire(t, base.got))
		if err != nil {
			t.Fatalf("request %d rejected: %v", i, err)
		}
		if seen[p.WPT.ID] {
			t.Fatalf("request %d reused jti %q", i, p.WPT.ID)
		}
		seen[p.WPT.ID] = true
	}
}

// TestTransportErrors checks that a request the transport cannot
// authenticate never reaches Base and that its body is closed (the
// RoundTripper contract, style item 11).
func TestTransportErrors(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name   string
		header http.Header
		mods   []func(*httpwpt.Transport)
	}{
		{name: "wpt-02 request with a bearer token", header: header(hAuth, "Bearer "+testBearer)},
		{name: "wpt-02 request with basic credentials", header: header(hAuth, "Basic dXNlcjpwYXNz")},
		{name: "wpt-02 request with an empty authorization", header: header(hAuth, "")},
		{name: "no WIT", mods: mods(func(tr *httpwpt.Transport) { tr.WIT = "" })},
		{name: "no key", mods: mods(func(tr *httpwpt.Transport) { tr.Key = nil })},
		{name: "unknown revision", mods: mods(func(tr *httpwpt.Transport) { tr.Revision = "wpt-99" })},
		{name: "alg does not fit the key", mods: mods(func(tr *httpwpt.Transport) { tr.Alg = "EdDSA" })},
		{name: "jti source fails", mods: mods(func(tr *httpwpt.Transport) { tr.Rand = failingReader{} })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := &recordingBase{}
			body := &closeRecorder{Reader: strings.NewReader("body")}
			req := newOutgoing(t, testTarget, tt.header)
			req.Body = body
			orig := req.Header.Clone()
			res, err := f.transport(base, tt.mods...).RoundTrip(req)
			if err == nil {
				res.Body.Close()
				t.Fatal("RoundTrip succeeded, want an error")
			}
			if res != nil {
				t.Errorf("RoundTrip returned a response with its error")
			}
			if base.calls != 0 {
				t.Errorf("Base was called %d times, want 0", base.calls)
			}
			if body.closed == 0 {
				t.Errorf("request body was not closed")
			}
			if diff := cmp.Diff(orig, req.Header); diff != "" {
				t.Errorf("the caller's request was modified (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTransportNilBody checks that an error with no body does not panic.
func TestTransportNilBody(t *testing.T) {
	f := newFixture(t)
	req, err := http.NewRequest(http.MethodGet, testTarget, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set(hAuth, "Bearer x")
	if _, err := f.transport(&recordingBase{}).RoundTrip(req); err == nil {
		t.Fatal("RoundTrip succeeded, want an error")
	}
}

// TestTransportDeterministicJTI checks that Rand is the jti source.
func TestTransportDeterministicJTI(t *testing.T) {
	f := newFixture(t)
	base := &recordingBase{}
	tr := f.transport(base, func(tr *httpwpt.Transport) { tr.Rand = bytes.NewReader(make([]byte, 16)) })
	res, err := tr.RoundTrip(newOutgoing(t, testTarget, nil))
	if err != nil {
		t.Fatalf("RoundTrip: %v", err)
	}
	res.Body.Close()
	p, err := f.verifier().Verify(overTheWire(t, base.got))
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if got, want := p.WPT.ID, "AAAAAAAAAAAAAAAAAAAAAA"; got != want {
		t.Errorf("jti: got %q, want %q", got, want)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("no entropy") }

func mods(m ...func(*httpwpt.Transport)) []func(*httpwpt.Transport) { return m }

// TestTransportEmptyContextToken checks that a context-token field that is
// present with an empty value is bound like any other: the receiver sees a
// Txn-Token (or configured field) and requires tth (oth) for it.
func TestTransportEmptyContextToken(t *testing.T) {
	f := newFixture(t)
	for _, name := range []string{hTxn, "X-Custom-Token"} {
		t.Run(name, func(t *testing.T) {
			base := &recordingBase{}
			tr := f.transport(base, func(tr *httpwpt.Transport) { tr.ContextTokenFields = []string{"X-Custom-Token"} })
			res, err := (&http.Client{Transport: tr}).Do(newOutgoing(t, testTarget, header(name, "")))
			if err != nil {
				t.Fatalf("Do: %v", err)
			}
			res.Body.Close()
			got := judge(f.verifier(withContext("X-Custom-Token")), overTheWire(t, base.got))
			if diff := cmp.Diff(accepted(wimse.RevisionWPT02), got); diff != "" {
				t.Errorf("verdict (-want +got):\n%s", diff)
			}
		})
	}
}
