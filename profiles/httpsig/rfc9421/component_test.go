package rfc9421_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wimse-wg/wimse/profiles/httpsig/rfc9421"
)

// baseLines builds a signature base over m covering the given serialised
// component identifiers and returns its component lines (without the
// @signature-params line).
func baseLines(t testing.TB, m rfc9421.Message, ids ...string) ([]string, error) {
	t.Helper()
	cs := make([]rfc9421.Component, 0, len(ids))
	for _, id := range ids {
		c, err := rfc9421.ParseComponent(id)
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	sp, err := rfc9421.SignatureParams(cs, rfc9421.Params{})
	if err != nil {
		t.Fatal(err)
	}
	base, err := rfc9421.SignatureBase(m, cs, sp)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(string(base), "\n")
	if last := lines[len(lines)-1]; last != `"@signature-params": `+sp {
		t.Fatalf("last line = %q", last)
	}
	return lines[:len(lines)-1], nil
}

// section21Message is the message fragment of RFC 9421 §2.1, built
// directly (obs-fold and whitespace kept as they would arrive on the wire).
func section21Message() rfc9421.Message {
	return rfc9421.Message{
		Method: "GET", Scheme: "https", Authority: "www.example.com", Path: "/",
		Header: http.Header{
			"Host":              {"www.example.com"},
			"Date":              {"Tue, 20 Apr 2021 02:07:56 GMT"},
			"X-Ows-Header":      {"   Leading and trailing whitespace.   "},
			"X-Obs-Fold-Header": {"Obsolete\r\n    line folding."},
			"Cache-Control":     {"max-age=60", "   must-revalidate"},
			"Example-Dict":      {" a=1,    b=2;x=1;y=2,   c=(a   b   c)"},
			"X-Empty-Header":    {""},
			"Example-Header":    {"value, with, lots", "of, commas"},
			"Example-Header-2":  {"value, with, lots, of, commas"},
		},
		Types: map[string]rfc9421.FieldType{"example-dict": rfc9421.FieldDictionary},
	}
}

// TestFieldComponents reproduces the examples of RFC 9421 §2.1, §2.1.1 and
// §2.1.3, including multi-valued fields joined with ", ".
func TestFieldComponents(t *testing.T) {
	got, err := baseLines(t, section21Message(),
		`"host"`, `"date"`, `"x-ows-header"`, `"x-obs-fold-header"`, `"cache-control"`,
		`"example-dict"`, `"x-empty-header"`, `"example-dict";sf`,
		`"example-header"`, `"example-header";bs`, `"example-header-2";bs`)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`"host": www.example.com`,
		`"date": Tue, 20 Apr 2021 02:07:56 GMT`,
		`"x-ows-header": Leading and trailing whitespace.`,
		`"x-obs-fold-header": Obsolete line folding.`,
		`"cache-control": max-age=60, must-revalidate`,
		`"example-dict": a=1,    b=2;x=1;y=2,   c=(a   b   c)`,
		`"x-empty-header": `,
		`"example-dict";sf: a=1, b=2;x=1;y=2, c=(a b c)`,
		`"example-header": value, with, lots, of, commas`,
		`"example-header";bs: :dmFsdWUsIHdpdGgsIGxvdHM=:, :b2YsIGNvbW1hcw==:`,
		`"example-header-2";bs: :dmFsdWUsIHdpdGgsIGxvdHMsIG9mLCBjb21tYXM=:`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("component lines (-want +got):\n%s", diff)
	}
}

// TestMultiValuedFieldFromWire checks that two field lines received by
// net/http are joined as RFC 9421 §2.1 requires, and that their order
// matters (RFC 9421 Appendix B.4, last example).
func TestMultiValuedFieldFromWire(t *testing.T) {
	m := message(t, "rfc9421-b4-transform.http", "", "https")
	got, err := baseLines(t, m, `"accept"`, `"accept";bs`)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`"accept": application/json, */*`, `"accept";bs: :YXBwbGljYXRpb24vanNvbg==:, :Ki8q:`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	m.Header["Accept"] = []string{"*/*", "application/json"}
	got, _ = baseLines(t, m, `"accept"`)
	if got[0] != `"accept": */*, application/json` {
		t.Errorf("reordered: %q", got[0])
	}
}

// TestDictionaryMembers reproduces RFC 9421 §2.1.2.
func TestDictionaryMembers(t *testing.T) {
	m := rfc9421.Message{Method: "GET", Header: http.Header{
		"Example-Dict": {"  a=1, b=2;x=1;y=2, c=(a   b    c), d"},
	}}
	got, err := baseLines(t, m, `"example-dict";key="a"`, `"example-dict";key="d"`,
		`"example-dict";key="b"`, `"example-dict";key="c"`)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`"example-dict";key="a": 1`,
		`"example-dict";key="d": ?1`,
		`"example-dict";key="b": 2;x=1;y=2`,
		`"example-dict";key="c": (a b c)`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	// §2.1.2 across field lines, and on a built-in Dictionary.
	m.Header = http.Header{"Signature": {"sig1=:AAAA:", "sig2=:AQID:;x"}}
	got, err = baseLines(t, m, `"signature";key="sig2"`, `"signature";sf`)
	if err != nil {
		t.Fatal(err)
	}
	want = []string{`"signature";key="sig2": :AQID:;x`, `"signature";sf: sig1=:AAAA:, sig2=:AQID:;x`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// section22Request is the request of RFC 9421 §2.2's examples.
func section22Request() rfc9421.Message {
	return rfc9421.Message{
		Method: "POST", Scheme: "https", Authority: "www.example.com",
		Path: "/path", RawQuery: "param=value&foo=bar&baz=bat%2Dman",
		Header: http.Header{},
	}
}

// TestDerivedComponents reproduces the examples of RFC 9421 §2.2.1-§2.2.9.
func TestDerivedComponents(t *testing.T) {
	tests := []struct {
		name string
		m    func(m *rfc9421.Message)
		id   string
		want string
	}{
		{"method", nil, `"@method"`, `POST`},
		{"target-uri", nil, `"@target-uri"`, `https://www.example.com/path?param=value&foo=bar&baz=bat%2Dman`},
		{"authority", nil, `"@authority"`, `www.example.com`},
		{"scheme http", func(m *rfc9421.Message) { m.Scheme = "HTTP" }, `"@scheme"`, `http`},
		{"request-target origin-form", nil, `"@request-target"`, `/path?param=value&foo=bar&baz=bat%2Dman`},
		{"request-target absolute-form", func(m *rfc9421.Message) {
			m.RequestTarget = "https://www.example.com/path?param=value"
		}, `"@request-target"`, `https://www.example.com/path?param=value`},
		{"request-target authority-form", func(m *rfc9421.Message) {
			m.Method, m.RequestTarget = "CONNECT", "www.example.com:80"
		}, `"@request-target"`, `www.example.com:80`},
		{"request-target asterisk-form", func(m *rfc9421.Message) {
			m.Method, m.RequestTarget = "OPTIONS", "*"
		}, `"@request-target"`, `*`},
		{"path", nil, `"@path"`, `/path`},
		{"path empty", func(m *rfc9421.Message) { m.Path = "" }, `"@path"`, `/`},
		{"path keeps percent-encoding", func(m *rfc9421.Message) { m.Path = "/a%2Fb" }, `"@path"`, `/a%2Fb`},
		{"query", nil, `"@query"`, `?param=value&foo=bar&baz=bat%2Dman`},
		{"query string", func(m *rfc9421.Message) { m.RawQuery = "queryString" }, `"@query"`, `?queryString`},
		{"query absent", func(m *rfc9421.Message) { m.RawQuery = "" }, `"@query"`, `?`},
		{"target-uri without query", func(m *rfc9421.Message) { m.RawQuery, m.Path = "", "" }, `"@target-uri"`, `https://www.example.com/`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := section22Request()
			if tt.m != nil {
				tt.m(&m)
			}
			got, err := baseLines(t, m, tt.id)
			if err != nil {
				t.Fatal(err)
			}
			if want := tt.id + ": " + tt.want; got[0] != want {
				t.Errorf("got %q, want %q", got[0], want)
			}
		})
	}
}

// TestAuthorityNormalization checks RFC 9421 §2.2.3 / RFC 9110 §4.2.3:
// lower-case host, default port removed.
func TestAuthorityNormalization(t *testing.T) {
	tests := []struct{ scheme, authority, want string }{
		{"https", "WWW.Example.COM", "www.example.com"},
		{"https", "www.example.com:443", "www.example.com"},
		{"HTTPS", "www.example.com:443", "www.example.com"},
		{"http", "www.example.com:80", "www.example.com"},
		{"http", "www.example.com:443", "www.example.com:443"},
		{"https", "www.example.com:8443", "www.example.com:8443"},
		{"https", "www.example.com:", "www.example.com"},
		{"https", "[2001:DB8::1]:443", "[2001:db8::1]"},
		{"https", "[2001:db8::1]:8443", "[2001:db8::1]:8443"},
		{"https", "[2001:db8::1]", "[2001:db8::1]"},
	}
	for _, tt := range tests {
		m := rfc9421.Message{Method: "GET", Scheme: tt.scheme, Authority: tt.authority}
		got, err := baseLines(t, m, `"@authority"`, `"@target-uri"`)
		if err != nil {
			t.Fatalf("%s %s: %v", tt.scheme, tt.authority, err)
		}
		if want := `"@authority": ` + tt.want; got[0] != want {
			t.Errorf("%s %s: got %q, want %q", tt.scheme, tt.authority, got[0], want)
		}
		if want := `"@target-uri": ` + strings.ToLower(tt.scheme) + "://" + tt.want + "/"; got[1] != want {
			t.Errorf("%s %s: got %q, want %q", tt.scheme, tt.authority, got[1], want)
		}
	}
}

// TestQueryParam reproduces RFC 9421 §2.2.8.
func TestQueryParam(t *testing.T) {
	m := section22Request()
	m.RawQuery = "param=value&foo=bar&baz=batman&qux="
	got, err := baseLines(t, m, `"@query-param";name="baz"`, `"@query-param";name="qux"`, `"@query-param";name="param"`)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`"@query-param";name="baz": batman`, `"@query-param";name="qux": `, `"@query-param";name="param": value`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}

	m.RawQuery = "var=this%20is%20a%20big%0Amultiline%20value&bar=with+plus+whitespace&fa%C3%A7ade%22%3A%20=something"
	got, err = baseLines(t, m, `"@query-param";name="var"`, `"@query-param";name="bar"`, `"@query-param";name="fa%C3%A7ade%22%3A%20"`)
	if err != nil {
		t.Fatal(err)
	}
	want = []string{
		`"@query-param";name="var": this%20is%20a%20big%0Amultiline%20value`,
		`"@query-param";name="bar": with%20plus%20whitespace`,
		`"@query-param";name="fa%C3%A7ade%22%3A%20": something`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}

	// Lenient decoding: invalid escapes stay, invalid UTF-8 becomes U+FFFD
	// (WHATWG URL §5.1, Encoding §4.1.1), empty sequences are skipped.
	m.RawQuery = "&a=%zz%4&&b=%E2%82&c=%FF%41&d=~!'()"
	got, err = baseLines(t, m, `"@query-param";name="a"`, `"@query-param";name="b"`, `"@query-param";name="c"`, `"@query-param";name="d"`)
	if err != nil {
		t.Fatal(err)
	}
	want = []string{
		`"@query-param";name="a": %25zz%254`,
		`"@query-param";name="b": %EF%BF%BD`,
		`"@query-param";name="c": %EF%BF%BDA`,
		`"@query-param";name="d": %7E%21%27%28%29`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestStatus reproduces RFC 9421 §2.2.9.
func TestStatus(t *testing.T) {
	m := rfc9421.FromResponse(200, http.Header{"Date": {"Fri, 26 Mar 2010 00:05:00 GMT"}}, section22Request())
	got, err := baseLines(t, m, `"@status"`, `"@method";req`, `"@authority";req`)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`"@status": 200`, `"@method";req: POST`, `"@authority";req: www.example.com`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestComponentErrors checks that each kind of unusable component yields
// the documented sentinel error.
func TestComponentErrors(t *testing.T) {
	req := section22Request()
	req.Header = http.Header{
		"A":                {"1"},
		"Lf":               {"a\nb"},
		"Ctl":              {"a\x00b"},
		"Example-List":     {"a, b"},
		"Bad-Dict":         {"a=("},
		"Accept-Signature": {"sig1=(\"@method\""},
	}
	req.Types = map[string]rfc9421.FieldType{"example-list": rfc9421.FieldList}
	resp := rfc9421.FromResponse(200, http.Header{}, req)
	orphan := rfc9421.Message{Status: 200}
	tests := []struct {
		name    string
		m       rfc9421.Message
		ids     []string
		wantErr error
	}{
		{"absent field", req, []string{`"date"`}, rfc9421.ErrMissingComponent},
		{"absent dictionary member", req, []string{`"signature";key="x"`}, rfc9421.ErrMissingComponent},
		{"absent query parameter", req, []string{`"@query-param";name="nope"`}, rfc9421.ErrMissingComponent},
		{"absent method", rfc9421.Message{Scheme: "https"}, []string{`"@method"`}, rfc9421.ErrMissingComponent},
		{"absent authority", rfc9421.Message{Method: "GET"}, []string{`"@authority"`}, rfc9421.ErrMissingComponent},
		{"target-uri without scheme", rfc9421.Message{Method: "GET", Authority: "a"}, []string{`"@target-uri"`}, rfc9421.ErrMissingComponent},
		{"req without related request", orphan, []string{`"@method";req`}, rfc9421.ErrMissingComponent},
		{"unknown derived component", req, []string{`"@foo"`}, rfc9421.ErrUnknownComponent},
		{"token, not string", req, []string{`@method`}, rfc9421.ErrInvalidComponent},
		{"upper-case field name", req, []string{`"Content-Type"`}, rfc9421.ErrInvalidComponent},
		{"signature-params covered", req, []string{`"@signature-params"`}, rfc9421.ErrInvalidComponent},
		{"unknown parameter", req, []string{`"a";foo`}, rfc9421.ErrInvalidComponent},
		{"key on derived", req, []string{`"@method";key="a"`}, rfc9421.ErrInvalidComponent},
		{"name on field", req, []string{`"a";name="a"`}, rfc9421.ErrInvalidComponent},
		{"non-boolean req", resp, []string{`"@method";req=1`}, rfc9421.ErrInvalidComponent},
		{"non-string key", req, []string{`"a";key=1`}, rfc9421.ErrInvalidComponent},
		{"trailer", req, []string{`"a";tr`}, rfc9421.ErrInvalidComponent},
		{"bs with sf", req, []string{`"a";bs;sf`}, rfc9421.ErrInvalidComponent},
		{"bs with key", req, []string{`"a";bs;key="x"`}, rfc9421.ErrInvalidComponent},
		{"query-param without name", req, []string{`"@query-param"`}, rfc9421.ErrInvalidComponent},
		{"repeated query parameter", func() rfc9421.Message { m := req; m.RawQuery = "a=1&a=2"; return m }(), []string{`"@query-param";name="a"`}, rfc9421.ErrInvalidComponent},
		{"status on request", req, []string{`"@status"`}, rfc9421.ErrInvalidComponent},
		{"status req on response", resp, []string{`"@status";req`}, rfc9421.ErrInvalidComponent},
		{"status out of range", rfc9421.Message{Status: 42}, []string{`"@status"`}, rfc9421.ErrInvalidComponent},
		{"request component on response", resp, []string{`"@method"`}, rfc9421.ErrInvalidComponent},
		{"req on request", req, []string{`"@method";req`}, rfc9421.ErrInvalidComponent},
		{"field req on request", req, []string{`"a";req`}, rfc9421.ErrInvalidComponent},
		{"sf on unknown type", req, []string{`"a";sf`}, rfc9421.ErrInvalidComponent},
		{"sf on malformed value", req, []string{`"accept-signature";sf`}, rfc9421.ErrInvalidComponent},
		{"key on a declared List", req, []string{`"example-list";key="a"`}, rfc9421.ErrInvalidComponent},
		{"key on a malformed Dictionary", req, []string{`"bad-dict";key="a"`}, rfc9421.ErrInvalidComponent},
		{"LF in field value", req, []string{`"lf"`}, rfc9421.ErrInvalidComponent},
		{"NUL in field value", req, []string{`"ctl"`}, rfc9421.ErrInvalidComponent},
		{"relative path", func() rfc9421.Message { m := req; m.Path = "path"; return m }(), []string{`"@path"`}, rfc9421.ErrInvalidComponent},
		{"newline in path", func() rfc9421.Message { m := req; m.Path = "/a\nb"; return m }(), []string{`"@path"`}, rfc9421.ErrInvalidComponent},
		{"non-ASCII query", func() rfc9421.Message { m := req; m.RawQuery = "é"; return m }(), []string{`"@query"`}, rfc9421.ErrInvalidComponent},
		{"duplicate", req, []string{`"a"`, `"a"`}, rfc9421.ErrInvalidComponent},
		{"duplicate, parameters reordered", resp, []string{`"@query-param";req;name="a"`, `"@query-param";name="a";req`}, rfc9421.ErrInvalidComponent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := baseLines(t, tt.m, tt.ids...)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

// TestParseComponent checks accessors, the exact serialisation, and
// equality regardless of parameter order.
func TestParseComponent(t *testing.T) {
	c := rfc9421.MustParseComponent(`  "content-digest";req;key="sha-256"  `)
	if c.String() != `"content-digest";req;key="sha-256"` || c.Name() != "content-digest" || !c.Req() || c.IsDerived() {
		t.Errorf("got %s name=%s req=%v derived=%v", c, c.Name(), c.Req(), c.IsDerived())
	}
	if k, ok := c.Key(); !ok || k != "sha-256" {
		t.Errorf("Key() = %q, %v", k, ok)
	}
	d := rfc9421.MustParseComponent(`"content-digest";key="sha-256";req`)
	if c == d || !c.Equal(d) {
		t.Errorf("c == d: %v, Equal: %v; want false, true", c == d, c.Equal(d))
	}
	f := rfc9421.MustParseComponent(`"@method";req=?0`)
	if f.Req() || f.String() != `"@method";req=?0` {
		t.Errorf("req=?0: Req() = %v, String() = %s", f.Req(), f)
	}
	if !(rfc9421.Component{}).IsZero() || c.IsZero() {
		t.Error("IsZero")
	}
}

// TestSignatureBaseParamsMismatch checks that the @signature-params value
// must list exactly the covered components.
func TestSignatureBaseParamsMismatch(t *testing.T) {
	m := section22Request()
	cs := []rfc9421.Component{rfc9421.MustParseComponent(`"@method"`)}
	for _, params := range []string{
		`();created=1`, `("@path")`, `("@method" "@path")`, `("@method";req)`, `"@method"`, `("@method"), ("@method")`, `(`, `("@method");created=1,`,
	} {
		if _, err := rfc9421.SignatureBase(m, cs, params); !errors.Is(err, rfc9421.ErrMalformed) {
			t.Errorf("SignatureBase(%s): err = %v, want ErrMalformed", params, err)
		}
	}
	// A non-canonical but equivalent value is re-serialised (§3.2 step 7).
	base, err := rfc9421.SignatureBase(m, cs, `(  "@method" );created=1;x=?1`)
	if err != nil {
		t.Fatal(err)
	}
	if want := "\"@method\": POST\n\"@signature-params\": (\"@method\");created=1;x"; string(base) != want {
		t.Errorf("base = %q, want %q", base, want)
	}
}
