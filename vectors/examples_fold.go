package vectors

import (
	"fmt"
	"strings"
)

// RFC 8792 line folding, single-backslash strategy (§7), for the artwork of
// the examples.

// foldWidth is the widest artwork line of the examples: the default of
// RFC 8792 §7.2.1, which xml2rfc's 3-column artwork indent keeps within
// the 72 columns of an RFC page.
const foldWidth = 69

// foldHeader is the first line of folded artwork (RFC 8792 §7.1.1); an
// empty line follows it.
const foldHeader = `NOTE: '\' line wrapping per RFC 8792`

// fold8792 folds text to lines of at most width columns with the
// single-backslash strategy (RFC 8792 §7.2.1): a line that is too long
// ends with '\' where it is cut, and continues on the next line after
// indent spaces, which unfolding removes. The cut never leaves a space at
// the start of the continuation (unfolding would eat it); it prefers a
// place after a space or comma, or before a semicolon outside
// parentheses, in the last half of the width. Text whose lines all fit
// comes back unchanged, without the header: folding only where needed.
// Text that the strategy cannot carry (a tab, a non-ASCII byte; a line
// ending in '\' when something must be folded) is an error, and so is a
// width narrower than the header.
func fold8792(text string, width, indent int) (string, error) {
	lines := strings.Split(text, "\n")
	long := false
	for _, l := range lines {
		for i := 0; i < len(l); i++ {
			if c := l[i]; c == '\t' || c >= 0x80 {
				return "", fmt.Errorf("vectors: fold: tab or non-ASCII byte in %q", l)
			}
		}
		long = long || len(l) > width
	}
	if !long {
		return text, nil
	}
	for _, l := range lines {
		if strings.HasSuffix(l, `\`) {
			return "", fmt.Errorf("vectors: fold: line ends with a backslash: %q", l)
		}
	}
	if width < len(foldHeader) || indent < 0 || indent > width/2 {
		return "", fmt.Errorf("vectors: fold: indent %d for width %d", indent, width)
	}
	out := []string{foldHeader, ""}
	for _, l := range lines {
		depth := parenDepth(l)
		prefix := ""
		for len(prefix)+len(l) > width {
			cut := foldCut(l, depth, width-len(prefix)-1)
			if cut <= 0 {
				return "", fmt.Errorf("vectors: fold: no place to fold %q", l)
			}
			out = append(out, prefix+l[:cut]+`\`)
			l, depth, prefix = l[cut:], depth[cut:], strings.Repeat(" ", indent)
		}
		out = append(out, prefix+l)
	}
	return strings.Join(out, "\n"), nil
}

// foldCut returns where to cut l so that l[:cut] fits in max columns and
// l[cut] is not a space: a preferred place in the last half of the
// width (after a space or a comma, or before a semicolon outside
// parentheses: between the parameters of an HTTP signature, not between a
// component and its ;req), or else the last possible one. depth[i] is the
// parenthesis depth of l[i] within its whole line.
func foldCut(l string, depth []int, max int) int {
	for q := max; q > 0 && q > max-max/2; q-- {
		if l[q] != ' ' && (l[q-1] == ' ' || l[q-1] == ',' || (l[q] == ';' && depth[q] == 0)) {
			return q
		}
	}
	q := max
	for q > 0 && l[q] == ' ' {
		q--
	}
	return q
}

// parenDepth returns the parenthesis depth before each byte of l.
func parenDepth(l string) []int {
	depth := make([]int, len(l))
	d := 0
	for i := 0; i < len(l); i++ {
		depth[i] = d
		switch l[i] {
		case '(':
			d++
		case ')':
			d--
		}
	}
	return depth
}
