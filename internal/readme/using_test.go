// Package readme_test keeps the Go blocks of the README's "Using the
// packages" section compiling: each block is the body of a function below,
// between "// readme:begin" and "// readme:end", and TestUsingThePackages
// fails when the README and these functions disagree. Edit both together.
package readme_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/profiles/httpsig"
	"github.com/wimse-wg/wimse/profiles/httpwpt"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/wimse"
)

// The blocks' free variables are the parameters. The functions only have
// to compile; nothing calls them.
var _ = []any{usingServer, usingClient, usingSignedResponses}

func usingServer(bundleJSON []byte, logger *slog.Logger, app http.Handler) error {
	// readme:begin
	store := wimse.NewTrustStore()
	keys, err := wimse.ParseJWKSet(bundleJSON) // issuer public keys of example.org
	if err != nil {
		return err
	}
	store.Set(wimse.MustParseTrustDomain("example.org"), wimse.Anchors{Keys: keys})

	v := &httpwpt.Verifier{
		Trust:    store,
		Policy:   wimse.Policy{ClockSkew: 30 * time.Second}, // the WIT, the WPT and the carriage: one policy
		Replay:   wimse.NewMemoryReplayCache(0),
		WITCache: wit.NewCache(0),
		Audience: httpwpt.AudienceFromBase("https://svc.example.org"),
	}
	http.Handle("/", v.Middleware(logger)(app)) // app reads httpwpt.PeerFromContext(r.Context())
	// readme:end
	return nil
}

func usingClient(token string) error {
	// readme:begin
	key, err := wimse.LoadPrivateJWK("workload.jwk")
	if err != nil {
		return err
	}
	client := &http.Client{Transport: &httpwpt.Transport{WIT: token, Key: key.Signer, Alg: key.Algorithm}}
	// readme:end
	_ = client
	return nil
}

func usingSignedResponses(token string, key *wimse.PrivateKey, store *wimse.TrustStore) error {
	// readme:begin
	c := &http.Client{Transport: &httpsig.Transport{
		Signer:                &httpsig.Signer{WIT: token, Key: key.Signer, Alg: key.Algorithm},
		RequireSignedResponse: true,
		Responses:             &wit.Verifier{Trust: store},
		Responder:             httpsig.AuthorizeID(wimse.MustParseID("wimse://example.org/svc/server")),
	}}
	resp, err := c.Get("https://svc.example.org/orders") // httpsig.responder_identity if another workload signed
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	signer, _ := httpsig.ResponderFromResponse(resp) // who signed the response
	// readme:end
	_ = signer
	return nil
}

// TestUsingThePackages: the README section's Go blocks are, in order, the
// marked bodies of the functions above (tabs shown as four spaces).
func TestUsingThePackages(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	section := string(readme)
	start := strings.Index(section, "\n## Using the packages\n")
	if start < 0 {
		t.Fatal(`README.md has no "## Using the packages" section`)
	}
	section = section[start+1:]
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	var blocks []string
	for rest := section; ; {
		i := strings.Index(rest, "```go\n")
		if i < 0 {
			break
		}
		rest = rest[i+len("```go\n"):]
		j := strings.Index(rest, "```\n")
		if j < 0 {
			t.Fatal("unterminated ```go block")
		}
		blocks = append(blocks, rest[:j])
		rest = rest[j:]
	}
	mirrors := marked(t, "using_test.go", "usingServer", "usingClient", "usingSignedResponses")
	if len(blocks) != len(mirrors) {
		t.Fatalf("the section has %d Go blocks, this test mirrors %d", len(blocks), len(mirrors))
	}
	for i := range blocks {
		if blocks[i] != mirrors[i] {
			t.Errorf("README block %d differs from its mirror:\n--- README\n%s--- mirror\n%s", i+1, blocks[i], mirrors[i])
		}
	}
}

// marked returns, for each named function of file, its source between the
// readme:begin and readme:end comments, one level of indentation removed
// and tabs written as four spaces.
func marked(t *testing.T, file string, funcs ...string) []string {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	bodies := map[string]string{}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
			bodies[fd.Name.Name] = string(src[fset.Position(fd.Body.Pos()).Offset:fset.Position(fd.Body.End()).Offset])
		}
	}
	var out []string
	for _, name := range funcs {
		body := bodies[name]
		const begin, end = "// readme:begin\n", "\t// readme:end"
		i, j := strings.Index(body, begin), strings.Index(body, end)
		if i < 0 || j < i {
			t.Fatalf("%s has no readme:begin … readme:end markers", name)
		}
		var b strings.Builder
		for _, line := range strings.SplitAfter(body[i+len(begin):j], "\n") {
			line = strings.TrimPrefix(line, "\t")
			indent := len(line) - len(strings.TrimLeft(line, "\t"))
			b.WriteString(strings.Repeat("    ", indent) + line[indent:])
		}
		out = append(out, b.String())
	}
	return out
}
