package wimse_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"

	"github.com/wimse-wg/wimse/wimse"
)

// checkReason fails t unless err carries want ("" means no error) and,
// when it is an error, is an *wimse.Error.
func checkReason(t testing.TB, err error, want wimse.Reason) {
	t.Helper()
	if got := wimse.ReasonOf(err); got != want {
		t.Fatalf("reason: got %q, want %q (err: %v)", got, want, err)
	}
	if err != nil {
		var e *wimse.Error
		if !errors.As(err, &e) {
			t.Fatalf("error %v (%T) is not a *wimse.Error", err, err)
		}
		rest, ok := strings.CutPrefix(e.Detail, "wimse: ")
		if !ok || rest == "" || unicode.IsUpper(rune(rest[0])) {
			t.Errorf("detail %q: want a lower-case message prefixed \"wimse: \"", e.Detail)
		}
	}
}

// idOfLength returns a valid identifier of exactly n octets: prefix
// followed by a path of one segment of 'a's.
func idOfLength(t testing.TB, prefix string, n int) string {
	t.Helper()
	s := prefix + "/" + strings.Repeat("a", n-len(prefix)-1)
	if len(s) != n {
		t.Fatalf("idOfLength: built %d octets, want %d", len(s), n)
	}
	return s
}

func TestParseID(t *testing.T) {
	tests := []struct {
		name       string
		input      string
		wantReason wimse.Reason
	}{
		// Examples of identifier-03 §2.2 and the SPIFFE-ID example of §2.1.
		{name: "draft example service", input: "wimse://trust.example.com/service/payment"},
		{name: "draft example instance", input: "wimse://trust.example.com/service/payment/instance/1234"},
		{name: "draft example uuid", input: "wimse://prod.corp.example/workload/89a6ec51-f877-44c0-9501-b213597f2d1d"},
		{name: "draft example spiffe", input: "spiffe://prod.trust.domain/ns/prod-01/sa/foo-service"},
		{name: "draft attack percent-encoded letter", input: "wimse://trust.example/service/%70ayment", wantReason: wimse.ReasonIDNotCanonical},

		// Malformed: not scheme "://".
		{name: "empty", input: "", wantReason: wimse.ReasonIDMalformed},
		{name: "relative path", input: "/service/payment", wantReason: wimse.ReasonIDMalformed},
		{name: "network-path reference", input: "//trust.example/service/payment", wantReason: wimse.ReasonIDMalformed},
		{name: "no authority one slash", input: "wimse:/service/payment", wantReason: wimse.ReasonIDMalformed},
		{name: "no authority opaque", input: "wimse:service/payment", wantReason: wimse.ReasonIDMalformed},
		{name: "no colon", input: "wimse//trust.example/x", wantReason: wimse.ReasonIDMalformed},
		{name: "scheme starts with digit", input: "1wimse://trust.example/x", wantReason: wimse.ReasonIDMalformed},
		{name: "leading space", input: " wimse://trust.example/x", wantReason: wimse.ReasonIDMalformed},
		{name: "space before colon", input: "wimse ://trust.example/x", wantReason: wimse.ReasonIDMalformed},
		{name: "urn", input: "urn:wimse:trust.example:x", wantReason: wimse.ReasonIDMalformed},

		// Scheme.
		{name: "https", input: "https://trust.example/service/payment", wantReason: wimse.ReasonIDScheme},
		{name: "upper-case https", input: "HTTPS://trust.example/service/payment", wantReason: wimse.ReasonIDScheme},
		{name: "wimse prefix of longer scheme", input: "wimsex://trust.example/x", wantReason: wimse.ReasonIDScheme},
		{name: "upper-case wimse scheme", input: "WIMSE://trust.example/service/payment", wantReason: wimse.ReasonIDNotCanonical},
		{name: "mixed-case wimse scheme", input: "Wimse://trust.example/service/payment", wantReason: wimse.ReasonIDNotCanonical},
		{name: "upper-case spiffe scheme", input: "SPIFFE://example.org/x", wantReason: wimse.ReasonIDNotCanonical},

		// Trust domain (wimse).
		{name: "trust domain all allowed chars", input: "wimse://a-b_c.0-9.example/x"},
		{name: "trust domain single label", input: "wimse://localdomain/x"},
		{name: "trust domain ipv4 accepted syntactically", input: "wimse://192.0.2.1/x"},
		{name: "trust domain empty", input: "wimse:///service/payment", wantReason: wimse.ReasonIDTrustDomain},
		{name: "trust domain empty no path", input: "wimse://", wantReason: wimse.ReasonIDTrustDomain},
		{name: "trust domain upper case", input: "wimse://UPPER.example/service/payment", wantReason: wimse.ReasonIDNotCanonical},
		{name: "trust domain one upper-case letter", input: "wimse://trust.Example/x", wantReason: wimse.ReasonIDNotCanonical},
		{name: "trust domain percent-encoded", input: "wimse://trust%2eexample/x", wantReason: wimse.ReasonIDNotCanonical},
		{name: "trust domain port", input: "wimse://trust.example:443/service/payment", wantReason: wimse.ReasonIDTrustDomain},
		{name: "trust domain empty port", input: "wimse://trust.example:/x", wantReason: wimse.ReasonIDTrustDomain},
		{name: "trust domain userinfo", input: "wimse://user@trust.example/service/payment", wantReason: wimse.ReasonIDTrustDomain},
		{name: "trust domain userinfo with password", input: "wimse://user:pw@trust.example/x", wantReason: wimse.ReasonIDTrustDomain},
		{name: "trust domain trailing dot", input: "wimse://trust.example./x", wantReason: wimse.ReasonIDTrustDomain},
		{name: "trust domain ipv6 literal", input: "wimse://[2001:db8::1]/x", wantReason: wimse.ReasonIDTrustDomain},
		{name: "trust domain space", input: "wimse://trust example/x", wantReason: wimse.ReasonIDTrustDomain},
		{name: "trust domain tilde", input: "wimse://trust~example/x", wantReason: wimse.ReasonIDTrustDomain},
		{name: "trust domain nul", input: "wimse://trust\x00example/x", wantReason: wimse.ReasonIDTrustDomain},
		{name: "trust domain non-ascii", input: "wimse://trüst.example/x", wantReason: wimse.ReasonIDTrustDomain},
		{name: "trust domain backslash", input: "wimse://trust.example\\evil/x", wantReason: wimse.ReasonIDTrustDomain},
		{name: "upper case and port is structural", input: "wimse://TRUST.example:443/x", wantReason: wimse.ReasonIDTrustDomain},

		// Path (wimse).
		{name: "path with tilde", input: "wimse://trust.example/~user/svc"},
		{name: "path all unreserved", input: "wimse://trust.example/AZaz09-._~"},
		{name: "path case sensitive", input: "wimse://trust.example/Service/Payment"},
		{name: "path segment of dots", input: "wimse://trust.example/a/.../b"},
		{name: "path segment starting with dot", input: "wimse://trust.example/.well-known"},
		{name: "path missing", input: "wimse://trust.example", wantReason: wimse.ReasonIDPath},
		{name: "path only slash", input: "wimse://trust.example/", wantReason: wimse.ReasonIDPath},
		{name: "path trailing slash", input: "wimse://trust.example/service/payment/", wantReason: wimse.ReasonIDPath},
		{name: "path double slash", input: "wimse://trust.example/service//payment", wantReason: wimse.ReasonIDPath},
		{name: "path leading double slash", input: "wimse://trust.example//service", wantReason: wimse.ReasonIDPath},
		{name: "path dot segment", input: "wimse://trust.example/a/./b", wantReason: wimse.ReasonIDPath},
		{name: "path dot-dot segment", input: "wimse://trust.example/a/../b", wantReason: wimse.ReasonIDPath},
		{name: "path final dot-dot", input: "wimse://trust.example/a/..", wantReason: wimse.ReasonIDPath},
		{name: "path encoded dot", input: "wimse://trust.example/a/%2e/b", wantReason: wimse.ReasonIDNotCanonical},
		{name: "path encoded dot-dot", input: "wimse://trust.example/a/%2E%2E/b", wantReason: wimse.ReasonIDNotCanonical},
		{name: "path encoded slash", input: "wimse://trust.example/a%2fb", wantReason: wimse.ReasonIDNotCanonical},
		{name: "path lone percent", input: "wimse://trust.example/100%", wantReason: wimse.ReasonIDNotCanonical},
		{name: "path space", input: "wimse://trust.example/service payment", wantReason: wimse.ReasonIDPath},
		{name: "path sub-delim", input: "wimse://trust.example/a;b=c", wantReason: wimse.ReasonIDPath},
		{name: "path colon", input: "wimse://trust.example/a:b", wantReason: wimse.ReasonIDPath},
		{name: "path at sign", input: "wimse://trust.example/a@b", wantReason: wimse.ReasonIDPath},
		{name: "path newline", input: "wimse://trust.example/a\nb", wantReason: wimse.ReasonIDPath},
		{name: "path del", input: "wimse://trust.example/a\x7fb", wantReason: wimse.ReasonIDPath},
		{name: "path non-ascii", input: "wimse://trust.example/pa\u0443ment", wantReason: wimse.ReasonIDPath},
		{name: "path backslash", input: "wimse://trust.example/a\\b", wantReason: wimse.ReasonIDPath},
		{name: "percent and dot segment is structural", input: "wimse://trust.example/%70/./b", wantReason: wimse.ReasonIDPath},
		{name: "upper scheme and bad path is structural", input: "WIMSE://trust.example/a//b", wantReason: wimse.ReasonIDPath},

		// Query and fragment.
		{name: "query", input: "wimse://trust.example/service/payment?x=1", wantReason: wimse.ReasonIDQueryFragment},
		{name: "empty query", input: "wimse://trust.example/service/payment?", wantReason: wimse.ReasonIDQueryFragment},
		{name: "fragment", input: "wimse://trust.example/service/payment#frag", wantReason: wimse.ReasonIDQueryFragment},
		{name: "query after authority", input: "wimse://trust.example?/service", wantReason: wimse.ReasonIDQueryFragment},
		{name: "fragment in spiffe", input: "spiffe://example.org/x#y", wantReason: wimse.ReasonIDQueryFragment},

		// spiffe.
		{name: "spiffe trust domain id", input: "spiffe://example.org"},
		{name: "spiffe single segment", input: "spiffe://example.org/workload"},
		{name: "spiffe upper-case path", input: "spiffe://example.org/Workload/ID"},
		{name: "spiffe tilde", input: "spiffe://example.org/~user", wantReason: wimse.ReasonIDPath},
		{name: "spiffe only slash", input: "spiffe://example.org/", wantReason: wimse.ReasonIDPath},
		{name: "spiffe trailing slash", input: "spiffe://example.org/a/", wantReason: wimse.ReasonIDPath},
		{name: "spiffe double slash", input: "spiffe://example.org/a//b", wantReason: wimse.ReasonIDPath},
		{name: "spiffe dot segment", input: "spiffe://example.org/a/./b", wantReason: wimse.ReasonIDPath},
		{name: "spiffe dot-dot segment", input: "spiffe://example.org/a/../b", wantReason: wimse.ReasonIDPath},
		{name: "spiffe bad path char", input: "spiffe://example.org/a+b", wantReason: wimse.ReasonIDPath},
		{name: "spiffe percent in path", input: "spiffe://example.org/%70ayment", wantReason: wimse.ReasonIDNotCanonical},
		{name: "spiffe upper-case trust domain", input: "spiffe://Example.org/x", wantReason: wimse.ReasonIDNotCanonical},
		{name: "spiffe port", input: "spiffe://example.org:8080/x", wantReason: wimse.ReasonIDTrustDomain},
		{name: "spiffe userinfo", input: "spiffe://user@example.org/x", wantReason: wimse.ReasonIDTrustDomain},
		{name: "spiffe empty trust domain", input: "spiffe:///x", wantReason: wimse.ReasonIDTrustDomain},
		{name: "spiffe trailing dot", input: "spiffe://example.org./x", wantReason: wimse.ReasonIDTrustDomain},
		{name: "spiffe query", input: "spiffe://example.org/x?y", wantReason: wimse.ReasonIDQueryFragment},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := wimse.ParseID(tt.input)
			checkReason(t, err, tt.wantReason)
			if err != nil {
				if !id.IsZero() {
					t.Errorf("got %q with error, want the zero ID", id)
				}
				return
			}
			if got := id.String(); got != tt.input {
				t.Errorf("String: got %q, want %q", got, tt.input)
			}
		})
	}
}

// TestParseIDMutations derives invalid identifiers from a valid baseline.
func TestParseIDMutations(t *testing.T) {
	const base = "wimse://trust.example.com/service/payment"
	checkReason(t, mustParseErr(base), "")
	tests := []struct {
		name       string
		mutate     func(string) string
		wantReason wimse.Reason
	}{
		{"append slash", func(s string) string { return s + "/" }, wimse.ReasonIDPath},
		{"append dot segment", func(s string) string { return s + "/." }, wimse.ReasonIDPath},
		{"append query", func(s string) string { return s + "?a=b" }, wimse.ReasonIDQueryFragment},
		{"append fragment", func(s string) string { return s + "#" }, wimse.ReasonIDQueryFragment},
		{"upper-case all", strings.ToUpper, wimse.ReasonIDNotCanonical},
		{"percent-encode p", func(s string) string { return strings.Replace(s, "payment", "%70ayment", 1) }, wimse.ReasonIDNotCanonical},
		{"add port", func(s string) string { return strings.Replace(s, ".com/", ".com:443/", 1) }, wimse.ReasonIDTrustDomain},
		{"add userinfo", func(s string) string { return strings.Replace(s, "://", "://user@", 1) }, wimse.ReasonIDTrustDomain},
		{"trailing dot trust domain", func(s string) string { return strings.Replace(s, ".com/", ".com./", 1) }, wimse.ReasonIDTrustDomain},
		{"double slash", func(s string) string { return strings.Replace(s, "/payment", "//payment", 1) }, wimse.ReasonIDPath},
		{"drop path", func(s string) string { return s[:strings.Index(s, "/service")] }, wimse.ReasonIDPath},
		{"drop scheme", func(s string) string { return strings.TrimPrefix(s, "wimse:") }, wimse.ReasonIDMalformed},
		{"other scheme", func(s string) string { return "http" + strings.TrimPrefix(s, "wimse") }, wimse.ReasonIDScheme},
		{"append nul", func(s string) string { return s + "\x00" }, wimse.ReasonIDPath},
		{"prepend space", func(s string) string { return " " + s }, wimse.ReasonIDMalformed},
		{"append space", func(s string) string { return s + " " }, wimse.ReasonIDPath},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkReason(t, mustParseErr(tt.mutate(base)), tt.wantReason)
		})
	}
}

func mustParseErr(s string) error {
	_, err := wimse.ParseID(s)
	return err
}

func TestParseIDLength(t *testing.T) {
	tests := []struct {
		name       string
		input      string
		wantReason wimse.Reason
	}{
		{name: "wimse 2048", input: idOfLength(t, "wimse://trust.example", wimse.MaxIDLength)},
		{name: "wimse 2049", input: idOfLength(t, "wimse://trust.example", wimse.MaxIDLength+1), wantReason: wimse.ReasonIDTooLong},
		{name: "spiffe 2048", input: idOfLength(t, "spiffe://example.org", wimse.MaxIDLength)},
		{name: "spiffe 2049", input: idOfLength(t, "spiffe://example.org", wimse.MaxIDLength+1), wantReason: wimse.ReasonIDTooLong},
		{name: "too long checked first", input: "\x00" + strings.Repeat("%", wimse.MaxIDLength), wantReason: wimse.ReasonIDTooLong},
		{name: "one mebibyte", input: "wimse://trust.example/" + strings.Repeat("a", 1<<20), wantReason: wimse.ReasonIDTooLong},
		{name: "trust domain 255", input: "wimse://" + strings.Repeat("a", 255) + "/x"},
		{name: "trust domain 256", input: "wimse://" + strings.Repeat("a", 256) + "/x", wantReason: wimse.ReasonIDTrustDomain},
		{name: "spiffe trust domain 255", input: "spiffe://" + strings.Repeat("a", 255)},
		{name: "spiffe trust domain 256", input: "spiffe://" + strings.Repeat("a", 256), wantReason: wimse.ReasonIDTrustDomain},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := wimse.ParseID(tt.input)
			checkReason(t, err, tt.wantReason)
			if err == nil && id.String() != tt.input {
				t.Errorf("String: got %d octets, want the %d-octet input", len(id.String()), len(tt.input))
			}
			if err == nil {
				var u wimse.ID
				checkReason(t, u.UnmarshalText([]byte(tt.input)), "")
			}
		})
	}
}

// TestParseIDAllocs checks that parsing allocates nothing on success and
// nothing proportional to the input on failure (identifier-03 §2.1 I6).
func TestParseIDAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector; this runs in the plain test run")
	}
	valid := idOfLength(t, "wimse://trust.example", wimse.MaxIDLength)
	if n := testing.AllocsPerRun(100, func() { _, _ = wimse.ParseID(valid) }); n != 0 {
		t.Errorf("ParseID(valid 2048 octets): got %v allocations, want 0", n)
	}
	spiffe := idOfLength(t, "spiffe://example.org", wimse.MaxIDLength)
	if n := testing.AllocsPerRun(100, func() { _, _ = wimse.ParseID(spiffe) }); n != 0 {
		t.Errorf("ParseID(valid spiffe): got %v allocations, want 0", n)
	}
	small := strings.Repeat("a", wimse.MaxIDLength+1)
	huge := strings.Repeat("a", 8<<20)
	nSmall := testing.AllocsPerRun(20, func() { _, _ = wimse.ParseID(small) })
	nHuge := testing.AllocsPerRun(20, func() { _, _ = wimse.ParseID(huge) })
	if nSmall != nHuge {
		t.Errorf("ParseID(too long): got %v allocations for 8 MiB, want %v as for 2049 octets", nHuge, nSmall)
	}
	var id wimse.ID
	hugeBytes := []byte(huge)
	if n := testing.AllocsPerRun(20, func() { _ = id.UnmarshalText(hugeBytes) }); n != nSmall {
		t.Errorf("UnmarshalText(8 MiB): got %v allocations, want %v", n, nSmall)
	}
}

func TestIDComponents(t *testing.T) {
	type parts struct {
		Scheme, TrustDomain, Path string
	}
	tests := []struct {
		name  string
		input string
		want  parts
	}{
		{"wimse", "wimse://trust.example.com/service/payment", parts{"wimse", "trust.example.com", "/service/payment"}},
		{"wimse one segment", "wimse://td/x", parts{"wimse", "td", "/x"}},
		{"spiffe", "spiffe://prod.trust.domain/ns/prod-01/sa/foo-service", parts{"spiffe", "prod.trust.domain", "/ns/prod-01/sa/foo-service"}},
		{"spiffe trust domain id", "spiffe://example.org", parts{"spiffe", "example.org", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := wimse.MustParseID(tt.input)
			got := parts{id.Scheme(), id.TrustDomain().String(), id.Path()}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("components (-want +got):\n%s", diff)
			}
			if id.TrustDomain() != wimse.MustParseTrustDomain(tt.want.TrustDomain) {
				t.Errorf("TrustDomain() != MustParseTrustDomain(%q)", tt.want.TrustDomain)
			}
		})
	}
}

func TestParseIDWithSchemes(t *testing.T) {
	tests := []struct {
		name       string
		input      string
		extra      []string
		wantReason wimse.Reason
	}{
		{name: "extra scheme", input: "example://trust.example/svc", extra: []string{"example"}},
		{name: "extra scheme with digits and symbols", input: "x-id.v2+a://trust.example/svc", extra: []string{"x-id.v2+a"}},
		{name: "extra scheme second in list", input: "b://trust.example/svc", extra: []string{"a", "b"}},
		{name: "extra scheme empty path allowed", input: "example://trust.example", extra: []string{"example"}},
		{name: "extra scheme tilde allowed", input: "example://trust.example/~svc", extra: []string{"example"}},
		{name: "extra scheme still accepts wimse", input: "wimse://trust.example/svc", extra: []string{"example"}},
		{name: "extra scheme still accepts spiffe", input: "spiffe://example.org", extra: []string{"example"}},
		{name: "not configured", input: "other://trust.example/svc", extra: []string{"example"}, wantReason: wimse.ReasonIDScheme},
		{name: "no extras", input: "example://trust.example/svc", wantReason: wimse.ReasonIDScheme},
		{name: "upper-case input scheme", input: "EXAMPLE://trust.example/svc", extra: []string{"example"}, wantReason: wimse.ReasonIDNotCanonical},
		{name: "upper-case configured name never matches", input: "Example://trust.example/svc", extra: []string{"Example"}, wantReason: wimse.ReasonIDScheme},
		{name: "upper-case configured name lower input", input: "example://trust.example/svc", extra: []string{"Example"}, wantReason: wimse.ReasonIDScheme},
		{name: "empty configured name", input: "://trust.example/svc", extra: []string{""}, wantReason: wimse.ReasonIDMalformed},
		{name: "extra scheme only slash", input: "example://trust.example/", extra: []string{"example"}, wantReason: wimse.ReasonIDPath},
		{name: "extra scheme dot segment", input: "example://trust.example/a/../b", extra: []string{"example"}, wantReason: wimse.ReasonIDPath},
		{name: "extra scheme port", input: "example://trust.example:1/a", extra: []string{"example"}, wantReason: wimse.ReasonIDTrustDomain},
		{name: "extra scheme percent", input: "example://trust.example/%61", extra: []string{"example"}, wantReason: wimse.ReasonIDNotCanonical},
		{name: "extra scheme query", input: "example://trust.example/a?b", extra: []string{"example"}, wantReason: wimse.ReasonIDQueryFragment},
		{name: "naming wimse keeps wimse rules", input: "wimse://trust.example", extra: []string{"wimse"}, wantReason: wimse.ReasonIDPath},
		{name: "naming spiffe keeps spiffe rules", input: "spiffe://example.org/~x", extra: []string{"spiffe"}, wantReason: wimse.ReasonIDPath},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := wimse.ParseIDWithSchemes(tt.input, tt.extra...)
			checkReason(t, err, tt.wantReason)
			if err == nil && id.String() != tt.input {
				t.Errorf("String: got %q, want %q", id, tt.input)
			}
		})
	}
	t.Run("scheme accessor", func(t *testing.T) {
		id, err := wimse.ParseIDWithSchemes("example://trust.example/svc", "example")
		checkReason(t, err, "")
		if got, want := id.Scheme(), "example"; got != want {
			t.Errorf("Scheme: got %q, want %q", got, want)
		}
	})
}

func TestParseTrustDomain(t *testing.T) {
	tests := []struct {
		name       string
		input      string
		wantReason wimse.Reason
	}{
		{name: "dns name", input: "example.org"},
		{name: "all allowed chars", input: "a-b_c.0-9"},
		{name: "single label", input: "localdomain"},
		{name: "ipv4 accepted syntactically", input: "192.0.2.1"},
		{name: "255 octets", input: strings.Repeat("a", 255)},
		{name: "256 octets", input: strings.Repeat("a", 256), wantReason: wimse.ReasonIDTrustDomain},
		{name: "empty", input: "", wantReason: wimse.ReasonIDTrustDomain},
		{name: "upper case", input: "Example.org", wantReason: wimse.ReasonIDTrustDomain},
		{name: "percent", input: "ex%61mple.org", wantReason: wimse.ReasonIDTrustDomain},
		{name: "trailing dot", input: "example.org.", wantReason: wimse.ReasonIDTrustDomain},
		{name: "port", input: "example.org:443", wantReason: wimse.ReasonIDTrustDomain},
		{name: "userinfo", input: "user@example.org", wantReason: wimse.ReasonIDTrustDomain},
		{name: "uri not bare name", input: "spiffe://example.org", wantReason: wimse.ReasonIDTrustDomain},
		{name: "slash", input: "example.org/x", wantReason: wimse.ReasonIDTrustDomain},
		{name: "space", input: "example org", wantReason: wimse.ReasonIDTrustDomain},
		{name: "non-ascii", input: "exämple.org", wantReason: wimse.ReasonIDTrustDomain},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			td, err := wimse.ParseTrustDomain(tt.input)
			checkReason(t, err, tt.wantReason)
			if err != nil {
				if !td.IsZero() {
					t.Errorf("got %q with error, want the zero TrustDomain", td)
				}
				return
			}
			if got := td.String(); got != tt.input {
				t.Errorf("String: got %q, want %q", got, tt.input)
			}
		})
	}
}

func TestIDComparable(t *testing.T) {
	const s = "wimse://trust.example.com/service/payment"
	a, b := wimse.MustParseID(s), wimse.MustParseID(strings.Clone(s))
	if a != b {
		t.Errorf("two parses of %q differ", s)
	}
	if c := wimse.MustParseID(s + "/instance/1"); a == c {
		t.Errorf("%q == %q", a, c)
	}
	if c := wimse.MustParseID("wimse://trust.example.com/service/Payment"); a == c {
		t.Errorf("paths differing in case compare equal: %q == %q", a, c)
	}
	if c := wimse.MustParseID("spiffe://trust.example.com/service/payment"); a == c || a.TrustDomain() != c.TrustDomain() {
		t.Errorf("wimse and spiffe IDs with the same trust domain and path: want != IDs and == trust domains")
	}
	m := map[wimse.ID]int{a: 1}
	if m[b] != 1 {
		t.Errorf("ID is not usable as a map key")
	}
	tdA, tdB := wimse.MustParseTrustDomain("example.org"), wimse.MustParseTrustDomain(strings.Clone("example.org"))
	if tdA != tdB {
		t.Errorf("two parses of a trust domain differ")
	}
	if wimse.MustParseID("spiffe://example.org").TrustDomain() != tdA {
		t.Errorf("ID.TrustDomain() differs from ParseTrustDomain")
	}
}

func TestIDZero(t *testing.T) {
	var id wimse.ID
	got := []string{id.String(), id.Scheme(), id.TrustDomain().String(), id.Path()}
	if diff := cmp.Diff([]string{"", "", "", ""}, got); diff != "" {
		t.Errorf("zero ID accessors (-want +got):\n%s", diff)
	}
	if !id.IsZero() || !id.TrustDomain().IsZero() {
		t.Errorf("zero ID: IsZero false")
	}
	if wimse.MustParseID("spiffe://example.org").IsZero() {
		t.Errorf("parsed ID: IsZero true")
	}
	text, err := id.MarshalText()
	if err != nil || len(text) != 0 {
		t.Errorf("zero ID MarshalText: got %q, %v; want empty, nil", text, err)
	}
	var td wimse.TrustDomain
	text, err = td.MarshalText()
	if err != nil || len(text) != 0 {
		t.Errorf("zero TrustDomain MarshalText: got %q, %v; want empty, nil", text, err)
	}
}

func TestIDMustParsePanics(t *testing.T) {
	tests := []struct {
		name string
		f    func()
	}{
		{"MustParseID", func() { wimse.MustParseID("wimse://trust.example/") }},
		{"MustParseTrustDomain", func() { wimse.MustParseTrustDomain("Example.org") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil {
					t.Errorf("no panic")
				}
			}()
			tt.f()
		})
	}
}

func TestIDText(t *testing.T) {
	tests := []struct {
		name       string
		input      string
		wantReason wimse.Reason
	}{
		{name: "wimse", input: "wimse://trust.example.com/service/payment/instance/1234"},
		{name: "spiffe", input: "spiffe://prod.trust.domain/ns/prod-01/sa/foo-service"},
		{name: "spiffe trust domain id", input: "spiffe://example.org"},
		{name: "empty", input: "", wantReason: wimse.ReasonIDMalformed},
		{name: "percent", input: "wimse://trust.example/service/%70ayment", wantReason: wimse.ReasonIDNotCanonical},
		{name: "upper trust domain", input: "wimse://UPPER.example/x", wantReason: wimse.ReasonIDNotCanonical},
		{name: "port", input: "wimse://trust.example:443/x", wantReason: wimse.ReasonIDTrustDomain},
		{name: "other scheme", input: "https://trust.example/x", wantReason: wimse.ReasonIDScheme},
		{name: "trailing slash", input: "wimse://trust.example/x/", wantReason: wimse.ReasonIDPath},
		{name: "fragment", input: "wimse://trust.example/x#y", wantReason: wimse.ReasonIDQueryFragment},
		{name: "too long", input: strings.Repeat("a", wimse.MaxIDLength+1), wantReason: wimse.ReasonIDTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A previously valid value must not survive a failed decode.
			id := wimse.MustParseID("wimse://stale.example/old")
			err := id.UnmarshalText([]byte(tt.input))
			checkReason(t, err, tt.wantReason)
			if err != nil {
				if !id.IsZero() {
					t.Errorf("after failed UnmarshalText: got %q, want the zero ID", id)
				}
				return
			}
			if want := wimse.MustParseID(tt.input); id != want {
				t.Errorf("UnmarshalText: got %q, want %q", id, want)
			}
			text, err := id.MarshalText()
			checkReason(t, err, "")
			if diff := cmp.Diff(tt.input, string(text)); diff != "" {
				t.Errorf("MarshalText (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTrustDomainText(t *testing.T) {
	tests := []struct {
		name       string
		input      string
		wantReason wimse.Reason
	}{
		{name: "valid", input: "prod.trust.domain"},
		{name: "empty", input: "", wantReason: wimse.ReasonIDTrustDomain},
		{name: "upper", input: "PROD.trust.domain", wantReason: wimse.ReasonIDTrustDomain},
		{name: "huge", input: strings.Repeat("a", 1<<20), wantReason: wimse.ReasonIDTrustDomain},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			td := wimse.MustParseTrustDomain("stale.example")
			err := td.UnmarshalText([]byte(tt.input))
			checkReason(t, err, tt.wantReason)
			if err != nil {
				if !td.IsZero() {
					t.Errorf("after failed UnmarshalText: got %q, want the zero TrustDomain", td)
				}
				return
			}
			text, err := td.MarshalText()
			checkReason(t, err, "")
			if diff := cmp.Diff(tt.input, string(text)); diff != "" {
				t.Errorf("MarshalText (-want +got):\n%s", diff)
			}
		})
	}
}

func TestIDJSON(t *testing.T) {
	type doc struct {
		Sub wimse.ID          `json:"sub"`
		TD  wimse.TrustDomain `json:"td"`
		Opt wimse.ID          `json:"opt,omitzero"`
	}
	in := doc{
		Sub: wimse.MustParseID("wimse://trust.example.com/service/payment"),
		TD:  wimse.MustParseTrustDomain("trust.example.com"),
	}
	b, err := json.Marshal(in)
	checkReason(t, err, "")
	const want = `{"sub":"wimse://trust.example.com/service/payment","td":"trust.example.com"}`
	if diff := cmp.Diff(want, string(b)); diff != "" {
		t.Errorf("json.Marshal (-want +got):\n%s", diff)
	}
	var out doc
	checkReason(t, json.Unmarshal(b, &out), "")
	if out != in {
		t.Errorf("json round trip: got %+v, want %+v", out, in)
	}
	err = json.Unmarshal([]byte(`{"sub":"wimse://trust.example/service/%70ayment"}`), &out)
	checkReason(t, err, wimse.ReasonIDNotCanonical)
}

// TestIDSPIFFECause checks that a SPIFFE ID rejected by go-spiffe as well
// carries go-spiffe's error as the cause.
func TestIDSPIFFECause(t *testing.T) {
	for _, s := range []string{"spiffe://example.org/a/../b", "spiffe://example.org:1/x", "SPIFFE://example.org/x"} {
		_, err := wimse.ParseID(s)
		if errors.Unwrap(err) == nil {
			t.Errorf("ParseID(%q): got no cause, want go-spiffe's error", s)
		}
	}
}

func BenchmarkParseID(b *testing.B) {
	benchmarks := []struct {
		name  string
		input string
	}{
		{"wimse", "wimse://trust.example.com/service/payment"},
		{"spiffe", "spiffe://prod.trust.domain/ns/prod-01/sa/foo-service"},
		{"wimse max length", idOfLength(b, "wimse://trust.example", wimse.MaxIDLength)},
		{"rejected percent", "wimse://trust.example/service/%70ayment"},
		{"rejected too long", strings.Repeat("a", 1<<20)},
	}
	for _, bm := range benchmarks {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bm.input)))
			for b.Loop() {
				_, _ = wimse.ParseID(bm.input)
			}
		})
	}
}
