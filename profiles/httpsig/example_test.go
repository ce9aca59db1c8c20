package httpsig_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/wimse-wg/wimse/profiles/httpsig"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/wimse"
)

// A client signs its request with its WIT key and asks for a signed
// response; the server verifies the request and signs its answer with its
// own WIT key; the client's transport checks that signature and that the
// server it expects made it.
func Example() {
	issuer, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	store := wimse.NewTrustStore()
	store.Set(wimse.MustParseTrustDomain("example.org"), wimse.Anchors{Keys: []wimse.IssuerKey{{KeyID: "k1", Public: issuer.Public()}}})
	signer := func(sub string) *httpsig.Signer {
		key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		token, _ := (&wit.Signer{Key: issuer, KeyID: "k1"}).Sign(wit.Claims{
			Subject: wimse.MustParseID(sub), Expiry: time.Now().Add(time.Hour), Key: key.Public(),
		})
		return &httpsig.Signer{WIT: token, Key: key, Alg: "ES256"}
	}

	var srv *httptest.Server
	v := &httpsig.Verifier{
		Trust:    store,
		Policy:   wimse.Policy{MaxWPTLifetime: 2 * time.Minute}, // one policy: the WIT and the signature
		Replay:   wimse.NewMemoryReplayCache(0),
		Audience: func(r *http.Request) (string, error) { return srv.URL + r.URL.EscapedPath(), nil },
		Scheme:   "http",
	}
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := httpsig.PeerFromContext(r.Context())
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintf(w, "hello %s (%s)", p.ID, p.Revision)
	})
	srv = httptest.NewServer(v.Middleware(signer("wimse://example.org/svc/server"), false, nil)(app))
	defer srv.Close()

	c := &http.Client{Transport: &httpsig.Transport{
		Signer:                signer("wimse://example.org/svc/client"),
		RequireSignedResponse: true,
		Responses:             &wit.Verifier{Trust: store},
		Responder:             httpsig.AuthorizeID(wimse.MustParseID("wimse://example.org/svc/server")),
	}}
	resp, err := c.Post(srv.URL+"/orders", "application/json", strings.NewReader(`{"item":1}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(b))
	responder, _ := httpsig.ResponderFromResponse(resp)
	fmt.Println("signed by:", responder.ID)
	// Output:
	// 200 hello wimse://example.org/svc/client (http-signature-07)
	// signed by: wimse://example.org/svc/server
}

// exampleSigner returns a trust store trusting one issuer for example.org
// and a Signer holding a WIT that issuer minted for sub.
func exampleSigner(sub string) (*wimse.TrustStore, *httpsig.Signer) {
	issuer, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	store := wimse.NewTrustStore()
	store.Set(wimse.MustParseTrustDomain("example.org"), wimse.Anchors{Keys: []wimse.IssuerKey{{KeyID: "k1", Public: issuer.Public()}}})
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	token, _ := (&wit.Signer{Key: issuer, KeyID: "k1"}).Sign(wit.Claims{
		Subject: wimse.MustParseID(sub), Expiry: time.Now().Add(time.Hour), Key: key.Public(),
	})
	return store, &httpsig.Signer{WIT: token, Key: key, Alg: "ES256"}
}

// The client half: Transport signs every request with the workload's WIT
// key (http-signature-07 by default), the WIT travelling beside it.
func ExampleTransport() {
	_, signer := exampleSigner("wimse://example.org/svc/client")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "Signature-Input:", r.Header.Get("Signature-Input") != "")
		fmt.Fprintln(w, "Content-Digest:", r.Header.Get("Content-Digest"))
		fmt.Fprintln(w, "Workload-Identity-Token:", r.Header.Get("Workload-Identity-Token") == signer.WIT)
	}))
	defer srv.Close()

	c := &http.Client{Transport: &httpsig.Transport{Signer: signer}}
	resp, err := c.Post(srv.URL+"/orders", "application/json", strings.NewReader(`{"item":1}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	fmt.Print(string(b))
	// Output:
	// Signature-Input: true
	// Content-Digest: sha-256=:ipDytgkIHq8ub9NPhQFvaoZctBvpxW4og8PD5wOFzr0=:
	// Workload-Identity-Token: true
}

// The server half: the middleware verifies the WIT, then the signature,
// before the application sees the request; a failure is answered 400 with
// an RFC 9457 problem body carrying the reason (-07 §3.6: 401 is NOT
// RECOMMENDED).
func ExampleVerifier_Middleware() {
	store, signer := exampleSigner("wimse://example.org/svc/client")
	v := &httpsig.Verifier{
		Trust:    store,
		Replay:   wimse.NewMemoryReplayCache(0),
		Audience: httpsig.AudienceFromBase("https://svc.example.org"), // from configuration, never from Host
	}
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := httpsig.PeerFromContext(r.Context())
		fmt.Fprintf(w, "hello %s", p.ID)
	})
	// No response signer: a request asking for a signed response gets 501.
	h := v.Middleware(nil, false, nil)(app)

	r := httptest.NewRequest(http.MethodGet, "https://svc.example.org/orders?id=7", nil)
	if _, err := signer.SignRequest(r, nil, httpsig.RequestOptions{Audience: "https://svc.example.org/orders"}); err != nil {
		fmt.Println(err)
		return
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	fmt.Println(w.Code, w.Body)

	// The same request again: its nonce was seen.
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	var problem struct{ Reason string }
	_ = json.Unmarshal(w.Body.Bytes(), &problem)
	fmt.Println(w.Code, w.Header().Get("Content-Type"), problem.Reason)
	// Output:
	// 200 hello wimse://example.org/svc/client
	// 400 application/problem+json httpsig.replayed
}
