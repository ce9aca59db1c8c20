package vectors_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wimse-wg/wimse/vectors"
)

// committedFiles is the committed v1/*.json, file name to bytes.
func committedFiles(t testing.TB) map[string][]byte {
	t.Helper()
	names, err := fs.Glob(vectors.FS, "v1/*.json")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, n := range names {
		b, err := fs.ReadFile(vectors.FS, n)
		if err != nil {
			t.Fatal(err)
		}
		out[path.Base(n)] = b
	}
	return out
}

// editFile decodes a committed vector file, lets edit change it and
// encodes it as the generator does.
func editFile(t testing.TB, b []byte, edit func(*vectors.File)) []byte {
	t.Helper()
	var f vectors.File
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	edit(&f)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func vectorIn(t testing.TB, f *vectors.File, id string) *vectors.Vector {
	t.Helper()
	for i := range f.Tests {
		if f.Tests[i].ID == id {
			return &f.Tests[i]
		}
	}
	t.Fatalf("%s: no vector %s", f.Group, id)
	return nil
}

// TestDriftNamesVectorsAndFields edits the committed wpt.json the way a
// catalogue change would (a time, a comment, a flag, a policy value, one
// vector removed and one added, a header line) and checks that Drift
// reports each edit under its vector ID and path, integers as
// json.Number, and nothing else.
func TestDriftNamesVectorsAndFields(t *testing.T) {
	old := committedFiles(t)
	edited := editFile(t, old["wpt.json"], func(f *vectors.File) {
		f.Header[0] = "a new first header line"
		v := vectorIn(t, f, "wpt-exp-within-skew")
		v.Comment = "changed comment"
		v.Flags = append(v.Flags, "Policy")
		v.Frozen.Now++
		p := *v.Policy
		p.ClockSkew = 45
		v.Policy = &p
		w := vectorIn(t, f, "wpt-replay")
		added := *w
		added.ID = "wpt-replay-again"
		f.Tests = slices.DeleteFunc(f.Tests, func(v vectors.Vector) bool { return v.ID == "wpt-iat-present" })
		f.Tests = append(f.Tests, added)
		f.NumberOfTests = len(f.Tests)
	})
	newFiles := map[string][]byte{}
	for n, b := range old {
		newFiles[n] = b
	}
	newFiles["wpt.json"] = edited
	got := vectors.Drift(old, newFiles)

	n := func(s string) any { return json.Number(s) }
	oldWPT := loadFile(t, old["wpt.json"])
	src := vectorIn(t, oldWPT, "wpt-exp-within-skew")
	want := []vectors.Change{
		{File: "wpt.json", Path: "header", Op: vectors.ChangeModified},
		{File: "wpt.json", ID: "wpt-exp-within-skew", Path: "comment", Op: vectors.ChangeModified, Old: src.Comment, New: "changed comment"},
		{File: "wpt.json", ID: "wpt-exp-within-skew", Path: "flags", Op: vectors.ChangeModified},
		{File: "wpt.json", ID: "wpt-exp-within-skew", Path: "frozen.now", Op: vectors.ChangeModified, Old: n("1767225600"), New: n("1767225601")},
		{File: "wpt.json", ID: "wpt-exp-within-skew", Path: "policy.clockSkew", Op: vectors.ChangeModified, Old: n("60"), New: n("45")},
		{File: "wpt.json", ID: "wpt-replay-again", Op: vectors.ChangeAdded},
		{File: "wpt.json", ID: "wpt-iat-present", Op: vectors.ChangeRemoved},
	}
	ignoreValues := func(c vectors.Change) vectors.Change {
		if c.Path == "header" || c.Path == "flags" || c.Path == "" {
			c.Old, c.New = nil, nil
		}
		return c
	}
	var trimmed []vectors.Change
	for _, c := range got {
		trimmed = append(trimmed, ignoreValues(c))
	}
	if d := cmp.Diff(want, trimmed); d != "" {
		t.Errorf("Drift (-want +got):\n%s", d)
	}

	var report strings.Builder
	if err := vectors.WriteDrift(&report, got); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"wpt.json: 1 vector changed, 1 vector added, 1 vector removed, 1 file-level change\n",
		"\n  wpt-exp-within-skew\n",
		"    frozen.now: 1767225600 → 1767225601\n",
		"    policy.clockSkew: 60 → 45\n",
		`    flags: ["EdgeCase"] → ["EdgeCase","Policy"]` + "\n",
		"  + wpt-replay-again (new)\n",
		"  - wpt-iat-present (removed)\n",
	} {
		if !strings.Contains(report.String(), line) {
			t.Errorf("report lacks %q:\n%s", line, report.String())
		}
	}
	if strings.Contains(report.String(), "e+09") {
		t.Errorf("report prints an integer as a float:\n%s", report.String())
	}
}

// TestDriftSameJSONOtherBytes: a file whose JSON is unchanged but whose
// bytes are not (formatting) still drifts; a missing file is reported.
func TestDriftSameJSONOtherBytes(t *testing.T) {
	old := map[string][]byte{"a.json": []byte(`{"x": 1}`), "gone.json": []byte(`{}`)}
	gen := map[string][]byte{"a.json": []byte(`{"x":1}`), "new.json": []byte(`{}`)}
	want := []vectors.Change{
		{File: "a.json", Op: vectors.ChangeReformatted},
		{File: "gone.json", Op: vectors.ChangeRemoved, Old: "{}"},
		{File: "new.json", Op: vectors.ChangeAdded, New: "{}"},
	}
	if d := cmp.Diff(want, vectors.Drift(old, gen)); d != "" {
		t.Errorf("Drift (-want +got):\n%s", d)
	}
	if got := vectors.Drift(old, old); len(got) != 0 {
		t.Errorf("Drift of a set with itself: %v", got)
	}
}

// TestFormatDriftPair: tokens are shortened to head and tail, long texts
// to where they differ, integers stay integers.
func TestFormatDriftPair(t *testing.T) {
	tok := func(sig string) string {
		return "WPT eyJhbGciOiJFUzI1NiIsInR5cCI6IndwdCtqd3QifQ.eyJhdWQiOiJodHRwczovL3dvcmtsb2FkLmV4YW1wbGUuY29tL3BhdGgifQ." + sig
	}
	long := strings.Repeat("the same words ", 10)
	for _, tc := range []struct {
		name             string
		old, new         any
		wantOld, wantNew string
	}{
		{"integer", json.Number("1767225550"), json.Number("1767225560"), "1767225550", "1767225560"},
		{"token", tok("9bhdVOWveJJtW-ttEsCVUTttxyAgRA7ByorA9MbbOjCHxHQ0gUrE"), tok("8Dcf6mg-dAnD-loyXETjcVEYOih12OcDJefWJZUzonwdzS-ctsRs"),
			`"WPT eyJhbGciOiJF…gUrE"`, `"WPT eyJhbGciOiJF…tsRs"`},
		{"long text", long + "(frozen: 50 s; 60 s skew)" + long, long + "(frozen: 40 s; 60 s skew)" + long,
			`"…the same words (frozen: 50 s; 60 s skew)the same …"`, `"…the same words (frozen: 40 s; 60 s skew)the same …"`},
		{"array", []any{"Replay", "ShouldLevel"}, []any{"Replay"}, `["Replay","ShouldLevel"]`, `["Replay"]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, n := vectors.FormatDriftPair(tc.old, tc.new)
			if o != tc.wantOld || n != tc.wantNew {
				t.Errorf("got %s → %s\nwant %s → %s", o, n, tc.wantOld, tc.wantNew)
			}
		})
	}
}

func loadFile(t testing.TB, b []byte) *vectors.File {
	t.Helper()
	var f vectors.File
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return &f
}
