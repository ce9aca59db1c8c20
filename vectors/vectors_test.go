package vectors_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/interop/server"
	"github.com/wimse-wg/wimse/profiles/httpsig"
	"github.com/wimse-wg/wimse/profiles/httpsig/rfc9421"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/wimse-wg/wimse/internal/mutant"
	"github.com/wimse-wg/wimse/profiles/httpwpt"
	"github.com/wimse-wg/wimse/profiles/mtls"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/vectors"
	"github.com/wimse-wg/wimse/wimse"
)

func loadSet(t testing.TB) *vectors.Set {
	t.Helper()
	s, err := vectors.Load(vectors.FS)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSchema validates every committed file against the JSON Schema.
func TestSchema(t *testing.T) {
	c := jsonschema.NewCompiler()
	raw, err := fs.ReadFile(vectors.FS, "schema/wimse_vectors_v1.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource("wimse_vectors_v1.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("wimse_vectors_v1.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	names, _ := fs.Glob(vectors.FS, "v1/*.json")
	for _, n := range names {
		if strings.HasSuffix(n, "requirements.json") {
			continue
		}
		b, _ := fs.ReadFile(vectors.FS, n)
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		if err := sch.Validate(inst); err != nil {
			t.Errorf("%s does not validate: %v", n, err)
		}
	}
	// The schema must reject unknown members.
	bad, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"schema":"wimse_vectors_v1","group":"wit","header":[],"generator":{"name":"x","version":"1","seed":"s"},"numberOfTests":0,"notes":{},"tests":[],"extra":1}`))
	if sch.Validate(bad) == nil {
		t.Error("schema accepts an unknown top-level member")
	}
}

// TestGenerateIsDeterministic: two runs give byte-identical files, equal to
// the committed ones.
func TestGenerateIsDeterministic(t *testing.T) {
	a, err := vectors.Generate(vectors.DefaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	b, err := vectors.Generate(vectors.DefaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range a {
		if !bytes.Equal(data, b[name]) {
			t.Errorf("%s differs between two runs", name)
		}
		committed, err := fs.ReadFile(vectors.FS, "v1/"+name)
		if err != nil {
			t.Errorf("%s is not committed: %v", name, err)
			continue
		}
		if !bytes.Equal(committed, data) {
			t.Errorf("%s is out of date: run go run ./cmd/wimse vectors generate", name)
		}
	}
}

// TestVectorsOffline plays every frozen vector through this module's
// verifiers and requires verdict, reason and signalling to match.
func TestVectorsOffline(t *testing.T) {
	s := loadSet(t)
	keys, err := vectors.DeriveKeys(vectors.DefaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	mtlsTrust := wimse.NewTrustStore()
	if err := vectors.AddX509Roots(mtlsTrust, s.Requirements.X509Roots); err != nil {
		t.Fatal(err)
	}
	for _, v := range s.Vectors() {
		t.Run(v.ID, func(t *testing.T) {
			t.Parallel()
			switch v.Kind {
			case vectors.KindIdentifier:
				_, err := wimse.ParseID(*v.Input.Identifier)
				check(t, v, "", err, 0, false)
			case vectors.KindRequest:
				for _, d := range v.Drafts {
					status, challenge, err := playOffline(t, v, d, keys, nil)
					check(t, v, d, err, status, challenge)
				}
			case vectors.KindMTLS:
				// Frozen time and now: the validity windows must hold for
				// the runner, which plays at the current time.
				for _, now := range []time.Time{time.Unix(vectors.FrozenNow, 0), time.Now()} {
					check(t, v, "", playMTLSOffline(t, v, mtlsTrust, now, nil), 0, false)
				}
			case vectors.KindExchange:
				// Token requests: played against the reference STS by the
				// runner (interop/sts), not offline.
			case vectors.KindClient:
				// Client-role scenarios: played with a client under test by
				// conformance/clientrole, not offline.
			default:
				t.Fatalf("unknown kind %q", v.Kind)
			}
		})
	}
}

// playMTLSOffline verifies an mtls vector's chain with profiles/mtls in the
// vector's role at now, against trust (the roots of requirements.json),
// with the checks of m disabled.
func playMTLSOffline(t testing.TB, v *vectors.Vector, trust *wimse.TrustStore, now time.Time, m *mutant.Set) error {
	t.Helper()
	in := v.Input.Certificates
	chain, err := in.ParseChain()
	if err != nil {
		t.Fatal(err)
	}
	if len(chain) > 0 {
		if _, err := in.TLSCertificate(); err != nil {
			t.Fatalf("the key does not fit the chain: %v", err)
		}
	}
	role := mtls.Client
	opts := []mtls.Option{mtls.WithMutant(m)}
	if in.Role == vectors.RoleServer {
		role = mtls.Server
		if in.ExpectedID != "" {
			opts = append(opts, mtls.WithExpectedID(wimse.MustParseID(in.ExpectedID)))
		}
		if in.DNSName != "" {
			opts = append(opts, mtls.WithDNSName(in.DNSName))
		}
	}
	_, err = mtls.VerifyPeer(chain, trust, role, now, opts...)
	return err
}

func check(t *testing.T, v *vectors.Vector, draft string, err error, status int, challenge bool) {
	t.Helper()
	gotVerdict := "accept"
	if err != nil {
		gotVerdict = "reject"
	}
	if gotVerdict != v.Expect.Verdict {
		t.Errorf("%s: verdict %s (%v), want %s", draft, gotVerdict, err, v.Expect.Verdict)
		return
	}
	if got := string(wimse.ReasonOf(err)); got != v.Expect.Reason {
		t.Errorf("%s: reason %q, want %q (%v)", draft, got, v.Expect.Reason, err)
	}
	if draft == "" {
		return
	}
	want := v.Expect.Signal[draft]
	if status != want.Status {
		t.Errorf("%s: status %d, want %d", draft, status, want.Status)
	}
	if challenge != (want.WWWAuthenticate == "WPT") {
		t.Errorf("%s: challenge %v, want %q", draft, challenge, want.WWWAuthenticate)
	}
}

// playOffline verifies a frozen request the way the reference server
// would, at the vector's frozen time, with the checks of m disabled (nil:
// none).
func playOffline(t testing.TB, v *vectors.Vector, draft string, keys *vectors.KeySet, m *mutant.Set) (int, bool, error) {
	t.Helper()
	fr := v.Frozen.Requests[draft]
	if fr == nil {
		t.Fatalf("no frozen request for %s", draft)
	}
	if strings.HasPrefix(draft, "http-signature-") {
		return playSigOffline(t, v, fr, keys, m)
	}
	verifier := newVerifier(t, v.Policy, keys, time.Unix(v.Frozen.Now, 0), m)
	sends := 1
	if v.Template != nil && v.Template.Sends > 1 {
		sends = v.Template.Sends
	}
	var err error
	for i := 0; i < sends; i++ {
		var req *http.Request
		req, err = httpwpt.ReadRequest([]byte(renderRaw(fr)))
		if err == nil {
			_, err = verifier.Verify(req)
		}
		if i < sends-1 && err != nil {
			t.Fatalf("send %d of %d rejected: %v", i+1, sends, err)
		}
	}
	if err == nil {
		return 200, false, nil
	}
	if wimse.ReasonOf(err) == wimse.ReasonRequestMalformed {
		return 400, false, err
	}
	status, challenge := verifier.Status(err)
	return status, challenge, err
}

// frozenSuiteConfig is the reference server's suite configuration at
// FrozenNow, built once: every caller replaces Trust and Policy.
var frozenSuiteConfig = sync.OnceValues(func() (server.Config, error) {
	return server.SuiteConfigAt(vectors.DefaultSeed, vectors.FrozenBase, time.Unix(vectors.FrozenNow, 0))
})

// playSigOffline plays an HTTP signature vector through the reference
// server's handler in-process (no network) at the frozen time, and checks a
// signed response when the vector expects one.
func playSigOffline(t testing.TB, v *vectors.Vector, fr *vectors.Request, keys *vectors.KeySet, m *mutant.Set) (int, bool, error) {
	t.Helper()
	now := time.Unix(v.Frozen.Now, 0)
	if v.Frozen.Now != vectors.FrozenNow {
		t.Fatalf("frozen at %d, not FrozenNow", v.Frozen.Now)
	}
	cfg, err := frozenSuiteConfig()
	if err != nil {
		t.Fatal(err)
	}
	wv := newVerifier(t, v.Policy, keys, now, m)
	cfg.Trust, cfg.Policy, cfg.ContextTokenFields, cfg.Audience, cfg.WITProfile = wv.Trust, wv.Policy, v.Policy.ContextTokenFields, v.Policy.Audience, wv.WITProfile
	h, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sends := max(v.Template.Sends, 1)
	var rec *httptest.ResponseRecorder
	var req *http.Request
	for i := 0; i < sends; i++ {
		req, err = httpwpt.ReadRequest([]byte(renderRaw(fr)))
		if err != nil {
			return 400, false, err
		}
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if i < sends-1 && rec.Code != 200 {
			t.Fatalf("send %d of %d rejected: %d %s", i+1, sends, rec.Code, rec.Body)
		}
	}
	challenge := rec.Header().Get("WWW-Authenticate") != ""
	if rec.Code != 200 {
		var p struct {
			Reason string `json:"reason"`
		}
		_ = json.Unmarshal(rec.Body.Bytes(), &p)
		return rec.Code, challenge, wimse.Errorf(wimse.Reason(p.Reason), "rejected with %d", rec.Code)
	}
	if v.Expect.SignedResponse {
		sent, err := rfc9421.ParseSignatures(req.Header)
		if err != nil || len(sent) == 0 {
			t.Fatalf("the frozen request has no signature: %v", err)
		}
		nonce, _ := sent[0].Params.Nonce()
		rev := wimse.RevisionHTTPSig07
		if !strings.Contains(sent[0].SignatureParams, `"@path"`) {
			rev = wimse.RevisionHTTPSig06
		}
		if _, err := httpsig.VerifyResponse(rec.Code, rec.Header(), rec.Body.Bytes(), httpsig.ResponseCheck{
			WIT: &wit.Verifier{Trust: wv.Trust, Policy: wv.Policy}, Request: rfc9421.FromRequest(req, "https"), Nonce: nonce, Required: true, Revision: rev,
		}); err != nil {
			return rec.Code, challenge, err
		}
	}
	return rec.Code, challenge, nil
}

func newVerifier(t testing.TB, p *vectors.Policy, keys *vectors.KeySet, now time.Time, m *mutant.Set) *httpwpt.Verifier {
	t.Helper()
	store := wimse.NewTrustStore()
	for _, td := range p.TrustDomains {
		// Each trust domain with its own issuer keys (creds-02 §5.1.3).
		anchors := wimse.Anchors{Keys: keys.IssuerKeysOf(td), Issuers: p.Issuers, ProofAlgorithms: p.ProofAlgorithms}
		store.Set(wimse.MustParseTrustDomain(td), anchors)
	}
	var revs []wimse.Revision
	for _, r := range p.Revisions {
		revs = append(revs, wimse.Revision(r))
	}
	policy := wimse.Policy{
		Now:            func() time.Time { return now },
		ClockSkew:      seconds(p.ClockSkew),
		MaxWPTLifetime: seconds(p.MaxWPTLifetime),
		MaxTokenSize:   p.MaxTokenSize,
		Revisions:      revs,
	}
	mutant.Put(&policy, m)
	prof := wit.ProfileWIT
	if p.WITSVID {
		prof = wit.ProfileSVID
	}
	return &httpwpt.Verifier{
		Trust:              store,
		Policy:             policy,
		WITProfile:         prof,
		Replay:             wimse.NewMemoryReplayCache(16),
		Audience:           httpwpt.AudienceFromBase(p.Audience),
		ContextTokenFields: p.ContextTokenFields,
	}
}

// seconds converts a vector policy duration; 0 means "none" (negative in
// wimse.Policy).
func seconds(n int) time.Duration {
	if n == 0 {
		return -1
	}
	return time.Duration(n) * time.Second
}

func renderRaw(r *vectors.Request) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\n", r.Method, r.Target)
	if !r.HasField("Host") {
		fmt.Fprintf(&b, "Host: %s\r\n", strings.TrimPrefix(vectors.FrozenBase, "https://"))
	}
	for _, f := range r.Fields {
		fmt.Fprintf(&b, "%s: %s\r\n", f[0], f[1])
	}
	if r.Body != "" {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(r.Body))
	}
	b.WriteString("\r\n" + r.Body)
	return b.String()
}
