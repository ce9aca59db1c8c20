package conformance_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wimse-wg/wimse/conformance"
)

// TestProfileExample: the commented example that `wimse conformance
// profile init` writes loads as written.
func TestProfileExample(t *testing.T) {
	p, err := conformance.ParseProfile([]byte(conformance.ProfileExample()))
	if err != nil {
		t.Fatalf("the example does not load: %v", err)
	}
	if p.ClockSkew == nil || *p.ClockSkew != 60 || p.KidRequired == nil || !*p.KidRequired {
		t.Errorf("example profile %+v: want clockSkew 60 and kidRequired true", p)
	}
}

// TestReferenceProfileFile: the adapter's testdata profile declares exactly
// DefaultProfile.
func TestReferenceProfileFile(t *testing.T) {
	p, err := conformance.LoadProfile(filepath.Join("suite", "testdata", "reference.profile"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(conformance.DefaultProfile(), p); diff != "" {
		t.Errorf("(-DefaultProfile +file):\n%s", diff)
	}
}

func TestLoadProfileErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, text, want string
	}{
		{"unknown field", `{"clockSkw": 60}`, `unknown field "clockSkw"`},
		{"negative skew", `{"clockSkew": -1}`, "field clockSkew: -1 s"},
		{"tiny token limit", `{"maxTokenSize": 100}`, "field maxTokenSize"},
		{"short proof lifetime", `{"maxProofLifetime": 30}`, "field maxProofLifetime"},
		{"unknown algorithm", `{"proofAlgorithms": ["HS256"]}`, `field proofAlgorithms: "HS256"`},
		{"unknown revision", `{"revisions": ["wpt-03"]}`, `field revisions: "wpt-03"`},
		{"empty revisions", `{"revisions": []}`, "field revisions: an empty list"},
		{"subject outside trust domain", `{"trustDomain": "a.example", "subject": "wimse://b.example/x"}`, "field subject"},
		{"relative issuer", `{"issuer": "issuer"}`, "field issuer"},
		{"path without slash", `{"path": "api"}`, "field path"},
		{"bad mtls credentials", `{"mtlsCredentials": "bearer"}`, "field mtlsCredentials"},
		{"trailing data", `{} {}`, "trailing data"},
		{"syntax error line", "// comment\n{\n\"clockSkew\": ,\n}", "line 3"},
		{"bad second trust domain", `{"secondTrustDomain": "Other.Example"}`, "field secondTrustDomain"},
		{"second trust domain is the first", `{"trustDomain": "a.example", "secondTrustDomain": "a.example"}`, "field secondTrustDomain: a.example is the first trust domain too"},
		{"second trust domain is example.org", `{"secondTrustDomain": "example.org"}`, "field secondTrustDomain"},
		{"header without colon, value never shown", `{"headers": ["X-Api-Key secret-123"]}`, "field headers"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-")+".json")
			if err := os.WriteFile(path, []byte(c.text), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := conformance.LoadProfile(path)
			if err == nil {
				t.Fatalf("loaded %s", c.text)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q, want it to contain %q", err, c.want)
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name the file", err)
			}
			if strings.Contains(err.Error(), "secret-123") {
				t.Errorf("error %q shows a header value", err)
			}
		})
	}
}
