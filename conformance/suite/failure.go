package suite

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/vectors"
)

// failAt fails the running spec at loc, the caller's Describe line.
//
// Ginkgo's Fail takes the failure's location from the stack, where only
// this package's frames are; a cleanup node is the one place where Ginkgo
// takes a location from its caller (the types.CodeLocation decorator), so
// the verdict is handed over as the error of a DeferCleanup: the failure,
// its summary line and the -ginkgo.github-output annotation then all name
// the line of the caller's Describe.
func failAt(loc types.CodeLocation, msg string) {
	err := errors.New(msg)
	ginkgo.DeferCleanup(func() error { return err }, loc)
}

// reporter writes the failure messages of one container.
type reporter struct {
	loc       types.CodeLocation
	container string
	reqs      map[string]vectors.Requirement
	once      sync.Once
	command   string // go test ... -run, without the focus
}

func newReporter(loc types.CodeLocation, container string, set *vectors.Set) *reporter {
	r := &reporter{loc: loc, container: container, reqs: map[string]vectors.Requirement{}}
	for _, q := range set.Requirements.Requirements {
		r.reqs[q.ID] = q
	}
	return r
}

// reproduce is the command that plays vector id again, from the caller's
// module root: `go test ./pkg -run '^TestName$' -ginkgo.focus='...'`.
func (r *reporter) reproduce(id string) string {
	r.once.Do(func() {
		r.command = "go test " + packageDir(r.loc.FileName)
		if name := goTestName(); name != "" {
			r.command += " -run " + shellQuote("^"+name+"$")
		}
	})
	return r.command + " -ginkgo.focus=" + shellQuote(regexp.QuoteMeta(r.container+" "+id+":"))
}

// message is the failure message of a result: the verdict and why, what
// was expected, what the target answered, the vector's flags and
// requirements with their text, and how to replay it.
func (r *reporter) message(res conformance.Result, comment string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %s\n", res.Status, res.ID, res.Message)
	row := func(name, value string) {
		if value != "" {
			fmt.Fprintf(&b, "  %-10s %s\n", name+":", value)
		}
	}
	if res.Status == conformance.StatusBlocked && res.Source != "" {
		row("fix first", res.Source+": "+r.reproduce(res.Source))
	}
	row("vector", comment)
	row("expected", expected(res.Expected))
	row("answered", answered(res.Observed))
	row("flags", strings.Join(res.Flags, ", "))
	for i, id := range res.Requirements {
		q := r.reqs[id]
		level := q.Level
		if level == "" && i < len(res.Levels) {
			level = res.Levels[i]
		}
		text := id
		if level != "" {
			text += " (" + level + ")"
		}
		if where := strings.TrimSpace(q.Doc + " " + section(q.Section)); where != "" {
			text += " " + where
		}
		if q.Text != "" {
			text += ": " + q.Text
		}
		name := ""
		if i == 0 {
			name = "requires"
		}
		if name == "" {
			fmt.Fprintf(&b, "  %-10s %s\n", "", text)
		} else {
			row(name, text)
		}
	}
	row("reproduce", r.reproduce(res.ID))
	return strings.TrimSuffix(b.String(), "\n")
}

func section(s string) string {
	if s == "" || strings.HasPrefix(s, "§") {
		return s
	}
	return "§" + s
}

// expected says what the vector expects, in words.
func expected(e conformance.Expected) string {
	var parts []string
	if e.Verdict != "" {
		parts = append(parts, e.Verdict)
	}
	if e.Status != 0 {
		parts = append(parts, "status "+strconv.Itoa(e.Status))
	}
	if e.Reason != "" {
		parts = append(parts, "reason "+e.Reason)
	}
	if e.WWWAuthenticate != "" {
		parts = append(parts, "WWW-Authenticate "+e.WWWAuthenticate)
	}
	return strings.Join(parts, ", ")
}

// answered says what the target answered: status, challenge, problem
// reason and detail, or the start of the body; or why there was no answer.
func answered(o conformance.Observed) string {
	var parts []string
	if o.Status != 0 {
		parts = append(parts, "status "+strconv.Itoa(o.Status))
	}
	if o.WWWAuthenticate != "" {
		parts = append(parts, "WWW-Authenticate "+o.WWWAuthenticate)
	}
	if o.Reason != "" {
		parts = append(parts, "reason "+o.Reason)
	}
	if o.Detail != "" {
		parts = append(parts, "detail "+strconv.Quote(o.Detail))
	}
	if o.Body != "" {
		parts = append(parts, "body "+strconv.Quote(o.Body))
	}
	switch {
	case o.Closed:
		parts = append(parts, "the connection was closed without an answer")
	case o.Error != "":
		parts = append(parts, "no answer: "+o.Error)
	}
	return strings.Join(parts, ", ")
}

// packageDir is the directory of file as go test names it from the root
// of its module (./conformance/suite), or the directory itself outside one.
func packageDir(file string) string {
	dir := filepath.Dir(file)
	for root := dir; ; {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			rel, err := filepath.Rel(root, dir)
			if err != nil {
				return dir
			}
			if rel == "." {
				return "."
			}
			return "./" + filepath.ToSlash(rel)
		}
		up := filepath.Dir(root)
		if up == root {
			return dir
		}
		root = up
	}
}

// goTestName is the name of the Go test function that runs the specs (the
// caller of ginkgo.RunSpecs, called by testing.tRunner), read from the
// goroutines' stacks; "" when it cannot be told (RunSpecs in a subtest).
func goTestName() string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	for _, g := range strings.Split(string(buf), "\n\n") {
		if !strings.Contains(g, "github.com/onsi/ginkgo/v2.RunSpecs(") {
			continue
		}
		var funcs []string // function lines; file lines start with a tab
		for _, line := range strings.Split(g, "\n") {
			if line != "" && line[0] != '\t' {
				funcs = append(funcs, line)
			}
		}
		for i := 1; i < len(funcs); i++ {
			if !strings.HasPrefix(funcs[i], "testing.tRunner(") {
				continue
			}
			fn, _, _ := strings.Cut(funcs[i-1], "(")
			fn = fn[strings.LastIndex(fn, "/")+1:]
			_, name, _ := strings.Cut(fn, ".")
			if strings.HasPrefix(name, "Test") && !strings.Contains(name, ".") {
				return name
			}
			return ""
		}
	}
	return ""
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
