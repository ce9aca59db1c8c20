package matrix

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// maxOutput caps what is kept of one process's output.
const maxOutput = 1 << 20

// capped is a concurrency-safe buffer that keeps the first maxOutput bytes.
type capped struct {
	mu  sync.Mutex
	b   bytes.Buffer
	cut bool
}

func (c *capped) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if room := maxOutput - c.b.Len(); room < len(p) {
		c.b.Write(p[:max(room, 0)])
		c.cut = true
		return len(p), nil
	}
	return c.b.Write(p)
}

func (c *capped) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cut {
		return c.b.String() + "\n[output cut at 1 MiB]\n"
	}
	return c.b.String()
}

// server is a started server process.
type server struct {
	cmd  *exec.Cmd
	log  capped
	done chan struct{}
	err  error
}

// startServer starts argv in a process group of its own, output to its log.
func startServer(argv []string, dir string) (*server, error) {
	s := &server{done: make(chan struct{})}
	s.cmd = exec.Command(argv[0], argv[1:]...)
	s.cmd.Dir = dir
	s.cmd.Stdout, s.cmd.Stderr = &s.log, &s.log
	s.cmd.WaitDelay = 2 * time.Second
	newGroup(s.cmd)
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		s.err = s.cmd.Wait()
		close(s.done)
	}()
	return s, nil
}

// stop ends the server's process group: SIGTERM, then SIGKILL after grace.
func (s *server) stop(grace time.Duration) {
	select {
	case <-s.done:
		clearGroup(s.cmd, grace)
		return
	default:
	}
	signalGroup(s.cmd, false)
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-s.done:
	case <-t.C:
		signalGroup(s.cmd, true)
		<-s.done
	}
	// The leader is gone; whatever is left of its group is a leak.
	clearGroup(s.cmd, grace)
}

// waitReady polls GET url until it answers 200, the server exits or the
// deadline passes. The probe presents cert (the client's certificate, for
// servers that require one on every handshake) and does not authenticate
// the server: readiness is not the test.
func (s *server) waitReady(ctx context.Context, url string, cert *tls.Certificate, deadline time.Duration) error {
	tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}} //nolint:gosec // readiness probe only
	if cert != nil {
		tr.TLSClientConfig.Certificates = []tls.Certificate{*cert}
	}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: time.Second}
	ctx, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	var last error
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = fmt.Errorf("%s answered %d", url, resp.StatusCode)
		} else {
			last = err
		}
		select {
		case <-s.done:
			return fmt.Errorf("the server exited before it was ready (%v)", s.err)
		case <-ctx.Done():
			return fmt.Errorf("not ready within %s: %v", deadline, last)
		case <-tick.C:
		}
	}
}

// clientRun is what one client run left behind.
type clientRun struct {
	stdout, stderr string
	exit           int
	timedOut       bool
	duration       time.Duration
	startErr       error
}

// runClient runs argv with a time bound, killing its process group when
// the bound is reached.
func runClient(ctx context.Context, argv []string, dir string, timeout time.Duration) clientRun {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var out, errOut capped
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = &out, &errOut
	cmd.WaitDelay = 2 * time.Second
	newGroup(cmd)
	cmd.Cancel = func() error { signalGroup(cmd, true); return nil }
	start := time.Now()
	err := cmd.Run()
	r := clientRun{duration: time.Since(start), exit: cmd.ProcessState.ExitCode()}
	r.stdout, r.stderr = out.String(), errOut.String()
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded):
		r.timedOut = true
	case err != nil && !errors.As(err, &ee):
		r.startErr = err
	}
	return r
}

// freePort returns a loopback address nothing listens on right now.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}

// quote renders argv as a shell line, for the evidence.
func quote(argv []string) string {
	parts := make([]string, len(argv))
	for i, a := range argv {
		if a != "" && strings.Trim(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=,@+") == "" {
			parts[i] = a
		} else {
			parts[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	return strings.Join(parts, " ")
}
