package walkthrough_test

import (
	"os"
	"strings"
	"testing"
)

// TestREADME: the README's walkthrough shows this package's files as they
// are (tabs as four spaces): the Go block is conformance_test.go, the JSON
// block testdata/greeter.profile. Edit them together.
func TestREADME(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const heading = "\n### Implement and test a WIMSE server in Go\n"
	section := string(readme)
	start := strings.Index(section, heading)
	if start < 0 {
		t.Fatalf("README.md has no %q section", strings.TrimSpace(heading))
	}
	section = section[start+len(heading):]
	if end := strings.Index(section, "\n#"); end >= 0 {
		section = section[:end]
	}
	for _, c := range []struct{ fence, file string }{
		{"```go\n", "conformance_test.go"},
		{"```json\n", "testdata/greeter.profile"},
	} {
		src, err := os.ReadFile(c.file)
		if err != nil {
			t.Fatal(err)
		}
		want := fourSpaces(string(src))
		i := strings.Index(section, c.fence)
		if i < 0 {
			t.Errorf("the walkthrough has no %s block for %s", strings.TrimSpace(c.fence), c.file)
			continue
		}
		block := section[i+len(c.fence):]
		block = block[:strings.Index(block+"```", "```")]
		if block != want {
			t.Errorf("the walkthrough's %s block differs from %s:\n--- README\n%s--- %s\n%s", strings.TrimSpace(c.fence), c.file, block, c.file, want)
		}
	}
}

// fourSpaces writes each line's leading tabs as four spaces.
func fourSpaces(s string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(s, "\n") {
		indent := len(line) - len(strings.TrimLeft(line, "\t"))
		b.WriteString(strings.Repeat("    ", indent) + line[indent:])
	}
	return b.String()
}
