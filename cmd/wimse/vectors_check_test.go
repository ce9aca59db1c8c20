package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestVectorsCheckDrift: wimse vectors check passes on freshly generated
// files; after an edit of one committed vector it exits 1 with a summary
// that names the vector and the members that changed, integers as
// integers, and prints the full diff only with --diff.
func TestVectorsCheckDrift(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, "vectors", "generate", "--out", dir)
	if code, out, errOut := cli(t, "", "vectors", "check", "--dir", dir); code != 0 || !strings.Contains(out, "vectors up to date") {
		t.Fatalf("fresh files: exit %d\n%s%s", code, out, errOut)
	}

	// The committed wpt-exp-within-skew is as the generator wrote it
	// before its margin changed: another frozen time, another comment.
	path := filepath.Join(dir, "wpt.json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const before = "(frozen: 50 s; 60 s skew)"
	if strings.Count(string(b), before) != 1 || !strings.Contains(string(b), `"exp": 1767225550`) {
		t.Fatalf("wpt.json no longer holds wpt-exp-within-skew as this test expects")
	}
	edited := strings.Replace(string(b), before, "(frozen: 40 s; 60 s skew)", 1)
	edited = strings.Replace(edited, `"exp": 1767225550`, `"exp": 1767225560`, 1)
	if err := os.WriteFile(path, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := cli(t, "", "vectors", "check", "--dir", dir)
	if code != exitFailure || !strings.Contains(errOut, "1 vector file(s) out of date") {
		t.Errorf("exit %d, stderr %q; want %d and the count", code, errOut, exitFailure)
	}
	want := `vector drift (committed → generated):
wpt.json: 1 vector changed

wpt.json
  wpt-exp-within-skew
    comment: "exp passed the receiver's clock skew minus 10 s ago (frozen: 40 s; 60 s skew): just within the skew" → "exp passed the receiver's clock skew minus 10 s ago (frozen: 50 s; 60 s skew): just within the skew"
    frozen.intermediate.wptClaims.exp: 1767225560 → 1767225550

full diff: wimse vectors check --diff
`
	if out != want {
		t.Errorf("summary:\n%s\nwant:\n%s", out, want)
	}

	code, out, _ = cli(t, "", "vectors", "check", "--dir", dir, "--diff")
	if code != exitFailure || !strings.HasPrefix(out, want[:strings.Index(want, "full diff")]) ||
		!strings.Contains(out, "wpt.json differs (-committed +generated):") || !strings.Contains(out, `"exp": s"1767225560"`) ||
		strings.Contains(out, "e+09") {
		t.Errorf("--diff: exit %d\n%s", code, out)
	}
	if _, short, _ := cli(t, "", "vectors", "check", "--dir", dir, "-v"); short != out {
		t.Error("-v differs from --diff")
	}
}
