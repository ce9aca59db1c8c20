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
//	htmsigpeer call --url URL --wit F --key F [--ca F] [--body S]
//	                [--trust-bundle FILE --trust-domain TD [--responder ID] [--sign-response true]]
//
// call's --trust-bundle and --trust-domain verify signed responses (and
// --responder names the one accepted signer); --sign-response true asks for
// a signed response and refuses an unsigned one. The server of the command
// line has no WIT of its own, so it answers a request asking for a signed
// response with 501 (-07 §3.6).
func Command() peercli.Peer {
	return peercli.Peer{
		Name:   "htmsigpeer",
		Serve:  serveFromFlags,
		Client: clientFromFlags,
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
	return &Server{
		WIT:      jwxpeer.WITVerifier{TrustDomain: f.TrustDomain, Keys: set},
		Audience: f.Audience,
		Log: func(r *http.Request, status int, peer string, err error) {
			peercli.LogRequest(logf, r, status, peer, err)
		},
	}, nil
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
