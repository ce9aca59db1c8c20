package sts_test

import (
	"encoding/json"
	"testing"

	"github.com/wimse-wg/wimse/interop/sts"
)

// TestConfigStoreOrAuditLog: exactly one of audit.log and store.sqlite;
// audit.checkpointKey is required either way.
func TestConfigStoreOrAuditLog(t *testing.T) {
	for _, tt := range []struct {
		name  string
		audit map[string]any
		store map[string]any
		ok    bool
	}{
		{"file log", map[string]any{"log": "audit.jsonl", "checkpointKey": "audit.jwk"}, nil, true},
		{"store", map[string]any{"checkpointKey": "audit.jwk"}, map[string]any{"sqlite": "state.db"}, true},
		{"both", map[string]any{"log": "audit.jsonl", "checkpointKey": "audit.jwk"}, map[string]any{"sqlite": "state.db"}, false},
		{"neither", map[string]any{"checkpointKey": "audit.jwk"}, nil, false},
		{"empty store", map[string]any{"checkpointKey": "audit.jwk"}, map[string]any{"sqlite": ""}, false},
		{"store without checkpoint key", map[string]any{}, map[string]any{"sqlite": "state.db"}, false},
	} {
		cfg := map[string]any{
			"issuer":        issuer,
			"signingKeys":   map[string]string{"current": "current.jwk", "next": "next.jwk"},
			"audit":         tt.audit,
			"policy":        "policy.json",
			"clientSecrets": map[string]any{clientID: map[string]string{"secretEnv": envName}},
			"authMethods":   []string{"client_secret_basic"},
		}
		if tt.store != nil {
			cfg["store"] = tt.store
		}
		b, err := json.Marshal(cfg)
		if err != nil {
			t.Fatal(err)
		}
		c, err := sts.ParseConfig(b)
		if (err == nil) != tt.ok {
			t.Errorf("%s: ParseConfig error = %v; want ok %v", tt.name, err, tt.ok)
			continue
		}
		if err == nil && (c.StorePath() == "") != (tt.store == nil) {
			t.Errorf("%s: StorePath = %q", tt.name, c.StorePath())
		}
	}
}

// TestServerStoreNilWithFileLog: without store.sqlite, Server.Store is nil
// (an untyped nil, so callers can test it).
func TestServerStoreNilWithFileLog(t *testing.T) {
	f := setup(t)
	if st := f.srv.Store(); st != nil {
		t.Errorf("Store() = %v; want nil with a file audit log", st)
	}
}
