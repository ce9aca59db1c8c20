package matrix

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

const module = "github.com/wimse-wg/wimse/"

// present drops from reg the builds whose package is not in this tree yet
// (peers being written) and the implementations and known entries that
// need them, and returns what it dropped.
func present(t *testing.T, reg *Registry) []string {
	t.Helper()
	var dropped []string
	missing := map[string]bool{}
	reg.Build = slices.DeleteFunc(reg.Build, func(b Build) bool {
		rel, ok := strings.CutPrefix(b.Package, module)
		if !ok {
			return false
		}
		if _, err := os.Stat(filepath.Join("..", "..", rel)); err != nil {
			missing["bin."+b.Name] = true
			return true
		}
		return false
	})
	uses := func(cmds map[string][]string) bool {
		for _, argv := range cmds {
			for _, a := range argv {
				for _, m := range varRE.FindAllStringSubmatch(a, -1) {
					if missing[m[1]] {
						return true
					}
				}
			}
		}
		return false
	}
	reg.Implementations = slices.DeleteFunc(reg.Implementations, func(im Implementation) bool {
		drop := (im.Server != nil && uses(im.Server.Commands)) || (im.Client != nil && uses(im.Client.Commands))
		if drop {
			dropped = append(dropped, im.Name)
		}
		return drop
	})
	reg.Known = slices.DeleteFunc(reg.Known, func(k Known) bool {
		return slices.Contains(dropped, k.Client) || slices.Contains(dropped, k.Server)
	})
	if err := reg.Check(); err != nil {
		t.Fatal(err)
	}
	return dropped
}

// TestRepoMatrix runs the repo's registry: our components and every peer
// already in the tree. Every cell passes or is a known disagreement.
func TestRepoMatrix(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs processes")
	}
	reg, err := Load(filepath.Join("..", "registry.json"))
	if err != nil {
		t.Fatal(err)
	}
	if dropped := present(t, reg); len(dropped) > 0 {
		t.Logf("skipped, not in the tree yet: %v", dropped)
	}
	out := t.TempDir()
	res, err := Run(context.Background(), reg, Options{Out: out, Timeout: 20 * time.Second, RegistryName: "interop/registry.json"})
	if err != nil {
		t.Fatal(err)
	}
	buildsOK(t, res)
	for _, c := range res.Cells {
		t.Logf("%-50s %s %s", c.ID, c.Status, c.Detail)
		if c.Status != StatusPass && c.Known == nil {
			ev, _ := os.ReadFile(filepath.Join(out, c.Evidence))
			t.Errorf("%s: %s: %s\n%s", c.ID, c.Status, c.Detail, ev)
		}
	}
	if !res.OK {
		t.Errorf("matrix not OK: builds %+v, stale %+v", res.Builds, res.Stale)
	}
	ref := 0
	for _, c := range res.Cells {
		if c.Client == "wimse" && c.Server == "wimse" {
			ref++
		}
	}
	// The relay kept the bytes of plain-HTTP cells: the request as sent.
	for id, field := range map[string]string{
		"wimse--wimse--wit-wpt--wpt-02":                "Workload-Identity-Token: ",
		"wimse--wimse--wit-httpsig--http-signature-07": "Signature-Input: ",
	} {
		ev, err := os.ReadFile(filepath.Join(out, "evidence", id+".txt"))
		if err != nil || !strings.Contains(string(ev), "sent by the client ---\nGET /hello HTTP/1.1") || !strings.Contains(string(ev), field) {
			t.Errorf("%s: the evidence has no transcript with %q (%v)", id, field, err)
		}
	}
	if ref != 5 {
		t.Errorf("%d reference cells, want 5 (wpt-02, wpt-01, http-signature-07, -06, mtls)", ref)
	}
	writeAndCheck(t, out, res)
}

// buildsOK stops the test when a build failed: every cell would be setup.
func buildsOK(t *testing.T, res *Result) {
	t.Helper()
	for _, b := range res.Builds {
		if !b.OK {
			t.Fatalf("build %s failed:\n%s", b.Name, b.Output)
		}
	}
}

// writeAndCheck writes the reports and checks matrix.json against its
// schema and index.html's links.
func writeAndCheck(t *testing.T, out string, res *Result) {
	t.Helper()
	if err := WriteJSON(out, res); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(out, res); err != nil {
		t.Fatal(err)
	}
	if err := WriteMarkdown(out, res); err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(out, "matrix.md"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(out, "matrix.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := validate(t, schema(t, "matrix.schema.json"), b); err != nil {
		t.Errorf("matrix.json does not follow its schema: %v", err)
	}
	page, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Cells {
		if !strings.Contains(string(page), `href="`+c.Evidence+`"`) {
			t.Errorf("index.html does not link %s", c.Evidence)
		}
		if !strings.Contains(string(md), "("+c.Evidence+")") {
			t.Errorf("matrix.md does not link %s", c.Evidence)
		}
		if _, err := os.Stat(filepath.Join(out, c.Evidence)); err != nil {
			t.Errorf("evidence of %s: %v", c.ID, err)
		}
	}
}

// TestBrokenPeers: deliberately broken implementations are classified by
// their controls: a client that sends the wrong carriage is client-side, a
// server expecting another audience is server-side, so is a server that
// accepts anything (caught by the negative probe), a server that cannot
// start is setup; a known entry marks its cell, and a known entry whose
// cell passes is stale.
func TestBrokenPeers(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs processes")
	}
	reg, err := Load(filepath.Join("..", "registry.json"))
	if err != nil {
		t.Fatal(err)
	}
	present(t, reg)
	ref := *reg.impl("wimse")
	wpt := map[string][]string{ProfileWPT: {"wpt-02"}}
	refServer := ref.Server.Commands[ProfileWPT]
	refClient := ref.Client.Commands[ProfileWPT]
	// The wrong carriage: always wpt-01, whatever the cell's draft.
	wrongCarriage := slices.Clone(refClient)
	wrongCarriage[len(wrongCarriage)-1] = "wpt-01"
	// Another audience than the URL the clients call.
	wrongAudience := slices.Clone(refServer)
	wrongAudience[slices.Index(wrongAudience, "{{audience}}")] = "https://elsewhere.example"
	reg.Implementations = []Implementation{
		ref,
		{Name: "wrong-carriage", Profiles: wpt, Client: &Client{Commands: map[string][]string{ProfileWPT: wrongCarriage}}},
		{Name: "wrong-audience", Profiles: wpt, Server: &Server{Commands: map[string][]string{ProfileWPT: wrongAudience}}},
		{Name: "no-start", Profiles: wpt, Server: &Server{Commands: map[string][]string{ProfileWPT: {"{{bin.wimse}}", "serve", "--listen", "{{listen}}"}}}},
		{Name: "credulous", Profiles: wpt, Server: &Server{Commands: map[string][]string{
			ProfileWPT: {"{{bin.credulous}}", "--listen", "{{listen}}", "--subject", "wimse://demo.example/workload/client"}}}},
	}
	reg.Build = append(reg.Build, Build{Name: "credulous", Package: module + "interop/matrix/testdata/credulous"})
	reg.Known = []Known{
		{Client: "wrong-carriage", Server: "wrong-audience", Profile: ProfileWPT, Finding: "test finding"},
		{Client: "wimse", Server: "wimse", Profile: ProfileWPT, Draft: "wpt-02", Finding: "stale finding"},
	}
	if err := reg.Check(); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	res, err := Run(context.Background(), reg, Options{Out: out, Timeout: 10 * time.Second, Only: ProfileWPT})
	if err != nil {
		t.Fatal(err)
	}
	buildsOK(t, res)
	want := map[string]string{
		"wimse--wimse--wit-wpt--wpt-02":                   StatusPass,
		"wimse--wimse--wit-wpt--wpt-01":                   StatusPass,
		"wimse--wrong-audience--wit-wpt--wpt-02":          StatusServerSide,
		"wimse--no-start--wit-wpt--wpt-02":                StatusSetup,
		"wrong-carriage--wimse--wit-wpt--wpt-02":          StatusClientSide,
		"wrong-carriage--wrong-audience--wit-wpt--wpt-02": StatusUnknown,
		"wrong-carriage--no-start--wit-wpt--wpt-02":       StatusSetup,
		"wimse--credulous--wit-wpt--wpt-02":               StatusServerSide,
		"wrong-carriage--credulous--wit-wpt--wpt-02":      StatusUnknown,
	}
	got := map[string]string{}
	for _, c := range res.Cells {
		got[c.ID] = c.Status
		if c.Status != want[c.ID] {
			t.Errorf("%s: got %s (%s), want %s", c.ID, c.Status, c.Detail, want[c.ID])
		}
	}
	if len(got) != len(want) {
		t.Errorf("cells %v, want %v", got, want)
	}
	for _, c := range res.Cells {
		if (c.Known != nil) != (c.ID == "wrong-carriage--wrong-audience--wit-wpt--wpt-02") {
			t.Errorf("%s: known %+v", c.ID, c.Known)
		}
	}
	if len(res.Stale) != 1 || res.Stale[0].Finding != "stale finding" {
		t.Errorf("stale %+v, want the passing reference cell's entry", res.Stale)
	}
	if res.OK {
		t.Error("a run with failing cells is OK")
	}
	writeAndCheck(t, out, res)
}
