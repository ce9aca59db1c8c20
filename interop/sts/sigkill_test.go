package sts_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/interop/sts"
	"github.com/wimse-wg/wimse/interop/sts/audit"
	"github.com/wimse-wg/wimse/interop/sts/store"
	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/tokens/wpt"
	"github.com/wimse-wg/wimse/wimse"
)

// The environment variables that turn the test binary into a child
// process: the STS serving the configuration at the given path on the
// listener inherited as fd 3, or a writer revoking through the store at
// the given path.
const (
	envKillSTS    = "STS_SIGKILL_CHILD_CONFIG"
	envKillRevoke = "STS_SIGKILL_CHILD_STORE"
)

// killAfter is the number of acknowledged writes after which the parent
// kills the child.
const killAfter = 20

// killCheckpointEvery is the audit checkpoint interval of the killed STS.
const killCheckpointEvery = 5

func skipUnlessKillable(t *testing.T) {
	t.Helper()
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" || runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skipf("needs SIGKILL and an inherited listener (Unix); GOOS is %s", runtime.GOOS)
	}
	if testing.Short() {
		t.Skip("spawns and kills a child process")
	}
}

// acked is a token the killed STS answered with 200.
type acked struct {
	jti   string // the access token's jti
	proof string // the WPT that obtained it
}

// TestSIGKILLExchange runs the STS (store.sqlite) in a child process on a
// loopback listener, fires concurrent token exchanges, SIGKILLs the child
// after killAfter 200s while requests are in flight, restarts the STS on
// the same database and checks that every acknowledged token has its
// "issued" audit record, that the chain verifies (a final checkpoint may
// be missing), and that a proof accepted before the crash is refused as a
// replay after it.
func TestSIGKILLExchange(t *testing.T) {
	if path := os.Getenv(envKillSTS); path != "" {
		runKilledSTS(t, path)
		return
	}
	skipUnlessKillable(t)
	d := storeDeployment(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d.writeConfig(t, "http://"+ln.Addr().String())
	lnFile, err := ln.(*net.TCPListener).File()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSIGKILLExchange$")
	cmd.Env = append(os.Environ(), envKillSTS+"="+d.configPath, envName+"="+secret)
	cmd.ExtraFiles = []*os.File{lnFile}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Only the child holds the listener now: once it dies, connections
	// are refused instead of queueing.
	lnFile.Close()
	ln.Close()
	waitReady(t, cmd, out, &stderr)

	cfg, err := sts.LoadConfig(d.configPath)
	if err != nil {
		t.Fatal(err)
	}
	raw := d.wit(t)
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a safety net, not a wait
	defer cancel()
	var (
		mu              sync.Mutex
		oks             []acked
		killed          bool
		inFlightAtKill  int64
		failedAfterKill int
		next, inFlight  atomic.Int64
		wg              sync.WaitGroup
		workers               = 8
		maxRequests     int64 = 2000
	)
	for range workers {
		wg.Go(func() {
			for {
				n := next.Add(1)
				if n > maxRequests {
					t.Errorf("the child was not killed after %d requests", maxRequests)
					return
				}
				proof := d.proof(t, cfg.TokenEndpoint(), raw, fmt.Sprintf("p-%d", n))
				inFlight.Add(1)
				resp, err := d.client(cfg.TokenEndpoint(), proof, tr).Exchange(ctx, exchange.Request{
					SubjectToken: raw, SubjectTokenType: sts.TokenTypeWIT, Resource: []string{allowed},
				})
				inFlight.Add(-1)
				mu.Lock()
				if err != nil {
					if !killed {
						t.Errorf("exchange before the kill: %v", err)
					}
					failedAfterKill++
					mu.Unlock()
					return
				}
				oks = append(oks, acked{jti: tokenID(t, resp.AccessToken), proof: proof})
				if !killed && len(oks) >= killAfter && inFlight.Load() > 0 {
					inFlightAtKill = inFlight.Load()
					if err := cmd.Process.Kill(); err != nil { // SIGKILL on Unix
						t.Errorf("kill: %v", err)
					}
					killed = true
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	io.Copy(io.Discard, out)
	werr := cmd.Wait()
	if !killed {
		t.Fatalf("the child was never killed; stderr:\n%s", stderr.String())
	}
	var ee *exec.ExitError
	if !errors.As(werr, &ee) || ee.Exited() {
		t.Fatalf("child: %v; want death by a signal", werr)
	}
	t.Logf("%d tokens acknowledged, %d requests in flight at the kill, %d failed after it", len(oks), inFlightAtKill, failedAfterKill)

	// Restart on the same database.
	t.Setenv(envName, secret)
	srv, err := sts.New(cfg)
	if err != nil {
		t.Fatalf("restart: %v", err)
	}
	defer srv.Close()
	st := srv.Store()
	if st == nil {
		t.Fatal("Server.Store() is nil with store.sqlite")
	}
	issued := map[string]bool{}
	for e, err := range st.Audit().Range(ctx, audit.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		if r := e.Record; r != nil && r.Decision == audit.Issued {
			issued[r.JTI.String()] = true
		}
	}
	for _, a := range oks {
		if !issued[a.jti] {
			t.Errorf("token %s was acknowledged with 200 but has no issued record after SIGKILL", a.jti)
		}
	}
	pub, err := sts.CheckpointPublic(cfg)
	if err != nil {
		t.Fatal(err)
	}
	opts := audit.VerifyOptions{Keys: []crypto.PublicKey{pub}, MaxUnprotected: killCheckpointEvery}
	rep, err := audit.Verify(ctx, st.Audit().Range(ctx, audit.Filter{}), opts)
	if err != nil {
		t.Fatalf("audit.Verify after SIGKILL: %v", err)
	}
	t.Logf("audit log after SIGKILL: %d records, %d checkpoints, %d records after the last checkpoint", rep.Records, rep.Checkpoints, rep.Unprotected)

	// The restarted STS refuses a proof the killed one accepted (the replay
	// cache is in the store) and accepts a new one.
	ts := httptest.NewServer(srv)
	defer ts.Close()
	_, err = d.client(ts.URL+sts.TokenPath, oks[0].proof, tr).Exchange(ctx, exchange.Request{
		SubjectToken: raw, SubjectTokenType: sts.TokenTypeWIT, Resource: []string{allowed},
	})
	if err == nil {
		t.Error("a proof accepted before the crash was accepted again after it")
	}
	var last *audit.Record // the last record; a checkpoint may follow it
	for e, err := range st.Audit().Range(ctx, audit.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		if e.Record != nil {
			last = e.Record
		}
	}
	if last == nil || last.Decision != audit.Denied || last.Reason != wimse.ReasonWPTReplayed {
		t.Errorf("last audit record = %+v; want a denial with %s", last, wimse.ReasonWPTReplayed)
	}
	fresh := d.proof(t, cfg.TokenEndpoint(), raw, "after-restart")
	if _, err := d.client(ts.URL+sts.TokenPath, fresh, tr).Exchange(ctx, exchange.Request{
		SubjectToken: raw, SubjectTokenType: sts.TokenTypeWIT, Resource: []string{allowed},
	}); err != nil {
		t.Errorf("exchange after restart: %v", err)
	}
}

// runKilledSTS is the child of TestSIGKILLExchange: it serves the STS on
// the inherited listener until it is killed.
func runKilledSTS(t *testing.T, configPath string) {
	cfg, err := sts.LoadConfig(configPath)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sts.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.FileListener(os.NewFile(3, "listener"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("ready")
	t.Fatal(http.Serve(ln, srv)) // returns only on a listener error
}

// waitReady reads the child's stdout up to its "ready" line.
func waitReady(t *testing.T, cmd *exec.Cmd, out io.Reader, stderr *bytes.Buffer) {
	t.Helper()
	br := bufio.NewReader(out)
	var seen strings.Builder
	for {
		line, err := br.ReadString('\n')
		if strings.TrimSpace(line) == "ready" {
			return
		}
		seen.WriteString(line)
		if err != nil {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("the child did not start: %v\nstdout:\n%s\nstderr:\n%s", err, seen.String(), stderr.String())
		}
	}
}

// TestSIGKILLRevocations: a child revokes token identifiers through the
// SQLite store from several goroutines and prints each acknowledged one;
// the parent SIGKILLs it mid-stream, reopens the store and finds every
// acknowledged revocation.
func TestSIGKILLRevocations(t *testing.T) {
	if path := os.Getenv(envKillRevoke); path != "" {
		runRevoker(t, path)
		return
	}
	skipUnlessKillable(t)
	path := filepath.Join(t.TempDir(), "state.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestSIGKILLRevocations$")
	cmd.Env = append(os.Environ(), envKillRevoke+"="+path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var revoked []string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		jti, ok := strings.CutPrefix(sc.Text(), "revoked ")
		if !ok {
			continue
		}
		revoked = append(revoked, jti)
		if len(revoked) == 3*killAfter {
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Lines read after the kill were printed before it: acknowledged too.
	werr := cmd.Wait()
	if len(revoked) < 3*killAfter {
		t.Fatalf("the child acknowledged %d revocations: %v\nstderr:\n%s", len(revoked), werr, stderr.String())
	}
	t.Logf("%d revocations acknowledged before SIGKILL", len(revoked))
	ctx := context.Background()
	st, err := store.OpenSQLite(ctx, path, store.WithNow(revokeClock))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, jti := range revoked {
		if ok, err := st.Revoked(ctx, jti); !ok || err != nil {
			t.Errorf("Revoked(%s) = %v, %v after SIGKILL; want true", jti, ok, err)
		}
	}
}

// revokeT0 is the pinned clock of the revocation test; tokens expire an
// hour later, so nothing is pruned.
var revokeT0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func revokeClock() time.Time { return revokeT0 }

// runRevoker is the child of TestSIGKILLRevocations: four goroutines
// revoke until the process is killed, printing each acknowledged jti.
func runRevoker(t *testing.T, path string) {
	ctx := context.Background()
	st, err := store.OpenSQLite(ctx, path, store.WithNow(revokeClock))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var n atomic.Int64
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				jti := fmt.Sprintf("jti-%d", n.Add(1))
				if err := st.Revoke(ctx, jti, revokeT0.Add(time.Hour)); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				fmt.Printf("revoked %s\n", jti)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}

// storeFixture is a deployment with store.sqlite in a temporary directory.
type storeFixture struct {
	dir, configPath string
	witKey          ed25519.PrivateKey
	workload        ed25519.PrivateKey
}

func storeDeployment(t *testing.T) *storeFixture {
	t.Helper()
	dir := t.TempDir()
	d := &storeFixture{dir: dir, configPath: filepath.Join(dir, "sts.json")}
	wk, wl := edKey(t), edKey(t)
	d.witKey, d.workload = wk, wl
	write(t, dir, "current.jwk", privateJWK(edKey(t), "sts-1"))
	write(t, dir, "next.jwk", privateJWK(edKey(t), "sts-2"))
	write(t, dir, "audit.jwk", privateJWK(edKey(t), "audit-1"))
	write(t, dir, "td.jwks", fmt.Sprintf(`{"keys":[{"kty":"OKP","crv":"Ed25519","x":%q,"kid":"w1"}]}`, b64(wk.Public().(ed25519.PublicKey))))
	write(t, dir, "policy.json", policyFile)
	return d
}

// writeConfig writes sts.json for an STS reached at base.
func (d *storeFixture) writeConfig(t *testing.T, base string) {
	t.Helper()
	cfg := map[string]any{
		"issuer":        issuer,
		"url":           base,
		"signingKeys":   map[string]string{"current": "current.jwk", "next": "next.jwk"},
		"audit":         map[string]any{"checkpointKey": "audit.jwk", "checkpointEvery": killCheckpointEvery},
		"store":         map[string]any{"sqlite": "state.db"},
		"policy":        "policy.json",
		"witTrust":      map[string]string{"td.example": "td.jwks"},
		"clientSecrets": map[string]any{clientID: map[string]string{"secretEnv": envName}},
		"authMethods":   []string{"client_secret_basic"},
		"maxLifetime":   "15m",
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	write(t, d.dir, "sts.json", string(b))
}

// wit issues the workload's WIT, valid for the test's duration.
func (d *storeFixture) wit(t *testing.T) string {
	t.Helper()
	now := time.Now()
	raw, err := (&wit.Signer{Key: d.witKey, KeyID: "w1"}).Sign(wit.Claims{
		Subject: wimse.MustParseID(workload), Issuer: "https://wit-issuer.td.example",
		IssuedAt: now.Add(-time.Minute), Expiry: now.Add(30 * time.Minute), Key: d.workload.Public(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// proof signs a WPT with the given jti for the token endpoint aud.
func (d *storeFixture) proof(t *testing.T, aud, raw, jti string) string {
	t.Helper()
	p, err := (&wpt.Signer{Key: d.workload}).Sign(wpt.Claims{Audience: aud, Expiry: time.Now().Add(time.Minute), ID: jti, WITHash: wit.Hash(raw)})
	if err != nil {
		t.Error(err)
	}
	return p
}

func (d *storeFixture) client(tokenURL, proof string, base http.RoundTripper) *exchange.Client {
	return &exchange.Client{
		TokenURL:   tokenURL,
		Auth:       &exchange.ClientSecretBasic{ClientID: clientID, Secret: secret},
		HTTPClient: &http.Client{Transport: proofTransport{proof: proof, base: base}},
	}
}

// proofTransport sets the Workload-Proof-Token header.
type proofTransport struct {
	proof string
	base  http.RoundTripper
}

func (p proofTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(exchange.HeaderWPT, p.proof)
	return p.base.RoundTrip(r)
}

// tokenID returns the jti of a JWT without verifying it: the test only
// matches it against the audit log.
func tokenID(t *testing.T, jwt string) string {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Errorf("the access token is not a JWS")
		return ""
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Error(err)
		return ""
	}
	var c struct {
		ID string `json:"jti"`
	}
	if err := json.Unmarshal(b, &c); err != nil || c.ID == "" {
		t.Errorf("the access token has no jti: %v", err)
	}
	return c.ID
}
