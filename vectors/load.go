package vectors

import (
	"github.com/wimse-wg/wimse/internal/strictjson"

	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:embed v1 schema
var embedded embed.FS

// FS holds the committed vector files (v1/*.json) and the schema
// (schema/wimse_vectors_v1.schema.json).
var FS fs.FS = embedded

// Set is a loaded vector set.
type Set struct {
	Files        []*File
	Requirements *RequirementsFile
	// Digest is the SHA-256 over the vector files, in name order: it
	// identifies the vector set in reports.
	Digest string
}

// Load reads and strictly decodes every v1 vector file of fsys (unknown
// members are an error) and lints it.
func Load(fsys fs.FS) (*Set, error) {
	names, err := fs.Glob(fsys, "v1/*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	if len(names) == 0 {
		return nil, fmt.Errorf("vectors: no v1/*.json files")
	}
	s := &Set{}
	h := sha256.New()
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		h.Write([]byte(path.Base(n) + "\x00"))
		h.Write(b)
		if path.Base(n) == "requirements.json" {
			var r RequirementsFile
			if err := decodeStrict(b, &r); err != nil {
				return nil, fmt.Errorf("vectors: %s: %w", n, err)
			}
			s.Requirements = &r
			continue
		}
		var f File
		if err := decodeStrict(b, &f); err != nil {
			return nil, fmt.Errorf("vectors: %s: %w", n, err)
		}
		if err := Lint(&f); err != nil {
			return nil, err
		}
		s.Files = append(s.Files, &f)
	}
	if s.Requirements == nil {
		return nil, fmt.Errorf("vectors: v1/requirements.json is missing")
	}
	s.Digest = "sha256:" + hex.EncodeToString(h.Sum(nil))
	return s, nil
}

// Vectors returns every vector of the set, in file then file order.
func (s *Set) Vectors() []*Vector {
	var out []*Vector
	for _, f := range s.Files {
		for i := range f.Tests {
			out = append(out, &f.Tests[i])
		}
	}
	return out
}

// Find returns the vector with an ID.
func (s *Set) Find(id string) (*Vector, bool) {
	for _, v := range s.Vectors() {
		if v.ID == id {
			return v, true
		}
	}
	return nil, false
}

func decodeStrict(b []byte, v any) error { return strictjson.Decode(b, v) }

// IsNegative reports whether a vector expects a rejection.
func (v *Vector) IsNegative() bool { return v.Expect.Verdict == "reject" }

// AppliesTo reports whether a request vector applies to a draft.
func (v *Vector) AppliesTo(draft string) bool {
	for _, d := range v.Drafts {
		if strings.EqualFold(d, draft) {
			return true
		}
	}
	return false
}
