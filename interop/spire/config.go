package spire

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
)

// layout is where one SPIRE deployment keeps its files, all under one
// directory, with the loopback ports it listens on.
type layout struct {
	dir          string
	serverPort   int // the server API, which the agent dials
	bundlePort   int // the federation bundle endpoint
	serverSocket string
	agentSocket  string
}

// maxSocketPath keeps a unix socket path under the 108-byte sun_path limit
// of Linux (104 on the BSDs) with room to spare.
const maxSocketPath = 100

func newLayout(dir string) (*layout, error) {
	l := &layout{
		dir:          dir,
		serverSocket: filepath.Join(dir, "run", "server.sock"),
		agentSocket:  filepath.Join(dir, "run", "agent.sock"),
	}
	if len(l.agentSocket) > maxSocketPath {
		return nil, fmt.Errorf("spire: socket path %s is longer than %d bytes: set TMPDIR to a shorter directory", l.agentSocket, maxSocketPath)
	}
	for _, d := range []string{"run", "data/server", "data/agent"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			return nil, fmt.Errorf("spire: %w", err)
		}
	}
	var err error
	if l.serverPort, err = freePort(); err != nil {
		return nil, err
	}
	if l.bundlePort, err = freePort(); err != nil {
		return nil, err
	}
	return l, nil
}

// freePort returns a loopback TCP port that was free a moment ago. Another
// process may take it before SPIRE binds it; Start retries on that.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("spire: no free loopback port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func (l *layout) path(elem ...string) string {
	return filepath.Join(append([]string{l.dir}, elem...)...)
}

// serverConf is toolbox §4's server configuration plus the federation
// bundle endpoint (profile https_spiffe, SPIRE's default: the endpoint
// authenticates with the server's own X.509-SVID, spiffe://<td>/spire/server)
// and an entry cache reloaded every second instead of every 5 s: with the
// defaults, an entry registered just before the agent attests reaches the
// Workload API 5 to 10 s later (server cache reload, then agent sync).
func (l *layout) serverConf(td string) string {
	return fmt.Sprintf(`server {
    bind_address = "127.0.0.1"
    bind_port    = "%d"
    socket_path  = %q
    trust_domain = %q
    data_dir     = %q
    log_level    = "DEBUG"
    default_x509_svid_ttl = "1h"
    default_jwt_svid_ttl  = "5m"
    federation {
        bundle_endpoint {
            address = "127.0.0.1"
            port    = %d
        }
    }
    experimental {
        cache_reload_interval = "1s"
    }
}
plugins {
    DataStore "sql" {
        plugin_data {
            database_type     = "sqlite3"
            connection_string = %q
        }
    }
    KeyManager "disk" {
        plugin_data { keys_path = %q }
    }
    NodeAttestor "join_token" {
        plugin_data {}
    }
}
`, l.serverPort, l.serverSocket, td, l.path("data", "server"), l.bundlePort,
		l.path("data", "server", "datastore.sqlite3"), l.path("data", "server", "keys.json"))
}

// agentConf is toolbox §4's agent configuration, synchronising with the
// server every second instead of every 5 s (see serverConf), with the unix
// workload attestor's discover_workload_path on, so that entries can select
// a workload by the path of its executable (unix:path), and without hashing
// the executable (workload_size_limit -1: no unix:sha256 selector).
func (l *layout) agentConf(td string) string {
	return fmt.Sprintf(`agent {
    data_dir           = %q
    log_level          = "DEBUG"
    server_address     = "127.0.0.1"
    server_port        = "%d"
    socket_path        = %q
    trust_domain       = %q
    insecure_bootstrap = true
    experimental {
        sync_interval = "1s"
    }
}
plugins {
    NodeAttestor "join_token" { plugin_data {} }
    KeyManager "memory" { plugin_data {} }
    WorkloadAttestor "unix" {
        plugin_data {
            discover_workload_path = true
            workload_size_limit    = -1
        }
    }
}
`, l.path("data", "agent"), l.serverPort, l.agentSocket, td)
}

func (l *layout) bundleEndpointURL() string {
	return "https://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(l.bundlePort))
}
