package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"

	"github.com/wimse-wg/wimse/vectors"
)

const defaultVectorDir = "vectors/v1"

func vectorsCmd(e *env) *cobra.Command {
	c := &cobra.Command{Use: "vectors", Short: "Generate, check and summarise the test vectors"}
	var seed, out, dir, covDir, draft string
	gen := &cobra.Command{
		Use:   "generate [--out DIR]",
		Short: "Write the vector files, byte-identical on every run",
		Long: `Write every vector file (identifier.json, wit.json, wpt.json, requirements.json)
into DIR from a fixed seed. Keys derive from the seed and signatures are
deterministic, so the output is byte-identical on every run.`,
		Example: "  wimse vectors generate            # rewrites vectors/v1\n  wimse vectors generate --out /tmp/v1",
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			files, err := vectors.Generate(seed)
			if err != nil {
				return failErr("%v", err)
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return failErr("%v", err)
			}
			for _, name := range sortedNames(files) {
				if err := os.WriteFile(filepath.Join(out, name), files[name], 0o644); err != nil {
					return failErr("%v", err)
				}
				fmt.Fprintf(e.stdout, "wrote %s\n", filepath.Join(out, name))
			}
			return nil
		},
	}
	gen.Flags().StringVar(&out, "out", defaultVectorDir, "output directory")
	var showDiff bool
	check := &cobra.Command{
		Use:   "check [--dir DIR] [--diff]",
		Short: "Regenerate in memory and fail with a drift summary when the committed files differ",
		Long: `Regenerate every vector file in memory and compare it with the committed one.
When they differ, print a summary first: per file the vectors changed, added
and removed; changes shared by many vectors once (a policy default); then per
vector ID each member that changed, old → new (integers as integers, tokens
shortened). --diff (-v) adds the full structural diff of each file.
Exit 0 when up to date, 1 when any file differs or is missing.`,
		Example: "  wimse vectors check\n  wimse vectors check --diff\n  wimse vectors check --dir /tmp/v1",
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return checkVectors(e, seed, dir, showDiff)
		},
	}
	check.Flags().StringVar(&dir, "dir", defaultVectorDir, "directory holding the committed files")
	check.Flags().BoolVarP(&showDiff, "diff", "v", false, "after the summary, print the full structural diff (-committed +generated)")
	cov := &cobra.Command{
		Use:     "coverage",
		Short:   "Print the requirements without a vector and the counts per document and level",
		Example: "  wimse vectors coverage\n  wimse vectors coverage --dir vectors/v1",
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			s, err := vectors.Load(vectorFS(covDir))
			if err != nil {
				return usageErr("%v", err)
			}
			printCoverage(e, vectors.ComputeCoverage(s))
			return nil
		},
	}
	cov.Flags().StringVar(&covDir, "dir", "", "vector directory (default: the embedded set)")
	ex := &cobra.Command{
		Use:   "examples --draft DRAFT [--seed SEED]",
		Short: "Print a draft's examples, ready to paste (keys, tokens, messages, certificates)",
		Long: `Print the examples of one draft as kramdown-rfc Markdown, ready to paste:
the keys as JWKs (public, and private: they are test keys), the tokens
decoded and compact, times as NumericDate beside their ISO 8601 instant,
the HTTP messages (for mutual-tls the certificates in PEM, with their
identifier SAN), and cases beyond the happy path: tth and oth, a rejection
with its answer (401 and WWW-Authenticate: WPT under wpt-02), a replay, and
for the HTTP signature drafts a signed request and a signed response with
their signature bases. Each example states the outcome a receiver must
reach; the tests play every one through this module's verifiers.

Every key, jti, nonce, token value and time derives from --seed: another
seed changes all of them, the same seed gives byte-identical text. No line
is longer than 72 columns; artwork is folded to 69 columns per RFC 8792
(single backslash, "NOTE: '\' line wrapping per RFC 8792") where needed.

DRAFT is wpt-01, wpt-02, http-signature-06, http-signature-07 or mutual-tls.`,
		Example: "  wimse vectors examples --draft wpt-02\n" +
			"  wimse vectors examples --draft http-signature-07 > sig-07-examples.md\n" +
			"  wimse vectors examples --draft mutual-tls --seed draft-03-examples",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			known := false
			for _, d := range vectors.ExampleDrafts() {
				known = known || d == draft
			}
			if !known {
				return usageErr("--draft must be one of %s, not %q", strings.Join(vectors.ExampleDrafts(), ", "), draft)
			}
			text, err := vectors.Examples(seed, draft)
			if err != nil {
				return failErr("%v", err)
			}
			fmt.Fprint(e.stdout, text)
			return nil
		},
	}
	ex.Flags().StringVar(&draft, "draft", "wpt-02", "the draft: "+strings.Join(vectors.ExampleDrafts(), ", "))
	for _, sc := range []*cobra.Command{gen, check, ex} {
		sc.Flags().StringVar(&seed, "seed", vectors.DefaultSeed, "generator seed (keys and jti values derive from it)")
	}
	c.AddCommand(gen, check, cov, ex)
	return c
}

func vectorFS(dir string) fs.FS {
	if dir == "" {
		return vectors.FS
	}
	return os.DirFS(filepath.Dir(filepath.Clean(dir)))
}

func sortedNames(m map[string][]byte) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// checkVectors regenerates the vectors in memory and compares them with
// the files in dir: a drift summary (vectors.Drift, vectors.WriteDrift),
// then with full the structural diff of each differing file.
func checkVectors(e *env, seed, dir string, full bool) error {
	files, err := vectors.Generate(seed)
	if err != nil {
		return failErr("%v", err)
	}
	committed := map[string][]byte{}
	for _, name := range sortedNames(files) {
		have, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				fmt.Fprintf(e.stdout, "%s: %v\n", name, err)
			}
			continue // Drift reports it as not committed
		}
		committed[name] = have
	}
	changes := vectors.Drift(committed, files)
	stale := map[string]bool{}
	for _, c := range changes {
		stale[c.File] = true
	}
	if len(stale) == 0 {
		fmt.Fprintf(e.stdout, "vectors up to date (%d files)\n", len(files))
		return nil
	}
	fmt.Fprintf(e.stdout, "vector drift (committed → generated):\n")
	if err := vectors.WriteDrift(e.stdout, changes); err != nil {
		return failErr("%v", err)
	}
	if full {
		for _, name := range sortedNames(files) {
			if have, ok := committed[name]; ok && stale[name] {
				fmt.Fprintf(e.stdout, "\n%s differs (-committed +generated):\n%s\n", name, jsonDiff(have, files[name]))
			}
		}
	} else {
		fmt.Fprintf(e.stdout, "\nfull diff: wimse vectors check --diff\n")
	}
	return failErr("%d vector file(s) out of date: run wimse vectors generate --out %s", len(stale), dir)
}

// jsonDiff diffs two JSON documents structurally (numbers as written, so
// integers stay integers), falling back to text.
func jsonDiff(a, b []byte) string {
	decode := func(data []byte) (any, error) {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var v any
		err := dec.Decode(&v)
		return v, err
	}
	x, errX := decode(a)
	y, errY := decode(b)
	if errX == nil && errY == nil {
		if d := cmp.Diff(x, y); d != "" {
			return d
		}
	}
	return cmp.Diff(string(a), string(b))
}

func printCoverage(e *env, c vectors.Coverage) {
	w := e.stdout
	fmt.Fprintf(w, "vectors: %d total, %d negative (%.0f%%)\n\n", c.Total, c.Negative, 100*float64(c.Negative)/float64(max(c.Total, 1)))
	docs := make([]string, 0, len(c.PerLevel))
	for d := range c.PerLevel {
		docs = append(docs, d)
	}
	sort.Strings(docs)
	fmt.Fprintf(w, "%-36s %8s  %s\n", "document", "vectors", "requirements covered by level")
	for _, d := range docs {
		var parts []string
		for _, l := range []string{vectors.MUST, vectors.MUSTNOT, vectors.SHOULD, vectors.SHOULDNOT, vectors.RECOMMENDE} {
			if x, ok := c.PerLevel[d][l]; ok {
				parts = append(parts, fmt.Sprintf("%s %d/%d", l, x[0], x[1]))
			}
		}
		fmt.Fprintf(w, "%-36s %8d  %s\n", d, c.PerDoc[d], strings.Join(parts, ", "))
	}
	fmt.Fprintf(w, "\nrequirements without a vector: %d\n", len(c.Missing))
	for _, r := range c.Missing {
		fmt.Fprintf(w, "  %-20s %-9s %s §%s: %s\n", r.ID, r.Level, r.Doc, r.Section, r.Text)
	}
}
