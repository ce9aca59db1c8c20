package clientrole_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/conformance/clientrole"
	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/internal/mutant"
	"github.com/wimse-wg/wimse/vectors"
	"github.com/wimse-wg/wimse/wimse"
)

// helperEnv makes the test binary a client command: it reads the flags a
// full template gives it and calls with InProcess, the mutant named by
// helperMutant switched on; exit 0 when the call succeeded, 1 otherwise.
const (
	helperEnv    = "CLIENTROLE_TEST_CLIENT"
	helperMutant = "CLIENTROLE_TEST_MUTANT"
)

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) == "1" {
		if err := helperClient(os.Args[1:]); err != nil {
			fmt.Fprintln(os.Stderr, "client:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

// fullTemplate uses every placeholder: the command supports every
// capability.
const fullTemplate = " --url {{url}} --method {{method}} --body {{body}} --draft {{draft}} --wit {{wit}} --key {{key}}" +
	" --cert {{cert}} --cert-key {{certKey}} --ca {{ca}} --bundle {{bundle}} --server-id {{serverId}} --sign-response={{signResponse}}" +
	" --header={{field}} --context-field={{contextField}}"

func helperClient(args []string) error {
	fs := flag.NewFlagSet("client", flag.ContinueOnError)
	url, method, body, draft := fs.String("url", "", ""), fs.String("method", "GET", ""), fs.String("body", "", ""), fs.String("draft", "", "")
	witFile, keyFile, certFile, certKey, caFile, bundle := fs.String("wit", "", ""), fs.String("key", "", ""), fs.String("cert", "", ""), fs.String("cert-key", "", ""), fs.String("ca", "", ""), fs.String("bundle", "", "")
	serverID, signResponse := fs.String("server-id", "", ""), fs.Bool("sign-response", false, "")
	var headers, contextFields multi
	fs.Var(&headers, "header", "")
	fs.Var(&contextFields, "context-field", "")
	if err := fs.Parse(args); err != nil {
		return err
	}
	read := func(p string) []byte {
		b, err := os.ReadFile(p)
		if err != nil {
			panic(err)
		}
		return b
	}
	key, alg, _, err := jose.ParsePrivateJWK(read(*keyFile))
	if err != nil {
		return err
	}
	id := wimse.MustParseID(*serverID)
	keys, err := wimse.ParseJWKSet(read(*bundle))
	if err != nil {
		return err
	}
	var roots []*x509.Certificate
	for rest := read(*caFile); ; {
		var blk *pem.Block
		if blk, rest = pem.Decode(rest); blk == nil {
			break
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return err
		}
		roots = append(roots, c)
	}
	trust := wimse.NewTrustStore()
	trust.Set(id.TrustDomain(), wimse.Anchors{Keys: keys, X509Roots: roots})
	cert, err := tls.LoadX509KeyPair(*certFile, *certKey)
	if err != nil {
		return err
	}
	call := &clientrole.Call{Profile: vectors.ClientProfileWPT, Draft: *draft, URL: *url, Method: *method, Body: *body,
		ContextTokens: contextFields, SignResponse: *signResponse,
		Credentials: &clientrole.Credentials{WIT: strings.TrimSpace(string(read(*witFile))), Key: key, Alg: alg, Certificate: cert,
			ServerID: id, ServerTrust: trust, ServerRoots: roots}}
	if *draft == "" {
		call.Profile = vectors.ClientProfileMTLS
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		call.Fields = append(call.Fields, [2]string{k, v})
	}
	var m *mutant.Set
	if name := os.Getenv(helperMutant); name != "" {
		m = mutant.New(name)
	}
	return clientrole.InProcess{Mutants: m}.Call(context.Background(), call)
}

// TestCommandClient: the suite runs a client command (this test binary,
// holding our transports) once per scenario: with every placeholder in
// its template, every scenario is supported and passes, the refusals
// among them detected through the command's exit status alone; with a
// response-side mutant, the scenario that needs the refusal fails.
func TestCommandClient(t *testing.T) {
	t.Setenv(helperEnv, "1")
	cmd, err := clientrole.NewCommand(os.Args[0] + fullTemplate)
	if err != nil {
		t.Fatal(err)
	}
	defer cmd.Close()
	for _, p := range clientrole.Plays {
		t.Run(p.Profile+"/"+p.Draft, func(t *testing.T) {
			rep := run(t, clientrole.Config{Profile: p.Profile, Draft: p.Draft, Client: cmd, Strict: true, Now: nowReal})
			for _, res := range rep.Results {
				if res.Status != conformance.StatusPass {
					t.Errorf("%s: %s: %s (%s)", res.ID, res.Status, res.Message, res.Observed.Detail)
				}
			}
			t.Log(rep.SummaryLine())
		})
	}
	t.Setenv(helperMutant, "client.sig.response_unsigned")
	rep := run(t, clientrole.Config{Profile: vectors.ClientProfileHTTPSig, Client: cmd, Now: nowReal,
		IDs: []string{"client-sig-signed-response", "client-sig-response-unsigned"}})
	got := map[string]conformance.Status{}
	for _, res := range rep.Results {
		got[res.ID] = res.Status
	}
	if got["client-sig-signed-response"] != conformance.StatusPass || got["client-sig-response-unsigned"] != conformance.StatusFail {
		t.Errorf("a client accepting unsigned responses: %v, want the source to pass and the refusal to fail", got)
	}
}

// TestCommandSupports: the template's placeholders declare what the
// client can do; scenarios beyond it are unsupported.
func TestCommandSupports(t *testing.T) {
	cmd, err := clientrole.NewCommand(`client --url {{url}} --body {{body}} "--note=a b"`)
	if err != nil {
		t.Fatal(err)
	}
	for capability, want := range map[string]bool{vectors.CapBody: true, vectors.CapFields: false, vectors.CapContextTokens: false, vectors.CapSignedResponse: false} {
		if cmd.Supports(capability) != want {
			t.Errorf("Supports(%s) = %v, want %v", capability, !want, want)
		}
	}
	if _, err := clientrole.NewCommand(`client 'unterminated`); err == nil {
		t.Error("an unterminated quote is accepted")
	}
}

// nowReal is the clock of runs with a client in another process, which
// mints its proofs at its own time: every time is relative to it.
var nowReal = time.Now
