package vectors_test

import (
	"bufio"
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/profiles/httpsig"
	"github.com/wimse-wg/wimse/profiles/httpsig/rfc9421"
	"github.com/wimse-wg/wimse/profiles/httpwpt"
	"github.com/wimse-wg/wimse/profiles/mtls"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/vectors"
	"github.com/wimse-wg/wimse/wimse"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/examples (TestExamplesGolden)")

// The examples are read back the way a draft's reader would: the test
// below unfolds them with its own RFC 8792 §7.2.2 unfolder and parses the
// Markdown, the HTTP messages, the tokens, the keys and the certificates
// from the text alone.

const (
	foldHeader = `NOTE: '\' line wrapping per RFC 8792`
	// artworkWidth and textWidth: RFC 8792's default fold width (xml2rfc
	// indents artwork by 3 on a 72-column page) and the page width.
	artworkWidth = 69
	textWidth    = 72
)

// TestExamplesGolden pins the examples of every draft at the default seed;
// -update rewrites the files.
func TestExamplesGolden(t *testing.T) {
	for _, d := range vectors.ExampleDrafts() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			got, err := vectors.Examples(vectors.DefaultSeed, d)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "examples", d+".md")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./vectors -run TestExamplesGolden -update)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s is out of date (-want +got); run go test ./vectors -run TestExamplesGolden -update:\n%s", path, diff)
			}
		})
	}
}

// TestExamplesWidth: no line is longer than 72 columns, artwork no longer
// than 69; artwork carries the RFC 8792 header exactly when a line had to
// be folded, and unfolds to the same text with the test's own unfolder.
func TestExamplesWidth(t *testing.T) {
	for _, seed := range []string{vectors.DefaultSeed, "another seed"} {
		for _, d := range vectors.ExampleDrafts() {
			text := examples(t, seed, d)
			for i, l := range strings.Split(text, "\n") {
				if len(l) > textWidth {
					t.Errorf("%s line %d: %d columns: %q", d, i+1, len(l), l)
				}
			}
			doc := parseExamples(t, text)
			folded := 0
			for _, b := range doc.blocks {
				for _, l := range strings.Split(b.raw, "\n") {
					if len(l) > artworkWidth {
						t.Errorf("%s #%s: artwork line of %d columns: %q", d, b.anchor, len(l), l)
					}
				}
				longest := 0
				for _, l := range strings.Split(b.text, "\n") {
					longest = max(longest, len(l))
				}
				if b.folded != (longest > artworkWidth) {
					t.Errorf("%s #%s: folded %v, longest unfolded line %d: fold only where needed", d, b.anchor, b.folded, longest)
				}
				if b.folded {
					folded++
				}
			}
			if folded == 0 && d != "mutual-tls" {
				t.Errorf("%s: no folded artwork: the fold test tests nothing", d)
			}
		}
	}
}

// TestExamplesSeed: the same seed gives byte-identical text; another seed
// changes every key, jti, nonce, token value, time, serial number and
// certificate.
func TestExamplesSeed(t *testing.T) {
	for _, d := range vectors.ExampleDrafts() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			a, b := examples(t, vectors.DefaultSeed, d), examples(t, vectors.DefaultSeed, d)
			if a != b {
				t.Fatal("two runs with one seed differ")
			}
			other := parseExamples(t, examples(t, "another seed", d)).unfolded()
			values := seededValues(parseExamples(t, a).unfolded())
			if len(values) < 8 {
				t.Fatalf("only %d seeded values found: %q", len(values), values)
			}
			for _, v := range values {
				if strings.Contains(other, v) {
					t.Errorf("%q appears under both seeds", v)
				}
			}
		})
	}
}

// seededValues extracts what must change with the seed: JWK members, jti,
// txn and sub of the Txn-Token, nonces, NumericDates, serial numbers,
// context and access tokens, compact tokens and certificates.
func seededValues(text string) []string {
	var out []string
	for _, re := range []*regexp.Regexp{
		regexp.MustCompile(`"(?:x|y|d|jti|txn)": "([^"]+)"`),
		regexp.MustCompile(`"sub": "(user-[^"]+)"`),
		regexp.MustCompile(`nonce="([^"]+)"`),
		regexp.MustCompile(`\b(1[0-9]{9})\b`),
		regexp.MustCompile(`Serial: +([0-9]+)`),
		regexp.MustCompile(`X-Custom-Token: (\S+)`),
		regexp.MustCompile(`Bearer (\S+)`),
		regexp.MustCompile(`(?m)^(eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$`),
		regexp.MustCompile(`-----BEGIN CERTIFICATE-----\n(.+)`),
	} {
		for _, m := range re.FindAllStringSubmatch(text, -1) {
			out = append(out, m[1])
		}
	}
	return out
}

// TestExamplesVerify reads every example back from the text and plays it
// through this module's verifiers at the examples' time: each must reach
// the outcome its "Expected:" line states, the printed keys must be those
// that signed, the printed signature bases those that were signed, and the
// printed answers those a receiver gives.
func TestExamplesVerify(t *testing.T) {
	for _, d := range vectors.ExampleDrafts() {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			doc := parseExamples(t, examples(t, vectors.DefaultSeed, d))
			played := 0
			for _, s := range doc.sections {
				if s.expected == "" {
					continue
				}
				played++
				t.Run(s.title, func(t *testing.T) {
					switch {
					case d == "mutual-tls":
						verifyMTLSExample(t, doc, s)
					case strings.HasPrefix(d, "http-signature-"):
						verifySigExample(t, doc, s, d)
					default:
						verifyWPTExample(t, doc, s)
					}
				})
			}
			if want := map[string]int{"mutual-tls": 4}[d]; played < max(want, 4) {
				t.Errorf("%d examples with an expected outcome, want at least %d", played, max(want, 4))
			}
			checkKeys(t, doc)
		})
	}
}

func examples(t testing.TB, seed, draft string) string {
	t.Helper()
	text, err := vectors.Examples(seed, draft)
	if err != nil {
		t.Fatal(err)
	}
	return text
}

// --- reading the Markdown --------------------------------------------------

type exBlock struct {
	lang, anchor, title string
	// raw is the artwork as printed, text unfolded.
	raw, text string
	folded    bool
}

type exSection struct {
	title    string
	paras    []string
	blocks   []*exBlock
	expected string
}

type exDoc struct {
	now      time.Time
	short    string
	sections []*exSection
	blocks   []*exBlock
	byAnchor map[string]*exBlock
}

var (
	fenceRE    = regexp.MustCompile("^~~~( [a-z-]+)?$")
	ialRE      = regexp.MustCompile(`^\{: #([a-z0-9-]+) title="([^"]*)"\}$`)
	verifiedRE = regexp.MustCompile(`verified at ([0-9]+) \(([0-9TZ:-]+)\)`)
	timeRowRE  = regexp.MustCompile(`^\| ([a-z]+) \| ([0-9]+) \| ([0-9TZ:-]+) \|$`)
	xrefRE     = regexp.MustCompile(`\{\{([a-z0-9-]+)\}\}`)
)

// parseExamples reads the Markdown: sections (## headings), paragraphs,
// fenced artwork with its anchor, the time of verification; it checks
// every anchor is unique, every cross-reference resolves and every
// NumericDate matches the ISO 8601 instant beside it.
func parseExamples(t testing.TB, text string) *exDoc {
	t.Helper()
	doc := &exDoc{byAnchor: map[string]*exBlock{}}
	sec := &exSection{title: "intro"}
	doc.sections = append(doc.sections, sec)
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	var para []string
	flush := func() {
		if len(para) > 0 {
			p := strings.Join(para, " ")
			sec.paras = append(sec.paras, p)
			if e, ok := strings.CutPrefix(p, "Expected: "); ok {
				sec.expected = strings.TrimSuffix(e, ".")
			}
			para = nil
		}
	}
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		switch {
		case strings.HasPrefix(l, "## "):
			flush()
			sec = &exSection{title: strings.TrimPrefix(l, "## ")}
			doc.sections = append(doc.sections, sec)
		case fenceRE.MatchString(l):
			flush()
			b := &exBlock{lang: strings.TrimSpace(strings.TrimPrefix(l, "~~~"))}
			var art []string
			for i++; i < len(lines) && lines[i] != "~~~"; i++ {
				art = append(art, lines[i])
			}
			if i+1 >= len(lines) {
				t.Fatalf("artwork after line %d is not closed and titled", i)
			}
			i++
			m := ialRE.FindStringSubmatch(lines[i])
			if m == nil {
				t.Fatalf("line %d: artwork without anchor and title: %q", i+1, lines[i])
			}
			b.anchor, b.title, b.raw = m[1], m[2], strings.Join(art, "\n")
			b.text, b.folded = unfold(t, b.raw)
			if doc.byAnchor[b.anchor] != nil {
				t.Errorf("anchor %s twice", b.anchor)
			}
			doc.byAnchor[b.anchor] = b
			doc.blocks = append(doc.blocks, b)
			sec.blocks = append(sec.blocks, b)
		case strings.HasPrefix(l, "|"):
			flush()
			if m := timeRowRE.FindStringSubmatch(l); m != nil {
				checkISO(t, m[2], m[3])
			}
		case strings.TrimSpace(l) == "":
			flush()
		case strings.HasPrefix(l, "# "):
		default:
			para = append(para, l)
		}
	}
	flush()
	for _, s := range doc.sections {
		for _, p := range s.paras {
			if m := verifiedRE.FindStringSubmatch(p); m != nil {
				checkISO(t, m[1], m[2])
				n, _ := strconv.ParseInt(m[1], 10, 64)
				doc.now = time.Unix(n, 0)
			}
			for _, x := range xrefRE.FindAllStringSubmatch(p, -1) {
				if doc.byAnchor[x[1]] == nil {
					t.Errorf("{{%s}} names no figure", x[1])
				}
			}
		}
	}
	if doc.now.IsZero() {
		t.Fatal("no time of verification in the text")
	}
	if len(doc.blocks) > 0 {
		doc.short, _, _ = strings.Cut(doc.blocks[0].anchor, "-")
	}
	return doc
}

// unfold is RFC 8792 §7.2.2 for the single-backslash strategy: without the
// header the text is returned as is; with it, the header and the empty
// line after it are removed, and so is every backslash at the end of a
// line together with the line break and the spaces that start the next
// line.
func unfold(t testing.TB, s string) (string, bool) {
	t.Helper()
	body, ok := strings.CutPrefix(s, foldHeader+"\n\n")
	if !ok {
		if strings.Contains(s, "\\\n") {
			t.Errorf("artwork ends a line with a backslash but has no RFC 8792 header:\n%s", s)
		}
		return s, false
	}
	return regexp.MustCompile(`\\\n *`).ReplaceAllString(body, ""), true
}

func checkISO(t testing.TB, numeric, iso string) {
	t.Helper()
	n, err := strconv.ParseInt(numeric, 10, 64)
	if err != nil {
		t.Errorf("NumericDate %q: %v", numeric, err)
		return
	}
	if got := time.Unix(n, 0).UTC().Format(time.RFC3339); got != iso {
		t.Errorf("NumericDate %d is %s, the text says %s", n, got, iso)
	}
}

// unfolded is the whole document with its artwork unfolded.
func (d *exDoc) unfolded() string {
	var b strings.Builder
	for _, s := range d.sections {
		for _, p := range s.paras {
			b.WriteString(p + "\n")
		}
		for _, bl := range s.blocks {
			b.WriteString(bl.text + "\n")
		}
	}
	return b.String()
}

func (d *exDoc) block(t testing.TB, name string) *exBlock {
	t.Helper()
	b := d.byAnchor[d.short+"-"+name]
	if b == nil {
		t.Fatalf("no figure #%s-%s", d.short, name)
	}
	return b
}

// request is the section's own request, or the one its text refers to
// ({{anchor}}); own reports which.
func (s *exSection) request(t testing.TB, doc *exDoc) (b *exBlock, own bool) {
	t.Helper()
	for _, b := range s.blocks {
		if b.lang == "http-message" && !strings.HasPrefix(b.text, "HTTP/") {
			return b, true
		}
	}
	for _, p := range s.paras {
		for _, x := range xrefRE.FindAllStringSubmatch(p, -1) {
			if b := doc.byAnchor[x[1]]; b != nil && b.lang == "http-message" && !strings.HasPrefix(b.text, "HTTP/") {
				return b, false
			}
		}
	}
	t.Fatalf("section %q has no request", s.title)
	return nil, false
}

// response is the section's response message, if any.
func (s *exSection) response() *exBlock {
	for _, b := range s.blocks {
		if b.lang == "http-message" && strings.HasPrefix(b.text, "HTTP/") {
			return b
		}
	}
	return nil
}

// outcome is an "Expected:" line.
type outcome struct {
	accept    bool
	replay    bool
	status    int
	challenge string
	reason    wimse.Reason
	rest      string
}

var outcomeRE = regexp.MustCompile(`^(accepted on the first send; on the second, )?(accepted|rejected)` +
	`(?: with ([0-9]{3})(?: and WWW-Authenticate: ([^\s,]+))?)?(?: as a client certificate)?(?:, reason ([a-z0-9_.]+))?(.*)$`)

func parseOutcome(t testing.TB, s string) outcome {
	t.Helper()
	m := outcomeRE.FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("expected outcome %q does not parse", s)
	}
	o := outcome{replay: m[1] != "", accept: m[2] == "accepted", challenge: m[4], reason: wimse.Reason(m[5]), rest: m[6]}
	o.status, _ = strconv.Atoi(m[3])
	if !o.accept && o.reason == "" {
		t.Fatalf("rejection without a reason: %q", s)
	}
	return o
}

// --- playing the examples --------------------------------------------------

// trust is the store the text describes: the issuer JWK Set for
// example.org.
func (d *exDoc) trust(t testing.TB) *wimse.TrustStore {
	t.Helper()
	keys, err := wimse.ParseJWKSet([]byte(d.block(t, "issuer-keys").text))
	if err != nil {
		t.Fatal(err)
	}
	store := wimse.NewTrustStore()
	store.Set(wimse.MustParseTrustDomain(vectors.TrustDomain), wimse.Anchors{Keys: keys})
	return store
}

func (d *exDoc) policy() wimse.Policy {
	return wimse.Policy{Now: func() time.Time { return d.now }}
}

func readRequest(t testing.TB, b *exBlock) (*http.Request, []byte) {
	t.Helper()
	req, err := httpwpt.ReadRequest([]byte(crlfHead(b.text)))
	if err != nil {
		t.Fatalf("#%s: %v", b.anchor, err)
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		t.Fatal(err)
	}
	if req.ContentLength != int64(len(body)) {
		t.Errorf("#%s: Content-Length %d, body of %d bytes", b.anchor, req.ContentLength, len(body))
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	return req, body
}

// crlfHead ends the lines of an HTTP message's head with CRLF, as HTTP/1.1
// does; the body stays as printed.
func crlfHead(msg string) string {
	head, body, _ := strings.Cut(msg, "\n\n")
	return strings.ReplaceAll(head, "\n", "\r\n") + "\r\n\r\n" + body
}

func readResponse(t testing.TB, b *exBlock) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.ReadResponse(bufio.NewReader(strings.NewReader(crlfHead(b.text))), nil)
	if err != nil {
		t.Fatalf("#%s: %v", b.anchor, err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("#%s: %v", b.anchor, err)
	}
	if resp.ContentLength != int64(len(body)) {
		t.Errorf("#%s: Content-Length %d, body of %d bytes", b.anchor, resp.ContentLength, len(body))
	}
	return resp, body
}

// judge compares what a verifier did with the expected outcome, and the
// printed answer, if any, with the verifier's.
func judge(t *testing.T, s *exSection, o outcome, err error, status int, challenge bool) {
	t.Helper()
	if o.accept {
		if err != nil {
			t.Fatalf("rejected (%v), expected %q", err, s.expected)
		}
		return
	}
	if err == nil {
		t.Fatalf("accepted, expected %q", s.expected)
	}
	if got := wimse.ReasonOf(err); got != o.reason {
		t.Errorf("reason %s (%v), the text states %s", got, err, o.reason)
	}
	if status != o.status || challenge != (o.challenge != "") {
		t.Errorf("answer %d (challenge %v), the text states %d %q", status, challenge, o.status, o.challenge)
	}
	resp := s.response()
	if resp == nil {
		t.Fatal("a rejection without the receiver's answer")
	}
	r, body := readResponse(t, resp)
	var p struct {
		Reason string `json:"reason"`
		Status int    `json:"status"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("#%s: problem body: %v", resp.anchor, err)
	}
	if r.StatusCode != status || r.Header.Get("WWW-Authenticate") != o.challenge || p.Reason != string(o.reason) || p.Status != status ||
		r.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("#%s: printed answer %d, challenge %q, problem %+v; the verifier answers %d, %q, %s",
			resp.anchor, r.StatusCode, r.Header.Get("WWW-Authenticate"), p, status, o.challenge, o.reason)
	}
}

func verifyWPTExample(t *testing.T, doc *exDoc, s *exSection) {
	o := parseOutcome(t, s.expected)
	reqBlock, own := s.request(t, doc)
	if own == o.replay {
		t.Fatalf("replay %v, own request %v: a replay refers to an earlier request, the others carry their own", o.replay, own)
	}
	v := &httpwpt.Verifier{
		Trust: doc.trust(t), Policy: doc.policy(), Replay: wimse.NewMemoryReplayCache(16),
		Audience: httpwpt.AudienceFromBase(vectors.FrozenBase), ContextTokenFields: []string{"X-Custom-Token"},
	}
	sends := 1
	if o.replay {
		sends = 2
	}
	var err error
	for i := 0; i < sends; i++ {
		req, _ := readRequest(t, reqBlock)
		_, err = v.Verify(req)
		if i < sends-1 && err != nil {
			t.Fatalf("send %d rejected: %v", i+1, err)
		}
	}
	status, challenge := 200, false
	if err != nil {
		status, challenge = v.Status(err)
	}
	judge(t, s, o, err, status, challenge)
}

func verifySigExample(t *testing.T, doc *exDoc, s *exSection, draft string) {
	o := parseOutcome(t, s.expected)
	reqBlock, own := s.request(t, doc)
	if signer, ok := strings.CutPrefix(o.rest, " by the client, signed by "); ok {
		verifySignedResponse(t, doc, s, reqBlock, signer, draft)
		return
	}
	if own == o.replay {
		t.Fatalf("replay %v, own request %v", o.replay, own)
	}
	v := &httpsig.Verifier{Trust: doc.trust(t), Policy: doc.policy(), Replay: wimse.NewMemoryReplayCache(16),
		Audience: httpsig.AudienceFromBase(vectors.FrozenBase)}
	sends := 1
	if o.replay {
		sends = 2
	}
	var err error
	for i := 0; i < sends; i++ {
		req, body := readRequest(t, reqBlock)
		_, err = v.Verify(req, body)
		if i < sends-1 && err != nil {
			t.Fatalf("send %d rejected: %v", i+1, err)
		}
		if i == 0 {
			checkBase(t, doc, reqBlock, req, rfc9421.FromRequest(req, "https"))
		}
	}
	status := 200
	if err != nil {
		status = httpsig.Status(err)
	}
	judge(t, s, o, err, status, false)
}

// checkBase compares the printed signature base of a message, when the
// text prints one ({{anchor}}-base), with the base of its signature.
func checkBase(t *testing.T, doc *exDoc, msgBlock *exBlock, h *http.Request, m rfc9421.Message) {
	t.Helper()
	printed := doc.byAnchor[msgBlock.anchor+"-base"]
	if printed == nil {
		return
	}
	sigs, err := rfc9421.ParseSignatures(m.Header)
	if err != nil || len(sigs) != 1 {
		t.Fatalf("#%s: %d signatures (%v)", msgBlock.anchor, len(sigs), err)
	}
	base, err := sigs[0].Base(m)
	if err != nil {
		t.Fatal(err)
	}
	if string(base) != printed.text {
		t.Errorf("#%s is not the signature base of #%s:\n%s", printed.anchor, msgBlock.anchor, cmp.Diff(printed.text, string(base)))
	}
}

func verifySignedResponse(t *testing.T, doc *exDoc, s *exSection, reqBlock *exBlock, signer, draft string) {
	req, _ := readRequest(t, reqBlock)
	sent, err := rfc9421.ParseSignatures(req.Header)
	if err != nil || len(sent) != 1 {
		t.Fatalf("request signatures: %d (%v)", len(sent), err)
	}
	nonce, _ := sent[0].Params.Nonce()
	if sign, _ := sent[0].Params.GetBool(httpsig.ParamSignResponse); !sign {
		t.Error("the request does not ask for a signed response")
	}
	respBlock := s.response()
	if respBlock == nil {
		t.Fatal("no response")
	}
	resp, body := readResponse(t, respBlock)
	reqMsg := rfc9421.FromRequest(req, "https")
	peer, err := httpsig.VerifyResponse(resp.StatusCode, resp.Header, body, httpsig.ResponseCheck{
		WIT:     &wit.Verifier{Trust: doc.trust(t), Policy: doc.policy()},
		Request: reqMsg, Nonce: nonce, Required: true, Revision: wimse.Revision(draft),
		Responder: httpsig.AuthorizeID(wimse.MustParseID(strings.TrimSuffix(signer, "."))),
	})
	if err != nil {
		t.Fatalf("the client rejects the response: %v", err)
	}
	if peer.ID.String() != signer {
		t.Errorf("signed by %s, the text says %s", peer.ID, signer)
	}
	checkBase(t, doc, respBlock, req, rfc9421.FromResponse(resp.StatusCode, resp.Header, reqMsg))
}

func verifyMTLSExample(t *testing.T, doc *exDoc, s *exSection) {
	o := parseOutcome(t, s.expected)
	root := certificates(t, doc.block(t, "root"))
	store := wimse.NewTrustStore()
	store.Set(wimse.MustParseTrustDomain(vectors.TrustDomain), wimse.Anchors{X509Roots: root})
	var chain []*x509.Certificate
	for _, b := range s.blocks {
		if strings.HasPrefix(b.text, "-----BEGIN CERTIFICATE-----") {
			chain = certificates(t, b)
			checkSummary(t, doc.byAnchor[b.anchor+"-summary"], chain[0])
		}
	}
	if len(chain) == 0 {
		t.Fatal("no certificate")
	}
	role, id := mtls.Client, ""
	var opts []mtls.Option
	if ex, ok := strings.CutPrefix(s.expected, "accepted as the server certificate of "); ok {
		role, id = mtls.Server, ex
		opts = append(opts, mtls.WithExpectedID(wimse.MustParseID(id)))
	} else if !strings.Contains(s.expected, "as a client certificate") {
		t.Fatalf("no role in %q", s.expected)
	}
	if ex, ok := strings.CutPrefix(o.rest, ", identifier "); ok {
		id = ex
	}
	got, err := mtls.VerifyPeer(chain, store, role, doc.now, opts...)
	switch {
	case o.accept && err != nil:
		t.Fatalf("rejected: %v", err)
	case o.accept && got.String() != id:
		t.Errorf("identifier %s, the text says %s", got, id)
	case !o.accept && err == nil:
		t.Fatal("accepted")
	case !o.accept && wimse.ReasonOf(err) != o.reason:
		t.Errorf("reason %s (%v), the text states %s", wimse.ReasonOf(err), err, o.reason)
	}
}

func certificates(t testing.TB, b *exBlock) []*x509.Certificate {
	t.Helper()
	var out []*x509.Certificate
	rest := []byte(b.text)
	for {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			t.Fatalf("#%s: %v", b.anchor, err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		t.Fatalf("#%s: no certificate", b.anchor)
	}
	return out
}

// checkSummary compares a certificate's printed summary with the
// certificate.
func checkSummary(t testing.TB, b *exBlock, c *x509.Certificate) {
	t.Helper()
	if b == nil {
		t.Error("a certificate without summary")
		return
	}
	want := map[string]string{
		"Serial:":     c.SerialNumber.String(),
		"Not before:": fmt.Sprintf("%d (%s)", c.NotBefore.Unix(), c.NotBefore.UTC().Format(time.RFC3339)),
		"Not after:":  fmt.Sprintf("%d (%s)", c.NotAfter.Unix(), c.NotAfter.UTC().Format(time.RFC3339)),
	}
	var uris []string
	for _, l := range strings.Split(b.text, "\n") {
		k, v, _ := strings.Cut(l, "  ")
		v = strings.TrimSpace(v)
		if k == "URI SAN:" {
			uris = append(uris, v)
		}
		if w, ok := want[k]; ok && w != v {
			t.Errorf("#%s: %s %s, the certificate has %s", b.anchor, k, v, w)
		}
	}
	var have []string
	for _, u := range c.URIs {
		have = append(have, u.String())
	}
	if !cmp.Equal(uris, have) || len(uris) != 1 {
		t.Errorf("#%s: URI SANs %q, the certificate has %q (want exactly one)", b.anchor, uris, have)
	}
}

// checkKeys: every printed private JWK parses strictly and its public
// members are its private key's; the issuer's is the one of the trusted
// JWK Set; every printed compact token carries the signature of a printed
// key (deterministic signing reproduces it byte for byte) and every cnf.jwk
// names a printed key; every certificate's key is the one printed beside
// it.
func checkKeys(t *testing.T, doc *exDoc) {
	var signers []crypto.Signer
	for _, b := range doc.blocks {
		if !strings.HasSuffix(b.anchor, "-key") {
			continue
		}
		signer, _, _, err := jose.ParsePrivateJWK([]byte(b.text))
		if err != nil {
			t.Errorf("#%s: %v", b.anchor, err)
			continue
		}
		var members map[string]any
		if err := json.Unmarshal([]byte(b.text), &members); err != nil {
			t.Fatalf("#%s: %v", b.anchor, err)
		}
		delete(members, "d")
		public, _ := json.Marshal(members)
		pub, err := jose.ParsePublicJWK(public)
		if err != nil {
			t.Errorf("#%s: public members: %v", b.anchor, err)
			continue
		}
		if !publicEqual(signer.Public(), pub.Key) {
			t.Errorf("#%s: the public members are not the private key's", b.anchor)
		}
		signers = append(signers, signer)
		if strings.HasSuffix(b.anchor, "-issuer-key") {
			keys, err := wimse.ParseJWKSet([]byte(doc.block(t, "issuer-keys").text))
			if err != nil || len(keys) != 1 || !publicEqual(keys[0].Public, signer.Public()) {
				t.Errorf("#%s is not the key of the trusted JWK Set (%v)", b.anchor, err)
			}
		}
		cert := doc.byAnchor[strings.TrimSuffix(b.anchor, "-key")]
		if cert != nil && strings.HasPrefix(cert.text, "-----BEGIN CERTIFICATE-----") {
			if c := certificates(t, cert); !publicEqual(c[0].PublicKey, signer.Public()) {
				t.Errorf("#%s is not the key of #%s", b.anchor, cert.anchor)
			}
		}
	}
	if len(signers) < 2 {
		t.Errorf("%d private keys printed", len(signers))
	}
	tokens := 0
	for _, b := range doc.blocks {
		parts := strings.Split(b.text, ".")
		if b.lang != "" || len(parts) != 3 || !strings.HasPrefix(b.text, "eyJ") {
			continue
		}
		tokens++
		hdr, err1 := base64.RawURLEncoding.DecodeString(parts[0])
		claims, err2 := base64.RawURLEncoding.DecodeString(parts[1])
		var h struct {
			Alg string `json:"alg"`
		}
		var c struct {
			Cnf struct {
				JWK json.RawMessage `json:"jwk"`
			} `json:"cnf"`
		}
		if err1 != nil || err2 != nil || json.Unmarshal(hdr, &h) != nil || json.Unmarshal(claims, &c) != nil {
			t.Errorf("#%s: not a compact JWS", b.anchor)
			continue
		}
		signed := false
		for _, k := range signers {
			if again, err := jose.SignRaw(hdr, claims, h.Alg, k, true); err == nil && again == b.text {
				signed = true
			}
		}
		if !signed {
			t.Errorf("#%s: no printed key signs it (deterministic signing does not reproduce it)", b.anchor)
		}
		if c.Cnf.JWK != nil {
			cnf, err := jose.ParsePublicJWK(c.Cnf.JWK)
			if err != nil || !slices.ContainsFunc(signers, func(k crypto.Signer) bool { return publicEqual(k.Public(), cnf.Key) }) {
				t.Errorf("#%s: cnf.jwk names no printed key (%v)", b.anchor, err)
			}
		}
	}
	if tokens == 0 && doc.short != "mtls" {
		t.Error("no compact token printed")
	}
}

func publicEqual(a, b any) bool {
	ea, ok := a.(interface{ Equal(x crypto.PublicKey) bool })
	return ok && ea.Equal(b)
}

// TestFold8792: folding is the inverse of the test's unfolder, keeps every
// line within the width, never starts a continuation with a space, leaves
// text that fits alone and refuses what the single-backslash strategy
// cannot carry.
func TestFold8792(t *testing.T) {
	if got, err := vectors.Fold8792("short\nlines", 69, 2); err != nil || got != "short\nlines" {
		t.Errorf("text that fits: %q, %v; want it unchanged, without the header", got, err)
	}
	for _, bad := range []string{strings.Repeat("x", 80) + "\tx", strings.Repeat("x", 80) + "\nends with a backslash \\", strings.Repeat("é", 40), strings.Repeat(" ", 80) + "x"} {
		if _, err := vectors.Fold8792(bad, 69, 2); err == nil {
			t.Errorf("%q: folded, want an error", bad)
		}
	}
	// Lines of random printable ASCII with spaces (never a run of more
	// than three) and a few backslashes inside.
	state := uint64(1)
	next := func(n int) int { state = state*6364136223846793005 + 1442695040888963407; return int(state>>33) % n }
	const alphabet = `abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:;,=+/"()\ `
	for i := 0; i < 500; i++ {
		var lines []string
		for l := next(4) + 1; l > 0; l-- {
			var b strings.Builder
			spaces := 0
			for n := next(250); n > 0; n-- {
				c := alphabet[next(len(alphabet))]
				if c == ' ' {
					if spaces++; spaces > 3 {
						c = 'x'
					}
				}
				if c != ' ' {
					spaces = 0
				}
				b.WriteByte(c)
			}
			lines = append(lines, strings.TrimSuffix(b.String(), `\`))
		}
		text := strings.Join(lines, "\n")
		width, indent := len(foldHeader)+next(60), next(5)
		folded, err := vectors.Fold8792(text, width, indent)
		if err != nil {
			t.Fatalf("%q at %d: %v", text, width, err)
		}
		got, wasFolded := unfold(t, folded)
		if got != text {
			t.Fatalf("round trip at width %d, indent %d:\n%q\nfolded\n%s\nunfolds to\n%q", width, indent, text, folded, got)
		}
		longest := 0
		for _, l := range lines {
			longest = max(longest, len(l))
		}
		if wasFolded != (longest > width) {
			t.Errorf("folded %v with a longest line of %d at width %d", wasFolded, longest, width)
		}
		for _, l := range strings.Split(folded, "\n") {
			if len(l) > width {
				t.Fatalf("line of %d columns at width %d: %q", len(l), width, l)
			}
		}
	}
}
