package e2e_test

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	stspkg "github.com/wimse-wg/wimse/interop/sts"
	"github.com/wimse-wg/wimse/tokens/oauth"
)

// Bounds of the waits on processes; the specs never sleep.
const (
	// readyTimeout bounds the wait for the server's metadata to answer.
	readyTimeout = 20 * time.Second
	// cliTimeout bounds one CLI run.
	cliTimeout = 30 * time.Second
	// stopTimeout bounds the graceful shutdown on SIGTERM.
	stopTimeout = 10 * time.Second
)

// methods are the six client authentication methods, in the order the
// specs walk them.
var methods = []string{
	oauth.AuthMethodClientSecretBasic, oauth.AuthMethodClientSecretPost, oauth.AuthMethodPrivateKeyJWT,
	oauth.AuthMethodSPIFFEJWT, oauth.AuthMethodSPIFFEX509, oauth.AuthMethodSPIFFEWIT,
}

// deployment is a `wimse sts init` deployment served by a `wimse sts
// serve` child process.
type deployment struct {
	bin     string // the wimse binary
	scratch string // a directory for the specs' own files
	d       stspkg.Deployment
	secrets map[string]string // secrets.env
	srv     *gexec.Session
	pool    *x509.CertPool
}

// startDeployment builds wimse, writes a deployment on a free loopback
// port, starts the server and waits until its metadata answers. The
// cleanup stops the server (SIGTERM, then SIGKILL) and removes the files.
func startDeployment() *deployment {
	tmp, err := os.MkdirTemp("", "wimse-sts-e2e-")
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(os.RemoveAll, tmp)
	dep := &deployment{bin: filepath.Join(tmp, "wimse"), scratch: filepath.Join(tmp, "scratch")}
	Expect(os.Mkdir(dep.scratch, 0o700)).To(Succeed())

	build := exec.Command("go", "build", "-o", dep.bin, "github.com/wimse-wg/wimse/cmd/wimse")
	out, err := build.CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), "go build: %s", out)

	dir := filepath.Join(tmp, "demo")
	s := dep.run("sts", "init", "--dir", dir, "--listen", freeLoopbackAddr())
	Expect(s.ExitCode()).To(Equal(0), "sts init: %s", s.Err.Contents())
	raw, err := os.ReadFile(filepath.Join(dir, "deployment.json"))
	Expect(err).NotTo(HaveOccurred())
	Expect(json.Unmarshal(raw, &dep.d)).To(Succeed())
	dep.secrets = readEnvFile(dep.d.SecretsEnv)
	Expect(dep.secrets).To(HaveLen(2))
	ca, err := os.ReadFile(dep.d.CA)
	Expect(err).NotTo(HaveOccurred())
	dep.pool = x509.NewCertPool()
	Expect(dep.pool.AppendCertsFromPEM(ca)).To(BeTrue())

	cmd := exec.Command(dep.bin, "sts", "serve", "--config", dep.d.Config)
	cmd.Env = dep.env()
	dep.srv, err = gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(dep.stop)
	dep.waitReady()
	return dep
}

// freeLoopbackAddr returns a loopback address with a port free now.
func freeLoopbackAddr() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	addr := ln.Addr().String()
	Expect(ln.Close()).To(Succeed())
	return addr
}

// readEnvFile reads KEY=VALUE lines, skipping comments.
func readEnvFile(path string) map[string]string {
	b, err := os.ReadFile(path)
	Expect(err).NotTo(HaveOccurred())
	m := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			m[k] = v
		}
	}
	return m
}

// env is the environment of every child process: ours plus the secrets,
// then extra KEY=VALUE overrides (later entries win in os/exec).
func (dep *deployment) env(extra ...string) []string {
	env := os.Environ()
	for k, v := range dep.secrets {
		env = append(env, k+"="+v)
	}
	return append(env, extra...)
}

// stderrTail is the last lines the server wrote to stderr.
func (dep *deployment) stderrTail() string {
	lines := strings.Split(strings.TrimRight(string(dep.srv.Err.Contents()), "\n"), "\n")
	if len(lines) > 20 {
		lines = lines[len(lines)-20:]
	}
	return strings.Join(lines, "\n")
}

// waitReady polls the metadata URL until it answers 200, the server exits
// or readyTimeout passes; a failure shows the server's stderr.
func (dep *deployment) waitReady() {
	hc := dep.client()
	Eventually(func() error {
		select {
		case <-dep.srv.Exited:
			StopTrying(fmt.Sprintf("wimse sts serve exited with %d:\n%s", dep.srv.ExitCode(), dep.stderrTail())).Now()
		default:
		}
		resp, err := hc.Get(dep.d.Issuer + "/.well-known/oauth-authorization-server")
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("metadata: status %d", resp.StatusCode)
		}
		return nil
	}).WithTimeout(readyTimeout).WithPolling(25*time.Millisecond).Should(Succeed(), func() string {
		return "the server did not become ready; its stderr:\n" + dep.stderrTail()
	})
}

// stop ends the server: SIGTERM for a graceful shutdown (which writes the
// final audit checkpoint), SIGKILL if it does not exit in time.
func (dep *deployment) stop() {
	select {
	case <-dep.srv.Exited:
		return
	default:
	}
	dep.srv.Terminate()
	select {
	case <-dep.srv.Exited:
	case <-time.After(stopTimeout):
		dep.srv.Kill()
		<-dep.srv.Exited
		Fail("wimse sts serve did not stop on SIGTERM within " + stopTimeout.String())
	}
}

// run runs the wimse binary to completion with env overrides and returns
// the session (ExitCode, Out, Err).
func (dep *deployment) run(args ...string) *gexec.Session {
	return dep.runEnv(nil, args...)
}

func (dep *deployment) runEnv(env []string, args ...string) *gexec.Session {
	GinkgoHelper()
	cmd := exec.Command(dep.bin, args...)
	cmd.Env = dep.env(env...)
	s, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
	Expect(err).NotTo(HaveOccurred())
	Eventually(s).WithTimeout(cliTimeout).Should(gexec.Exit(), "wimse %s", strings.Join(args, " "))
	return s
}

// client is an HTTPS client trusting the deployment's root, presenting
// certs if any.
func (dep *deployment) client(certs ...tls.Certificate) *http.Client {
	return &http.Client{Timeout: cliTimeout, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: dep.pool, Certificates: certs, MinVersion: tls.VersionTLS12},
	}}
}

// url is the deployment's base URL plus path.
func (dep *deployment) url(path string) string { return dep.d.Issuer + path }

// scratchFile writes data to a new file in the scratch directory and
// returns its path.
func (dep *deployment) scratchFile(name string, data []byte) string {
	p := filepath.Join(dep.scratch, name)
	Expect(os.WriteFile(p, data, 0o600)).To(Succeed())
	return p
}

// getJSON GETs a URL and decodes its JSON body.
func (dep *deployment) getJSON(u string, v any) *http.Response {
	GinkgoHelper()
	resp, err := dep.client().Get(u)
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	Expect(resp.StatusCode).To(Equal(http.StatusOK))
	Expect(json.NewDecoder(resp.Body).Decode(v)).To(Succeed())
	return resp
}

// formResponse is an answer of a form POST: status, headers, body.
type formResponse struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into a generic object.
func (r formResponse) json() map[string]any {
	GinkgoHelper()
	var m map[string]any
	Expect(json.Unmarshal(r.body, &m)).To(Succeed(), "body %q", r.body)
	return m
}

// basic authenticates a form POST with client_secret_basic (RFC 6749
// §2.3.1: the id and secret form-urlencoded before the Basic encoding).
func basic(id, secret string) func(*http.Request, url.Values) {
	return func(r *http.Request, _ url.Values) { r.SetBasicAuth(url.QueryEscape(id), url.QueryEscape(secret)) }
}

// post authenticates a form POST with client_secret_post.
func post(id, secret string) func(*http.Request, url.Values) {
	return func(_ *http.Request, f url.Values) { f.Set("client_id", id); f.Set("client_secret", secret) }
}

// postForm sends an application/x-www-form-urlencoded POST, authenticated
// by auth (nil: no client authentication).
func (dep *deployment) postForm(path string, form url.Values, auth func(*http.Request, url.Values)) formResponse {
	GinkgoHelper()
	r, err := http.NewRequest(http.MethodPost, dep.url(path), nil)
	Expect(err).NotTo(HaveOccurred())
	if auth != nil {
		auth(r, form)
	}
	body := form.Encode()
	r.Body = io.NopCloser(strings.NewReader(body))
	r.ContentLength = int64(len(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := dep.client().Do(r)
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	return formResponse{status: resp.StatusCode, header: resp.Header, body: b}
}

// secretOf is the client secret of the method's demo client.
func (dep *deployment) secretOf(method string) string {
	return dep.secrets[dep.d.Clients[method].SecretEnv]
}

// exchangeRun describes one `wimse sts exchange` run. The zero values take
// the demo's: the workload's WIT-SVID as subject token (with its key for
// the Workload-Proof-Token), DemoResource and DemoScope.
type exchangeRun struct {
	method   string
	resource string
	scope    string
	// extra flags, appended last: a repeated string flag overrides the
	// default one (the last value wins).
	extra []string
	// env overrides, such as a wrong secret.
	env []string
}

// args are the command line of the run.
func (dep *deployment) args(x exchangeRun) []string {
	d := dep.d
	res, sc := x.resource, x.scope
	if res == "" {
		res = stspkg.DemoResource
	}
	if sc == "" {
		sc = stspkg.DemoScope
	}
	a := []string{"sts", "exchange", "--sts", d.Issuer, "--ca", d.CA, "--auth", x.method,
		"--subject-token", d.WIT, "--subject-token-type", oauth.TokenTypeJWT, "--subject-key", d.WorkloadKey,
		"--resource", res, "--scope", sc, "--timeout", "20s"}
	c := d.Clients[x.method]
	switch x.method {
	case oauth.AuthMethodClientSecretBasic, oauth.AuthMethodClientSecretPost:
		a = append(a, "--client-id", c.ClientID, "--client-secret-env", c.SecretEnv)
	case oauth.AuthMethodPrivateKeyJWT:
		a = append(a, "--client-id", c.ClientID, "--client-key", c.Key)
	case oauth.AuthMethodSPIFFEJWT:
		a = append(a, "--jwt-svid", c.Token)
	case oauth.AuthMethodSPIFFEX509:
		a = append(a, "--cert", c.Cert, "--cert-key", c.CertKey)
	case oauth.AuthMethodSPIFFEWIT:
		a = append(a, "--wit", c.Token, "--wit-key", c.Key)
	default:
		Fail("unknown method " + x.method)
	}
	return append(a, x.extra...)
}

// tokenResponse is the token response `wimse sts exchange` prints.
type tokenResponse struct {
	AccessToken     string `json:"access_token"`
	IssuedTokenType string `json:"issued_token_type"`
	TokenType       string `json:"token_type"`
	ExpiresIn       int64  `json:"expires_in"`
	Scope           string `json:"scope"`
}

// oauthError is the error `wimse sts exchange` prints on exit 1.
type oauthError struct {
	Status      int    `json:"status"`
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// exchangeOK runs the exchange and expects exit 0 and a token response.
func (dep *deployment) exchangeOK(x exchangeRun) tokenResponse {
	GinkgoHelper()
	s := dep.runEnv(x.env, dep.args(x)...)
	Expect(s.ExitCode()).To(Equal(0), "stdout:\n%s\nstderr:\n%s", s.Out.Contents(), s.Err.Contents())
	var tr tokenResponse
	Expect(decodeStrict(s.Out.Contents(), &tr)).To(Succeed())
	Expect(tr.AccessToken).NotTo(BeEmpty())
	return tr
}

// exchangeRefused runs the exchange and expects exit 1 with an OAuth
// error response.
func (dep *deployment) exchangeRefused(x exchangeRun) oauthError {
	GinkgoHelper()
	s := dep.runEnv(x.env, dep.args(x)...)
	Expect(s.ExitCode()).To(Equal(1), "stdout:\n%s\nstderr:\n%s", s.Out.Contents(), s.Err.Contents())
	var e oauthError
	Expect(decodeStrict(s.Out.Contents(), &e)).To(Succeed(), "stderr:\n%s", s.Err.Contents())
	return e
}

// decodeStrict decodes one JSON value with no unknown members.
func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w in %q", err, b)
	}
	if dec.More() {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}
