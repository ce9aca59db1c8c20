package httpwpt_test

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

	"github.com/wimse-wg/wimse/profiles/httpwpt"
	"github.com/wimse-wg/wimse/tokens/wit"
	"github.com/wimse-wg/wimse/wimse"
)

// exampleWorkload returns a trust store trusting one issuer for example.org
// and a WIT that issuer minted for a workload key.
func exampleWorkload(sub string) (*wimse.TrustStore, string, *ecdsa.PrivateKey) {
	issuer, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	workload, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	store := wimse.NewTrustStore()
	store.Set(wimse.MustParseTrustDomain("example.org"), wimse.Anchors{Keys: []wimse.IssuerKey{{KeyID: "k1", Public: issuer.Public()}}})
	token, _ := (&wit.Signer{Key: issuer, KeyID: "k1"}).Sign(wit.Claims{
		Subject: wimse.MustParseID(sub),
		Expiry:  time.Now().Add(time.Hour),
		Key:     workload.Public(),
	})
	return store, token, workload
}

// A client authenticates with a WIT and a fresh WPT (wpt-02 carriage); the
// server's middleware verifies both and hands the handler the peer.
func Example() {
	store, token, key := exampleWorkload("wimse://example.org/svc/client")

	// Server side: one policy for the WIT, the WPT and the carriage.
	var srv *httptest.Server
	v := &httpwpt.Verifier{
		Trust:    store,
		Policy:   wimse.Policy{MaxWPTLifetime: 2 * time.Minute},
		Replay:   wimse.NewMemoryReplayCache(0),
		Audience: func(r *http.Request) (string, error) { return srv.URL + r.URL.EscapedPath(), nil },
	}
	srv = httptest.NewServer(v.Middleware(nil)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := httpwpt.PeerFromContext(r.Context())
		fmt.Fprintf(w, "hello %s (%s)", p.ID, p.Revision)
	})))
	defer srv.Close()

	// Client side.
	c := &http.Client{Transport: &httpwpt.Transport{WIT: token, Key: key}}
	resp, err := c.Get(srv.URL + "/hello")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(b))
	// Output: 200 hello wimse://example.org/svc/client (wpt-02)
}

// The client half: Transport attaches the WIT and a fresh WPT, bound to
// the WIT (wth) and to the target URI (aud), to every request.
func ExampleTransport() {
	_, token, key := exampleWorkload("wimse://example.org/svc/client")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, _, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		fmt.Fprintf(w, "WIT sent: %t, Authorization scheme: %s",
			r.Header.Get("Workload-Identity-Token") == token, scheme)
	}))
	defer srv.Close()

	c := &http.Client{Transport: &httpwpt.Transport{
		WIT:      token,
		Key:      key,
		Revision: wimse.RevisionWPT02, // the default; RevisionWPT01 uses the Workload-Proof-Token field
		Lifetime: time.Minute,
	}}
	resp, err := c.Get(srv.URL + "/orders")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	fmt.Println(string(b))
	// Output: WIT sent: true, Authorization scheme: WPT
}

// The server half: the middleware authenticates each request before the
// application sees it and answers a failure with 401, a WPT challenge and
// an RFC 9457 problem body carrying the reason.
func ExampleVerifier_Middleware() {
	store, token, key := exampleWorkload("wimse://example.org/svc/client")
	v := &httpwpt.Verifier{
		Trust:    store,
		Replay:   wimse.NewMemoryReplayCache(0),
		Audience: httpwpt.AudienceFromBase("https://svc.example.org"), // from configuration, never from Host
	}
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := httpwpt.PeerFromContext(r.Context())
		fmt.Fprintf(w, "hello %s", p.ID)
	})
	h := v.Middleware(nil)(app)

	// A request as httpwpt.Transport sends it.
	r := httptest.NewRequest(http.MethodGet, "https://svc.example.org/orders", nil)
	if err := (&httpwpt.Transport{WIT: token, Key: key}).Authenticate(r); err != nil {
		fmt.Println(err)
		return
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	fmt.Println(w.Code, w.Body)

	// The same request without its proof.
	r.Header.Del("Authorization")
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	fmt.Println(w.Code, w.Header().Get("WWW-Authenticate"), w.Header().Get("Content-Type"))
	// Output:
	// 200 hello wimse://example.org/svc/client
	// 401 WPT application/problem+json
}
