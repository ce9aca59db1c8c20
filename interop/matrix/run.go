package matrix

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// DefaultTimeout bounds one cell's client run, and the server's start-up.
const DefaultTimeout = 20 * time.Second

// Options configure Run.
type Options struct {
	// Out is the output directory: evidence files go to Out/evidence.
	// Required.
	Out string
	// Timeout bounds each client run and each server's readiness; zero
	// means DefaultTimeout.
	Timeout time.Duration
	// Only restricts the run to one profile; "" runs them all.
	Only string
	// Credentials is a directory that keeps the credential set between
	// runs (OpenCredentials): servers at a fixed URL are given its trust
	// bundle and CA beforehand. "" means a fresh set in a temporary
	// directory, removed after the run.
	Credentials string
	// RegistryName is recorded in the result.
	RegistryName string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives progress, one line per cell; nil discards.
	Logger *slog.Logger
}

// Run builds the registry's Go packages, runs every cell and classifies
// the failures. It returns an error only when the run could not be made
// (output directory, credentials); a failing cell is in the Result.
func Run(ctx context.Context, reg *Registry, o Options) (*Result, error) {
	if o.Out == "" {
		return nil, fmt.Errorf("matrix: an output directory is required")
	}
	if o.Only != "" && !slices.Contains(profiles(), o.Only) {
		return nil, fmt.Errorf("matrix: unknown profile %q (want %v)", o.Only, profiles())
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if err := os.MkdirAll(filepath.Join(o.Out, "evidence"), 0o755); err != nil {
		return nil, fmt.Errorf("matrix: %w", err)
	}
	work, err := os.MkdirTemp("", "wimse-matrix-")
	if err != nil {
		return nil, fmt.Errorf("matrix: %w", err)
	}
	defer os.RemoveAll(work)
	start := o.Now()
	res := &Result{Schema: SchemaID, Registry: o.RegistryName, Reference: reg.Reference, Started: start.UTC(),
		Builds: []BuildResult{}, Cells: []*Cell{}, Stale: []Known{}}

	var creds *Credentials
	if o.Credentials != "" {
		creds, err = OpenCredentials(o.Credentials, start)
	} else {
		credDir := filepath.Join(work, "credentials")
		if err := os.Mkdir(credDir, 0o700); err != nil {
			return nil, fmt.Errorf("matrix: %w", err)
		}
		creds, err = NewCredentials(credDir, start, CredentialLifetime, nil)
	}
	if err != nil {
		return nil, err
	}
	clientCert, err := tls.LoadX509KeyPair(creds.ClientCert, creds.ClientKey)
	if err != nil {
		return nil, fmt.Errorf("matrix: %w", err)
	}

	bins, failed := reg.build(ctx, filepath.Join(work, "bin"), res, o.Now)
	r := &runner{reg: reg, o: o, creds: creds, bins: bins, failedBuilds: failed, clientCert: &clientCert, work: work}
	for _, c := range reg.cells(o.Only) {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		r.run(ctx, c)
		res.Cells = append(res.Cells, c)
		o.Logger.Info("cell", "id", c.ID, "passed", c.passed, "detail", c.Detail)
	}
	classify(res.Cells, reg.Reference)
	res.Stale = reg.applyKnown(res.Cells, o.Only)
	res.Summary = Summary{Cells: len(res.Cells), Status: map[string]int{}}
	res.OK = len(res.Stale) == 0
	for _, b := range res.Builds {
		res.OK = res.OK && b.OK
	}
	for _, c := range res.Cells {
		res.Summary.Status[c.Status]++
		if c.Known != nil {
			res.Summary.Known++
		}
		if c.Status != StatusPass && c.Known == nil {
			res.OK = false
		}
		if err := writeEvidence(o.Out, c, r.evidence[c.ID]); err != nil {
			return nil, err
		}
	}
	res.Duration = Duration(o.Now().Sub(start))
	return res, nil
}

// build builds each listed package once into dir.
func (reg *Registry) build(ctx context.Context, dir string, res *Result, now func() time.Time) (map[string]string, map[string]bool) {
	bins, failed := map[string]string{}, map[string]bool{}
	for _, b := range reg.Build {
		t0 := now()
		out := filepath.Join(dir, b.Name)
		cmd := exec.CommandContext(ctx, "go", "build", "-o", out, b.Package)
		cmd.Dir = reg.dir
		msg, err := cmd.CombinedOutput()
		br := BuildResult{Name: b.Name, Package: b.Package, OK: err == nil, Duration: Duration(now().Sub(t0))}
		if err != nil {
			br.Output = strings.TrimSpace(string(msg) + "\n" + err.Error())
			failed[b.Name] = true
		}
		bins["bin."+b.Name] = out
		res.Builds = append(res.Builds, br)
	}
	return bins, failed
}

// cells lists every client × server × profile × draft both sides speak,
// in registry order.
func (reg *Registry) cells(only string) []*Cell {
	var out []*Cell
	for _, cl := range reg.Implementations {
		if cl.Client == nil {
			continue
		}
		for _, sv := range reg.Implementations {
			if sv.Server == nil {
				continue
			}
			for _, p := range profiles() {
				if only != "" && p != only {
					continue
				}
				for _, d := range cl.Profiles[p] {
					if !slices.Contains(sv.Profiles[p], d) {
						continue
					}
					out = append(out, &Cell{ID: cellID(cl.Name, sv.Name, p, d), Client: cl.Name, Server: sv.Name, Profile: p, Draft: d})
				}
			}
		}
	}
	return out
}

func cellID(client, server, profile, draft string) string {
	return client + "--" + server + "--" + profile + "--" + draft
}

func (reg *Registry) impl(name string) *Implementation {
	for i := range reg.Implementations {
		if reg.Implementations[i].Name == name {
			return &reg.Implementations[i]
		}
	}
	return nil
}

// applyKnown marks the failing cells a known entry explains and returns
// the stale entries.
func (reg *Registry) applyKnown(cells []*Cell, only string) []Known {
	stale := []Known{}
	for _, k := range reg.Known {
		if only != "" && k.Profile != only {
			continue
		}
		explains := false
		for _, c := range cells {
			if k.matches(c) && c.Status != StatusPass && c.Status != StatusSetup {
				kk := k
				c.Known = &kk
				explains = true
			}
		}
		if !explains {
			stale = append(stale, k)
		}
	}
	return stale
}

// classify judges every failing cell by its controls (package doc).
func classify(cells []*Cell, ref string) {
	byID := map[string]*Cell{}
	for _, c := range cells {
		byID[c.ID] = c
	}
	passed := func(id string) (bool, bool) {
		c, ok := byID[id]
		if !ok || c.Status == StatusSetup {
			return false, false
		}
		return c.passed, true
	}
	for _, c := range cells {
		if c.Status != "" {
			continue // pass or setup, decided when it ran
		}
		clientCtl, serverCtl := cellID(c.Client, ref, c.Profile, c.Draft), cellID(ref, c.Server, c.Profile, c.Draft)
		c.Controls = []string{clientCtl, serverCtl}
		cp, cok := passed(clientCtl)
		sp, sok := passed(serverCtl)
		switch {
		case !cok || !sok:
			c.Status = StatusUnknown
			c.Detail += "; a control did not run"
		case cp && sp:
			c.Status = StatusDisagreement
		case !cp && sp:
			c.Status = StatusClientSide
		case cp && !sp:
			c.Status = StatusServerSide
		default:
			c.Status = StatusUnknown
			c.Detail += "; both controls failed"
		}
	}
}
