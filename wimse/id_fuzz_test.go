package wimse_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/spiffe/go-spiffe/v2/spiffeid"

	"github.com/wimse-wg/wimse/wimse"
)

// idReasons are the reasons ParseID may return.
var idReasons = map[wimse.Reason]bool{
	wimse.ReasonIDTooLong: true, wimse.ReasonIDMalformed: true, wimse.ReasonIDScheme: true,
	wimse.ReasonIDTrustDomain: true, wimse.ReasonIDPath: true, wimse.ReasonIDQueryFragment: true,
	wimse.ReasonIDNotCanonical: true,
}

func FuzzParseID(f *testing.F) {
	for _, s := range []string{
		"wimse://trust.example.com/service/payment",
		"wimse://trust.example.com/service/payment/instance/1234",
		"wimse://prod.corp.example/workload/89a6ec51-f877-44c0-9501-b213597f2d1d",
		"wimse://trust.example/~user/a.b_c-d",
		"spiffe://prod.trust.domain/ns/prod-01/sa/foo-service",
		"spiffe://example.org",
		"wimse://trust.example/service/%70ayment",
		"wimse://trust.example/a/./b",
		"wimse://trust.example/a/../b",
		"wimse://trust.example/a/%2e/b",
		"wimse://trust.example:443/x",
		"wimse://user@trust.example/x",
		"wimse://UPPER.example/x",
		"WIMSE://trust.example/x",
		"wimse://trust.example/x/",
		"wimse://trust.example//x",
		"wimse://trust.example",
		"wimse://trust.example./x",
		"wimse://trust.example/x?q#f",
		"spiffe://example.org/~x",
		"spiffe://Example.org./x",
		"wimse:/x",
		"wimse:x",
		"",
		"https://trust.example/x",
		"wimse://trust.example/\x00\xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := wimse.ParseID(s)
		if err != nil {
			checkRejected(t, s, id, err)
			return
		}
		if got := id.String(); got != s {
			t.Fatalf("ParseID(%q).String() = %q: accepted input must be its own canonical form", s, got)
		}
		if len(s) > wimse.MaxIDLength {
			t.Fatalf("ParseID accepted %d octets, more than MaxIDLength", len(s))
		}
		again, err := wimse.ParseID(id.String())
		if err != nil || again != id {
			t.Fatalf("re-parsing %q: got %q, %v", id, again, err)
		}
		if got := id.Scheme() + "://" + id.TrustDomain().String() + id.Path(); got != s {
			t.Fatalf("components of %q reassemble to %q", s, got)
		}
		if td, err := wimse.ParseTrustDomain(id.TrustDomain().String()); err != nil || td != id.TrustDomain() {
			t.Fatalf("trust domain of %q does not re-parse: %v", s, err)
		}
		if withExtra, err := wimse.ParseIDWithSchemes(s, "example"); err != nil || withExtra != id {
			t.Fatalf("ParseIDWithSchemes(%q) disagrees with ParseID: %v", s, err)
		}
		if id.Scheme() == "spiffe" {
			if _, err := spiffeid.FromString(s); err != nil {
				t.Fatalf("accepted spiffe id %q that go-spiffe rejects: %v", s, err)
			}
		}
	})
}

// checkRejected checks the invariants of a rejection of s.
func checkRejected(t *testing.T, s string, id wimse.ID, err error) {
	t.Helper()
	var e *wimse.Error
	if !errors.As(err, &e) {
		t.Fatalf("ParseID(%q): error %v (%T) is not a *wimse.Error", s, err, err)
	}
	reason := wimse.ReasonOf(err)
	if !idReasons[reason] {
		t.Fatalf("ParseID(%q): reason %q is not an id.* reason", s, reason)
	}
	if !id.IsZero() {
		t.Fatalf("ParseID(%q) returned %q with an error", s, id)
	}
	if (len(s) > wimse.MaxIDLength) != (reason == wimse.ReasonIDTooLong) {
		t.Fatalf("ParseID(%d octets): reason %q", len(s), reason)
	}
	// A spiffe ID that go-spiffe accepts is rejected only by our stricter
	// rules: length limits and a trailing '.' in the trust domain.
	if sid, serr := spiffeid.FromString(s); serr == nil {
		td := sid.TrustDomain().Name()
		stricter := reason == wimse.ReasonIDTooLong ||
			reason == wimse.ReasonIDTrustDomain && (strings.HasSuffix(td, ".") || len(td) > 255)
		if !stricter {
			t.Fatalf("ParseID(%q): go-spiffe accepts it, we reject with %q", s, reason)
		}
	}
	// ReasonIDNotCanonical without '%' means only the letter case of the
	// scheme or trust domain is wrong: lowering them yields a valid ID.
	if reason == wimse.ReasonIDNotCanonical && !strings.Contains(s, "%") {
		lowered := lowerSchemeAndAuthority(s)
		if _, err := wimse.ParseID(lowered); err != nil {
			t.Fatalf("ParseID(%q): not canonical, but its lower-cased form %q fails: %v", s, lowered, err)
		}
	}
}

// lowerSchemeAndAuthority lower-cases s up to the first '/' after "://".
func lowerSchemeAndAuthority(s string) string {
	i := strings.Index(s, "://")
	if i < 0 {
		return s
	}
	end := len(s)
	if j := strings.IndexByte(s[i+3:], '/'); j >= 0 {
		end = i + 3 + j
	}
	return strings.ToLower(s[:end]) + s[end:]
}
