package suite

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"time"

	"github.com/wimse-wg/wimse/conformance"
	"github.com/wimse-wg/wimse/profiles/mtls"
	"github.com/wimse-wg/wimse/vectors"
)

// loopback is a Handler served on 127.0.0.1 for the specs of one
// container.
type loopback struct {
	srv *http.Server
	// base is the handler's base URL; client, over TLS, trusts exactly the
	// certificate served (nil over plain HTTP).
	base   string
	client *http.Client
}

// serve builds the handler of o for its environment and serves it on a
// new loopback port.
func serve(o Options, cfg conformance.Config) (*loopback, error) {
	var cert *tls.Certificate
	if o.usesTLS() {
		cert = &tls.Certificate{}
		if o.TLS != nil && o.TLS.Certificate != nil {
			*cert = *o.TLS.Certificate
		} else {
			seed := cfg.Seed
			if seed == "" {
				seed = vectors.DefaultSeed
			}
			c, err := vectors.MTLSServerCertificate(seed)
			if err != nil {
				return nil, fmt.Errorf("suite: the suite's server certificate: %w", err)
			}
			*cert = c
		}
		if len(cert.Certificate) == 0 {
			return nil, errors.New("suite: Options.TLS.Certificate holds no certificate")
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("suite: listen on loopback: %w", err)
	}
	l := &loopback{base: "http://" + ln.Addr().String()}
	if cert != nil {
		l.base = "https://" + ln.Addr().String()
	}
	env, err := newEnv(l.base, cfg, cert)
	if err != nil {
		ln.Close()
		return nil, err
	}
	h, err := o.Handler(env)
	if err == nil && h == nil {
		err = errors.New("it returned a nil handler")
	}
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("suite: Options.Handler: %w", err)
	}
	if cert != nil {
		tc, err := serverTLS(o, env, cfg)
		if err != nil {
			ln.Close()
			return nil, err
		}
		ln = tls.NewListener(ln, tc)
		l.client = pinnedClient(cert.Certificate[0])
	}
	// Refused handshakes and broken requests are the vectors' business,
	// not the test log's.
	l.srv = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	go func() { _ = l.srv.Serve(ln) }()
	return l, nil
}

// close stops the server: gracefully for a quarter second, then at once.
func (l *loopback) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 250*time.Millisecond)
	defer cancel()
	if l.srv.Shutdown(ctx) != nil {
		_ = l.srv.Close()
	}
}

// serverTLS is the listener's TLS configuration (TLS.Config).
func serverTLS(o Options, env Env, cfg conformance.Config) (*tls.Config, error) {
	if o.TLS != nil && o.TLS.Config != nil {
		tc, err := o.TLS.Config(env)
		if err != nil {
			return nil, fmt.Errorf("suite: Options.TLS.Config: %w", err)
		}
		if tc == nil {
			return nil, errors.New("suite: Options.TLS.Config returned a nil configuration")
		}
		if len(tc.Certificates) == 0 && tc.GetCertificate == nil && tc.GetConfigForClient == nil {
			tc = tc.Clone()
			tc.Certificates = []tls.Certificate{*env.Certificate}
		}
		return tc, nil
	}
	if o.Draft == DraftMTLS {
		var opts []mtls.Option
		if cfg.Now != nil {
			opts = append(opts, mtls.WithNow(cfg.Now))
		}
		return mtls.ServerConfig(env.Trust, *env.Certificate, opts...), nil
	}
	return &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{*env.Certificate}}, nil
}

// pinnedClient is the runner's client for a handler served over TLS: it
// trusts exactly the certificate served, whatever its names and issuer.
func pinnedClient(leaf []byte) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: true, //nolint:gosec // VerifyConnection pins the certificate the adapter serves
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 || !bytes.Equal(cs.PeerCertificates[0].Raw, leaf) {
				return errors.New("suite: the server did not present the certificate the adapter serves")
			}
			return nil
		},
	}
	return &http.Client{Transport: tr}
}
