package htmsigpeer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/lestrrat-go/htmsig/component"
	"github.com/lestrrat-go/htmsig/input"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws/jwsbb"
	"github.com/lestrrat-go/sfv"

	"github.com/wimse-wg/wimse/interop/peers/jwxpeer"
)

// Tag identifies the WIMSE signature (-07 §3.3).
const Tag = "wimse-workload-to-workload"

// message is what component values are taken from: a request, or a
// response with the request it answers.
type message struct {
	method, path, rawQuery string
	// authority is the target URI's host[:port], lowercased (RFC 9421
	// §2.2.3): the URL's host on the client, Host on the server.
	authority string
	header    http.Header
	status    int      // responses only
	req       *message // responses only
}

func requestMessage(r *http.Request) *message {
	host := r.URL.Host
	if host == "" {
		host = r.Host
	}
	return &message{method: r.Method, path: r.URL.EscapedPath(), rawQuery: r.URL.RawQuery,
		authority: strings.ToLower(host), header: r.Header}
}

// value is the component value of c (RFC 9421 §2.1, §2.2).
func (m *message) value(c component.Identifier) (string, error) {
	src := m
	if c.HasParameter("req") {
		if m.req == nil {
			return "", errors.New(";req outside a response")
		}
		src = m.req
	}
	for _, p := range c.Parameters() {
		if p != "req" {
			return "", fmt.Errorf("component parameter ;%s is not supported", p)
		}
	}
	name := c.Name()
	switch name {
	case "@method":
		return src.method, nil
	case "@path":
		if src.path == "" {
			return "/", nil
		}
		return src.path, nil
	case "@query":
		return "?" + src.rawQuery, nil
	case "@authority":
		return src.authority, nil
	case "@request-target":
		// RFC 9421 §2.2.5 (http-signature-06 peers; -07 no longer covers it).
		p := src.path
		if p == "" {
			p = "/"
		}
		if src.rawQuery != "" {
			p += "?" + src.rawQuery
		}
		return p, nil
	case "@status":
		if c.HasParameter("req") || m.req == nil {
			return "", errors.New("@status outside a response")
		}
		return strconv.Itoa(m.status), nil
	}
	if strings.HasPrefix(name, "@") {
		// Other derived components through htmsig.
		ctx := component.WithRequestInfo(context.Background(), src.header, src.method, "", "", src.path, src.rawQuery, "")
		return component.Resolve(ctx, c)
	}
	vals := src.header.Values(name)
	if len(vals) == 0 {
		return "", fmt.Errorf("covered field %q is absent", name)
	}
	for i, v := range vals {
		vals[i] = strings.Trim(v, " \t")
	}
	return strings.Join(vals, ", "), nil
}

// signatureBase is RFC 9421 §2.5 with params, the serialized inner list of
// Signature-Input, as the @signature-params value.
func signatureBase(m *message, def *input.Definition, params string) ([]byte, error) {
	var b bytes.Buffer
	seen := map[string]bool{}
	for _, c := range def.Components() {
		id, err := c.MarshalSFV()
		if err != nil {
			return nil, err
		}
		if seen[string(id)] {
			return nil, fmt.Errorf("component %s covered twice", id)
		}
		seen[string(id)] = true
		v, err := m.value(c)
		if err != nil {
			return nil, err
		}
		if strings.ContainsAny(v, "\r\n") {
			return nil, fmt.Errorf("component %s has a line break", id)
		}
		fmt.Fprintf(&b, "%s: %s\n", id, v)
	}
	fmt.Fprintf(&b, "\"@signature-params\": %s", params)
	for _, r := range b.Bytes() {
		if r > 0x7e {
			return nil, errors.New("signature base is not ASCII")
		}
	}
	return b.Bytes(), nil
}

// sign signs base with the private key for the JWS algorithm alg (RFC 9421
// §3.3.7).
func sign(key jwk.Key, alg string, base []byte) ([]byte, error) {
	var raw any
	if err := jwk.Export(key, &raw); err != nil {
		return nil, err
	}
	return jwsbb.Sign(raw, alg, base, nil)
}

// verify checks sig over base with the public key for alg.
func verify(key jwk.Key, alg string, base, sig []byte) error {
	var raw any
	if err := jwk.Export(key, &raw); err != nil {
		return err
	}
	if err := jwxpeer.FitsAlg(raw, alg); err != nil {
		return err
	}
	return jwsbb.Verify(raw, alg, base, sig)
}

// ContentDigest is the RFC 9530 Content-Digest field value, sha-256.
func ContentDigest(body []byte) string {
	sum := sha256.Sum256(body)
	return "sha-256=:" + base64.StdEncoding.EncodeToString(sum[:]) + ":"
}

// checkDigest recomputes Content-Digest over body (RFC 9530): every
// sha-256 or sha-512 member must match, and there must be one; members of
// other algorithms are ignored.
func checkDigest(h http.Header, body []byte) error {
	vals := h.Values("Content-Digest")
	if len(vals) == 0 {
		return errors.New("a body without Content-Digest")
	}
	d, err := sfv.ParseDictionary([]byte(strings.Join(vals, ", ")))
	if err != nil {
		return fmt.Errorf("content-digest: %w", err)
	}
	checked := 0
	for _, alg := range []string{"sha-256", "sha-512"} {
		var entry any
		if err := d.GetValue(alg, &entry); err != nil {
			continue
		}
		got, err := byteSequence(entry)
		if err != nil {
			return fmt.Errorf("content-digest %s: %w", alg, err)
		}
		var want []byte
		if alg == "sha-256" {
			sum := sha256.Sum256(body)
			want = sum[:]
		} else {
			sum := sha512.Sum512(body)
			want = sum[:]
		}
		if !bytes.Equal(got, want) {
			return fmt.Errorf("content-digest %s does not match the body", alg)
		}
		checked++
	}
	if checked == 0 {
		return errors.New("content-digest has neither sha-256 nor sha-512")
	}
	return nil
}

func byteSequence(entry any) ([]byte, error) {
	var out []byte
	switch v := entry.(type) {
	case sfv.Item:
		if err := v.GetValue(&out); err != nil {
			return nil, err
		}
	case sfv.BareItem:
		if v.Type() != sfv.ByteSequenceType {
			return nil, errors.New("not a byte sequence")
		}
		if err := v.GetValue(&out); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("unexpected %T", entry)
	}
	return out, nil
}

// signature is one parsed signature of a message.
type signature struct {
	label  string
	def    *input.Definition
	params string // the serialized inner list, as in Signature-Input
	value  []byte
}

// wimseSignature parses Signature-Input and Signature and returns the one
// signature tagged Tag (-07 §3.3: select by tag, never by label; two with
// the tag: reject). found is false when there is none.
func wimseSignature(h http.Header) (sig *signature, found bool, err error) {
	si := h.Values("Signature-Input")
	if len(si) == 0 {
		return nil, false, nil
	}
	raw := []byte(strings.Join(si, ", "))
	dict, err := sfv.ParseDictionary(raw)
	if err != nil {
		return nil, false, fmt.Errorf("signature-input: %w", err)
	}
	if err := checkParamTypes(dict); err != nil {
		return nil, false, fmt.Errorf("signature-input: %w", err)
	}
	parsed, err := parseInput(raw)
	if err != nil {
		return nil, false, fmt.Errorf("signature-input: %w", err)
	}
	for _, def := range parsed.Definitions() {
		if tag, ok := def.Tag(); !ok || tag != Tag {
			continue
		}
		if sig != nil {
			return nil, true, errors.New("two signatures carry the WIMSE tag")
		}
		var list sfv.InnerList
		if err := dict.GetValue(def.Label(), &list); err != nil {
			return nil, true, fmt.Errorf("signature-input %s: %w", def.Label(), err)
		}
		var buf bytes.Buffer
		enc := sfv.NewEncoder(&buf)
		enc.SetParameterSpacing("")
		if err := enc.Encode(&list); err != nil {
			return nil, true, err
		}
		sig = &signature{label: def.Label(), def: def, params: buf.String()}
	}
	if sig == nil {
		return nil, false, nil
	}
	sd, err := sfv.ParseDictionary([]byte(strings.Join(h.Values("Signature"), ", ")))
	if err != nil {
		return nil, true, fmt.Errorf("signature: %w", err)
	}
	var entry any
	if err := sd.GetValue(sig.label, &entry); err != nil {
		return nil, true, fmt.Errorf("signature has no %q", sig.label)
	}
	if sig.value, err = byteSequence(entry); err != nil {
		return nil, true, fmt.Errorf("signature %s: %w", sig.label, err)
	}
	return sig, true, nil
}

// stringParam reads a string parameter of the definition.
func stringParam(def *input.Definition, name string) (string, bool) {
	var s string
	if err := def.GetParameter(name, &s); err != nil {
		return "", false
	}
	return s, true
}

func boolParam(def *input.Definition, name string) bool {
	var b bool
	return def.GetParameter(name, &b) == nil && b
}

// covers reports whether the definition covers the component name (with
// or without ;req as asked).
func covers(def *input.Definition, name string, req bool) bool {
	for _, c := range def.Components() {
		if c.Name() == name && c.HasParameter("req") == req {
			return true
		}
	}
	return false
}

// paramTypes are the RFC 9421 §2.3 and -07 §3.4 parameter types.
var paramTypes = map[string]int{
	"created": sfv.IntegerType, "expires": sfv.IntegerType,
	"keyid": sfv.StringType, "alg": sfv.StringType, "nonce": sfv.StringType, "tag": sfv.StringType,
	"wimse-aud": sfv.StringType, "wimse-req-nonce": sfv.StringType, "wimse-sign-response": sfv.BooleanType,
}

// checkParamTypes refuses a signature whose known parameters have the wrong
// type: htmsig v1.0.0's input.Parse panics on them (created="1", nonce=1).
func checkParamTypes(dict *sfv.Dictionary) error {
	for _, label := range dict.Keys() {
		var list sfv.InnerList
		if err := dict.GetValue(label, &list); err != nil {
			return fmt.Errorf("%s is not an inner list", label)
		}
		params := list.Parameters()
		if params == nil {
			continue
		}
		for _, name := range params.Keys() {
			want, known := paramTypes[name]
			if v, ok := params.Values[name]; known && ok && v.Type() != want {
				return fmt.Errorf("%s: parameter %s has the wrong type", label, name)
			}
		}
	}
	return nil
}

// parseInput is htmsig's input.Parse, with a panic turned into an error.
func parseInput(raw []byte) (v *input.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			v, err = nil, fmt.Errorf("htmsig: %v", r)
		}
	}()
	return input.Parse(raw)
}
