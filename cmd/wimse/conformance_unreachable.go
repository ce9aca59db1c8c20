package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/wimse-wg/wimse/conformance"
)

// preflight connects to the target once, so that an unreachable target is
// exit 3 at once rather than after conformance.UnreachableAfter errors.
// For an https target it also starts a TLS handshake, so that a plain-HTTP
// server is found the same way. Only a failed connection or a peer that
// does not speak TLS counts: certificate and client-certificate problems
// are left to the run.
func preflight(ctx context.Context, target string, timeout time.Duration) error {
	u, err := url.Parse(target)
	if err != nil {
		return err
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), map[string]string{"https": "443", "http": "80"}[u.Scheme])
	}
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return err
	}
	defer conn.Close()
	if u.Scheme != "https" {
		return nil
	}
	// Whether the peer speaks TLS at all; its certificate is not judged here.
	tc := tls.Client(conn, &tls.Config{ServerName: u.Hostname(), InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}) //nolint:gosec // no data is exchanged on this connection
	hctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var rh tls.RecordHeaderError
	if err := tc.HandshakeContext(hctx); errors.As(err, &rh) {
		return fmt.Errorf("TLS handshake with %s: the target does not speak TLS (%w)", host, err)
	}
	return nil
}

// unreachableErr is exit 3 with one diagnostic: what failed, the last
// transport error, and the likely causes.
func unreachableErr(target, what, last string) error {
	msg := fmt.Sprintf("target %s is unreachable: %s", target, what)
	if last != "" {
		msg += "; last error: " + last
	}
	return &exitError{code: exitUnreachable, err: errors.New(msg), hint: unreachableHint(last)}
}

// unreachableHint names the likely causes, the most likely first when the
// error says which.
func unreachableHint(last string) string {
	has := func(subs ...string) bool {
		for _, s := range subs {
			if strings.Contains(last, s) {
				return true
			}
		}
		return false
	}
	var likely string
	switch {
	case has("server gave HTTP response to HTTPS client", "does not speak TLS", "first record does not look like a TLS handshake"):
		likely = "the target speaks plain HTTP: use http:// instead of https://. "
	case has(`malformed HTTP response "\x15\x03`, `malformed HTTP response "\x16\x03`):
		likely = "the target speaks TLS: use https:// instead of http://. "
	case has("connection refused"):
		likely = "nothing listens there: is the target running, on this host and port? "
	case has("no such host"):
		likely = "the host name does not resolve. "
	case has("x509:", "certificate"):
		likely = "the target's certificate is not trusted: give its CA with --ca FILE (or --insecure against a test server). "
	case has("timeout", "did not answer", "deadline exceeded"):
		likely = "the target does not answer within --timeout. "
	case has("connection reset", "EOF"):
		likely = "the target closes the connection: it may expect TLS (https://) or a client certificate. "
	}
	return likely + "Likely causes: the target is down or not listening on that host and port; TLS spoken to a " +
		"plain-HTTP server (use http://) or plain HTTP to a TLS server (use https://); a wrong scheme in --target. " +
		"--keep-going plays every vector anyway."
}

// lastTransportError is the error of the last result that has one (the
// engine's ErrUnreachable carries the partial report), or the engine's
// own words when they say more than the sentinel.
func lastTransportError(rep *conformance.Report, err error) string {
	if rep != nil {
		for i := len(rep.Results) - 1; i >= 0; i-- {
			if e := rep.Results[i].Observed.Error; e != "" {
				return e
			}
		}
	}
	if err != nil && err.Error() != conformance.ErrUnreachable.Error() {
		return err.Error()
	}
	return ""
}
