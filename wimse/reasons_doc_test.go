package wimse

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestReasonsDoc keeps docs/reasons.md (the page problem types point to) in
// step with the doc comments of reasons.go. Run with -update to rewrite it.
func TestReasonsDoc(t *testing.T) {
	got := renderReasonsDoc(t)
	const path = "../docs/reasons.md"
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != got {
		t.Errorf("%s is stale: run go test ./wimse -run TestReasonsDoc -update", path)
	}
}

func renderReasonsDoc(t *testing.T) string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "reasons.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	docs := map[Reason]string{}
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			lit, ok := vs.Values[0].(*ast.BasicLit)
			if !ok {
				continue
			}
			v, _ := strconv.Unquote(lit.Value)
			text := strings.Join(strings.Fields(vs.Doc.Text()), " ")
			_, text, _ = strings.Cut(text, ": ")
			docs[Reason(v)] = text
		}
	}
	var b strings.Builder
	b.WriteString("# Reason codes\n\n")
	b.WriteString("Every rejection carries one of these stable codes: in the `reason` member of an RFC 9457 problem\n")
	b.WriteString("body (whose `type` is this page's URL with the code as fragment), in `wimse token verify` output and in\n")
	b.WriteString("test vectors. Codes are never renamed. Generated from `wimse/reasons.go` by\n")
	b.WriteString("`go test ./wimse -run TestReasonsDoc -update`.\n\n")
	b.WriteString("Status: what the reference server answers on a wpt-02 / wpt-01 request (httpsig.*: 400 on every\n")
	b.WriteString("revision of the HTTP Message Signatures profile; mtls.*: the handshake fails and\n")
	b.WriteString("the reason is logged; a request that reaches the mTLS middleware without a verified peer gets 400).\n\n")
	b.WriteString("| reason | status (wpt-02 / wpt-01) | meaning |\n|---|---|---|\n")
	all := AllReasons()
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	for _, r := range all {
		d, ok := docs[r]
		if !ok || d == "" {
			t.Errorf("reason %q has no doc comment in reasons.go", r)
		}
		fmt.Fprintf(&b, "| <a id=\"%s\"></a>`%s` | %s | %s |\n", r, r, statusText(r), d)
	}
	if len(docs) != len(all) {
		t.Errorf("reasons.go declares %d reasons, AllReasons has %d", len(docs), len(all))
	}
	return b.String()
}

func statusText(r Reason) string {
	if r == ReasonHTTPSigCannotSign {
		return "501 (HTTP signatures)"
	}
	if r == ReasonRequestBodyTooLarge {
		return "413 (HTTP signatures: only they read the body)"
	}
	switch r {
	case ReasonHTTPSigResponseUnsigned, ReasonHTTPSigReqNonce, ReasonHTTPSigResponderIdentity:
		return "none: the client refuses the response"
	}
	if strings.HasPrefix(string(r), "httpsig.") {
		return "400 (HTTP signatures)"
	}
	if strings.HasPrefix(string(r), "jwtgrant.") {
		return "token endpoint: 400 invalid_grant (grant) / 401 or 400 invalid_client (client assertion)"
	}
	if strings.HasPrefix(string(r), "mtls.") {
		return "TLS handshake fails / 400 from the middleware"
	}
	switch ClassOf(r) {
	case ClassRequest:
		return "400 / 400"
	case ClassUnavailable:
		return "503 / 503"
	case ClassRateLimited:
		return "429 / 429 (HTTP signatures too)"
	case ClassInternal:
		return "500 / 500"
	}
	return "401 / 400"
}
