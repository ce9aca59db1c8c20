package main

import (
	"crypto/tls"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/interop/matrix"
	"github.com/wimse-wg/wimse/interop/server"
	"github.com/wimse-wg/wimse/wimse"
)

// TestInteropCall: `wimse interop call` follows the peers' call convention
// against the reference server (HTTPS, every profile): exit 0 and the
// answer on a 2xx, 1 on a refusal, 2 on a usage error.
func TestInteropCall(t *testing.T) {
	creds, err := matrix.NewCredentials(t.TempDir(), time.Now(), time.Hour, nil)
	if err != nil {
		t.Fatal(err)
	}
	bundle, err := os.ReadFile(creds.TrustBundle)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := wimse.ParseJWKSet(bundle)
	if err != nil {
		t.Fatal(err)
	}
	roots, err := readCerts(creds.CA)
	if err != nil {
		t.Fatal(err)
	}
	store := wimse.NewTrustStore()
	store.Set(wimse.MustParseTrustDomain(creds.TrustDomain), wimse.Anchors{Keys: keys, X509Roots: roots})
	serverCert, err := tls.LoadX509KeyPair(creds.ServerCert, creds.ServerKey)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(nil)
	base := "https://" + ts.Listener.Addr().String()
	cfg := server.Config{Trust: store, Audience: base, Profiles: []string{server.ProfileWPT, server.ProfileHTTPSig, server.ProfileMTLS}}
	h, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = h
	ts.TLS = server.TLSConfig(cfg, serverCert)
	ts.StartTLS()
	defer ts.Close()
	url := base + "/hello"
	witArgs := func(draft string) []string {
		return []string{"interop", "call", "--url", url, "--wit", creds.WIT, "--key", creds.WITKey, "--ca", creds.CA, "--draft", draft}
	}
	mtlsArgs := []string{"interop", "call", "--url", url, "--cert", creds.ClientCert, "--key", creds.ClientKey, "--ca", creds.CA}
	tests := []struct {
		name     string
		args     []string
		want     int
		contains string
	}{
		{"wpt-02", witArgs("wpt-02"), 0, creds.WITSubject},
		{"wpt-01", witArgs("wpt-01"), 0, creds.WITSubject},
		{"http-signature-07", witArgs("http-signature-07"), 0, creds.WITSubject},
		{"http-signature-06", witArgs("http-signature-06"), 0, creds.WITSubject},
		{"post", append(witArgs("wpt-02"), "--body", `{"a":1}`), 0, creds.WITSubject},
		{"mtls", mtlsArgs, 0, creds.X509Client},
		{"wrong proof key", []string{"interop", "call", "--url", url, "--wit", creds.WIT, "--key", creds.IssuerKey, "--ca", creds.CA}, 1, "401"},
		{"refused connection", []string{"interop", "call", "--url", "http://127.0.0.1:1/hello", "--wit", creds.WIT, "--key", creds.WITKey}, 1, ""},
		{"no url", []string{"interop", "call", "--wit", creds.WIT, "--key", creds.WITKey}, 2, ""},
		{"both wit and cert", append(mtlsArgs, "--wit", creds.WIT), 2, ""},
		{"unknown draft", witArgs("wpt-03"), 2, ""},
		{"cert without ca", []string{"interop", "call", "--url", url, "--cert", creds.ClientCert, "--key", creds.ClientKey}, 2, ""},
		{"missing wit file", []string{"interop", "call", "--url", url, "--wit", filepath.Join(t.TempDir(), "none"), "--key", creds.WITKey}, 2, ""},
		{"extra field", append(witArgs("wpt-02"), "--header", "X-Request-Id: 7"), 0, creds.WITSubject},
		{"field not Name: value", append(witArgs("wpt-02"), "--header", "no-colon"), 2, ""},
		{"context field on a signature draft", append(witArgs("http-signature-07"), "--context-field", "Txn-Token"), 2, ""},
		{"signed response on a WPT draft", append(witArgs("wpt-02"), "--sign-response"), 2, ""},
		{"signed response without the server's trust", append(witArgs("http-signature-07"), "--sign-response"), 2, ""},
		{"signed response, bad server id", append(witArgs("http-signature-07"), "--sign-response", "--trust-bundle", creds.TrustBundle, "--server-id", "not an id"), 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := cli(t, "", tt.args...)
			if code != tt.want || !strings.Contains(out, tt.contains) {
				t.Errorf("exit %d, want %d; stdout %q (want it to contain %q); stderr %q", code, tt.want, out, tt.contains, errOut)
			}
		})
	}
}

// TestInteropMatrixUsage: registry problems are usage errors (exit 2).
func TestInteropMatrixUsage(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "registry.json")
	if err := os.WriteFile(bad, []byte(`{"reference":"x","implementations":[],"extra":1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"interop", "matrix"},
		{"interop", "matrix", "--registry", filepath.Join(t.TempDir(), "missing.json")},
		{"interop", "matrix", "--registry", bad},
		{"interop", "matrix", "--registry", "../../interop/registry.json", "--only", "quic", "--out", t.TempDir()},
	} {
		if code, _, errOut := cli(t, "", args...); code != 2 {
			t.Errorf("%v: exit %d, want 2; stderr %q", args, code, errOut)
		}
	}
}
