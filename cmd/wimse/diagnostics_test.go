package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// countingPeer answers 200 to everything and counts the requests.
func countingPeer(t *testing.T) (string, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	base := testPeer(t, func(string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			_, _ = io.Copy(io.Discard, r.Body)
		})
	})
	return base, &n
}

// pemKeyFiles writes an ES256 key as PKCS #8 PEM, SPKI PEM and PKCS #8
// DER, and returns their paths.
func pemKeyFiles(t *testing.T) (private, public, der string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p8, _ := x509.MarshalPKCS8PrivateKey(k)
	spki, _ := x509.MarshalPKIXPublicKey(k.Public())
	private = writeFile(t, "key.pem", string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: p8})))
	public = writeFile(t, "pub.pem", string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: spki})))
	der = writeFile(t, "key.der", string(p8))
	return private, public, der
}

// TestConformanceRunUsageErrors: each mistake is caught before any request
// is sent, exits 2, and says what to do on a hint line.
func TestConformanceRunUsageErrors(t *testing.T) {
	target, requests := countingPeer(t)
	_, pubPEM, _ := pemKeyFiles(t)
	dir := t.TempDir()
	for name, tc := range map[string]struct {
		args []string
		want []string
	}{
		"target without scheme": {[]string{"--target", "127.0.0.1:8080/x"}, []string{`--target "127.0.0.1:8080/x" has no scheme`, "hint: add http:// or https://"}},
		"target host:port":      {[]string{"--target", "localhost:8080"}, []string{"has no scheme", "add http:// or https://"}},
		"target ftp":            {[]string{"--target", "ftp://127.0.0.1/x"}, []string{`scheme "ftp" is not http or https`}},
		"mtls over plain http":  {[]string{"--profile", "mtls"}, []string{"needs an https:// --target"}},
		"draft the profile does not declare": {
			[]string{"--draft", "wpt-01", "--target-config", writeFile(t, "p.json", `{"revisions": ["wpt-02"]}`)},
			[]string{"--draft wpt-01 is not among the revisions the target profile declares (wpt-02)", "hint: play a declared revision (--draft wpt-02)"}},
		"profile declares no revision of the played profile": {
			[]string{"--target-config", writeFile(t, "p.json", `{"revisions": ["http-signature-07"]}`)},
			[]string{"none of them played by --profile wit-wpt"}},
		"draft of another profile": {[]string{"--draft", "http-signature-07"}, []string{"does not belong to --profile wit-wpt", "hint: add --profile wit-httpsig"}},
		"mtls with a draft": {[]string{"--profile", "mtls", "--draft", "wpt-02", "--target", strings.Replace(target, "http:", "https:", 1)},
			[]string{"does not belong to --profile mtls"}},
		"target config typo": {[]string{"--target-config", writeFile(t, "typo.json", `{"trustDomian": "acme.test"}`)},
			[]string{"--target-config", "trustDomian", "hint: `wimse conformance profile init`"}},
		"report in a missing directory": {[]string{"--report", "json=" + filepath.Join(dir, "no", "such", "r.json")},
			[]string{"is not writable", "hint: create the directory first: mkdir -p " + filepath.Join(dir, "no", "such")}},
		"report path is a directory": {[]string{"--report", "md=" + dir}, []string{"--report md=" + dir + " is not writable"}},
		"two reports, one file":      {[]string{"--report", "json=" + filepath.Join(dir, "r") + ",md=" + filepath.Join(dir, "r")}, []string{"both write"}},
		"unknown expected failure": {[]string{"--expected-failures", writeFile(t, "xfail.json", `{"wit-typ-jwtt": "known bug", "wit-typ-jwt": "known bug"}`)},
			[]string{"names 1 unknown vector ID(s): wit-typ-jwtt", `hint: did you mean "wit-typ-jwt"?`}},
		"PEM server trust bundle": {[]string{"--profile", "wit-httpsig", "--server-trust-bundle", pubPEM, "--server-trust-domain", "example.org"},
			[]string{"--server-trust-bundle " + pubPEM + " is PEM, where a JWK Set is expected", "hint: convert it with `wimse keys convert --in " + pubPEM}},
	} {
		t.Run(name, func(t *testing.T) {
			args := append([]string{"conformance", "run", "--target", target + "/path"}, tc.args...)
			code, out, errOut := cli(t, "", args...)
			if code != exitUsage {
				t.Errorf("exit %d, want 2\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
			}
			if !strings.HasPrefix(errOut, "wimse: error: ") {
				t.Errorf("stderr %q lacks the diagnostic prefix", errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
			if strings.Contains(out, " passed, ") {
				t.Errorf("a usage error printed a summary:\n%s", out)
			}
		})
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("the target got %d requests; usage errors must be caught before any", n)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("usage errors left report files behind: %v", entries)
	}
}

// TestConformanceRunDeclaredRevision: without --draft, the run plays the
// revision the target profile declares (and says so).
func TestConformanceRunDeclaredRevision(t *testing.T) {
	target := testPeer(t, func(base string) http.Handler { return referenceHandler(t, base) })
	report := filepath.Join(t.TempDir(), "r.json")
	code, out, errOut := cli(t, "", "conformance", "run", "--target", target+"/path", "--id", "wpt-valid-es256", "--report", "json="+report,
		"--target-config", writeFile(t, "p.json", `{"revisions": ["wpt-01"]}`))
	if code != exitConformant {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "playing wpt-01") {
		t.Errorf("stderr does not say which revision is played:\n%s", errOut)
	}
	if d := readReport(t, report).Target.Draft; d != "wpt-01" {
		t.Errorf("the report is of %q, want wpt-01", d)
	}
}

// TestPEMWhereJWKExpected: every flag that reads a JWK or JWK Set says how
// to convert a PEM or DER file instead of failing to parse it.
func TestPEMWhereJWKExpected(t *testing.T) {
	keyPEM, pubPEM, keyDER := pemKeyFiles(t)
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	mustRun(t, "keys", "generate", "--alg", "ES256", "--out", p("issuer.jwk"), "--bundle", p("bundle.jwks"))
	mustRun(t, "keys", "generate", "--alg", "ES256", "--out", p("wl.jwk"))
	_, witOut, _ := mustRun(t, "token", "issue", "--issuer-key", p("issuer.jwk"), "--subject", "wimse://example.org/a", "--workload-key", p("wl.jwk"))
	os.WriteFile(p("wl.wit"), []byte(witOut), 0o600)
	receiver := []string{"--trust-domain", "example.org", "--audience", "https://a.example"}
	for name, tc := range map[string]struct {
		args       []string
		file, want string
	}{
		"serve --trust-bundle": {append([]string{"serve", "--listen", "127.0.0.1:0", "--trust-bundle", pubPEM}, receiver...), pubPEM, "a JWK Set"},
		"serve --server-key": {append([]string{"serve", "--listen", "127.0.0.1:0", "--trust-bundle", p("bundle.jwks"), "--server-wit", p("wl.wit"), "--server-key", keyPEM}, receiver...),
			keyPEM, "a JWK"},
		"token verify --trust-bundle": {append([]string{"token", "verify", "--request", "-", "--trust-bundle", pubPEM}, receiver...), pubPEM, "a JWK Set"},
		"token issue --issuer-key":    {[]string{"token", "issue", "--issuer-key", keyPEM, "--subject", "wimse://example.org/a", "--workload-key", p("wl.jwk")}, keyPEM, "a JWK"},
		"token issue --issuer-key DER": {[]string{"token", "issue", "--issuer-key", keyDER, "--subject", "wimse://example.org/a", "--workload-key", p("wl.jwk")},
			keyDER, "is DER"},
		"token issue --workload-key": {[]string{"token", "issue", "--issuer-key", p("issuer.jwk"), "--subject", "wimse://example.org/a", "--workload-key", pubPEM}, pubPEM, "a JWK"},
		"token request --key":        {[]string{"token", "request", "--url", "https://a.example/x", "--wit", p("wl.wit"), "--key", keyPEM}, keyPEM, "a JWK"},
	} {
		t.Run(name, func(t *testing.T) {
			code, out, errOut := cli(t, "", tc.args...)
			if code != exitUsage {
				t.Errorf("exit %d, want 2\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
			}
			for _, w := range []string{"wimse: error: ", tc.file + " is ", tc.want, "hint: convert it with `wimse keys convert --in " + tc.file} {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
		})
	}
}

// closedPort is a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
