package tlspeer

import (
	"crypto/tls"
	"errors"
	"net/http"
	"time"

	"github.com/wimse-wg/wimse/interop/peers/internal/peercli"
)

// Command is the tlspeer command line (interop/peers/cmd/tlspeer):
//
//	tlspeer serve --listen ADDR --tls-cert F --tls-key F --ca F [--trust-domain TD]
//	tlspeer call --url URL --cert F --key F --ca F [--trust-domain TD] [--peer-id ID] [--body S]
//
// --trust-domain is the authorized peer trust domain, whose bundle --ca is
// (default: the trust domain of the own SVID); call's --peer-id authorizes
// one exact server SPIFFE ID instead of any member.
func Command() peercli.Peer {
	return peercli.Peer{
		Name: "tlspeer",
		Serve: func(_ peercli.ServeFlags, logf peercli.Logf) (http.Handler, error) {
			return Handler(func(r *http.Request, status int, peer string, err error) {
				peercli.LogRequest(logf, r, status, peer, err)
			}), nil
		},
		TLS: func(f peercli.ServeFlags, _ peercli.Logf) (*tls.Config, error) {
			if f.TLSCert == "" || f.TLSKey == "" {
				return nil, errors.New("serve needs --tls-cert, --tls-key and --ca")
			}
			c, err := Load(f.TLSCert, f.TLSKey, f.CA, f.TrustDomain, "")
			if err != nil {
				return nil, err
			}
			return c.ServerTLS(), nil
		},
		Client: func(f peercli.CallFlags) (*http.Client, error) {
			if f.Cert == "" || f.Key == "" {
				return nil, errors.New("call needs --cert, --key and --ca")
			}
			c, err := Load(f.Cert, f.Key, f.CA, *f.Extra["trust-domain"], *f.Extra["peer-id"])
			if err != nil {
				return nil, err
			}
			return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: c.ClientTLS()}}, nil
		},
		CallExtra: map[string]string{
			"trust-domain": "authorized server trust domain (default: the own SVID's)",
			"peer-id":      "the one authorized server SPIFFE ID",
		},
	}
}
