package vectors

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Limits of the drift summary.
const (
	// driftShared: a change (same path, same old and new value) found in at
	// least this many vectors is reported once, with the count, instead of
	// under every vector (a policy default every vector states).
	driftShared = 5
	// driftLinesPerVector caps the lines under one vector.
	driftLinesPerVector = 12
	// driftVectorsPerFile caps the vectors detailed per file; the rest are
	// named on one line.
	driftVectorsPerFile = 40
	// driftShort is the length beyond which values are shortened.
	driftShort = 100
)

// WriteDrift writes a summary of changes (from Drift) for a reader: per
// file the vectors changed, added and removed; then the changes many
// vectors share, once each; then, vector by vector, each member that
// changed, old → new, with integers as integers and tokens shortened.
func WriteDrift(w io.Writer, changes []Change) error {
	var b strings.Builder
	files, byFile := groupByFile(changes)

	// Changes shared by many vectors, keyed by path and rendered values.
	type shared struct {
		line   string
		ids    map[string]bool
		counts map[string]int
	}
	sharedBy := map[string]*shared{}
	var sharedOrder []string
	for _, c := range changes {
		if c.ID == "" || c.Path == "" {
			continue
		}
		line := driftLine(c)
		s := sharedBy[line]
		if s == nil {
			s = &shared{line: line, ids: map[string]bool{}, counts: map[string]int{}}
			sharedBy[line] = s
			sharedOrder = append(sharedOrder, line)
		}
		if !s.ids[c.File+"\x00"+c.ID] {
			s.ids[c.File+"\x00"+c.ID] = true
			s.counts[c.File]++
		}
	}
	isShared := func(c Change) bool {
		s := sharedBy[driftLine(c)]
		return c.ID != "" && c.Path != "" && s != nil && len(s.ids) >= driftShared
	}

	for _, f := range files {
		cs := byFile[f]
		if whole, ok := wholeFile(cs); ok {
			fmt.Fprintf(&b, "%s: %s\n", f, whole)
			continue
		}
		ids, perID, fileLevel := groupByVector(cs)
		var changed, added, removed int
		for _, id := range ids {
			switch perID[id][0].Op {
			case ChangeAdded:
				if perID[id][0].Path == "" {
					added++
					continue
				}
			case ChangeRemoved:
				if perID[id][0].Path == "" {
					removed++
					continue
				}
			}
			changed++
		}
		var parts []string
		for _, p := range []struct {
			n    int
			what string
		}{{changed, "changed"}, {added, "added"}, {removed, "removed"}} {
			if p.n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s %s", p.n, plural(p.n, "vector"), p.what))
			}
		}
		if len(fileLevel) > 0 {
			parts = append(parts, fmt.Sprintf("%d file-level %s", len(fileLevel), plural(len(fileLevel), "change")))
		}
		fmt.Fprintf(&b, "%s: %s\n", f, strings.Join(parts, ", "))
	}

	first := true
	for _, line := range sharedOrder {
		s := sharedBy[line]
		if len(s.ids) < driftShared {
			continue
		}
		if first {
			b.WriteString("\nin many vectors:\n")
			first = false
		}
		var per []string
		for _, f := range files {
			if n := s.counts[f]; n > 0 {
				per = append(per, fmt.Sprintf("%s %d", f, n))
			}
		}
		fmt.Fprintf(&b, "  %s (%d vectors: %s)\n", line, len(s.ids), strings.Join(per, ", "))
	}

	for _, f := range files {
		if _, ok := wholeFile(byFile[f]); ok {
			continue
		}
		ids, perID, fileLevel := groupByVector(byFile[f])
		var detailed []string
		var onlyShared []string
		for _, id := range ids {
			own := 0
			for _, c := range perID[id] {
				if !isShared(c) {
					own++
				}
			}
			if own == 0 {
				onlyShared = append(onlyShared, id)
			} else {
				detailed = append(detailed, id)
			}
		}
		if len(fileLevel) == 0 && len(detailed) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s\n", f)
		for i, c := range fileLevel {
			if i == driftLinesPerVector {
				fmt.Fprintf(&b, "    … %d more\n", len(fileLevel)-i)
				break
			}
			fmt.Fprintf(&b, "    %s\n", driftLine(c))
		}
		for i, id := range detailed {
			if i == driftVectorsPerFile {
				fmt.Fprintf(&b, "  … %d more %s: %s\n", len(detailed)-i, plural(len(detailed)-i, "vector"), strings.Join(detailed[i:], ", "))
				break
			}
			cs := perID[id]
			if len(cs) == 1 && cs[0].Path == "" {
				fmt.Fprintf(&b, "  %s\n", driftLine(cs[0]))
				continue
			}
			fmt.Fprintf(&b, "  %s\n", id)
			n := 0
			for _, c := range cs {
				if isShared(c) {
					continue
				}
				if n == driftLinesPerVector {
					fmt.Fprintf(&b, "    … %d more\n", countOwn(cs, isShared)-n)
					break
				}
				fmt.Fprintf(&b, "    %s\n", driftLine(c))
				n++
			}
		}
		if len(onlyShared) > 0 && len(detailed) > 0 {
			fmt.Fprintf(&b, "  (%d more %s changed only as listed under \"in many vectors\")\n", len(onlyShared), plural(len(onlyShared), "vector"))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// wholeFile describes a file's only change when it concerns the file as
// a whole: added, removed, reformatted, or not JSON.
func wholeFile(cs []Change) (string, bool) {
	if len(cs) != 1 || cs[0].ID != "" || cs[0].Path != "" {
		return "", false
	}
	switch cs[0].Op {
	case ChangeAdded:
		return "not committed (a new file)", true
	case ChangeRemoved:
		return "committed but no longer generated", true
	case ChangeReformatted:
		return "same JSON, other bytes (formatting)", true
	}
	return "differs, and is not JSON on both sides", true
}

func countOwn(cs []Change, isShared func(Change) bool) int {
	n := 0
	for _, c := range cs {
		if !isShared(c) {
			n++
		}
	}
	return n
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

func groupByFile(changes []Change) ([]string, map[string][]Change) {
	by := map[string][]Change{}
	var files []string
	for _, c := range changes {
		if _, ok := by[c.File]; !ok {
			files = append(files, c.File)
		}
		by[c.File] = append(by[c.File], c)
	}
	sort.Strings(files)
	return files, by
}

// groupByVector splits a file's changes into its vectors' (in order of
// first appearance) and the file's own.
func groupByVector(cs []Change) (ids []string, perID map[string][]Change, fileLevel []Change) {
	perID = map[string][]Change{}
	for _, c := range cs {
		if c.ID == "" {
			fileLevel = append(fileLevel, c)
			continue
		}
		if _, ok := perID[c.ID]; !ok {
			ids = append(ids, c.ID)
		}
		perID[c.ID] = append(perID[c.ID], c)
	}
	return ids, perID, fileLevel
}

// driftLine renders a change below its vector (or file) heading.
func driftLine(c Change) string {
	o, n := FormatDriftPair(c.Old, c.New)
	where := c.Path
	if where == "" {
		where = c.ID
	}
	if where == "" {
		where = "(file)"
	}
	switch c.Op {
	case ChangeAdded:
		if c.Path == "" {
			return "+ " + where + " (new)"
		}
		return where + ": added " + n
	case ChangeRemoved:
		if c.Path == "" {
			return "- " + where + " (removed)"
		}
		return where + ": removed (was " + o + ")"
	case ChangeReformatted:
		return "same JSON, other bytes (formatting)"
	}
	return where + ": " + o + " → " + n
}

// jwsPattern matches a compact JWS; longRun a long base64 or base64url run
// (signatures, certificates).
var (
	jwsPattern = regexp.MustCompile(`eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*`)
	longRun    = regexp.MustCompile(`[A-Za-z0-9+/_-]{48,}={0,2}`)
)

// shortenTokens replaces each compact JWS and each long base64 run of s by
// its head and tail: "eyJhbGciOiJF…Qx0A".
func shortenTokens(s string) string {
	short := func(t string) string {
		if len(t) <= 24 {
			return t
		}
		return t[:12] + "…" + t[len(t)-4:]
	}
	s = jwsPattern.ReplaceAllStringFunc(s, short)
	return longRun.ReplaceAllStringFunc(s, short)
}

// FormatDriftPair renders an old and a new JSON value for a drift report:
// numbers as written (json.Number: integers stay integers), strings
// quoted, objects and arrays as compact JSON, tokens and long base64 runs
// shortened to their head and tail, and two long values cut down to the
// part where they differ, with some context ("…(frozen: 50 s; 60 s
// skew)…"). A nil side renders as "".
func FormatDriftPair(old, new any) (string, string) {
	sa, okA := old.(string)
	sb, okB := new.(string)
	if okA && okB {
		a, b := elide(shortenTokens(sa), shortenTokens(sb))
		return strconv.Quote(a), strconv.Quote(b)
	}
	a, b := driftText(old), driftText(new)
	if old != nil && new != nil {
		return elide(a, b)
	}
	return cut(a), cut(b)
}

func driftText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return strconv.Quote(shortenTokens(x))
	case json.Number:
		return x.String()
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return shortenTokens(strings.TrimSuffix(buf.String(), "\n"))
}

// elide keeps, of two long texts, what lies between their common prefix
// and suffix, with driftContext runes on each side.
func elide(a, b string) (string, string) {
	const context = 24
	if len(a) <= driftShort && len(b) <= driftShort {
		return a, b
	}
	ra, rb := []rune(a), []rune(b)
	p := 0
	for p < len(ra) && p < len(rb) && ra[p] == rb[p] {
		p++
	}
	s := 0
	for s < len(ra)-p && s < len(rb)-p && ra[len(ra)-1-s] == rb[len(rb)-1-s] {
		s++
	}
	window := func(r []rune) string {
		start, end := max(p-context, 0), min(len(r)-s+context, len(r))
		out := string(r[start:end])
		if start > 0 {
			out = "…" + out
		}
		if end < len(r) {
			out += "…"
		}
		return cut(out)
	}
	return window(ra), window(rb)
}

// cut shortens a text to about driftShort runes, keeping head and tail.
func cut(s string) string {
	r := []rune(s)
	if len(r) <= 2*driftShort {
		return s
	}
	return string(r[:driftShort]) + "…" + string(r[len(r)-driftShort/2:])
}
