package sts_test

// Benchmarks of the reference STS (issue 10, item 9): one complete token
// exchange through Server, in process, beside the bare cryptography that
// exchange needs, in one run.
//
// One exchange is what `wimse sts init` deploys: the private_key_jwt
// client demo-pkjwt authenticates with a JWT assertion (one ES256
// verification) and presents the demo workload's WIT-SVID as the subject
// token with its Workload-Proof-Token (two ES256 verifications); the
// policy allows it; the STS signs one at+jwt (one ES256 signature) and
// appends the audit record durably before it answers. Every exchange
// carries a new assertion and a new proof (fresh jti: the replay caches
// are on), signed before the timer starts, so the client's signatures are
// not counted.
//
// BenchmarkExchange runs it with four audit stores, each in a new
// deployment:
//
//	audit=sqlite        the default of sts.Init: store.sqlite (WAL,
//	                    synchronous=FULL) holds the audit log and the
//	                    replay caches, so an exchange commits three
//	                    transactions (assertion jti, proof jti, audit
//	                    record), each with an fsync
//	audit=file          audit.log: one write and fsync per exchange, the
//	                    replay caches in memory
//	audit=sqlite-tmpfs  as audit=sqlite, with the deployment in /dev/shm
//	audit=file-tmpfs    as audit=file, with the deployment in /dev/shm
//
// The tmpfs variants stand for "no fsync" (fsync on tmpfs returns at
// once); they are skipped where /dev/shm is not a directory (it is tmpfs
// on Linux). An in-memory store (store.NewMemory) would be the cleaner
// variant, but sts.New builds its store from the configuration only and
// has no way to take one. Every 100th record the audit log also signs a
// checkpoint (one more ES256 signature and write, amortized).
//
// BenchmarkExchangeBareCrypto is exactly the cryptography of one exchange,
// with the same keys and tokens: SHA-256 and crypto/ecdsa verification of
// the client assertion, the WIT and the WPT on their pre-built signing
// inputs, and one crypto/ecdsa signature of the issued token's signing
// input with the STS's current signing key.
//
// Run both in one invocation, six times (2 cores are shared: read medians
// and ratios, never one absolute time):
//
//	go test -run '^$' -bench 'Exchange' -count 6 ./interop/sts/ | tee /tmp/b.txt
//
// and compare the median ns/op of each BenchmarkExchange/audit=* with the
// median of BenchmarkExchangeBareCrypto. On Linux each benchmark also
// reports cpu-ns/op, the process's CPU time per op (from /proc/self/stat):
// it excludes the wait for an fsync and the time other processes hold the
// cores, so on a shared machine its ratios are the steadier figure.
//
// The audit=sqlite* figures depend on b.N: the SQLite replay cache counts
// a sender's unexpired entries on every check (count(*) on the sender
// index), and here one client and one workload send every request, so a
// check costs more as the entries of the run accumulate. Compare them at
// the same b.N (-benchtime 1000x) when it matters. Loopback throughput is
// in throughput_test.go.

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/interop/sts"
	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/tokens/jwtgrant"
	"github.com/wimse-wg/wimse/tokens/oauth"
	"github.com/wimse-wg/wimse/tokens/scope"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/tokens/wpt"
	"github.com/wimse-wg/wimse/wimse"
)

// benchAudit is where a benchmark deployment keeps its audit log.
type benchAudit struct {
	name  string
	file  bool // audit.log instead of store.sqlite
	tmpfs bool // the deployment in /dev/shm: fsync is free
}

var benchAudits = []benchAudit{
	{name: "sqlite"},
	{name: "file", file: true},
	{name: "sqlite-tmpfs", tmpfs: true},
	{name: "file-tmpfs", file: true, tmpfs: true},
}

// benchDir returns an empty directory for an Init deployment: under
// b.TempDir, or in /dev/shm for a tmpfs variant (skipped where there is
// none).
func benchDir(b *testing.B, a benchAudit) string {
	b.Helper()
	if !a.tmpfs {
		return filepath.Join(b.TempDir(), "demo")
	}
	if fi, err := os.Stat("/dev/shm"); runtime.GOOS != "linux" || err != nil || !fi.IsDir() {
		b.Skip("no /dev/shm (tmpfs): the no-fsync variant needs it")
	}
	dir, err := os.MkdirTemp("/dev/shm", "wimse-sts-bench-")
	if err != nil {
		b.Skipf("/dev/shm: %v", err)
	}
	b.Cleanup(func() { os.RemoveAll(dir) })
	return filepath.Join(dir, "demo")
}

// benchSTS is an Init deployment, its running Server and what the
// private_key_jwt client needs to exchange the workload's WIT-SVID.
type benchSTS struct {
	d        *sts.Deployment
	cfg      *sts.Config
	srv      *sts.Server
	tokenURL string
	witSVID  string
	req      exchange.Request
	assert   *exchange.PrivateKeyJWT
	proof    *wpt.Signer
}

// newBenchSTS writes an Init deployment into dir (listen is its address:
// only the issuer and TLS certificate name it), switches it to the file
// audit log when a.file, and builds its Server (closed at cleanup).
func newBenchSTS(b *testing.B, dir, listen string, a benchAudit) *benchSTS {
	b.Helper()
	d, err := sts.Init(dir, sts.InitOptions{Listen: listen})
	if err != nil {
		b.Fatal(err)
	}
	lookup, err := d.LookupSecret()
	if err != nil {
		b.Fatal(err)
	}
	cfg, err := sts.LoadConfig(d.Config)
	if err != nil {
		b.Fatal(err)
	}
	if a.file {
		cfg.Store.SQLite, cfg.Audit.Log = "", "audit.log"
	}
	srv, err := sts.New(cfg, sts.WithLookupEnv(lookup))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close() })
	if (srv.Store() == nil) != a.file {
		b.Fatalf("audit=%s: Store() = %v", a.name, srv.Store())
	}
	raw, err := os.ReadFile(d.WIT)
	if err != nil {
		b.Fatal(err)
	}
	witSVID := strings.TrimSpace(string(raw))
	c := d.Clients[oauth.AuthMethodPrivateKeyJWT]
	ck := benchKey(b, c.Key)
	wk := benchKey(b, d.WorkloadKey)
	sc, err := scope.Parse(sts.DemoScope)
	if err != nil {
		b.Fatal(err)
	}
	return &benchSTS{
		d: d, cfg: cfg, srv: srv, tokenURL: cfg.TokenEndpoint(), witSVID: witSVID,
		req:    exchange.Request{SubjectToken: witSVID, SubjectTokenType: sts.TokenTypeWIT, Resource: []string{sts.DemoResource}, Scope: sc},
		assert: &exchange.PrivateKeyJWT{ClientID: c.ClientID, Audience: d.Issuer, Signer: &jwtgrant.Signer{Key: ck.Signer, KeyID: ck.KeyID}},
		proof:  &wpt.Signer{Key: wk.Signer},
	}
}

func benchKey(b *testing.B, path string) *wimse.PrivateKey {
	b.Helper()
	k, err := wimse.LoadPrivateJWK(path)
	if err != nil {
		b.Fatal(err)
	}
	return k
}

// benchCall is one token request, ready to send: the form body with a new
// client assertion, and a new WPT.
type benchCall struct{ body, proof string }

// calls signs n requests, each with its own assertion and proof jti.
func (s *benchSTS) calls(b *testing.B, n int) []benchCall {
	b.Helper()
	out := make([]benchCall, n)
	wth := wit.Hash(s.witSVID)
	for i := range out {
		form := s.req.Form()
		if err := s.assert.Authenticate(context.Background(), nil, form); err != nil {
			b.Fatal(err)
		}
		jti, err := jwtgrant.NewID(nil)
		if err != nil {
			b.Fatal(err)
		}
		p, err := s.proof.Sign(wpt.Claims{Audience: s.tokenURL, Expiry: time.Now().Add(time.Minute), ID: jti, WITHash: wth})
		if err != nil {
			b.Fatal(err)
		}
		out[i] = benchCall{body: form.Encode(), proof: p}
	}
	return out
}

// request is the token request of c, as the server receives it.
func (s *benchSTS) request(c benchCall) *http.Request {
	r := httptest.NewRequest(http.MethodPost, s.tokenURL, strings.NewReader(c.body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set(exchange.HeaderWPT, c.proof)
	return r
}

// issue serves c in process and returns the issued access token.
func (s *benchSTS) issue(b *testing.B, c benchCall) string {
	w := httptest.NewRecorder()
	s.srv.ServeHTTP(w, s.request(c))
	if w.Code != http.StatusOK {
		b.Fatalf("token endpoint: %d %s", w.Code, w.Body.String())
	}
	var resp struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil || resp.AccessToken == "" {
		b.Fatalf("token response %s: %v", w.Body.String(), err)
	}
	return resp.AccessToken
}

// BenchmarkExchange is one complete token exchange through the Server's
// handler (httptest.NewRecorder, no network): client authentication,
// subject token and proof verification, policy, issuance and the durable
// audit record. See the file comment for the variants.
func BenchmarkExchange(b *testing.B) {
	for _, a := range benchAudits {
		b.Run("audit="+a.name, func(b *testing.B) {
			s := newBenchSTS(b, benchDir(b, a), "127.0.0.1:8443", a)
			calls := s.calls(b, b.N)
			b.ReportAllocs()
			b.ResetTimer()
			cpu := startCPU()
			for i := range b.N {
				w := httptest.NewRecorder()
				s.srv.ServeHTTP(w, s.request(calls[i]))
				if w.Code != http.StatusOK {
					b.Fatalf("token endpoint: %d %s", w.Code, w.Body.String())
				}
			}
			cpu.report(b)
		})
	}
}

// benchVerify is one ES256 verification: a JWS signing input, its
// signature and the public key.
type benchVerify struct {
	name  string
	input []byte
	pub   *ecdsa.PublicKey
	r, s  *big.Int
}

// benchJWS splits a compact ES256 JWS into its signing input and (r, s),
// and checks it verifies with pub.
func benchJWS(b *testing.B, name, jws string, pub *ecdsa.PublicKey) benchVerify {
	b.Helper()
	parts := strings.Split(jws, ".")
	if len(parts) != 3 {
		b.Fatalf("%s: not a compact JWS", name)
	}
	hdr, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		b.Fatalf("%s: header: %v", name, err)
	}
	var h struct {
		Alg string `json:"alg"`
	}
	if err := json.Unmarshal(hdr, &h); err != nil || h.Alg != "ES256" {
		b.Fatalf("%s: alg %q (%v); the bare benchmark assumes ES256", name, h.Alg, err)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(sig) != 64 {
		b.Fatalf("%s: signature: %d bytes, %v", name, len(sig), err)
	}
	v := benchVerify{name: name, input: []byte(parts[0] + "." + parts[1]), pub: pub,
		r: new(big.Int).SetBytes(sig[:32]), s: new(big.Int).SetBytes(sig[32:])}
	if d := sha256.Sum256(v.input); !ecdsa.Verify(pub, d[:], v.r, v.s) {
		b.Fatalf("%s: does not verify with the key the bare benchmark uses", name)
	}
	return v
}

func benchECDSA(b *testing.B, k *wimse.PrivateKey) *ecdsa.PrivateKey {
	b.Helper()
	ek, ok := k.Signer.(*ecdsa.PrivateKey)
	if !ok || k.Algorithm != "ES256" {
		b.Fatalf("key %q: %T %s; the bare benchmark assumes ES256", k.KeyID, k.Signer, k.Algorithm)
	}
	return ek
}

// BenchmarkExchangeBareCrypto is the cryptography of one exchange of
// BenchmarkExchange and nothing else: three ES256 verifications (client
// assertion, WIT, WPT) and one ES256 signature (the issued token), with
// crypto/ecdsa on the signing inputs of real tokens of an Init deployment
// and the keys that signed them.
func BenchmarkExchangeBareCrypto(b *testing.B) {
	s := newBenchSTS(b, filepath.Join(b.TempDir(), "demo"), "127.0.0.1:8443", benchAudit{name: "file", file: true})
	c := s.calls(b, 1)[0]
	issued := s.issue(b, c)
	form, err := url.ParseQuery(c.body)
	if err != nil {
		b.Fatal(err)
	}
	client := benchECDSA(b, benchKey(b, s.d.Clients[oauth.AuthMethodPrivateKeyJWT].Key))
	witAuth := benchECDSA(b, benchKey(b, filepath.Join(s.d.Dir, "authority", "wit-svid.jwk")))
	workload := benchECDSA(b, benchKey(b, s.d.WorkloadKey))
	signing := benchECDSA(b, benchKey(b, filepath.Join(s.d.Dir, s.cfg.SigningKeys.Current)))
	verifies := []benchVerify{
		benchJWS(b, "client assertion", form.Get(exchange.ParamClientAssertion), &client.PublicKey),
		benchJWS(b, "WIT", s.witSVID, &witAuth.PublicKey),
		benchJWS(b, "WPT", c.proof, &workload.PublicKey),
	}
	sign := benchJWS(b, "issued token", issued, &signing.PublicKey).input
	b.ReportAllocs()
	b.ResetTimer()
	cpu := startCPU()
	for range b.N {
		for _, v := range verifies {
			d := sha256.Sum256(v.input)
			if !ecdsa.Verify(v.pub, d[:], v.r, v.s) {
				b.Fatalf("%s: verification failed", v.name)
			}
		}
		d := sha256.Sum256(sign)
		if _, err := ecdsa.SignASN1(rand.Reader, signing, d[:]); err != nil {
			b.Fatal(err)
		}
	}
	cpu.report(b)
}

// cpuMeter measures the CPU time (user and system, all threads) the
// process spends in a benchmark loop. Unlike ns/op it does not grow when
// other processes take the cores, nor while the server waits for an
// fsync.
type cpuMeter struct {
	start time.Duration
	ok    bool
}

func startCPU() cpuMeter {
	t, ok := processCPU()
	return cpuMeter{start: t, ok: ok}
}

// report adds the metric cpu-ns/op, where the CPU time can be read.
func (m cpuMeter) report(b *testing.B) {
	t, ok := processCPU()
	if !m.ok || !ok || b.N == 0 {
		return
	}
	b.ReportMetric(float64(t-m.start)/float64(b.N), "cpu-ns/op")
}

// processCPU returns the process's CPU time from /proc/self/stat (utime
// and stime, in clock ticks of USER_HZ = 100, Linux's value on every
// architecture it exposes to user space), and false where there is no
// such file. The 10 ms resolution is fine over a benchmark's second.
func processCPU() (time.Duration, bool) {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0, false
	}
	// The command name, field 2, is in parentheses and may hold spaces:
	// the fields after the last ')' start at field 3 (state).
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64) // field 14
	stime, err2 := strconv.ParseInt(f[12], 10, 64) // field 15
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(utime+stime) * (time.Second / 100), true
}
