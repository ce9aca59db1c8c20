package sts

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

// Option configures New.
type Option func(*options)

type options struct {
	lookupEnv func(string) (string, bool)
}

// WithLookupEnv makes New read the client secrets (clientSecrets'
// secretEnv) with lookup instead of os.LookupEnv: a test or a demo gives a
// deployment's secrets (Deployment.LookupSecret) without changing the
// process environment.
func WithLookupEnv(lookup func(name string) (string, bool)) Option {
	return func(o *options) { o.lookupEnv = lookup }
}

// Secrets reads the deployment's secrets.env: the client secrets by the
// name of the environment variable that carries them.
func (d *Deployment) Secrets() (map[string]string, error) {
	b, err := os.ReadFile(d.SecretsEnv)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("sts: %s: a line is not NAME=VALUE", d.SecretsEnv)
		}
		out[k] = v
	}
	return out, nil
}

// LookupSecret returns a lookup over the deployment's secrets, for
// WithLookupEnv.
func (d *Deployment) LookupSecret() (func(string) (string, bool), error) {
	s, err := d.Secrets()
	if err != nil {
		return nil, err
	}
	return func(name string) (string, bool) { v, ok := s[name]; return v, ok }, nil
}

// HTTPClient returns a client that trusts the deployment's CA (the STS's
// TLS certificate) and presents certs, if any (a spiffe_x509 client).
func (d *Deployment) HTTPClient(certs ...tls.Certificate) (*http.Client, error) {
	pem, err := os.ReadFile(d.CA)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("sts: %s holds no certificate", d.CA)
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: certs, MinVersion: tls.VersionTLS12}}}, nil
}

// Running is a Server answering on a listener (Serve).
type Running struct {
	*Server
	hs *http.Server
}

// Serve builds the STS of cfg (New) and serves it on ln: with TLS when the
// configuration has tls, plain HTTP otherwise. Close stops it.
func Serve(cfg *Config, ln net.Listener, opts ...Option) (*Running, error) {
	srv, err := New(cfg, opts...)
	if err != nil {
		return nil, err
	}
	hs := &http.Server{Handler: srv, TLSConfig: srv.TLSConfig(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if hs.TLSConfig != nil {
			_ = hs.ServeTLS(ln, "", "")
		} else {
			_ = hs.Serve(ln)
		}
	}()
	return &Running{Server: srv, hs: hs}, nil
}

// Close stops serving, then closes the server (a final audit checkpoint).
func (r *Running) Close() error {
	err := r.hs.Close()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return errors.Join(err, r.Server.Close())
}

// StartDeployment writes a demo deployment into dir (Init, for a free
// loopback port: opts.Listen is ignored) and serves it there over TLS,
// with its secrets given directly (WithLookupEnv), not through the
// environment. For tests and demos; Close the Running.
func StartDeployment(dir string, opts InitOptions) (*Deployment, *Running, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	opts.Listen = ln.Addr().String()
	d, err := Init(dir, opts)
	if err != nil {
		ln.Close()
		return nil, nil, err
	}
	lookup, err := d.LookupSecret()
	if err != nil {
		ln.Close()
		return nil, nil, err
	}
	cfg, err := LoadConfig(d.Config)
	if err != nil {
		ln.Close()
		return nil, nil, err
	}
	r, err := Serve(cfg, ln, WithLookupEnv(lookup))
	if err != nil {
		ln.Close()
		return nil, nil, err
	}
	return d, r, nil
}
