package sts_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wimse-wg/wimse/interop/sts"
	"github.com/wimse-wg/wimse/interop/sts/audit"
)

// rotationDeployment writes a deployment with a retired keys file and
// returns its configuration.
func rotationDeployment(t *testing.T) *sts.Config {
	t.Helper()
	dir := t.TempDir()
	write(t, dir, "current.jwk", privateJWK(edKey(t), "sts-1"))
	write(t, dir, "next.jwk", privateJWK(edKey(t), "sts-2"))
	write(t, dir, "audit.jwk", privateJWK(edKey(t), "audit-1"))
	write(t, dir, "policy.json", policyFile)
	cfg := map[string]any{
		"issuer":        issuer,
		"signingKeys":   map[string]string{"current": "current.jwk", "next": "next.jwk", "retired": "retired.json"},
		"audit":         map[string]any{"log": "audit.jsonl", "checkpointKey": "audit.jwk"},
		"policy":        "policy.json",
		"clientSecrets": map[string]any{clientID: map[string]string{"secretEnv": envName}},
		"authMethods":   []string{"client_secret_basic"},
		"maxLifetime":   "15m",
	}
	b, _ := json.Marshal(cfg)
	write(t, dir, "sts.json", string(b))
	t.Setenv(envName, secret)
	c, err := sts.LoadConfig(filepath.Join(dir, "sts.json"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// publishedKids returns the kids of the JWK Set the server publishes.
func publishedKids(t *testing.T, srv *sts.Server) []string {
	t.Helper()
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", sts.JWKSPath, nil))
	var set struct {
		Keys []struct {
			Kid string `json:"kid"`
			D   string `json:"d"`
		} `json:"keys"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &set); err != nil {
		t.Fatalf("jwks: %v: %s", err, rec.Body)
	}
	var kids []string
	for _, k := range set.Keys {
		if k.D != "" {
			t.Fatalf("the JWK Set publishes a private key: %s", rec.Body)
		}
		kids = append(kids, k.Kid)
	}
	return kids
}

func TestRotateKeys(t *testing.T) {
	cfg := rotationDeployment(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	srv, err := sts.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if got := publishedKids(t, srv); !slices.Equal(got, []string{"sts-1", "sts-2"}) {
		t.Fatalf("before: published %v", got)
	}

	rot, err := sts.RotateKeys(ctx, cfg, sts.RotateOptions{Now: now, MinPublish: -1})
	if err != nil {
		t.Fatal(err)
	}
	if rot.Retired != "sts-1" || rot.Current != "sts-2" || rot.Next == "" || rot.Next == "sts-1" || rot.Next == "sts-2" {
		t.Fatalf("rotation %+v", rot)
	}
	if want := now.Add(15*time.Minute + time.Minute); !rot.RetiredUntil.Equal(want) {
		t.Errorf("retired until %v, want %v (max lifetime + skew)", rot.RetiredUntil, want)
	}
	// The running server signs with the old key until it reloads.
	if got := srv.Keys().Current().KeyID; got != "sts-1" {
		t.Fatalf("before reload: current %q", got)
	}
	kid, err := srv.Reload()
	if err != nil || kid != "sts-2" {
		t.Fatalf("reload: %q, %v", kid, err)
	}
	// Reload drops retired keys by the wall clock; the fixed rotation time
	// is in the past, so the retired key is published only by a clock
	// before its until: check the file instead.
	b, err := os.ReadFile(filepath.Join(filepath.Dir(cfg.AuditLogPath()), "retired.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rf struct {
		Keys []struct {
			Until time.Time      `json:"until"`
			JWK   map[string]any `json:"jwk"`
		} `json:"keys"`
	}
	if err := json.Unmarshal(b, &rf); err != nil || len(rf.Keys) != 1 || rf.Keys[0].JWK["kid"] != "sts-1" || rf.Keys[0].JWK["d"] != nil {
		t.Fatalf("retired file %s (%v)", b, err)
	}
	if got := publishedKids(t, srv); !slices.Equal(got, []string{"sts-2", rot.Next}) {
		t.Errorf("after reload: published %v", got)
	}

	// The rotation is in the audit log, which verifies.
	store, closeStore, err := sts.OpenAudit(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer closeStore()
	var rotated []string
	for e, err := range store.Range(ctx, audit.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		if e.Record != nil && e.Record.Decision == audit.KeyRotated {
			rotated = append(rotated, e.Record.KeyID.String())
		}
	}
	if !slices.Equal(rotated, []string{"sts-2"}) {
		t.Errorf("key_rotated records %v", rotated)
	}
}

func TestRotateKeysRetiredPublishedUntilExpiry(t *testing.T) {
	cfg := rotationDeployment(t)
	now := time.Now()
	if _, err := sts.RotateKeys(context.Background(), cfg, sts.RotateOptions{Now: now, MinPublish: -1}); err != nil {
		t.Fatal(err)
	}
	srv, err := sts.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	got := publishedKids(t, srv)
	if len(got) != 3 || got[0] != "sts-2" || got[2] != "sts-1" {
		t.Errorf("published %v: want current sts-2, the new next, retired sts-1", got)
	}
}

func TestRotateKeysTooSoon(t *testing.T) {
	cfg := rotationDeployment(t)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	next := filepath.Join(filepath.Dir(cfg.AuditLogPath()), "next.jwk")
	if err := os.Chtimes(next, now.Add(-time.Minute), now.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(next)
	_, err := sts.RotateKeys(context.Background(), cfg, sts.RotateOptions{Now: now})
	if !errors.Is(err, sts.ErrRotateTooSoon) {
		t.Fatalf("err = %v, want ErrRotateTooSoon", err)
	}
	after, _ := os.ReadFile(next)
	if string(before) != string(after) {
		t.Error("a refused rotation changed the next key")
	}
	if err := os.Chtimes(next, now.Add(-10*time.Minute), now.Add(-10*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := sts.RotateKeys(context.Background(), cfg, sts.RotateOptions{Now: now}); err != nil {
		t.Fatalf("after the publication time: %v", err)
	}
}

func TestRotateKeysCompletesAnInterruptedRotation(t *testing.T) {
	cfg := rotationDeployment(t)
	dir := filepath.Dir(cfg.AuditLogPath())
	// A crash after current ← next: both files hold sts-2.
	b, _ := os.ReadFile(filepath.Join(dir, "next.jwk"))
	write(t, dir, "current.jwk", string(b))
	if _, err := sts.New(cfg); err == nil {
		t.Fatal("the server started with current and next sharing a kid")
	}
	rot, err := sts.RotateKeys(context.Background(), cfg, sts.RotateOptions{MinPublish: -1})
	if err != nil {
		t.Fatal(err)
	}
	if rot.Current != "sts-2" || rot.Retired != "" || rot.Next == "sts-2" {
		t.Fatalf("rotation %+v", rot)
	}
	srv, err := sts.New(cfg)
	if err != nil {
		t.Fatalf("after completing: %v", err)
	}
	srv.Close()
}

func TestRotateKeysNeedsRetiredFile(t *testing.T) {
	cfg := rotationDeployment(t)
	cfg.SigningKeys.Retired = ""
	if _, err := sts.RotateKeys(context.Background(), cfg, sts.RotateOptions{MinPublish: -1}); err == nil {
		t.Fatal("rotated without a retired keys file: the old key's tokens would stop verifying")
	}
}

// TestRotateKeysStaleFilesRefused: with a store, a rotation is recorded in
// its key state, and a server whose key files predate the rotation (a
// replica not yet given the new files) refuses to start or reload rather
// than sign with the retired key.
func TestRotateKeysStaleFilesRefused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "d")
	d, err := sts.Init(dir, sts.InitOptions{Listen: "127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"STS_SECRET_DEMO_BASIC", "STS_SECRET_DEMO_POST"} {
		t.Setenv(k, "x")
	}
	cfg, err := sts.LoadConfig(d.Config)
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, "keys", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	oldCur, oldNext := read("current.jwk"), read("next.jwk")
	srv, err := sts.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sts.RotateKeys(context.Background(), cfg, sts.RotateOptions{MinPublish: -1}); err != nil {
		t.Fatal(err)
	}
	newCur, newNext := read("current.jwk"), read("next.jwk")
	write(t, filepath.Join(dir, "keys"), "current.jwk", string(oldCur))
	write(t, filepath.Join(dir, "keys"), "next.jwk", string(oldNext))
	if _, err := srv.Reload(); err == nil || !strings.Contains(err.Error(), "stale") {
		t.Errorf("Reload of stale key files: %v", err)
	}
	srv.Close()
	if _, err := sts.New(cfg); err == nil || !strings.Contains(err.Error(), "stale") {
		t.Fatalf("New with stale key files: %v", err)
	}
	write(t, filepath.Join(dir, "keys"), "current.jwk", string(newCur))
	write(t, filepath.Join(dir, "keys"), "next.jwk", string(newNext))
	srv, err = sts.New(cfg)
	if err != nil {
		t.Fatalf("New with the rotated key files: %v", err)
	}
	srv.Close()
}
