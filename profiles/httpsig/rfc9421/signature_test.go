package rfc9421_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/profiles/httpsig/rfc9421"
)

// TestParseSignaturesMultipleLines checks that field lines are combined and
// labels paired whatever their order, and that the parsed values are typed
// and re-serialised canonically (RFC 9421 §3.2 step 7).
func TestParseSignaturesMultipleLines(t *testing.T) {
	h := http.Header{
		"Signature-Input": {
			`sig1=( "@method"   "@path" );created=1618884473;keyid="k1"`,
			`sig2=("@status" "content-digest";req);created=1;expires=2;nonce="n";alg="ed25519";tag="t";x=?1;y=-5;z="s"`,
		},
		"Signature": {`sig2=:AQID:, sig1=:BAUG:;p=1`},
	}
	sigs, err := rfc9421.ParseSignatures(h)
	if err != nil {
		t.Fatal(err)
	}
	if len(sigs) != 2 {
		t.Fatalf("got %d signatures", len(sigs))
	}
	s1, s2 := sigs[0], sigs[1]
	if s1.Label != "sig1" || string(s1.Value) != "\x04\x05\x06" || s2.Label != "sig2" || string(s2.Value) != "\x01\x02\x03" {
		t.Errorf("labels/values: %s %x %s %x", s1.Label, s1.Value, s2.Label, s2.Value)
	}
	if want := `("@method" "@path");created=1618884473;keyid="k1"`; s1.SignatureParams != want {
		t.Errorf("SignatureParams = %s, want %s", s1.SignatureParams, want)
	}
	var names []string
	for _, c := range s2.Components {
		names = append(names, c.String())
	}
	if diff := cmp.Diff([]string{`"@status"`, `"content-digest";req`}, names); diff != "" {
		t.Errorf("components (-want +got):\n%s", diff)
	}
	p := s2.Params
	created, _ := p.Created()
	expires, _ := p.Expires()
	nonce, _ := p.Nonce()
	alg, _ := p.Alg()
	tag, _ := p.Tag()
	x, _ := p.GetBool("x")
	y, _ := p.GetInt("y")
	z, _ := p.GetString("z")
	if created != 1 || expires != 2 || nonce != "n" || alg != "ed25519" || tag != "t" || !x || y != -5 || z != "s" {
		t.Errorf("params: %v", p.List())
	}
	if _, ok := p.KeyID(); ok {
		t.Error("keyid present")
	}
	if _, ok := p.GetString("y"); ok {
		t.Error("GetString on an Integer succeeded")
	}
}

// TestParseSignaturesMalformed derives invalid inputs from a valid baseline.
func TestParseSignaturesMalformed(t *testing.T) {
	baseline := func() http.Header {
		return http.Header{
			"Signature-Input": {`sig1=("@method");created=1`},
			"Signature":       {`sig1=:AQID:`},
		}
	}
	if _, err := rfc9421.ParseSignatures(baseline()); err != nil {
		t.Fatalf("baseline: %v", err)
	}
	tests := []struct {
		name   string
		mutate func(h http.Header)
	}{
		{"input not a dictionary", func(h http.Header) { h["Signature-Input"] = []string{`("@method")`} }},
		{"signature not a dictionary", func(h http.Header) { h["Signature"] = []string{`:AQID:`} }},
		{"label only in input", func(h http.Header) { h["Signature"] = []string{`sig2=:AQID:`} }},
		{"label only in signature", func(h http.Header) { h.Add("Signature", `sig2=:AQID:`) }},
		{"signature field missing", func(h http.Header) { h.Del("Signature") }},
		{"input field missing", func(h http.Header) { h.Del("Signature-Input") }},
		{"duplicate input label across lines", func(h http.Header) { h.Add("Signature-Input", `sig1=();created=2`) }},
		{"duplicate input label in one line", func(h http.Header) {
			h["Signature-Input"] = []string{`sig1=("@method"), sig1=("@path")`}
		}},
		{"duplicate signature label", func(h http.Header) { h["Signature"] = []string{`sig1=:AQID:, sig1=:BAUG:`} }},
		{"input member is an item", func(h http.Header) { h["Signature-Input"] = []string{`sig1="@method"`} }},
		{"signature member is an inner list", func(h http.Header) { h["Signature"] = []string{`sig1=(:AQID:)`} }},
		{"signature member is a string", func(h http.Header) { h["Signature"] = []string{`sig1="AQID"`} }},
		{"component is a token", func(h http.Header) { h["Signature-Input"] = []string{`sig1=(method)`} }},
		{"component is empty", func(h http.Header) { h["Signature-Input"] = []string{`sig1=("")`} }},
		{"created is a string", func(h http.Header) { h["Signature-Input"] = []string{`sig1=();created="1"`} }},
		{"expires is a decimal", func(h http.Header) { h["Signature-Input"] = []string{`sig1=();expires=1.5`} }},
		{"keyid is a token", func(h http.Header) { h["Signature-Input"] = []string{`sig1=();keyid=k`} }},
		{"nonce is bytes", func(h http.Header) { h["Signature-Input"] = []string{`sig1=();nonce=:AQID:`} }},
		{"trailing comma", func(h http.Header) { h["Signature"] = []string{`sig1=:AQID:,`} }},
		{"bad base64", func(h http.Header) { h["Signature"] = []string{`sig1=:A?ID:`} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := baseline()
			tt.mutate(h)
			if _, err := rfc9421.ParseSignatures(h); !errors.Is(err, rfc9421.ErrMalformed) {
				t.Errorf("err = %v, want ErrMalformed", err)
			}
		})
	}
}

// TestParseSignaturesEmpty: no fields, no signatures, no error.
func TestParseSignaturesEmpty(t *testing.T) {
	sigs, err := rfc9421.ParseSignatures(http.Header{})
	if err != nil || len(sigs) != 0 {
		t.Errorf("got %v, %v", sigs, err)
	}
}

// TestForeignSignature checks that a signature covering components this
// package cannot derive does not prevent verifying another one
// (draft-ietf-wimse-http-signature-07: a foreign-tagged signature next to
// the WIMSE one).
func TestForeignSignature(t *testing.T) {
	m := message(t, "wimse-07-fig2.http", "", "https")
	m.Header.Add("Signature-Input", `other=("@foo" "x-thing";tr);created=1;tag="other-protocol"`)
	m.Header.Add("Signature", `other=:AQID:`)
	sigs, err := rfc9421.ParseSignatures(m.Header)
	if err != nil {
		t.Fatal(err)
	}
	if len(sigs) != 2 {
		t.Fatalf("got %d signatures", len(sigs))
	}
	if _, err := sigs[1].Base(m); !errors.Is(err, rfc9421.ErrUnknownComponent) {
		t.Errorf("foreign base: err = %v, want ErrUnknownComponent", err)
	}
	k := loadKey(t, "wimse-07-svc-a.jwk")
	if err := sigs[0].Verify(m, "Ed25519", k.Public); err != nil {
		t.Errorf("WIMSE signature next to a foreign one: %v", err)
	}
}

// TestAddSignature signs a request, attaches the signature next to an
// existing one and verifies it after parsing.
func TestAddSignature(t *testing.T) {
	req, err := http.NewRequest(http.MethodPost, "https://svc.example/items?id=7", nil)
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"a":1}`)
	req.Header.Set("Content-Digest", rfc9421.ContentDigest(body))
	req.Header.Set("Signature-Input", `first=();created=1`)
	req.Header.Set("Signature", `first=:AQID:`)
	cs := []rfc9421.Component{
		rfc9421.MustParseComponent(`"@method"`),
		rfc9421.MustParseComponent(`"@target-uri"`),
		rfc9421.MustParseComponent(`"@query-param";name="id"`),
		rfc9421.MustParseComponent(`"content-digest"`),
	}
	var p rfc9421.Params
	p.SetCreated(1789405135)
	p.SetExpires(1789405435)
	p.SetNonce("n-1")
	p.SetTag("wimse-workload-to-workload")
	p.SetString("wimse-aud", "https://svc.example/items")
	p.SetBool("wimse-sign-response", true)
	sp, err := rfc9421.SignatureParams(cs, p)
	if err != nil {
		t.Fatal(err)
	}
	if want := `("@method" "@target-uri" "@query-param";name="id" "content-digest");created=1789405135;expires=1789405435;nonce="n-1";tag="wimse-workload-to-workload";wimse-aud="https://svc.example/items";wimse-sign-response`; sp != want {
		t.Errorf("SignatureParams = %s\nwant %s", sp, want)
	}
	key := wimsetest.Ed("rfc9421-add")
	base, err := rfc9421.SignatureBase(rfc9421.FromRequest(req, ""), cs, sp)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := rfc9421.Sign(base, rfc9421.AlgEd25519, key)
	if err != nil {
		t.Fatal(err)
	}
	if err := rfc9421.AddSignature(req.Header, "wimse", sp, sig); err != nil {
		t.Fatal(err)
	}
	got := findSignature(t, req.Header, "wimse")
	if err := got.Verify(rfc9421.FromRequest(req, "https"), "EdDSA", key.Public()); err != nil {
		t.Errorf("Verify: %v", err)
	}
	if err := rfc9421.AddSignature(req.Header, "wimse", sp, sig); !errors.Is(err, rfc9421.ErrMalformed) {
		t.Errorf("reused label: err = %v, want ErrMalformed", err)
	}
	if err := rfc9421.AddSignature(req.Header, "Upper", sp, sig); !errors.Is(err, rfc9421.ErrMalformed) {
		t.Errorf("invalid label: err = %v, want ErrMalformed", err)
	}
	if err := rfc9421.AddSignature(req.Header, "x", "not params", sig); !errors.Is(err, rfc9421.ErrMalformed) {
		t.Errorf("invalid params: err = %v, want ErrMalformed", err)
	}
}

// TestParamsOrderAndCopy checks that Set keeps a key's position and that a
// copied Params is independent.
func TestParamsOrderAndCopy(t *testing.T) {
	var p rfc9421.Params
	p.SetKeyID("k")
	p.SetCreated(1)
	p.SetAlg("ed25519")
	q := p
	q.SetKeyID("other")
	q.Delete(rfc9421.ParamAlg)
	p.SetCreated(2)
	cs := []rfc9421.Component{}
	sp, _ := rfc9421.SignatureParams(cs, p)
	sq, _ := rfc9421.SignatureParams(cs, q)
	if sp != `();keyid="k";created=2;alg="ed25519"` || sq != `();keyid="other";created=1` {
		t.Errorf("p = %s, q = %s", sp, sq)
	}
	var bad rfc9421.Params
	bad.SetString("Upper", "x")
	if _, err := rfc9421.SignatureParams(cs, bad); err == nil {
		t.Error("invalid key accepted")
	}
	bad = rfc9421.Params{}
	bad.SetString("s", "é")
	if _, err := rfc9421.SignatureParams(cs, bad); err == nil {
		t.Error("non-ASCII sf-string accepted")
	}
}

// TestFromRequest checks the net/http adapter on both sides.
func TestFromRequest(t *testing.T) {
	// Client side: URL carries scheme and authority.
	r, _ := http.NewRequest("", "HTTPS://Svc.Example:443/a%2Fb?x=1", nil)
	m := rfc9421.FromRequest(r, "")
	got, err := baseLines(t, m, `"@method"`, `"@target-uri"`, `"@authority"`, `"@scheme"`, `"@request-target"`, `"@path"`, `"@query"`)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`"@method": GET`,
		`"@target-uri": https://svc.example/a%2Fb?x=1`,
		`"@authority": svc.example`,
		`"@scheme": https`,
		`"@request-target": /a%2Fb?x=1`,
		`"@path": /a%2Fb`,
		`"@query": ?x=1`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("client side (-want +got):\n%s", diff)
	}
	// Server side: no scheme, raw request line kept; scheme passed in.
	m = message(t, "rfc9421-b2-6.http", "", "")
	if m.Scheme != "http" || m.RequestTarget != "/foo?param=Value&Pet=dog" || m.Authority != "example.com" {
		t.Errorf("server side without scheme: %+v", m)
	}
	m = message(t, "rfc9421-b2-6.http", "", "https")
	if m.Scheme != "https" {
		t.Errorf("scheme = %s", m.Scheme)
	}
	// The Message is a snapshot.
	r.Header.Set("X", "1")
	if m := rfc9421.FromRequest(r, "https"); m.Header.Get("X") != "1" {
		t.Error("header not copied")
	} else if r.Header.Set("X", "2"); m.Header.Get("X") != "1" {
		t.Error("header not cloned")
	}
}
