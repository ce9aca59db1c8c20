package vectors_test

import (
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/wimse-wg/wimse/vectors"
)

// withLevels is the requirements table with the levels of some
// requirements changed.
func withLevels(levels map[string]string) []vectors.Requirement {
	out := slices.Clone(vectors.Requirements)
	for i := range out {
		if l, ok := levels[out[i].ID]; ok {
			out[i].Level = l
		}
	}
	return out
}

// TestShouldLevelFollowsLevels (item 4, requirement levels): raising
// WPT-REPLAY and WIT-CNF-USE from SHOULD to MUST and lowering WPT-JTI to
// SHOULD regenerates vectors whose ShouldLevel flags follow, and nothing
// else changes: the drift is exactly the three levels, the flags, and the
// ShouldLevel note of wit.json, where no vector rests on a SHOULD any more.
func TestShouldLevelFollowsLevels(t *testing.T) {
	levels := map[string]string{"WPT-REPLAY": vectors.MUST, "WIT-CNF-USE": vectors.MUST, "WPT-JTI": vectors.SHOULD}
	reqs := withLevels(levels)
	files, err := vectors.GenerateWith(vectors.DefaultSeed, reqs, vectors.DefaultPolicyValues())
	if err != nil {
		t.Fatal(err)
	}
	mandatory := map[string]bool{}
	for _, r := range reqs {
		mandatory[r.ID] = r.Level == vectors.MUST || r.Level == vectors.MUSTNOT
	}
	old := committedFiles(t)
	flipped := map[string]bool{} // vector IDs whose flag must change
	for name, b := range files {
		if name == "requirements.json" {
			continue
		}
		f, was := loadFile(t, b), loadFile(t, old[name])
		for i, v := range f.Tests {
			want := v.Result != vectors.ResultAcceptable && !slices.ContainsFunc(v.Requirements, func(id string) bool { return mandatory[id] })
			if has := slices.Contains(v.Flags, vectors.FlagShouldLevel); has != want {
				t.Errorf("%s: ShouldLevel %v, want %v (requirements %v)", v.ID, has, want, v.Requirements)
			}
			if slices.Contains(was.Tests[i].Flags, vectors.FlagShouldLevel) != want {
				flipped[v.ID] = true
			}
		}
	}
	for _, id := range []string{"wpt-replay", "wit-cnf-use-enc", "wit-cnf-key-ops-encrypt", "wpt-jti-missing"} {
		if !flipped[id] {
			t.Errorf("%s: ShouldLevel did not follow the new level", id)
		}
	}
	for _, c := range vectors.Drift(old, files) {
		switch {
		case c.File == "requirements.json" && strings.HasPrefix(c.Path, "requirements[") && strings.HasSuffix(c.Path, "].level"):
			id := strings.TrimSuffix(strings.TrimPrefix(c.Path, "requirements["), "].level")
			if c.New != levels[id] {
				t.Errorf("unexpected %v", c)
			}
			delete(levels, id)
		case c.ID != "" && c.Path == "flags" && flipped[c.ID]:
			delete(flipped, c.ID)
		case c.File == "wit.json" && c.Path == "notes.ShouldLevel" && c.Op == vectors.ChangeRemoved:
		default:
			t.Errorf("unexpected change %v", c)
		}
	}
	if len(levels) > 0 || len(flipped) > 0 {
		t.Errorf("drift misses the levels %v and the flags of %v", levels, flipped)
	}
}

// TestBoundariesFollowPolicy (item 4, policy defaults): generated with
// another default clock skew, maximum WPT lifetime and maximum token size,
// the boundary vectors' frozen times, their descriptions and their policy
// follow, and this module's verifiers configured with that policy still
// give every vector its expected verdict, reason and signalling.
func TestBoundariesFollowPolicy(t *testing.T) {
	p := vectors.PolicyValues{ClockSkew: 45, MaxWPTLifetime: 240, MaxTokenSize: 12288}
	files, err := vectors.GenerateWith(vectors.DefaultSeed, vectors.Requirements, p)
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{}
	for name, b := range files {
		fsys["v1/"+name] = &fstest.MapFile{Data: b}
	}
	s, err := vectors.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}

	// Descriptions name the policy's values and the frozen offsets.
	for _, tc := range []struct {
		id, comment string
		// claim is where the frozen time lies: wit.CLAIM, wpt.CLAIM or
		// sig.PARAM; offset its distance from now.
		claim  string
		offset int64
	}{
		{"wit-exp-skew-boundary", "exp lies the receiver's clock skew plus 10 s in the past (frozen: 55 s; 45 s skew): just beyond the skew", "wit.exp", -55},
		{"wit-exp-within-skew", "the WIT expired the receiver's clock skew minus 10 s ago (frozen: 35 s; 45 s skew): just within the skew", "wit.exp", -35},
		{"wit-nbf-within-skew", "nbf lies the receiver's clock skew minus 10 s in the future (frozen: 35 s; 45 s skew): just within the skew", "wit.nbf", 35},
		{"wit-exp-passed", "the WIT expired a minute beyond the receiver's clock skew (frozen: 105 s ago; 45 s skew)", "wit.exp", -105},
		{"wpt-exp-within-skew", "exp passed the receiver's clock skew minus 10 s ago (frozen: 35 s; 45 s skew): just within the skew", "wpt.exp", -35},
		{"wpt-exp-max-lifetime", "exp lies the receiver's maximum WPT lifetime minus 10 s ahead (frozen: 230 s; 240 s maximum): just within it", "wpt.exp", 230},
		{"wpt-exp-far-future", "exp lies a minute beyond the receiver's maximum WPT lifetime plus its clock skew (frozen: 345 s ahead; 240 s maximum, 45 s skew)", "wpt.exp", 345},
		{"sig07-time-expired-skew-boundary", "expires lies the receiver's clock skew plus 10 s in the past, created a minute before (frozen: 55 s; 45 s skew): just beyond the skew", "sig.expires", -55},
		{"sig06-time-expires-five-minutes", "expires lies the receiver's maximum lifetime minus 10 s ahead, created now (frozen: 230 s; 240 s maximum): just within it", "sig.expires", 230},
		{"sig07-time-expires-far-future", "expires lies a minute beyond the receiver's maximum lifetime plus its clock skew, created now (frozen: 345 s; 240 s maximum, 45 s skew)", "sig.expires", 345},
		{"wpt-oversized", "the claims are padded so the WPT exceeds the receiver's maximum token size by more than 800 bytes (frozen: 12288)", "", 0},
	} {
		v, ok := s.Find(tc.id)
		if !ok {
			t.Errorf("no vector %s", tc.id)
			continue
		}
		if v.Comment != tc.comment {
			t.Errorf("%s: comment\n%q, want\n%q", tc.id, v.Comment, tc.comment)
		}
		if tc.claim != "" {
			if got := frozenTime(t, v, tc.claim) - vectors.FrozenNow; got != tc.offset {
				t.Errorf("%s: frozen %s is now%+d, want now%+d", tc.id, tc.claim, got, tc.offset)
			}
		}
	}
	if v, _ := s.Find("wpt-oversized"); len(wptOf(t, v)) <= p.MaxTokenSize {
		t.Errorf("wpt-oversized: a %d-byte WPT does not exceed %d", len(wptOf(t, v)), p.MaxTokenSize)
	}

	// No description or policy keeps a default value.
	stale := regexp.MustCompile(`\b60 s skew|\b300 s maximum|\b8192\b|\$\{`)
	for _, v := range s.Vectors() {
		text := v.Comment
		if v.Mutation != nil {
			text += " " + v.Mutation.Change
		}
		if m := stale.FindString(text); m != "" {
			t.Errorf("%s: the description still says %q: %s", v.ID, m, text)
		}
		if v.Kind == vectors.KindRequest && (v.Policy.ClockSkew != p.ClockSkew || v.Policy.MaxWPTLifetime != p.MaxWPTLifetime || v.Policy.MaxTokenSize != p.MaxTokenSize) {
			t.Errorf("%s: policy %+v does not follow the default %+v", v.ID, *v.Policy, p)
		}
	}

	// Every vector still holds under our verifiers configured with p: the
	// boundary vectors are still just within or just beyond it.
	keys, err := vectors.DeriveKeys(vectors.DefaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range s.Vectors() {
		if v.Kind != vectors.KindRequest {
			continue
		}
		t.Run(v.ID, func(t *testing.T) {
			t.Parallel()
			for _, d := range v.Drafts {
				status, challenge, err := playOffline(t, v, d, keys, nil)
				check(t, v, d, err, status, challenge)
			}
		})
	}
}

// frozenTime reads a frozen time of v: a claim of the WIT or WPT
// (wit.exp) from the intermediate values, or a parameter of the WIMSE
// signature (sig.expires) from the Signature-Input of the first request.
func frozenTime(t testing.TB, v *vectors.Vector, where string) int64 {
	t.Helper()
	tok, name, _ := strings.Cut(where, ".")
	var raw json.RawMessage
	switch tok {
	case "wit":
		raw = v.Frozen.Intermediate.WITClaims
	case "wpt":
		raw = v.Frozen.Intermediate.WPTClaims
	case "sig":
		for _, r := range v.Frozen.Requests {
			for _, f := range r.Fields {
				if f[0] == "Signature-Input" {
					m := regexp.MustCompile(`;` + name + `=(\d+)`).FindStringSubmatch(f[1])
					if m == nil {
						t.Fatalf("%s: no %s in %s", v.ID, name, f[1])
					}
					n, _ := strconv.ParseInt(m[1], 10, 64)
					return n
				}
			}
		}
		t.Fatalf("%s: no Signature-Input", v.ID)
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	var claims map[string]any
	if err := dec.Decode(&claims); err != nil {
		t.Fatal(err)
	}
	num, _ := claims[name].(json.Number)
	n, err := num.Int64()
	if err != nil {
		t.Fatalf("%s: %s: %v", v.ID, where, err)
	}
	return n
}

// wptOf is the WPT of v's first frozen request (either carriage).
func wptOf(t testing.TB, v *vectors.Vector) string {
	t.Helper()
	for _, d := range v.Drafts {
		for _, f := range v.Frozen.Requests[d].Fields {
			switch f[0] {
			case "Workload-Proof-Token":
				return f[1]
			case "Authorization":
				if tok, ok := strings.CutPrefix(f[1], "WPT "); ok {
					return tok
				}
			}
		}
	}
	t.Fatalf("%s: no WPT", v.ID)
	return ""
}
