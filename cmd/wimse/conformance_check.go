package main

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/vectors"
)

// Usage checks of `wimse conformance run` and `list`: each runs before any
// request and ends the command with exit 2 and a hint.

// profileDrafts are the revisions each --profile plays, its default first.
func profileDrafts(profile string) ([]string, bool) {
	switch profile {
	case "wit-wpt":
		return []string{"wpt-02", "wpt-01"}, true
	case "wit-httpsig":
		return []string{"http-signature-07", "http-signature-06"}, true
	case profileMTLS:
		return []string{profileMTLS}, true
	case profileTokenExchange:
		return []string{vectors.SignalExchange}, true
	}
	return nil, false
}

// profileNames are the values of --profile.
func profileNames() []string {
	return []string{"wit-wpt", "wit-httpsig", profileMTLS, profileTokenExchange}
}

// resolveDraft checks --draft against --profile and, when the target
// profile declares revisions, against them; it returns the revision to
// play and, when it chose one the user did not name, a note saying so.
func resolveDraft(profile, draft string, draftSet bool, declared []string) (string, string, error) {
	drafts, ok := profileDrafts(profile)
	if !ok {
		return "", "", usageErr("--profile %q is not one of %s", profile, strings.Join(profileNames(), ", "))
	}
	if profile == profileMTLS || profile == profileTokenExchange {
		declared = nil // the mtls and exchange vectors are not tied to a revision
	}
	if draftSet {
		if !slices.Contains(drafts, draft) {
			for _, other := range profileNames() {
				if ds, _ := profileDrafts(other); slices.Contains(ds, draft) {
					return "", "", usageHint(fmt.Sprintf("add --profile %s", other), "--draft %s does not belong to --profile %s", draft, profile)
				}
			}
			return "", "", usageErr("--draft %q is not one of %s (--profile %s)", draft, strings.Join(drafts, ", "), profile)
		}
		if len(declared) > 0 && !slices.Contains(declared, draft) {
			return "", "", usageHint(fmt.Sprintf("play a declared revision (--draft %s), or add %q to \"revisions\" in the target profile if the target implements it", declared[0], draft),
				"--draft %s is not among the revisions the target profile declares (%s)", draft, strings.Join(declared, ", "))
		}
		return draft, "", nil
	}
	if len(declared) == 0 {
		return drafts[0], "", nil
	}
	for _, d := range drafts {
		if slices.Contains(declared, d) {
			note := ""
			if d != drafts[0] {
				note = fmt.Sprintf("playing %s, the revision of --profile %s the target profile declares", d, profile)
			}
			return d, note, nil
		}
	}
	return "", "", usageHint("pick the --profile of the declared revisions",
		"the target profile declares revisions %s, none of them played by --profile %s (%s)", strings.Join(declared, ", "), profile, strings.Join(drafts, ", "))
}

// checkTarget requires an absolute http(s) URL (https for mtls).
func checkTarget(target, profile string) error {
	if !strings.Contains(target, "://") {
		return usageHint(fmt.Sprintf("add http:// or https://, e.g. --target https://%s", target), "--target %q has no scheme", target)
	}
	u, err := url.Parse(target)
	if err != nil {
		return usageErr("--target %q: %v", target, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return usageHint("use http:// or https://", "--target %q: scheme %q is not http or https", target, u.Scheme)
	}
	if u.Host == "" {
		return usageErr("--target %q has no host", target)
	}
	if profile == profileMTLS && u.Scheme != "https" {
		return usageHint("the mtls vectors are TLS handshakes: use https://", "--profile mtls needs an https:// --target, not %q", target)
	}
	return nil
}

// checkExpectedFailures requires every entry to name a vector of the
// embedded set (or the mTLS server identity check).
func checkExpectedFailures(file string, entries map[string]string) error {
	set, err := vectors.Load(vectors.FS)
	if err != nil {
		return usageErr("%v", err)
	}
	var unknown []string
	for id := range entries {
		if _, ok := set.Find(id); !ok && id != conformance.ServerIdentityCheck {
			unknown = append(unknown, id)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	hint := "see `wimse conformance list` for the vector IDs"
	if s := closestID(set, unknown[0]); s != "" {
		hint = fmt.Sprintf("did you mean %q? (%s)", s, hint)
	}
	return usageHint(hint, "--expected-failures %s names %d unknown vector ID(s): %s", file, len(unknown), strings.Join(unknown, ", "))
}

// closestID is the vector ID nearest to id by edit distance, if close.
func closestID(set *vectors.Set, id string) string {
	best, bestD := "", 4
	for _, v := range set.Vectors() {
		if d := editDistance(id, v.ID); d < bestD {
			best, bestD = v.ID, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// reportFile is a --report output, opened before the run so that an
// unwritable path is a usage error, not a lost run.
type reportFile struct {
	kind, path string
	f          *os.File
	created    bool // the file did not exist before: remove it if unused
}

type reportFiles []*reportFile

// openReports parses --report and opens (creating if need be, but not yet
// truncating) every file.
func openReports(spec string) (reportFiles, error) {
	kinds, err := parseReports(spec)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	var out reportFiles
	seen := map[string]string{}
	for _, kind := range []string{"json", "junit", "md", "html"} {
		path, ok := kinds[kind]
		if !ok {
			continue
		}
		abs, _ := filepath.Abs(path)
		if other, dup := seen[abs]; dup {
			out.abandon()
			return nil, usageErr("--report: %s and %s both write %s", other, kind, path)
		}
		seen[abs] = kind
		_, statErr := os.Stat(path)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o644)
		if err != nil {
			out.abandon()
			hint := "check the path and its permissions"
			if errors.Is(err, os.ErrNotExist) {
				hint = fmt.Sprintf("create the directory first: mkdir -p %s", filepath.Dir(path))
			}
			return nil, usageHint(hint, "--report %s=%s is not writable: %v", kind, path, errors.Unwrap(err))
		}
		out = append(out, &reportFile{kind: kind, path: path, f: f, created: errors.Is(statErr, os.ErrNotExist)})
	}
	return out, nil
}

// write renders rep into every file.
func (rs reportFiles) write(rep *conformance.Report) error {
	for _, r := range rs {
		if err := r.f.Truncate(0); err != nil {
			return fmt.Errorf("%s report: %w", r.kind, err)
		}
		if err := writeReport(r.kind, r.f, rep); err != nil {
			return fmt.Errorf("%s report %s: %w", r.kind, r.path, err)
		}
		if err := r.f.Close(); err != nil {
			return fmt.Errorf("%s report %s: %w", r.kind, r.path, err)
		}
		r.f = nil
	}
	return nil
}

// abandon closes the files not written and removes those it created.
func (rs reportFiles) abandon() {
	for _, r := range rs {
		if r.f == nil {
			continue
		}
		_ = r.f.Close()
		r.f = nil
		if r.created {
			_ = os.Remove(r.path)
		}
	}
}
