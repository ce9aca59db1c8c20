package matrix

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"

	"github.com/wimse-wg/wimse/internal/strictjson"
)

// Profiles a registry may name: WIT + WPT, WIT + HTTP message signature,
// and mutual TLS with X.509 workload certificates.
const (
	ProfileWPT     = "wit-wpt"
	ProfileHTTPSig = "wit-httpsig"
	ProfileMTLS    = "mtls"
)

// profiles is the closed set, in the order the reports show them.
func profiles() []string { return []string{ProfileWPT, ProfileHTTPSig, ProfileMTLS} }

// Registry is an interop registry file.
type Registry struct {
	// Schema is an optional "$schema" reference, ignored.
	Schema string `json:"$schema,omitempty"`
	// Reference names the implementation whose client and server are the
	// controls of the classification. It must have both roles.
	Reference string `json:"reference"`
	// Build lists the Go packages built once per run.
	Build []Build `json:"build,omitempty"`
	// Implementations are the participants.
	Implementations []Implementation `json:"implementations"`
	// Known lists the known disagreements: failing cells that do not fail
	// the run because a finding explains them.
	Known []Known `json:"known,omitempty"`

	// dir is the registry file's directory: builds run there.
	dir string
}

// Build is a Go package to build; {{bin.Name}} is the binary's path.
type Build struct {
	Name    string `json:"name"`
	Package string `json:"package"`
}

// Implementation is one participant.
type Implementation struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Profiles maps each profile spoken to the draft revisions spoken in it.
	Profiles map[string][]string `json:"profiles"`
	// Server and Client are the roles; at least one is set.
	Server *Server `json:"server,omitempty"`
	Client *Client `json:"client,omitempty"`
}

// Server is the server role: a start command per profile, or a fixed URL
// per profile (a server someone else runs, which must then trust the
// credentials it is given beforehand).
type Server struct {
	// Commands maps a profile to the argv that serves it on {{listen}}.
	Commands map[string][]string `json:"commands,omitempty"`
	// URLs maps a profile to the fixed URL of a running server.
	URLs map[string]string `json:"urls,omitempty"`
	// Path is the protected path; "" means /hello.
	Path string `json:"path,omitempty"`
	// Health is the unauthenticated readiness path; "" means /healthz.
	Health string `json:"health,omitempty"`
}

// Client is the client role: a command per profile that sends one request
// to {{url}} and exits 0 on a 2xx answer, 1 otherwise, 2 on a usage or
// setup error.
type Client struct {
	Commands map[string][]string `json:"commands"`
}

// Known is a known disagreement. Draft "" matches every draft.
type Known struct {
	Client  string `json:"client"`
	Server  string `json:"server"`
	Profile string `json:"profile"`
	Draft   string `json:"draft,omitempty"`
	// Finding references the explanation: an issue, a note, a vector ID.
	Finding string `json:"finding"`
	Note    string `json:"note,omitempty"`
}

func (k Known) matches(c *Cell) bool {
	return k.Client == c.Client && k.Server == c.Server && k.Profile == c.Profile && (k.Draft == "" || k.Draft == c.Draft)
}

var (
	nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,63}$`)
	varRE  = regexp.MustCompile(`\{\{([^{}]*)\}\}`)
)

// Variables are the template variables a command may use, besides
// {{bin.NAME}} for each build.
func Variables() []string {
	return []string{"listen", "url", "audience", "draft", "trustDomain", "trustBundle", "wit", "key",
		"cert", "certKey", "ca", "subject", "workdir"}
}

// Load reads and checks a registry file.
func Load(path string) (*Registry, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("matrix: %w", err)
	}
	var r Registry
	if err := strictjson.Decode(b, &r); err != nil {
		return nil, fmt.Errorf("matrix: %s: %w", path, strictjson.WithLine(b, err))
	}
	abs, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("matrix: %w", err)
	}
	r.dir = abs
	if err := r.Check(); err != nil {
		return nil, fmt.Errorf("matrix: %s: %w", path, err)
	}
	return &r, nil
}

// Check validates the registry: names, profiles, roles, templates and
// known entries.
func (r *Registry) Check() error {
	vars := map[string]bool{}
	for _, v := range Variables() {
		vars[v] = true
	}
	builds := map[string]bool{}
	for _, b := range r.Build {
		if !nameRE.MatchString(b.Name) || b.Package == "" {
			return fmt.Errorf("build %q: a name ([a-z0-9_.-]) and a package are required", b.Name)
		}
		if builds[b.Name] {
			return fmt.Errorf("build %q is listed twice", b.Name)
		}
		builds[b.Name] = true
		vars["bin."+b.Name] = true
	}
	if len(r.Implementations) == 0 {
		return fmt.Errorf("no implementations")
	}
	seen := map[string]*Implementation{}
	for i := range r.Implementations {
		im := &r.Implementations[i]
		if !nameRE.MatchString(im.Name) {
			return fmt.Errorf("implementation name %q: want [a-z0-9][a-z0-9_.-]*", im.Name)
		}
		if seen[im.Name] != nil {
			return fmt.Errorf("implementation %q is listed twice", im.Name)
		}
		seen[im.Name] = im
		if err := im.check(vars); err != nil {
			return fmt.Errorf("implementation %q: %w", im.Name, err)
		}
	}
	ref := seen[r.Reference]
	if ref == nil || ref.Server == nil || ref.Client == nil {
		return fmt.Errorf("reference %q: must name an implementation with a client and a server", r.Reference)
	}
	for _, k := range r.Known {
		c, s := seen[k.Client], seen[k.Server]
		if c == nil || c.Client == nil || s == nil || s.Server == nil || !slices.Contains(profiles(), k.Profile) || k.Finding == "" {
			return fmt.Errorf("known %s→%s %s: needs a registered client, a registered server, a profile and a finding", k.Client, k.Server, k.Profile)
		}
	}
	return nil
}

func (im *Implementation) check(vars map[string]bool) error {
	if im.Server == nil && im.Client == nil {
		return fmt.Errorf("needs a server or a client role")
	}
	if len(im.Profiles) == 0 {
		return fmt.Errorf("speaks no profile")
	}
	for p, drafts := range im.Profiles {
		if !slices.Contains(profiles(), p) {
			return fmt.Errorf("unknown profile %q (want %v)", p, profiles())
		}
		if len(drafts) == 0 {
			return fmt.Errorf("profile %s: no draft revision", p)
		}
		if im.Server != nil && im.Server.Commands[p] == nil && im.Server.URLs[p] == "" {
			return fmt.Errorf("profile %s: the server has no command or URL for it", p)
		}
		if im.Client != nil && im.Client.Commands[p] == nil {
			return fmt.Errorf("profile %s: the client has no command for it", p)
		}
	}
	check := func(role string, cmds map[string][]string) error {
		for p, argv := range cmds {
			if _, ok := im.Profiles[p]; !ok {
				return fmt.Errorf("%s command for %s, a profile it does not speak", role, p)
			}
			if len(argv) == 0 || argv[0] == "" {
				return fmt.Errorf("%s command for %s is empty", role, p)
			}
			for _, a := range argv {
				for _, m := range varRE.FindAllStringSubmatch(a, -1) {
					if !vars[m[1]] {
						return fmt.Errorf("%s command for %s: unknown variable {{%s}} (known: %v)", role, p, m[1], sortedKeys(vars))
					}
				}
			}
		}
		return nil
	}
	if im.Server != nil {
		for p := range im.Server.URLs {
			if _, ok := im.Profiles[p]; !ok {
				return fmt.Errorf("server URL for %s, a profile it does not speak", p)
			}
		}
		if err := check("server", im.Server.Commands); err != nil {
			return err
		}
	}
	if im.Client != nil {
		if err := check("client", im.Client.Commands); err != nil {
			return err
		}
	}
	return nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// expand fills argv's variables; every variable must be known (Check
// made sure of it for registry commands).
func expand(argv []string, vars map[string]string) ([]string, error) {
	out := make([]string, len(argv))
	for i, a := range argv {
		var missing string
		out[i] = varRE.ReplaceAllStringFunc(a, func(m string) string {
			name := m[2 : len(m)-2]
			v, ok := vars[name]
			if !ok {
				missing = name
			}
			return v
		})
		if missing != "" {
			return nil, fmt.Errorf("matrix: variable {{%s}} has no value", missing)
		}
	}
	return out, nil
}
