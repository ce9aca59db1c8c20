package vectors_test

import (
	"strings"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/vectors"
)

// TestExchangeVectorsMaterialize: every exchange vector materialises with
// the vectors' own values, fills every placeholder, and names client
// certificates of existing client-role mtls vectors.
func TestExchangeVectorsMaterialize(t *testing.T) {
	s := loadSet(t)
	keys, err := vectors.DeriveKeys(vectors.DefaultSeed)
	if err != nil {
		t.Fatal(err)
	}
	values := vectors.DefaultExchangeValues()
	values[vectors.ValueChallenge] = "a-challenge"
	n := 0
	for _, v := range s.Vectors() {
		if v.Kind != vectors.KindExchange {
			continue
		}
		n++
		m, err := vectors.MaterializeExchange(v.Exchange, vectors.ExchangeEnv{Now: time.Unix(vectors.FrozenNow, 0), Keys: keys,
			JTI: func(name string) string { return v.ID + "-" + name }, Values: values})
		if err != nil {
			t.Errorf("%s: %v", v.ID, err)
			continue
		}
		for _, p := range append(m.Params, m.Headers...) {
			if strings.Contains(p[0]+p[1], "{{") {
				t.Errorf("%s: placeholder left in %s=%s", v.ID, p[0], p[1])
			}
		}
		if c := v.Exchange.Certificate; c != "" {
			mv, ok := s.Find(c)
			if !ok || mv.Kind != vectors.KindMTLS || mv.Input.Certificates.Role != vectors.RoleClient {
				t.Errorf("%s: certificate %q is not a client-role mtls vector", v.ID, c)
			}
		}
		if v.Mutation != nil {
			if src, ok := s.Find(v.Mutation.From); !ok || src.Kind != vectors.KindExchange {
				t.Errorf("%s: its source %s is not an exchange vector", v.ID, v.Mutation.From)
			}
		}
	}
	if n < 150 {
		t.Errorf("%d exchange vectors, want at least 150", n)
	}
}
