package matrix

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schema compiles one of the embedded schemas.
func schema(t testing.TB, name string) *jsonschema.Schema {
	t.Helper()
	raw, err := Schemas.ReadFile("schema/" + name)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(name, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validate(t testing.TB, s *jsonschema.Schema, b []byte) error {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return s.Validate(inst)
}

// TestRepoRegistry: the registry in the repo loads and its schema accepts it.
func TestRepoRegistry(t *testing.T) {
	path := filepath.Join("..", "registry.json")
	if _, err := Load(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := validate(t, schema(t, "registry.schema.json"), b); err != nil {
		t.Errorf("interop/registry.json does not follow its schema: %v", err)
	}
}

// baseline is a valid registry each invalid case mutates.
func baseline() map[string]any {
	cmd := []any{"{{bin.x}}", "--url", "{{url}}"}
	return map[string]any{
		"reference": "ref",
		"build":     []any{map[string]any{"name": "x", "package": "example.org/x"}},
		"implementations": []any{map[string]any{
			"name":     "ref",
			"profiles": map[string]any{"wit-wpt": []any{"wpt-02"}},
			"server":   map[string]any{"commands": map[string]any{"wit-wpt": cmd}},
			"client":   map[string]any{"commands": map[string]any{"wit-wpt": cmd}},
		}},
	}
}

func TestLoadRefuses(t *testing.T) {
	impl := func(r map[string]any) map[string]any { return r["implementations"].([]any)[0].(map[string]any) }
	tests := []struct {
		name   string
		mutate func(r map[string]any)
	}{
		{"unknown member", func(r map[string]any) { r["extra"] = 1 }},
		{"unknown variable", func(r map[string]any) {
			impl(r)["client"].(map[string]any)["commands"].(map[string]any)["wit-wpt"] = []any{"x", "{{nope}}"}
		}},
		{"unknown binary", func(r map[string]any) {
			impl(r)["client"].(map[string]any)["commands"].(map[string]any)["wit-wpt"] = []any{"{{bin.y}}"}
		}},
		{"unknown profile", func(r map[string]any) { impl(r)["profiles"].(map[string]any)["quic"] = []any{"v1"} }},
		{"profile without drafts", func(r map[string]any) { impl(r)["profiles"].(map[string]any)["wit-wpt"] = []any{} }},
		{"profile without server command", func(r map[string]any) {
			impl(r)["profiles"].(map[string]any)["mtls"] = []any{"mutual-tls-03"}
		}},
		{"empty argv", func(r map[string]any) {
			impl(r)["server"].(map[string]any)["commands"].(map[string]any)["wit-wpt"] = []any{}
		}},
		{"reference unknown", func(r map[string]any) { r["reference"] = "other" }},
		{"reference without client", func(r map[string]any) { delete(impl(r), "client") }},
		{"bad name", func(r map[string]any) { impl(r)["name"] = "Ref One"; r["reference"] = "Ref One" }},
		{"duplicate implementation", func(r map[string]any) {
			r["implementations"] = append(r["implementations"].([]any), impl(r))
		}},
		{"known without finding", func(r map[string]any) {
			r["known"] = []any{map[string]any{"client": "ref", "server": "ref", "profile": "wit-wpt", "finding": ""}}
		}},
		{"known with unknown client", func(r map[string]any) {
			r["known"] = []any{map[string]any{"client": "zz", "server": "ref", "profile": "wit-wpt", "finding": "issue 1"}}
		}},
	}
	dir := t.TempDir()
	write := func(name string, r map[string]any) string {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name+".json")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	if _, err := Load(write("baseline", baseline())); err != nil {
		t.Fatalf("baseline: %v", err)
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := baseline()
			tt.mutate(r)
			if _, err := Load(write("case"+string(rune('a'+i)), r)); err == nil {
				t.Errorf("Load accepted a registry with %s", tt.name)
			}
		})
	}
}

func TestExpand(t *testing.T) {
	got, err := expand([]string{"{{a}}", "x={{a}}{{b}}", "plain"}, map[string]string{"a": "1", "b": "2"})
	if err != nil || len(got) != 3 || got[0] != "1" || got[1] != "x=12" || got[2] != "plain" {
		t.Errorf("expand = %q, %v", got, err)
	}
	if _, err := expand([]string{"{{c}}"}, map[string]string{}); err == nil {
		t.Error("expand filled an unknown variable")
	}
}
