package jwxpeer

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/lestrrat-go/jwx/v3/jwk"

	"github.com/wimse-wg/wimse/interop/peers/internal/peercli"
)

// Command is the jwxpeer command line (interop/peers/cmd/jwxpeer). call
// takes --revision wpt-01 to send the wpt-01 carriage.
func Command() peercli.Peer {
	return peercli.Peer{
		Name:      "jwxpeer",
		Serve:     serveFromFlags,
		Client:    clientFromFlags,
		CallExtra: map[string]string{"revision": "WPT carriage: wpt-02 (default) or wpt-01"},
	}
}

func serveFromFlags(f peercli.ServeFlags, logf peercli.Logf) (http.Handler, error) {
	if f.TrustBundle == "" || f.TrustDomain == "" || f.Audience == "" {
		return nil, errors.New("serve needs --trust-bundle, --trust-domain and --audience")
	}
	set, err := LoadBundle(f.TrustBundle)
	if err != nil {
		return nil, err
	}
	return &Server{
		WIT:      WITVerifier{TrustDomain: f.TrustDomain, Keys: set},
		Audience: f.Audience,
		Log: func(r *http.Request, status int, peer string, err error) {
			peercli.LogRequest(logf, r, status, peer, err)
		},
	}, nil
}

func clientFromFlags(f peercli.CallFlags) (*http.Client, error) {
	wit, key, err := LoadCredentials(f.WIT, f.Key)
	if err != nil {
		return nil, err
	}
	rev := *f.Extra["revision"]
	if rev != "" && rev != "wpt-01" && rev != "wpt-02" {
		return nil, fmt.Errorf("--revision %q is not wpt-01 or wpt-02", rev)
	}
	c := &Client{WIT: wit, Key: key, Revision: rev}
	return peercli.HTTPClient(f.CA, c.RoundTripper)
}

// LoadBundle reads a JWK Set of public issuer keys (what `wimse keys
// generate --bundle` and `wimse conformance trust-bundle` write); a private
// key in it is an error.
func LoadBundle(path string) (jwk.Set, error) {
	b, err := peercli.ReadFile("trust-bundle", path)
	if err != nil {
		return nil, err
	}
	set, err := jwk.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("--trust-bundle: %w", err)
	}
	for i := range set.Len() {
		k, _ := set.Key(i)
		if isPrivate(k) {
			return nil, fmt.Errorf("--trust-bundle: key %d is private", i)
		}
	}
	return set, nil
}

// LoadCredentials reads the compact WIT file and the private JWK file
// (what `wimse keys generate` writes).
func LoadCredentials(witPath, keyPath string) (string, jwk.Key, error) {
	w, err := peercli.ReadFile("wit", witPath)
	if err != nil {
		return "", nil, err
	}
	kb, err := peercli.ReadFile("key", keyPath)
	if err != nil {
		return "", nil, err
	}
	key, err := jwk.ParseKey(bytes.TrimSpace(kb))
	if err != nil {
		return "", nil, fmt.Errorf("--key: %w", err)
	}
	if !isPrivate(key) {
		return "", nil, errors.New("--key: not a private key")
	}
	return strings.TrimSpace(string(w)), key, nil
}

func isPrivate(k jwk.Key) bool {
	switch k.(type) {
	case jwk.ECDSAPrivateKey, jwk.OKPPrivateKey, jwk.RSAPrivateKey, jwk.SymmetricKey:
		return true
	}
	return false
}
