package main

import (
	"bytes"
	"context"
	"crypto"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spiffe/go-spiffe/v2/bundle/spiffebundle"
	"github.com/spiffe/go-spiffe/v2/spiffeid"

	"github.com/wimse-wg/wimse/vectors"
	"github.com/wimse-wg/wimse/wimse"
)

// twoDomainFiles writes, in a temporary folder, an issuer key and a
// one-key bundle for each of a.example (kid a1) and b.example (kid b1), a
// bundle holding both keys, a workload key, and one request per case:
// wimse://b.example/admin's WIT signed by b.example's issuer ("b-by-b") and
// by a.example's ("b-by-a"). It returns the path maker.
func twoDomainFiles(t *testing.T) func(string) string {
	t.Helper()
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	mustRun(t, "keys", "generate", "--alg", "ES256", "--kid", "a1", "--out", p("a.jwk"), "--bundle", p("a.jwks"))
	mustRun(t, "keys", "generate", "--alg", "ES256", "--kid", "b1", "--out", p("b.jwk"), "--bundle", p("b.jwks"))
	mustRun(t, "keys", "generate", "--alg", "ES256", "--out", p("wl.jwk"))
	var both struct {
		Keys []json.RawMessage `json:"keys"`
	}
	for _, f := range []string{"a.jwks", "b.jwks"} {
		var one struct {
			Keys []json.RawMessage `json:"keys"`
		}
		b, err := os.ReadFile(p(f))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &one); err != nil {
			t.Fatal(err)
		}
		both.Keys = append(both.Keys, one.Keys...)
	}
	b, _ := json.Marshal(both)
	writeTo(t, p("both.jwks"), string(b))
	// SPIFFE bundles of the same keys (jwt-svid: no wit-svid key), and a
	// bundle set of both and of a third trust domain nobody trusts.
	set := map[string]json.RawMessage{}
	for _, td := range []string{"a", "b", "c"} {
		src := td
		if td == "c" {
			src = "a"
		}
		b, err := os.ReadFile(p(src + ".jwks"))
		if err != nil {
			t.Fatal(err)
		}
		keys, err := wimse.ParseJWKSet(b)
		if err != nil {
			t.Fatal(err)
		}
		auth := map[string]crypto.PublicKey{}
		for _, k := range keys {
			auth[k.KeyID] = k.Public
		}
		doc, err := spiffebundle.FromJWTAuthorities(spiffeid.RequireTrustDomainFromString(td+".example"), auth).Marshal()
		if err != nil {
			t.Fatal(err)
		}
		writeTo(t, p(td+".spiffe"), string(doc))
		set["spiffe://"+td+".example"] = doc
	}
	b, _ = json.Marshal(set)
	writeTo(t, p("set.spiffe"), string(b))
	for name, issuer := range map[string]string{"b-by-b": "b.jwk", "b-by-a": "a.jwk"} {
		_, w, _ := mustRun(t, "token", "issue", "--issuer-key", p(issuer), "--subject", "wimse://b.example/admin", "--workload-key", p("wl.jwk"))
		writeTo(t, p(name+".wit"), w)
		_, req, _ := mustRun(t, "token", "request", "--url", "https://svc.example/api", "--wit", p(name+".wit"), "--key", p("wl.jwk"))
		writeTo(t, p(name+".http"), req)
	}
	return p
}

func writeTo(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestTrustBundlePerTrustDomain: issuer keys are bound to the trust domain
// they are given for (creds-02 §5.1.3; issue 9 item 1). A bundle without a
// trust domain is only accepted when a single trust domain is trusted;
// with several, each bundle names its trust domain (TD=FILE), and a WIT of
// b.example signed by a.example's issuer key is rejected.
func TestTrustBundlePerTrustDomain(t *testing.T) {
	p := twoDomainFiles(t)
	verify := func(req string, flags ...string) []string {
		return append([]string{"token", "verify", "--request", p(req), "--audience", "https://svc.example"}, flags...)
	}
	tds := []string{"--trust-domain", "a.example", "--trust-domain", "b.example"}
	perTD := append(append([]string{}, tds...), "--trust-bundle", "a.example="+p("a.jwks"), "--trust-bundle", "b.example="+p("b.jwks"))
	for _, tc := range []struct {
		name     string
		args     []string
		code     int
		contains []string // in stdout (exit 0, 1) or stderr (exit 2)
	}{
		{"own issuer, per trust domain", verify("b-by-b.http", perTD...), 0, []string{`"trust_domain":"b.example"`}},
		{"other domain's issuer, per trust domain", verify("b-by-a.http", perTD...), 1, []string{`"reason":"wit.key_trust_domain"`}},
		{"one bundle for two trust domains", verify("b-by-a.http", append(tds, "--trust-bundle", p("both.jwks"))...), 2,
			[]string{"--trust-bundle " + p("both.jwks") + " names no trust domain", "--trust-bundle TD=FILE"}},
		{"bare bundle, single trust domain", verify("b-by-b.http", "--trust-domain", "b.example", "--trust-bundle", p("b.jwks")), 0, nil},
		{"bare bundle of the wrong domain, single trust domain", verify("b-by-a.http", "--trust-domain", "b.example", "--trust-bundle", p("b.jwks")), 1,
			[]string{`"reason":"wit.key_unknown"`}},
		{"bundle for an untrusted trust domain", verify("b-by-b.http", append(tds, "--trust-bundle", "a.example="+p("a.jwks"), "--trust-bundle", "c.example="+p("b.jwks"))...), 2,
			[]string{`"c.example", which no --trust-domain trusts`}},
		{"trust domain without anchors", verify("b-by-b.http", append(tds, "--trust-bundle", "a.example="+p("a.jwks"))...), 2,
			[]string{`trust domain "b.example" has no issuer keys`}},
		{"bad trust domain in TD=FILE", verify("b-by-b.http", "--trust-domain", "b.example", "--trust-bundle", "B.Example="+p("b.jwks")), 2,
			[]string{"--trust-bundle"}},
		{"SPIFFE bundles per trust domain, own issuer", verify("b-by-b.http", append(tds, "--spiffe-bundle", "a.example="+p("a.spiffe"), "--spiffe-bundle", "b.example="+p("b.spiffe"))...), 0, nil},
		{"SPIFFE bundles per trust domain, other domain's issuer", verify("b-by-a.http", append(tds, "--spiffe-bundle", "a.example="+p("a.spiffe"), "--spiffe-bundle", "b.example="+p("b.spiffe"))...), 1,
			[]string{`"reason":"wit.key_trust_domain"`}},
		{"SPIFFE bundle set, own issuer", verify("b-by-b.http", append(tds, "--spiffe-bundle", p("set.spiffe"))...), 0, nil},
		{"SPIFFE bundle set, other domain's issuer", verify("b-by-a.http", append(tds, "--spiffe-bundle", p("set.spiffe"))...), 1,
			[]string{`"reason":"wit.key_trust_domain"`}},
		{"SPIFFE bundle set, only b.example trusted", verify("b-by-a.http", "--trust-domain", "b.example", "--spiffe-bundle", p("set.spiffe")), 1,
			[]string{`"reason":"wit.key_unknown"`}},
		{"SPIFFE bundle of an untrusted trust domain", verify("b-by-b.http", append(tds, "--spiffe-bundle", p("set.spiffe"), "--spiffe-bundle", "c.example="+p("c.spiffe"))...), 2,
			[]string{`"c.example", which no --trust-domain trusts`}},
		{"one bundle document given as a set", verify("b-by-b.http", append(tds, "--spiffe-bundle", p("b.spiffe"))...), 2,
			[]string{"--spiffe-bundle " + p("b.spiffe"), "--spiffe-bundle TD=FILE"}},
		{"two sources give one trust domain one kid twice", verify("b-by-b.http", "--trust-domain", "b.example", "--trust-bundle", p("b.jwks"), "--spiffe-bundle", "b.example="+p("b.spiffe")), 2,
			[]string{`two issuer keys with kid "b1"`}},
		{"conformance run: one server trust bundle for two trust domains",
			[]string{"conformance", "run", "--target", "http://127.0.0.1:9/path", "--profile", "wit-httpsig", "--server-trust-bundle", p("both.jwks"),
				"--server-trust-domain", "a.example", "--server-trust-domain", "b.example"}, 2,
			[]string{"--server-trust-bundle " + p("both.jwks") + " names no trust domain", "--server-trust-bundle TD=FILE"}},
		{"conformance run: server trust domain without a bundle",
			[]string{"conformance", "run", "--target", "http://127.0.0.1:9/path", "--profile", "wit-httpsig", "--server-trust-bundle", "a.example=" + p("a.jwks"),
				"--server-trust-domain", "a.example", "--server-trust-domain", "b.example"}, 2,
			[]string{`--server-trust-domain "b.example" has no --server-trust-bundle b.example=FILE`}},
		{"serve refuses one bundle for two trust domains",
			append([]string{"serve", "--listen", "127.0.0.1:0", "--audience", "https://svc.example", "--trust-bundle", p("both.jwks")}, tds...), 2,
			[]string{"--trust-bundle TD=FILE"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// serve runs until its context ends: a configuration it wrongly
			// accepts must not hang the test.
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			var stdout, stderr bytes.Buffer
			code := run(ctx, tc.args, strings.NewReader(""), &stdout, &stderr)
			out, errOut := stdout.String(), stderr.String()
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout %s\nstderr %s", code, tc.code, out, errOut)
			}
			where := out
			if code == 2 {
				where = errOut
				if !strings.HasPrefix(errOut, "wimse: error: ") {
					t.Errorf("stderr %q lacks the diagnostic prefix", errOut)
				}
			}
			for _, c := range tc.contains {
				if !strings.Contains(where, c) {
					t.Errorf("output lacks %q:\n%s", c, where)
				}
			}
		})
	}
}

// TestConformanceTrustBundlePerTrustDomain: the suite's two trust domains
// each have issuer keys of their own, printed per trust domain, as one
// SPIFFE bundle set, and served per trust domain (JWK Set and SPIFFE
// bundle).
func TestConformanceTrustBundlePerTrustDomain(t *testing.T) {
	keys, err := vectors.DeriveKeys(vectors.DefaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	kids := func(ks []wimse.IssuerKey) []string {
		var out []string
		for _, k := range ks {
			out = append(out, k.KeyID)
		}
		slices.Sort(out)
		return out
	}
	_, out, errOut := mustRun(t, "conformance", "trust-bundle", "--trust-domain", vectors.OtherTrustDomain)
	second, err := wimse.ParseJWKSet([]byte(out))
	if err != nil || !slices.Equal(kids(second), kids(keys.IssuerKeysOf(vectors.OtherTrustDomain))) || !strings.Contains(errOut, "trust domain: other.example") {
		t.Errorf("--trust-domain other.example: keys %v (%v), stderr %q", kids(second), err, errOut)
	}
	if code, _, errOut := cli(t, "", "conformance", "trust-bundle", "--trust-domain", "nope.example"); code != 2 || !strings.Contains(errOut, "example.org and other.example only") {
		t.Errorf("unknown trust domain: exit %d, stderr %q", code, errOut)
	}

	_, out, _ = mustRun(t, "conformance", "trust-bundle", "--spiffe")
	set, err := wimse.ParseSPIFFEBundleSet([]byte(out))
	if err != nil {
		t.Fatalf("--spiffe output is not a SPIFFE bundle set: %v\n%s", err, out)
	}
	for _, td := range []string{vectors.TrustDomain, vectors.OtherTrustDomain} {
		a := set[wimse.MustParseTrustDomain(td)]
		if !slices.Equal(kids(a.Keys), kids(keys.IssuerKeysOf(td))) || len(a.X509Roots) != 1 {
			t.Errorf("--spiffe %s: keys %v, %d roots; want %v and one root", td, kids(a.Keys), len(a.X509Roots), kids(keys.IssuerKeysOf(td)))
		}
	}
	if _, again, _ := mustRun(t, "conformance", "trust-bundle", "--spiffe"); again != out {
		t.Error("--spiffe output differs between two runs")
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout syncBuffer
	go func() {
		run(ctx, []string{"conformance", "trust-bundle", "--serve", "127.0.0.1:0"}, strings.NewReader(""), &stdout, io.Discard)
	}()
	serving := regexp.MustCompile(`trust domain other.example: JWK Set (\S+), SPIFFE bundle (\S+)`)
	var m []string
	for deadline := time.Now().Add(5 * time.Second); m == nil && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		m = serving.FindStringSubmatch(stdout.String())
	}
	if m == nil {
		t.Fatalf("no serving line: %q", stdout.String())
	}
	get := func(url string) []byte {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return b
	}
	if got, err := wimse.ParseJWKSet(get(m[1])); err != nil || !slices.Equal(kids(got), kids(keys.IssuerKeysOf(vectors.OtherTrustDomain))) {
		t.Errorf("GET %s: %v %v", m[1], kids(got), err)
	}
	if got, err := wimse.ParseSPIFFEBundle(wimse.MustParseTrustDomain(vectors.OtherTrustDomain), get(m[2])); err != nil || !slices.Equal(kids(got.Keys), kids(keys.IssuerKeysOf(vectors.OtherTrustDomain))) {
		t.Errorf("GET %s: %v %v", m[2], kids(got.Keys), err)
	}
}
