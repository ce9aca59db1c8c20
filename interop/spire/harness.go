//go:build unix

package spire

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spiffe/go-spiffe/v2/spiffeid"
)

// Version is the SPIRE release tools/spire builds.
const Version = "1.13.3"

// Environment variables that control the opt-in tests.
const (
	// EnvEnable must be "1" for the SPIRE tests to run.
	EnvEnable = "WIMSE_SPIRE"
	// EnvBin overrides the directory holding spire-server and spire-agent.
	EnvBin = "WIMSE_SPIRE_BIN"
)

// SkipMessage is why the SPIRE tests skip when EnvEnable is not "1".
const SkipMessage = "set WIMSE_SPIRE=1 (and run tools/spire/build.sh) to run the SPIRE interop tests"

// BinDir is the directory of the SPIRE binaries: $WIMSE_SPIRE_BIN, or
// where tools/spire/build.sh installs them by default,
// ${XDG_CACHE_HOME:-$HOME/.cache}/wimse/spire-v1.13.3/bin.
func BinDir() string {
	if d := os.Getenv(EnvBin); d != "" {
		return d
	}
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		cache = filepath.Join(os.Getenv("HOME"), ".cache")
	}
	return filepath.Join(cache, "wimse", "spire-v"+Version, "bin")
}

// Require skips t unless EnvEnable is "1", and otherwise returns BinDir
// after checking that both binaries are there (failing t with how to build
// them when they are not).
func Require(t testing.TB) string {
	t.Helper()
	if os.Getenv(EnvEnable) != "1" {
		t.Skip(SkipMessage)
	}
	bin := BinDir()
	for _, b := range []string{"spire-server", "spire-agent"} {
		if _, err := os.Stat(filepath.Join(bin, b)); err != nil {
			t.Fatalf("%s=1 but %v: run tools/spire/build.sh (or set %s)", EnvEnable, err, EnvBin)
		}
	}
	return bin
}

// Entry is a workload registration entry: the SPIFFE ID a workload gets
// when the agent's attestation of it yields all of Selectors (for example
// "unix:uid:1000", "unix:path:/usr/bin/app"). Its parent is the agent's
// node alias, Harness.NodeID.
type Entry struct {
	ID        spiffeid.ID
	Selectors []string
}

// Config is what Start deploys.
type Config struct {
	// Bin is the directory of spire-server and spire-agent (Require's
	// result).
	Bin string
	// TrustDomain of the deployment. Zero means example.org.
	TrustDomain spiffeid.TrustDomain
	// Entries are registered before the agent starts, so that its first
	// synchronisation already carries them.
	Entries []Entry
	// Timeout bounds each wait for readiness. Zero means 60 seconds.
	Timeout time.Duration
}

// Timings are the start-up durations Start measured.
type Timings struct {
	// ServerHealthy: from starting spire-server until its healthcheck
	// passes and its bundle endpoint accepts connections.
	ServerHealthy time.Duration
	// Entries: registering the join token and Config.Entries.
	Entries time.Duration
	// AgentHealthy: from starting spire-agent (join-token attestation)
	// until its healthcheck passes.
	AgentHealthy time.Duration
}

// Harness is a running SPIRE server and agent on loopback.
type Harness struct {
	// TrustDomain is the deployment's trust domain.
	TrustDomain spiffeid.TrustDomain
	// NodeID is the alias the join token gives the agent, parent of every
	// Entry.
	NodeID spiffeid.ID
	// ServerID is the SPIFFE ID of the server's own X.509-SVID, which
	// authenticates its bundle endpoint (https_spiffe profile).
	ServerID spiffeid.ID
	// WorkloadAPIAddr is the agent's Workload API, as go-spiffe's
	// workloadapi.WithAddr takes it: unix:// and an absolute path.
	WorkloadAPIAddr string
	// BundleEndpointURL is the server's federation bundle endpoint.
	BundleEndpointURL string
	// Timings of the start-up.
	Timings Timings
	// Dir holds the configuration, data, sockets and logs.
	Dir string

	bin    string
	layout *layout
	server *process
	agent  *process
}

// maxAttempts bounds the restarts after a port taken between freePort and
// SPIRE's bind.
const maxAttempts = 3

// Start deploys a SPIRE server and agent in a fresh t.TempDir: the server
// on free loopback ports, the join token with NodeID as alias, the entries,
// then the agent attested with the token. Everything is stopped (process
// groups, SIGTERM then SIGKILL) in t.Cleanup. Failures end t with the tail
// of the log of the process concerned.
func Start(t testing.TB, cfg Config) *Harness {
	t.Helper()
	if cfg.TrustDomain.IsZero() {
		cfg.TrustDomain = spiffeid.RequireTrustDomainFromString("example.org")
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 60 * time.Second
	}
	var err error
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		var h *Harness
		h, err = start(t, cfg)
		if err == nil {
			return h
		}
		if !errors.Is(err, errPortTaken) {
			break
		}
		t.Logf("spire: attempt %d failed, retrying with other ports: %v", attempt, err)
	}
	t.Fatal(err)
	return nil
}

var errPortTaken = errors.New("a port was taken before spire-server bound it")

func start(t testing.TB, cfg Config) (*Harness, error) {
	l, err := newLayout(t.TempDir())
	if err != nil {
		return nil, err
	}
	td := cfg.TrustDomain
	h := &Harness{
		TrustDomain:       td,
		NodeID:            spiffeid.RequireFromPath(td, "/node/wimse-interop"),
		ServerID:          spiffeid.RequireFromPath(td, "/spire/server"),
		WorkloadAPIAddr:   "unix://" + l.agentSocket,
		BundleEndpointURL: l.bundleEndpointURL(),
		Dir:               l.dir,
		bin:               cfg.Bin,
		layout:            l,
	}
	for name, conf := range map[string]string{"server.conf": l.serverConf(td.Name()), "agent.conf": l.agentConf(td.Name())} {
		if err := os.WriteFile(l.path(name), []byte(conf), 0o600); err != nil {
			return nil, fmt.Errorf("spire: %w", err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.Timeout)
	defer cancel()

	t0 := time.Now()
	h.server, err = startProcess("spire-server", l.path("server.log"), h.cmd("spire-server", "run", "-config", l.path("server.conf"))...)
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { stopLogged(t, h.server) })
	err = poll(ctx, h.server, "healthcheck", func(ctx context.Context) error {
		_, err := run(ctx, h.cmd("spire-server", "healthcheck", "-socketPath", l.serverSocket)...)
		return err
	})
	if err != nil {
		if strings.Contains(h.server.tail(40), "address already in use") {
			return nil, fmt.Errorf("%w: %w", errPortTaken, err)
		}
		return nil, err
	}
	err = poll(ctx, h.server, "the bundle endpoint", func(ctx context.Context) error {
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", strings.TrimPrefix(h.BundleEndpointURL, "https://"))
		if err == nil {
			c.Close()
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	h.Timings.ServerHealthy = time.Since(t0)

	t0 = time.Now()
	out, err := run(ctx, h.cmd("spire-server", "token", "generate", "-socketPath", l.serverSocket,
		"-spiffeID", h.NodeID.String(), "-ttl", "600")...)
	if err != nil {
		return nil, err
	}
	token, ok := strings.CutPrefix(strings.TrimSpace(out), "Token: ")
	if !ok || token == "" {
		return nil, fmt.Errorf("spire: token generate printed %q, not \"Token: <token>\"", out)
	}
	for _, e := range cfg.Entries {
		if err := h.createEntry(ctx, e); err != nil {
			return nil, err
		}
	}
	h.Timings.Entries = time.Since(t0)

	t0 = time.Now()
	h.agent, err = startProcess("spire-agent", l.path("agent.log"),
		h.cmd("spire-agent", "run", "-config", l.path("agent.conf"), "-joinToken", token)...)
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { stopLogged(t, h.agent) })
	err = poll(ctx, h.agent, "healthcheck", func(ctx context.Context) error {
		_, err := run(ctx, h.cmd("spire-agent", "healthcheck", "-socketPath", l.agentSocket)...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("%w\n--- spire-server log (tail) ---\n%s", err, h.server.tail(20))
	}
	h.Timings.AgentHealthy = time.Since(t0)
	return h, nil
}

func (h *Harness) cmd(bin string, args ...string) []string {
	return append([]string{filepath.Join(h.bin, bin)}, args...)
}

func (h *Harness) createEntry(ctx context.Context, e Entry) error {
	if len(e.Selectors) == 0 {
		return fmt.Errorf("spire: entry %s has no selector", e.ID)
	}
	argv := h.cmd("spire-server", "entry", "create", "-socketPath", h.layout.serverSocket,
		"-parentID", h.NodeID.String(), "-spiffeID", e.ID.String())
	for _, s := range e.Selectors {
		argv = append(argv, "-selector", s)
	}
	_, err := run(ctx, argv...)
	return err
}

// Logs returns the tails of the server and agent logs, for a failure
// message.
func (h *Harness) Logs() string {
	return "--- spire-server log (tail) ---\n" + h.server.tail(30) +
		"\n--- spire-agent log (tail) ---\n" + h.agent.tail(30)
}

func stopLogged(t testing.TB, p *process) {
	if err := p.stop(); err != nil {
		t.Errorf("%v\n--- %s log (tail) ---\n%s", err, p.name, p.tail(20))
	}
}
