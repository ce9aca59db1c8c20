package vectors

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"time"
)

// Frozen-mode constants: every frozen vector is materialised at FrozenNow
// for a receiver whose audience base is FrozenBase.
const (
	FrozenNow   = 1767225600 // 2026-01-01T00:00:00Z
	FrozenBase  = "https://workload.example.com"
	TrustDomain = "example.org"
	Subject     = "wimse://example.org/workload/client"
	// GeneratorVersion changes when the generator's output changes.
	GeneratorVersion = "1.0.0"
)

// group is one vector file and the catalogue that fills it.
type group struct {
	name   string
	header []string
	build  func() []Vector
}

var groups = []group{
	{"identifier", []string{
		"Workload Identifier parsing: draft-ietf-wimse-identifier-03 (wimse://) and the SPIFFE-ID rules (spiffe://).",
		"Input.identifier is parsed; expect.reason is the id.* reason of a rejection.",
	}, identifierVectors},
	{"wit", []string{
		"Workload Identity Token validation (draft-ietf-wimse-workload-creds-02 §5.1), played as HTTP requests through",
		"every proof profile (wpt-01, wpt-02, http-signature-07, -06) with a proof valid for the WIT under test, so only the WIT decides.",
	}, witVectors},
	{"witsvid", []string{
		"SPIFFE WIT-SVID profile of the WIT (spiffe/spiffe standards/WIT-SVID.md): typ exactly wit+jwt, kid required, RS/ES/PS only,",
		"sub a SPIFFE ID, no aud. Played like the WIT vectors, against a receiver whose policy says witSVID (verifies WITs as WIT-SVIDs).",
	}, witSVIDVectors},
	{"wpt", []string{
		"Workload Proof Token validation and carriage: draft-ietf-wimse-wpt-01 (Workload-Proof-Token field)",
		"and draft-ietf-wimse-wpt-02 (Authorization: WPT), with a valid WIT.",
	}, wptVectors},
	{"httpsig", []string{
		"HTTP Message Signatures profile (draft-ietf-wimse-http-signature-06 and -07): signed requests with a valid WIT;",
		"vectors with expect.signedResponse also require a valid signed response echoing the request nonce.",
	}, httpsigVectors},
	{"mtls", []string{
		"Workload Identity Certificates over mutual TLS (draft-ietf-wimse-mutual-tls-03, workload-creds-02 §6.1): input.certificates is",
		"the chain a peer presents in its role, verified against the x509Roots of requirements.json, each trusted for its own trust domain.",
		"Client-role vectors are played against a target (expect.signal.mtls: 200 accepted, 0 handshake refused); server-role ones offline only.",
	}, mtlsVectors},
	{"exchange", exchangeHeader, exchangeVectors},
	{"client", clientHeader, clientVectors},
}

// Generate builds every vector file from seed: file name (under v1/) to
// its bytes. Equal seeds give byte-identical output.
func Generate(seed string) (map[string][]byte, error) {
	return generate(seed, genConfig{requirements: Requirements, policy: DefaultPolicyValues()})
}

// genConfig is what generation derives from besides the seed and the
// catalogues: the requirements table, whose levels decide ShouldLevel, and
// the default receiver policy, whose values the boundary vectors' frozen
// times and descriptions follow. Generate passes the real ones; tests pass
// a changed table or policy to show that flags and boundaries follow.
type genConfig struct {
	requirements []Requirement
	policy       PolicyValues
}

func generate(seed string, c genConfig) (map[string][]byte, error) {
	keys, err := DeriveKeys(seed)
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	ids := map[string]string{}
	for _, g := range groups {
		vs := g.build()
		if err := derive(vs, c); err != nil {
			return nil, err
		}
		fillNeeds(vs, keys)
		for i := range vs {
			v := &vs[i]
			if prev, dup := ids[v.ID]; dup {
				return nil, fmt.Errorf("vectors: id %q in %s and %s", v.ID, prev, g.name)
			}
			ids[v.ID] = g.name
			if err := freeze(v, keys, seed, c.policy); err != nil {
				return nil, fmt.Errorf("vectors: %s: %w", v.ID, err)
			}
		}
		f := File{
			Schema: SchemaID, Group: g.name, Header: g.header,
			Generator:     Generator{Name: "wimse vectors generate", Version: GeneratorVersion, Seed: seed},
			NumberOfTests: len(vs), Notes: notesFor(vs), Tests: vs,
		}
		if err := lint(&f, c.requirements); err != nil {
			return nil, err
		}
		b, err := encode(f)
		if err != nil {
			return nil, err
		}
		out[g.name+".json"] = b
	}
	roots, err := MTLSRoots(seed)
	if err != nil {
		return nil, err
	}
	b, err := encode(RequirementsFile{Schema: SchemaID, Requirements: c.requirements, Retired: Retired, Keys: publicKeys(keys), X509Roots: roots, Sender: SenderRequirements()})
	if err != nil {
		return nil, err
	}
	out["requirements.json"] = b
	return out, nil
}

// RequirementsFile is v1/requirements.json: the requirements table, the
// retired vector IDs (reserved forever) and the test keys.
type RequirementsFile struct {
	Schema       string        `json:"schema"`
	Requirements []Requirement `json:"requirements"`
	Retired      []string      `json:"retired"`
	Keys         []TestKey     `json:"keys"`
	// X509Roots are the suite's X.509 trust anchors (mtls vectors), each
	// for one trust domain. Test CAs whose keys derive from the seed: never
	// trust them outside a test.
	X509Roots []X509Root `json:"x509Roots,omitempty"`
	// Sender lists the requirements on the client that sends a request
	// (SenderRequirements): the client-role suite checks them.
	Sender []string `json:"sender,omitempty"`
}

// TestKey is a test key as published in requirements.json.
type TestKey struct {
	Name string          `json:"name"`
	JWK  json.RawMessage `json:"jwk"`
}

// Retired lists vector IDs that were removed; they are never reused.
var Retired = []string{}

func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// freeze fills v.Frozen by materialising v.Template at FrozenNow, under
// the vector's own policy values (def when it states none).
func freeze(v *Vector, keys *KeySet, seed string, def PolicyValues) error {
	if v.certs != nil {
		return v.certs.issue(v, seed)
	}
	if v.Template == nil {
		return nil
	}
	jti := func(draft string) func(string) string {
		return func(tok string) string {
			sum := sha256.Sum256([]byte(seed + "\x00" + v.ID + "\x00" + draft + "\x00" + tok))
			return base64.RawURLEncoding.EncodeToString(sum[:16])
		}
	}
	v.Frozen = &Frozen{Now: FrozenNow, Requests: map[string]*Request{}}
	drafts := v.Drafts
	if len(drafts) == 0 {
		drafts = []string{""}
	}
	pv := def
	if p := v.Policy; p != nil {
		pv = PolicyValues{ClockSkew: p.ClockSkew, MaxWPTLifetime: p.MaxWPTLifetime, MaxTokenSize: p.MaxTokenSize}
	}
	for _, d := range drafts {
		m, err := Materialize(v.Template, Env{Now: time.Unix(FrozenNow, 0), Base: FrozenBase, Draft: d, Keys: keys, JTI: jti(d), Policy: &pv})
		if err != nil {
			return err
		}
		if m.Request != nil {
			v.Frozen.Requests[d] = m.Request
		} else {
			v.Frozen.WIT = m.WIT
		}
		if v.Frozen.Intermediate == nil || d == "wpt-02" {
			v.Frozen.Intermediate = m.Intermediate
		}
	}
	if len(v.Frozen.Requests) == 0 {
		v.Frozen.Requests = nil
	}
	return nil
}

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Lint checks a file's cross-references: IDs well-formed, every
// requirement known, every flag explained, ShouldLevel exactly where the
// requirement levels put it, every acceptable flagged, every invalid one
// derived from a valid vector, expectations consistent.
func Lint(f *File) error { return lint(f, Requirements) }

func lint(f *File, table []Requirement) error {
	reqs := map[string]bool{}
	for _, r := range table {
		reqs[r.ID] = true
	}
	mandatory := mandatoryIDs(table)
	byID := map[string]*Vector{}
	for i := range f.Tests {
		byID[f.Tests[i].ID] = &f.Tests[i]
	}
	if f.NumberOfTests != len(f.Tests) {
		return fmt.Errorf("vectors: %s: numberOfTests %d, have %d", f.Group, f.NumberOfTests, len(f.Tests))
	}
	for _, v := range f.Tests {
		errf := func(format string, args ...any) error {
			return fmt.Errorf("vectors: %s: %s", v.ID, fmt.Sprintf(format, args...))
		}
		if !idPattern.MatchString(v.ID) {
			return errf("id is not a lowercase slug")
		}
		if slices.Contains(Retired, v.ID) {
			return errf("id is retired")
		}
		if len(v.Requirements) == 0 {
			return errf("no requirement")
		}
		for _, r := range v.Requirements {
			if !reqs[r] {
				return errf("unknown requirement %q", r)
			}
		}
		for _, fl := range v.Flags {
			if _, ok := f.Notes[fl]; !ok {
				return errf("flag %q has no note", fl)
			}
		}
		if want, has := restsOnShould(&v, mandatory), slices.Contains(v.Flags, FlagShouldLevel); has != want {
			if want {
				return errf("cites no MUST requirement and is not flagged ShouldLevel")
			}
			return errf("flagged ShouldLevel but cites a MUST requirement (or is acceptable)")
		}
		switch v.Result {
		case ResultValid:
			if v.Expect.Verdict != "accept" {
				return errf("valid vector expects %q", v.Expect.Verdict)
			}
		case ResultInvalid:
			if v.Expect.Verdict != "reject" || v.Expect.Reason == "" {
				return errf("invalid vector needs verdict reject and a reason")
			}
			if v.Mutation == nil || byID[v.Mutation.From] == nil || byID[v.Mutation.From].Result != ResultValid {
				return errf("invalid vector needs a mutation from a valid vector of this file")
			}
		case ResultAcceptable:
			if len(v.Flags) == 0 {
				return errf("acceptable vector without a flag")
			}
			if v.Mutation != nil && (byID[v.Mutation.From] == nil || byID[v.Mutation.From].Result != ResultValid) {
				return errf("acceptable vector's mutation must come from a valid vector of this file: runners judge it behind that source")
			}
		default:
			return errf("result %q", v.Result)
		}
		if v.Kind == KindMTLS {
			if err := lintMTLS(&v); err != nil {
				return errf("%v", err)
			}
		}
		if v.Kind == KindExchange {
			if err := lintExchange(&v); err != nil {
				return errf("%v", err)
			}
		}
		if v.Kind == KindClient {
			if err := lintClient(&v); err != nil {
				return errf("%v", err)
			}
		}
		if v.Kind == KindRequest {
			if len(v.Drafts) == 0 || v.Template == nil || v.Template.Request == nil {
				return errf("request vector needs drafts and a request template")
			}
			for _, d := range v.Drafts {
				if _, ok := v.Expect.Signal[d]; !ok {
					return errf("no signal expectation for %s", d)
				}
			}
		}
	}
	return nil
}

func publicKeys(keys *KeySet) []TestKey {
	var out []TestKey
	for _, n := range keys.Names() {
		k, _ := keys.Get(n)
		b, err := privateJWK(k)
		if fb, ok := forgedPublicJWK(k); ok {
			b, err = fb, nil
		}
		if err != nil {
			continue
		}
		out = append(out, TestKey{Name: n, JWK: b})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// FlagShouldLevel marks a valid or invalid vector whose expectation rests
// on SHOULD-level requirements only: a target that fails it fails only
// under --strict. The generator sets it from the levels of the
// requirements the vector cites (restsOnShould); catalogues never write it.
const FlagShouldLevel = "ShouldLevel"

// mandatoryIDs is the set of MUST and MUST NOT requirement IDs of table.
func mandatoryIDs(table []Requirement) map[string]bool {
	out := make(map[string]bool, len(table))
	for _, r := range table {
		out[r.ID] = r.Level == MUST || r.Level == MUSTNOT
	}
	return out
}

// restsOnShould reports whether v's expectation rests on a SHOULD: only a
// mandatory requirement can fail a target, and v, valid or invalid, cites
// none. Acceptable vectors never fail a target and are never flagged.
func restsOnShould(v *Vector, mandatory map[string]bool) bool {
	return v.Result != ResultAcceptable && !slices.ContainsFunc(v.Requirements, func(r string) bool { return mandatory[r] })
}

// derive fills in what follows from the requirement levels and the
// default policy, so that changing either regenerates consistent vectors:
// the policy values a vector leaves at DefaultPolicy's follow c.policy,
// ShouldLevel follows the levels of c.requirements, and the ${...}
// placeholders of descriptions are computed from the vector's policy and
// template (describe).
func derive(vs []Vector, c genConfig) error {
	mandatory := mandatoryIDs(c.requirements)
	builtin := DefaultPolicyValues()
	for i := range vs {
		v := &vs[i]
		pv := c.policy
		if v.Policy != nil {
			p := *v.Policy
			follow := func(field *int, builtin, want int) {
				if *field == builtin {
					*field = want
				}
			}
			follow(&p.ClockSkew, builtin.ClockSkew, c.policy.ClockSkew)
			follow(&p.MaxWPTLifetime, builtin.MaxWPTLifetime, c.policy.MaxWPTLifetime)
			follow(&p.MaxTokenSize, builtin.MaxTokenSize, c.policy.MaxTokenSize)
			v.Policy = &p
			pv = PolicyValues{ClockSkew: p.ClockSkew, MaxWPTLifetime: p.MaxWPTLifetime, MaxTokenSize: p.MaxTokenSize}
		}
		if slices.Contains(v.Flags, FlagShouldLevel) {
			return fmt.Errorf("vectors: %s: ShouldLevel is derived from the requirement levels: remove it from the catalogue", v.ID)
		}
		if restsOnShould(v, mandatory) {
			v.Flags = append(slices.Clone(v.Flags), FlagShouldLevel)
		}
		if err := describe(v, pv); err != nil {
			return fmt.Errorf("vectors: %s: %w", v.ID, err)
		}
	}
	return nil
}
