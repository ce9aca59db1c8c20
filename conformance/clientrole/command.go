package clientrole

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/vectors"
)

// Command is a client under test run as a command, once per client run:
// an argv template whose placeholders the suite fills in. Each argument
// is split like a shell word (single and double quotes group, no other
// shell syntax) before the placeholders are replaced, so values never
// split or inject arguments:
//
//	{{url}}           the absolute URL to call (the scenario's path and query)
//	{{method}}        GET or POST; {{body}} the JSON body, "" for none
//	{{draft}}         wpt-02, wpt-01, http-signature-07 or -06 ("" for mtls)
//	{{wit}} {{key}}   files: the client's WIT, its private JWK (cnf.jwk)
//	{{cert}} {{certKey}} files: the client certificate chain and its key (PEM)
//	{{ca}}            file: the suite's X.509 roots (PEM): the server's CA
//	{{bundle}}        file: the JWK Set of the suite's issuer, which signed the server's WIT
//	{{trustDomain}}   example.org; {{serverId}} the server's Workload Identifier
//	{{signResponse}}  true when the client must require a signed response, else false
//	{{field}}         an argument holding it is repeated for each extra field, "Name: value"
//	                  (dropped when there is none)
//	{{contextField}}  likewise, for each field name the client must bind with oth
//
// The template declares what the client can do: a scenario that needs
// {{body}}, {{field}}, {{contextField}} or {{signResponse}} (and {{bundle}}
// or {{serverId}} with it) is unsupported without them. Exit status 0 means
// the client completed and accepted the answer; anything else that it
// failed or refused it. Files live in a temporary directory removed by
// Close.
type Command struct {
	argv []string
	mu   sync.Mutex
	dir  string
	// written are the credentials the files hold: a run issues its own.
	written *Credentials
}

// NewCommand parses a command template.
func NewCommand(template string) (*Command, error) {
	argv, err := splitWords(template)
	if err != nil {
		return nil, err
	}
	if len(argv) == 0 {
		return nil, errors.New("clientrole: empty client command")
	}
	return &Command{argv: argv}, nil
}

// Supports implements Client: the template's placeholders declare it.
func (c *Command) Supports(capability string) bool {
	has := func(p string) bool {
		for _, a := range c.argv {
			if strings.Contains(a, p) {
				return true
			}
		}
		return false
	}
	switch capability {
	case vectors.CapBody:
		return has("{{body}}")
	case vectors.CapFields:
		return has("{{field}}")
	case vectors.CapContextTokens:
		return has("{{contextField}}")
	case vectors.CapSignedResponse:
		return has("{{signResponse}}") && (has("{{bundle}}") || has("{{ca}}")) && has("{{serverId}}")
	}
	return false
}

// CommandError is a client command that did not exit 0.
type CommandError struct {
	Args   []string
	Code   int
	Output string
	Err    error
}

func (e *CommandError) Error() string { return e.Summary() }

func (e *CommandError) Unwrap() error { return e.Err }

// Summary says how the command ended, with the last line of its output.
func (e *CommandError) Summary() string {
	out := strings.TrimSpace(e.Output)
	if i := strings.LastIndexByte(out, '\n'); i >= 0 {
		out = out[i+1:]
	}
	if len(out) > 200 {
		out = out[:200] + "…"
	}
	how := "exit " + strconv.Itoa(e.Code)
	if e.Code < 0 {
		how = e.Err.Error()
	}
	if out == "" {
		return how
	}
	return how + ": " + out
}

// Call implements Client.
func (c *Command) Call(ctx context.Context, call *Call) error {
	if err := c.files(call.Credentials); err != nil {
		return err
	}
	args := c.render(call)
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	if err == nil {
		return nil
	}
	ce := &CommandError{Args: args, Code: -1, Output: out.String(), Err: err}
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() >= 0 {
		ce.Code = ee.ExitCode()
	}
	return ce
}

// files writes the credential files of cr unless they hold them already.
func (c *Command) files(cr *Credentials) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.written == cr {
		return nil
	}
	if c.dir == "" {
		dir, err := os.MkdirTemp("", "wimse-client-role-")
		if err != nil {
			return err
		}
		c.dir = dir
	}
	if err := WriteCredentials(c.dir, cr); err != nil {
		return err
	}
	c.written = cr
	return nil
}

// Close removes the credential files.
func (c *Command) Close() error {
	if c.dir == "" {
		return nil
	}
	return os.RemoveAll(c.dir)
}

func (c *Command) render(call *Call) []string {
	vals := map[string]string{
		"{{url}}": call.URL, "{{method}}": call.Method, "{{body}}": call.Body, "{{draft}}": call.Draft,
		"{{wit}}": filepath.Join(c.dir, "client.wit"), "{{key}}": filepath.Join(c.dir, "client.jwk"),
		"{{cert}}": filepath.Join(c.dir, "client.pem"), "{{certKey}}": filepath.Join(c.dir, "client.key"),
		"{{ca}}": filepath.Join(c.dir, "ca.pem"), "{{bundle}}": filepath.Join(c.dir, "bundle.jwks"),
		"{{trustDomain}}": vectors.TrustDomain, "{{serverId}}": call.Credentials.ServerID.String(),
		"{{signResponse}}": strconv.FormatBool(call.SignResponse),
	}
	var out []string
	for _, a := range c.argv {
		var repeat []string
		switch {
		case strings.Contains(a, "{{field}}"):
			for _, f := range call.Fields {
				repeat = append(repeat, strings.ReplaceAll(a, "{{field}}", f[0]+": "+f[1]))
			}
		case strings.Contains(a, "{{contextField}}"):
			for _, f := range call.ContextTokens {
				repeat = append(repeat, strings.ReplaceAll(a, "{{contextField}}", f))
			}
		default:
			repeat = []string{a}
		}
		for _, r := range repeat {
			for k, v := range vals {
				r = strings.ReplaceAll(r, k, v)
			}
			out = append(out, r)
		}
	}
	return out
}

// WriteCredentials writes the files a client command is given into dir
// (which must exist): client.wit, client.jwk (the private cnf.jwk),
// client.pem and client.key (the client certificate chain and its PKCS #8
// key), ca.pem (the suite's X.509 roots) and bundle.jwks (the suite's
// issuer keys, which signed the server's WIT). Test keys only.
func WriteCredentials(dir string, cr *Credentials) error {
	key, err := jose.PrivateJWKJSON(cr.Key, cr.Alg, "")
	if err != nil {
		return err
	}
	var chain, roots bytes.Buffer
	for _, der := range cr.Certificate.Certificate {
		_ = pem.Encode(&chain, &pem.Block{Type: "CERTIFICATE", Bytes: der})
	}
	for _, r := range cr.ServerRoots {
		_ = pem.Encode(&roots, &pem.Block{Type: "CERTIFICATE", Bytes: r.Raw})
	}
	pk, err := x509.MarshalPKCS8PrivateKey(cr.Certificate.PrivateKey)
	if err != nil {
		return err
	}
	var keys []map[string]any
	if a, ok := cr.ServerTrust.Anchors(cr.ServerID.TrustDomain()); ok {
		for _, k := range a.Keys {
			jwk, err := jose.PublicJWKJSON(k.Public, k.Algorithm, k.KeyID)
			if err != nil {
				return err
			}
			keys = append(keys, jwk)
		}
	}
	bundle, err := json.Marshal(map[string]any{"keys": keys})
	if err != nil {
		return err
	}
	for name, b := range map[string][]byte{
		"client.wit": []byte(cr.WIT + "\n"), "client.jwk": key, "client.pem": chain.Bytes(),
		"client.key": pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk}), "ca.pem": roots.Bytes(), "bundle.jwks": bundle,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// splitWords splits a command template like a shell would split plain
// words: blanks separate, single quotes keep everything, double quotes
// keep everything but \" and \\, a backslash outside quotes escapes the
// next character.
func splitWords(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	in, quote := false, byte(0)
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case quote == '\'':
			if ch == '\'' {
				quote = 0
			} else {
				cur.WriteByte(ch)
			}
		case quote == '"':
			switch {
			case ch == '"':
				quote = 0
			case ch == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\'):
				i++
				cur.WriteByte(s[i])
			default:
				cur.WriteByte(ch)
			}
		case ch == '\'' || ch == '"':
			quote, in = ch, true
		case ch == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			in = true
		case ch == ' ' || ch == '\t' || ch == '\n':
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(ch)
			in = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("clientrole: unterminated %c quote in the client command", quote)
	}
	if in {
		out = append(out, cur.String())
	}
	return out, nil
}

// capabilityHint names what a client declares to support a capability.
func capabilityHint(capability string) string {
	switch capability {
	case vectors.CapBody:
		return "{{body}} (the method and JSON body to send)"
	case vectors.CapFields:
		return "{{field}} (extra request fields to add)"
	case vectors.CapContextTokens:
		return "{{contextField}} (fields to bind with oth)"
	case vectors.CapSignedResponse:
		return "{{signResponse}} with {{bundle}} or {{ca}} and {{serverId}} (requiring and verifying a signed response)"
	}
	return capability
}
