package jwxpeer

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"
)

// Client adds a WIT and a fresh WPT to requests.
type Client struct {
	// WIT is the compact WIT; Key the private key of its cnf.jwk, whose
	// alg member (or Alg) is the proof algorithm.
	WIT string
	Key jwk.Key
	Alg string
	// Revision is "wpt-02" (default, when "") or "wpt-01".
	Revision string
	// Lifetime is the WPT lifetime; zero means one minute.
	Lifetime time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// ProofAlg returns the proof algorithm: Alg, else the key's alg member,
// else the default for its type (ES256 for P-256, EdDSA for Ed25519).
func (c *Client) ProofAlg() (string, error) {
	if c.Alg != "" {
		return c.Alg, nil
	}
	if a, ok := c.Key.Algorithm(); ok {
		return a.String(), nil
	}
	switch c.Key.KeyType() {
	case jwa.EC():
		return "ES256", nil
	case jwa.OKP():
		return "EdDSA", nil
	}
	return "", errors.New("jwxpeer: the key has no alg")
}

// Authenticate adds Workload-Identity-Token and the WPT to req in place.
// aud is the target URI without query and fragment (wpt-02 §2).
func (c *Client) Authenticate(req *http.Request) error {
	if c.WIT == "" || c.Key == nil {
		return errors.New("jwxpeer: client needs a WIT and a key")
	}
	alg, err := c.ProofAlg()
	if err != nil {
		return err
	}
	sa, ok := jwa.LookupSignatureAlgorithm(alg)
	if !ok {
		return fmt.Errorf("jwxpeer: unknown alg %q", alg)
	}
	now := time.Now()
	if c.Now != nil {
		now = c.Now()
	}
	life := c.Lifetime
	if life <= 0 {
		life = time.Minute
	}
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return err
	}
	claims := map[string]any{
		"aud": TargetURI(req),
		"exp": now.Add(life).Unix(),
		"jti": base64.RawURLEncoding.EncodeToString(id),
		"wth": Hash(c.WIT),
	}
	if v := req.Header.Values("Txn-Token"); len(v) > 0 {
		claims["tth"] = Hash(v[0])
	}
	if c.Revision == "wpt-01" {
		if a := req.Header.Get("Authorization"); a != "" {
			scheme, cred, _ := cutScheme(a)
			if strings.EqualFold(scheme, "Bearer") || strings.EqualFold(scheme, "DPoP") {
				claims["ath"] = Hash(cred)
			}
		}
	} else if req.Header.Get("Authorization") != "" {
		return errors.New("jwxpeer: a wpt-02 request cannot carry another Authorization field")
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return err
	}
	var raw any
	if err := jwk.Export(c.Key, &raw); err != nil {
		return fmt.Errorf("jwxpeer: key: %w", err)
	}
	h := jws.NewHeaders()
	if err := h.Set(jws.TypeKey, "wpt+jwt"); err != nil {
		return err
	}
	proof, err := jws.Sign(payload, jws.WithKey(sa, raw, jws.WithProtectedHeaders(h)))
	if err != nil {
		return fmt.Errorf("jwxpeer: sign: %w", err)
	}
	req.Header.Set("Workload-Identity-Token", c.WIT)
	if c.Revision == "wpt-01" {
		req.Header.Set("Workload-Proof-Token", string(proof))
	} else {
		req.Header.Set("Authorization", "WPT "+string(proof))
	}
	return nil
}

// TargetURI is the request's target URI without query and fragment.
func TargetURI(req *http.Request) string {
	p := req.URL.EscapedPath()
	if p == "" {
		p = "/"
	}
	host := req.URL.Host
	if host == "" {
		host = req.Host
	}
	return strings.ToLower(req.URL.Scheme) + "://" + host + p
}

// RoundTripper returns an http.RoundTripper that authenticates each request
// with c; base nil means http.DefaultTransport.
func (c *Client) RoundTripper(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return roundTripper{c, base}
}

type roundTripper struct {
	c    *Client
	base http.RoundTripper
}

func (t roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	r2 := req.Clone(req.Context())
	if err := t.c.Authenticate(r2); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	return t.base.RoundTrip(r2)
}

// LoadKeyAlg returns a private key's proof algorithm: its alg member, else
// the default for its type.
func LoadKeyAlg(k jwk.Key) (string, error) { return (&Client{Key: k}).ProofAlg() }
