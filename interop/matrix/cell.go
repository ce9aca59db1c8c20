package matrix

import (
	"context"
	"crypto/tls"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// runner holds what every cell of one run shares.
type runner struct {
	reg          *Registry
	o            Options
	creds        *Credentials
	bins         map[string]string
	failedBuilds map[string]bool
	clientCert   *tls.Certificate
	work         string
	evidence     map[string]*evidence
}

// evidence is what a cell leaves behind besides its Cell record.
type evidence struct {
	serverLog    string
	clientStdout string
	clientStderr string
	negStdout    string
	negStderr    string
	transcript   string
}

// vars returns the template variables of one role in one cell.
func (r *runner) vars(server bool, c *Cell, listen, base string) map[string]string {
	v := map[string]string{
		"listen": listen, "audience": base, "url": base + r.path(c.Server), "draft": c.Draft,
		"trustDomain": r.creds.TrustDomain, "trustBundle": r.creds.TrustBundle,
		"wit": r.creds.WIT, "key": r.creds.WITKey, "ca": r.creds.CA,
		"cert": r.creds.ClientCert, "certKey": r.creds.ClientKey, "subject": r.creds.WITSubject,
		"workdir": r.work,
	}
	if c.Profile == ProfileMTLS {
		v["subject"] = r.creds.X509Client
	}
	if server {
		v["cert"], v["certKey"] = r.creds.ServerCert, r.creds.ServerKey
		v["subject"] = r.creds.X509Server
	}
	maps.Copy(v, r.bins)
	return v
}

func (r *runner) path(server string) string {
	if p := r.reg.impl(server).Server.Path; p != "" {
		return p
	}
	return "/hello"
}

// usesFailedBuild names a failed build argv needs, if any.
func (r *runner) usesFailedBuild(argv []string) string {
	for _, a := range argv {
		for _, m := range varRE.FindAllStringSubmatch(a, -1) {
			if name, ok := strings.CutPrefix(m[1], "bin."); ok && r.failedBuilds[name] {
				return name
			}
		}
	}
	return ""
}

// run runs one cell: start the server (or take its URL), wait until it is
// ready, run the client, stop the server. It sets Status only for pass and
// setup; classify judges the rest.
func (r *runner) run(ctx context.Context, c *Cell) {
	if r.evidence == nil {
		r.evidence = map[string]*evidence{}
	}
	ev := &evidence{}
	r.evidence[c.ID] = ev
	sv, cl := r.reg.impl(c.Server).Server, r.reg.impl(c.Client).Client
	setup := func(format string, args ...any) {
		c.Status, c.Detail = StatusSetup, fmt.Sprintf(format, args...)
	}
	if name := r.usesFailedBuild(sv.Commands[c.Profile]); name != "" {
		setup("server: build %s failed", name)
		return
	}
	if name := r.usesFailedBuild(cl.Commands[c.Profile]); name != "" {
		setup("client: build %s failed", name)
		return
	}
	scheme := "http"
	if c.Profile == ProfileMTLS {
		scheme = "https"
	}
	var base, listen string
	var srv *server
	if fixed := sv.URLs[c.Profile]; fixed != "" && sv.Commands[c.Profile] == nil {
		u, err := url.Parse(fixed)
		if err != nil {
			setup("server URL %q: %v", fixed, err)
			return
		}
		base = u.Scheme + "://" + u.Host
	} else {
		addr, err := freePort()
		if err != nil {
			setup("no free port: %v", err)
			return
		}
		listen, base = addr, scheme+"://"+addr
		direct := base
		if scheme == "http" {
			rec, err := startRecorder(addr)
			if err != nil {
				setup("recorder: %v", err)
				return
			}
			defer func() { ev.transcript = rec.close() }()
			base = "http://" + rec.addr()
		}
		argv, err := expand(sv.Commands[c.Profile], r.vars(true, c, listen, base))
		if err != nil {
			setup("server: %v", err)
			return
		}
		c.ServerCommand = argv
		t0 := r.o.Now()
		if srv, err = startServer(argv, r.reg.dir); err != nil {
			setup("server did not start: %v", err)
			return
		}
		c.serverPID = srv.cmd.Process.Pid
		defer func() {
			srv.stop(5 * time.Second)
			ev.serverLog = srv.log.String()
		}()
		health := sv.Health
		if health == "" {
			health = "/healthz"
		}
		err = srv.waitReady(ctx, direct+health, r.clientCert, r.o.Timeout)
		c.ServerStart = Duration(r.o.Now().Sub(t0))
		if err != nil {
			setup("server did not start: %v", err)
			return
		}
	}
	vars := r.vars(false, c, listen, base)
	if fixed := sv.URLs[c.Profile]; fixed != "" && srv == nil {
		vars["url"] = fixed
	}
	c.URL = vars["url"]
	argv, err := expand(cl.Commands[c.Profile], vars)
	if err != nil {
		setup("client: %v", err)
		return
	}
	c.ClientCommand = argv
	run := runClient(ctx, argv, r.reg.dir, r.o.Timeout)
	c.ClientExit, c.TimedOut, c.ClientTime = run.exit, run.timedOut, Duration(run.duration)
	ev.clientStdout, ev.clientStderr = run.stdout, run.stderr
	want := vars["subject"]
	switch {
	case run.startErr != nil:
		setup("client did not start: %v", run.startErr)
	case run.timedOut:
		c.Detail = fmt.Sprintf("the client did not finish within %s", r.o.Timeout)
	case run.exit == 2:
		setup("client exit 2: a usage or setup error")
	case run.exit != 0:
		c.Detail = fmt.Sprintf("client exit %d: %s", run.exit, firstLine(run.stdout, run.stderr))
	case !strings.Contains(run.stdout, want):
		c.Detail = fmt.Sprintf("client exit 0, but the answer does not name the client's identity %s", want)
	default:
		r.negative(ctx, c, cl.Commands[c.Profile], vars, ev)
	}
}

// negative runs the client again with the rogue credentials (the same
// names, issued by keys the server does not trust): the server must refuse
// them, or its passes prove nothing.
func (r *runner) negative(ctx context.Context, c *Cell, tmpl []string, vars map[string]string, ev *evidence) {
	rogue := maps.Clone(vars)
	rogue["wit"], rogue["key"] = r.creds.Rogue.WIT, r.creds.Rogue.WITKey
	rogue["cert"], rogue["certKey"] = r.creds.Rogue.ClientCert, r.creds.Rogue.ClientKey
	argv, err := expand(tmpl, rogue)
	if err != nil {
		c.Status, c.Detail = StatusSetup, fmt.Sprintf("negative probe: %v", err)
		return
	}
	run := runClient(ctx, argv, r.reg.dir, r.o.Timeout)
	c.Negative = &Probe{Command: argv, Exit: run.exit, TimedOut: run.timedOut, Time: Duration(run.duration)}
	ev.negStdout, ev.negStderr = run.stdout, run.stderr
	what := "a WIT signed by an untrusted issuer key"
	if c.Profile == ProfileMTLS {
		what = "a client certificate from an untrusted CA"
	}
	switch {
	case run.startErr != nil || run.exit == 2:
		c.Status, c.Detail = StatusSetup, fmt.Sprintf("negative probe: the client did not run (exit %d, %v)", run.exit, run.startErr)
	case run.timedOut:
		c.Detail = fmt.Sprintf("negative probe: no answer to %s within %s", what, r.o.Timeout)
	case run.exit == 0:
		c.Detail = fmt.Sprintf("negative probe: the server accepted %s", what)
	default:
		c.Status, c.passed = StatusPass, true
		c.Detail = fmt.Sprintf("the answer names %s; %s is refused", vars["subject"], what)
	}
}

// firstLine is the first non-empty line of a, else of b, cut to 200 bytes.
func firstLine(a, b string) string {
	for _, s := range []string{a, b} {
		for l := range strings.SplitSeq(s, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				if len(l) > 200 {
					l = l[:200] + "…"
				}
				return l
			}
		}
	}
	return "(no output)"
}

// writeEvidence writes the cell's evidence file: commands, timing, the
// client's output and the server's log.
func writeEvidence(out string, c *Cell, ev *evidence) error {
	if ev == nil {
		ev = &evidence{}
	}
	c.Evidence = filepath.ToSlash(filepath.Join("evidence", c.ID+".txt"))
	var b strings.Builder
	fmt.Fprintf(&b, "cell     %s\nclient   %s\nserver   %s\nprofile  %s\ndraft    %s\nstatus   %s\ndetail   %s\n",
		c.ID, c.Client, c.Server, c.Profile, c.Draft, c.Status, c.Detail)
	if c.Known != nil {
		fmt.Fprintf(&b, "known    %s (%s)\n", c.Known.Finding, c.Known.Note)
	}
	if len(c.Controls) > 0 {
		fmt.Fprintf(&b, "controls client %s, server %s\n", c.Controls[0], c.Controls[1])
	}
	fmt.Fprintf(&b, "url      %s\nserver start %d ms, client %d ms, client exit %d, timed out %t\n",
		c.URL, time.Duration(c.ServerStart).Milliseconds(), time.Duration(c.ClientTime).Milliseconds(), c.ClientExit, c.TimedOut)
	section := func(title, body string) {
		fmt.Fprintf(&b, "\n===== %s =====\n%s", title, body)
		if body != "" && !strings.HasSuffix(body, "\n") {
			b.WriteString("\n")
		}
	}
	b.WriteString("\nFile paths in the commands are in the run's work directory, removed after the run.\n")
	section("server command", quote(c.ServerCommand))
	section("client command", quote(c.ClientCommand))
	section("client stdout", ev.clientStdout)
	section("client stderr", ev.clientStderr)
	if c.Negative != nil {
		section("negative probe command (rogue credentials)", quote(c.Negative.Command))
		section("negative probe stdout", ev.negStdout)
		section("negative probe stderr", ev.negStderr)
	}
	section("server log", ev.serverLog)
	if ev.transcript != "" {
		section("bytes on the wire (plain HTTP through a relay; the server's audience is the relay's address)", ev.transcript)
	}
	if err := os.WriteFile(filepath.Join(out, c.Evidence), []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("matrix: evidence: %w", err)
	}
	return nil
}
