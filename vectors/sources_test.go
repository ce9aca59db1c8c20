package vectors_test

import (
	"testing"

	"github.com/wimse-wg/wimse/vectors"
)

// TestSourcesAreValidVectors: every vector derived from another (invalid,
// or acceptable with a mutation) names a valid vector of its own file as
// its source, which runners play first and judge the derived vector behind.
func TestSourcesAreValidVectors(t *testing.T) {
	for _, f := range loadSet(t).Files {
		byID := map[string]*vectors.Vector{}
		for i := range f.Tests {
			byID[f.Tests[i].ID] = &f.Tests[i]
		}
		for _, v := range f.Tests {
			if v.Mutation == nil {
				continue
			}
			src := byID[v.Mutation.From]
			switch {
			case src == nil:
				t.Errorf("%s: source %s is not a vector of %s.json", v.ID, v.Mutation.From, f.Group)
			case src.Result != vectors.ResultValid:
				t.Errorf("%s: source %s is %s, not valid", v.ID, src.ID, src.Result)
			}
		}
	}
}
