package htmsigpeer

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/wimse-wg/wimse/interop/peers/internal/peercli"
	"github.com/wimse-wg/wimse/interop/peers/jwxpeer"
)

// Command is the htmsigpeer command line (interop/peers/cmd/htmsigpeer):
//
//	htmsigpeer serve --listen ADDR --trust-bundle FILE --trust-domain TD --audience BASEURL [--tls-cert F --tls-key F]
//	                 [--wit F --key F]
//	htmsigpeer call --url URL --wit F --key F [--ca F] [--body S]
//	                [--trust-bundle FILE --trust-domain TD [--responder ID] [--sign-response true]]
//
// call's --trust-bundle and --trust-domain verify signed responses (and
// --responder names the one accepted signer); --sign-response true asks for
// a signed response and refuses an unsigned one. serve's --wit and --key
// are the server's own WIT and private JWK, with which it signs every
// response to a signed request; without them a request asking for a signed
// response is answered 501 (-07 §3.6).
func Command() peercli.Peer {
	return peercli.Peer{
		Name:   "htmsigpeer",
		Serve:  serveFromFlags,
		Client: clientFromFlags,
		ServeExtra: map[string]string{
			"wit": "the server's own compact WIT, to sign responses",
			"key": "the private JWK of the server's WIT",
		},
		CallExtra: map[string]string{
			"trust-bundle":  "JWK Set of the issuer keys of signed responses",
			"trust-domain":  "trust domain of signed responses",
			"responder":     "the one accepted response signer (WIT sub)",
			"sign-response": `"true" asks for a signed response`,
		},
	}
}

func serveFromFlags(f peercli.ServeFlags, logf peercli.Logf) (http.Handler, error) {
	if f.TrustBundle == "" || f.TrustDomain == "" || f.Audience == "" {
		return nil, errors.New("serve needs --trust-bundle, --trust-domain and --audience")
	}
	set, err := jwxpeer.LoadBundle(f.TrustBundle)
	if err != nil {
		return nil, err
	}
	s := &Server{
		WIT:      jwxpeer.WITVerifier{TrustDomain: f.TrustDomain, Keys: set},
		Audience: f.Audience,
		Log: func(r *http.Request, status int, peer string, err error) {
			peercli.LogRequest(logf, r, status, peer, err)
		},
	}
	if w, k := *f.Extra["wit"], *f.Extra["key"]; w != "" || k != "" {
		if s.ResponseWIT, s.ResponseKey, err = jwxpeer.LoadCredentials(w, k); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func clientFromFlags(f peercli.CallFlags) (*http.Client, error) {
	wit, key, err := jwxpeer.LoadCredentials(f.WIT, f.Key)
	if err != nil {
		return nil, err
	}
	c := &Client{WIT: wit, Key: key, Responder: *f.Extra["responder"]}
	switch *f.Extra["sign-response"] {
	case "", "false":
	case "true":
		c.SignResponse = true
	default:
		return nil, fmt.Errorf("--sign-response %q is not true or false", *f.Extra["sign-response"])
	}
	if tb, td := *f.Extra["trust-bundle"], *f.Extra["trust-domain"]; tb != "" || td != "" {
		if tb == "" || td == "" {
			return nil, errors.New("--trust-bundle and --trust-domain go together")
		}
		set, err := jwxpeer.LoadBundle(tb)
		if err != nil {
			return nil, err
		}
		c.Responses = &jwxpeer.WITVerifier{TrustDomain: td, Keys: set}
	}
	if c.SignResponse && c.Responses == nil {
		return nil, errors.New("--sign-response needs --trust-bundle and --trust-domain")
	}
	return peercli.HTTPClient(f.CA, c.RoundTripper)
}
