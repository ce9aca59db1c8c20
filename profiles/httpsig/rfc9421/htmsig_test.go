package rfc9421_test

// Cross-checks with github.com/lestrrat-go/htmsig v1.0.0, an independent
// RFC 9421 implementation, over the components both implement: @method,
// @target-uri, @authority, @path, @query, single-valued fields, @status and
// ";req" on derived components of responses. (htmsig lacks @request-target,
// signs only the first line of a multi-valued field, decodes @path, and
// takes ";req" fields from the response: those are not compared.)

import (
	"context"
	"crypto"
	"crypto/elliptic"
	"net/http"
	"testing"

	"github.com/lestrrat-go/htmsig"
	"github.com/lestrrat-go/htmsig/component"
	"github.com/lestrrat-go/htmsig/input"

	"github.com/wimse-wg/wimse/internal/wimsetest"
	"github.com/wimse-wg/wimse/profiles/httpsig/rfc9421"
)

const (
	crossCreated = 1789405135
	crossExpires = 1789405435
)

type crossKey struct {
	alg string // RFC 9421 name, sent as alg so htmsig picks it
	key crypto.Signer
}

func crossKeys(t *testing.T) []crossKey {
	return []crossKey{
		{rfc9421.AlgEd25519, wimsetest.Ed("htmsig")},
		{rfc9421.AlgECDSAP256SHA256, wimsetest.EC(t, elliptic.P256(), "htmsig")},
	}
}

// crossRequest is a client-side request whose components both libraries
// derive the same way (no percent-encoding in the path, a query present,
// a lower-case authority without port).
func crossRequest(t *testing.T) *http.Request {
	t.Helper()
	body := []byte(`{"flavor":"vanilla","amount":1}`)
	r, err := http.NewRequest(http.MethodPost, "https://svcc.example.com/inventory/cones?flavor=vanilla&n=1", nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Content-Digest", rfc9421.ContentDigest(body))
	r.Header.Set("Workload-Identity-Token", "eyJhbGciOiJFZDI1NTE5In0.e30.c2ln")
	return r
}

func crossResponseHeader() http.Header {
	body := []byte(`{"error":"out_of_stock"}`)
	return http.Header{
		"Content-Type":   {"application/json"},
		"Content-Digest": {rfc9421.ContentDigest(body)},
	}
}

var (
	crossRequestIDs = []string{`"@method"`, `"@target-uri"`, `"@authority"`, `"@path"`, `"@query"`,
		`"content-type"`, `"content-digest"`, `"workload-identity-token"`}
	crossResponseIDs = []string{`"@status"`, `"content-type"`, `"content-digest"`,
		`"@method";req`, `"@target-uri";req`, `"@authority";req`, `"@path";req`, `"@query";req`}
)

func htmsigRequestComponents() []component.Identifier {
	return []component.Identifier{component.Method(), component.TargetURI(), component.Authority(),
		component.New("@path"), component.New("@query"),
		component.New("content-type"), component.New("content-digest"), component.New("workload-identity-token")}
}

func htmsigResponseComponents() []component.Identifier {
	req := func(c component.Identifier) component.Identifier { return c.WithParameter("req", true) }
	return []component.Identifier{component.Status(), component.New("content-type"), component.New("content-digest"),
		req(component.Method()), req(component.TargetURI()), req(component.Authority()),
		req(component.New("@path")), req(component.New("@query"))}
}

// crossParams are the parameters in the order htmsig serialises them.
func crossParams(alg string) rfc9421.Params {
	var p rfc9421.Params
	p.SetCreated(crossCreated)
	p.SetExpires(crossExpires)
	p.SetKeyID("k1")
	p.SetAlg(alg)
	p.SetNonce("abcd3333")
	p.SetTag("wimse-workload-to-workload")
	return p
}

func htmsigDefinition(alg string, cs []component.Identifier) *input.Value {
	def := input.NewDefinitionBuilder().Label("sig1").Components(cs...).
		Created(crossCreated).Expires(crossExpires).KeyID("k1").Algorithm(alg).
		Nonce("abcd3333").Tag("wimse-workload-to-workload").MustBuild()
	return input.NewValueBuilder().AddDefinition(def).MustBuild()
}

// ourSign signs m with our package and attaches the signature to h.
func ourSign(t *testing.T, m rfc9421.Message, h http.Header, ids []string, k crossKey) {
	t.Helper()
	cs := make([]rfc9421.Component, len(ids))
	for i, id := range ids {
		cs[i] = rfc9421.MustParseComponent(id)
	}
	sp, err := rfc9421.SignatureParams(cs, crossParams(k.alg))
	if err != nil {
		t.Fatal(err)
	}
	base, err := rfc9421.SignatureBase(m, cs, sp)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := rfc9421.Sign(base, k.alg, k.key)
	if err != nil {
		t.Fatal(err)
	}
	if err := rfc9421.AddSignature(h, "sig1", sp, sig); err != nil {
		t.Fatal(err)
	}
}

// TestHTMSIGVerifiesOurRequestSignature: our Sign, htmsig's VerifyRequest.
func TestHTMSIGVerifiesOurRequestSignature(t *testing.T) {
	for _, k := range crossKeys(t) {
		t.Run(k.alg, func(t *testing.T) {
			r := crossRequest(t)
			ourSign(t, rfc9421.FromRequest(r, "https"), r.Header, crossRequestIDs, k)
			ctx := component.WithRequestInfoFromHTTP(context.Background(), r)
			if err := htmsig.VerifyRequest(ctx, r.Header, k.key.Public()); err != nil {
				t.Fatalf("htmsig.VerifyRequest: %v", err)
			}
			r.Header.Set("Content-Type", "text/plain")
			ctx = component.WithRequestInfoFromHTTP(context.Background(), r)
			if err := htmsig.VerifyRequest(ctx, r.Header, k.key.Public()); err == nil {
				t.Error("htmsig verified a tampered request")
			}
		})
	}
}

// TestWeVerifyHTMSIGRequestSignature: htmsig's SignRequest, our Verify.
func TestWeVerifyHTMSIGRequestSignature(t *testing.T) {
	for _, k := range crossKeys(t) {
		t.Run(k.alg, func(t *testing.T) {
			r := crossRequest(t)
			ctx := component.WithRequestInfoFromHTTP(context.Background(), r)
			if err := htmsig.SignRequest(ctx, r.Header, htmsigDefinition(k.alg, htmsigRequestComponents()), k.key); err != nil {
				t.Fatal(err)
			}
			s := findSignature(t, r.Header, "sig1")
			m := rfc9421.FromRequest(r, "https")
			if err := s.Verify(m, k.alg, k.key.Public()); err != nil {
				t.Fatalf("Verify(htmsig signature): %v\nSignature-Input: %s", err, r.Header.Get("Signature-Input"))
			}
			ids := make([]string, len(s.Components))
			for i, c := range s.Components {
				ids[i] = c.String()
			}
			if len(ids) != len(crossRequestIDs) {
				t.Errorf("htmsig covered %v", ids)
			}
		})
	}
}

// TestHTMSIGVerifiesOurResponseSignature: our Sign of a response with
// ";req" components, htmsig's VerifyResponse.
func TestHTMSIGVerifiesOurResponseSignature(t *testing.T) {
	for _, k := range crossKeys(t) {
		t.Run(k.alg, func(t *testing.T) {
			r := crossRequest(t)
			h := crossResponseHeader()
			ourSign(t, rfc9421.FromResponse(409, h, rfc9421.FromRequest(r, "https")), h, crossResponseIDs, k)
			ctx := component.WithResponseInfo(context.Background(), h, 409, component.RequestInfoFromHTTP(r))
			if err := htmsig.VerifyResponse(ctx, h, k.key.Public()); err != nil {
				t.Fatalf("htmsig.VerifyResponse: %v", err)
			}
			r.Method = http.MethodPut // the response no longer answers this request
			ctx = component.WithResponseInfo(context.Background(), h, 409, component.RequestInfoFromHTTP(r))
			if err := htmsig.VerifyResponse(ctx, h, k.key.Public()); err == nil {
				t.Error("htmsig verified a response bound to another request")
			}
		})
	}
}

// TestWeVerifyHTMSIGResponseSignature: htmsig's SignResponse, our Verify.
func TestWeVerifyHTMSIGResponseSignature(t *testing.T) {
	for _, k := range crossKeys(t) {
		t.Run(k.alg, func(t *testing.T) {
			r := crossRequest(t)
			h := crossResponseHeader()
			ctx := component.WithResponseInfo(context.Background(), h, 409, component.RequestInfoFromHTTP(r))
			if err := htmsig.SignResponse(ctx, h, htmsigDefinition(k.alg, htmsigResponseComponents()), k.key); err != nil {
				t.Fatal(err)
			}
			s := findSignature(t, h, "sig1")
			m := rfc9421.FromResponse(409, h, rfc9421.FromRequest(r, "https"))
			if err := s.Verify(m, k.alg, k.key.Public()); err != nil {
				t.Fatalf("Verify(htmsig signature): %v\nSignature-Input: %s", err, h.Get("Signature-Input"))
			}
			m = rfc9421.FromResponse(200, h, rfc9421.FromRequest(r, "https"))
			if err := s.Verify(m, k.alg, k.key.Public()); err == nil {
				t.Error("verified with another status")
			}
		})
	}
}

// TestHTMSIGEd25519Vector checks that htmsig reproduces RFC 9421 B.2.6 from
// our parsed message, so both implementations agree on a published vector.
func TestHTMSIGEd25519Vector(t *testing.T) {
	raw := readMessage(t, "rfc9421-b2-6.http")
	r := raw.req
	r.URL.Scheme, r.URL.Host = "https", r.Host
	k := loadKey(t, "test-key-ed25519.pem")
	ctx := component.WithRequestInfoFromHTTP(context.Background(), r)
	if err := htmsig.VerifyRequest(ctx, r.Header, k.Public); err != nil {
		t.Fatalf("htmsig.VerifyRequest(B.2.6): %v", err)
	}
	// And the signature htmsig produces is ours.
	h := r.Header.Clone()
	h.Del("Signature")
	h.Del("Signature-Input")
	def := input.NewDefinitionBuilder().Label("sig-b26").
		Components(component.New("date"), component.Method(), component.New("@path"), component.Authority(),
			component.New("content-type"), component.New("content-length")).
		Created(1618884473).KeyID("test-key-ed25519").MustBuild()
	ctx = component.WithRequestInfo(context.Background(), h, r.Method, "https", r.Host, r.URL.Path, r.URL.RawQuery, "")
	if err := htmsig.SignRequest(ctx, h, input.NewValueBuilder().AddDefinition(def).MustBuild(), k.Private); err != nil {
		t.Fatal(err)
	}
	got := findSignature(t, h, "sig-b26")
	want := findSignature(t, r.Header, "sig-b26")
	if string(got.Value) != string(want.Value) || got.SignatureParams != want.SignatureParams {
		t.Errorf("htmsig B.2.6: %s %x, want %s %x", got.SignatureParams, got.Value, want.SignatureParams, want.Value)
	}
}
