package main

import (
	"strings"
	"testing"

	"github.com/wimse-wg/wimse/vectors"
)

// TestVectorsExamples: `wimse vectors examples` prints the generator's
// text for every draft, follows --seed, and refuses an unknown draft as a
// usage error (exit 2) that lists the known ones.
func TestVectorsExamples(t *testing.T) {
	for _, d := range vectors.ExampleDrafts() {
		want, err := vectors.Examples(vectors.DefaultSeed, d)
		if err != nil {
			t.Fatal(err)
		}
		if code, out, errOut := cli(t, "", "vectors", "examples", "--draft", d); code != 0 || out != want {
			t.Errorf("--draft %s: exit %d, %d bytes (want %d), stderr %q", d, code, len(out), len(want), errOut)
		}
	}
	_, a, _ := cli(t, "", "vectors", "examples", "--draft", "wpt-02", "--seed", "one")
	_, b, _ := cli(t, "", "vectors", "examples", "--draft", "wpt-02", "--seed", "two")
	if a == b || !strings.Contains(a, "--seed one") {
		t.Error("--seed does not reach the generator")
	}
	code, _, errOut := cli(t, "", "vectors", "examples", "--draft", "wpt-03")
	if code != 2 || !strings.Contains(errOut, "http-signature-07") || !strings.Contains(errOut, `"wpt-03"`) {
		t.Errorf("unknown draft: exit %d, stderr %q", code, errOut)
	}
}
