package httpsig_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
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
		WIT:      &wit.Verifier{Trust: store},
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
