package sts

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/internal/strictjson"
	"github.com/wimse-wg/wimse/interop/sts/audit"
	"github.com/wimse-wg/wimse/interop/sts/store"
	"github.com/wimse-wg/wimse/profiles/exchange"
	"github.com/wimse-wg/wimse/wimse"
)

// Key files. The STS's signing keys live in the files the configuration
// names (SigningKeys): the current key, the next key (published ahead of
// its use) and, optionally, the retired keys file. RotateKeys rotates them
// on disk; a running server takes the new files on Server.Reload (`wimse
// sts serve` calls it on SIGHUP).
//
// The retired keys file is JSON: {"keys":[{"until":RFC 3339 time,"jwk":
// public JWK}]}. It holds public keys only: a retired key never signs
// again, it is only published until the tokens it signed have expired.

// retiredFile is the retired keys file.
type retiredFile struct {
	Keys []retiredEntry `json:"keys"`
}

type retiredEntry struct {
	Until time.Time       `json:"until"`
	JWK   json.RawMessage `json:"jwk"`
}

// MaxRetiredKeys bounds the retired keys file: a rotation fails rather than
// publish more (rotating faster than the grace period would).
const MaxRetiredKeys = 16

// loadKeys reads the current, next and retired keys of cfg, dropping the
// retired keys whose time has passed at now.
func loadKeys(cfg *Config, now time.Time) (cur, next exchange.SigningKey, retired []exchange.RetiredKey, err error) {
	if cur, err = loadSigningKey(cfg.path(cfg.SigningKeys.Current)); err != nil {
		return
	}
	if next, err = loadSigningKey(cfg.path(cfg.SigningKeys.Next)); err != nil {
		return
	}
	if cfg.SigningKeys.Retired == "" {
		return
	}
	retired, err = readRetired(cfg.path(cfg.SigningKeys.Retired), now)
	return
}

// readRetired reads a retired keys file; a missing file holds no key.
func readRetired(path string, now time.Time) ([]exchange.RetiredKey, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sts: retired keys: %w", err)
	}
	var f retiredFile
	if err := strictjson.Decode(b, &f); err != nil {
		return nil, fmt.Errorf("sts: retired keys %s: %w", path, err)
	}
	var out []exchange.RetiredKey
	for i, e := range f.Keys {
		k, err := jose.ParsePublicJWK(e.JWK)
		if err != nil {
			return nil, fmt.Errorf("sts: retired keys %s: key %d: %w", path, i+1, err)
		}
		if k.Kid == "" || e.Until.IsZero() {
			return nil, fmt.Errorf("sts: retired keys %s: key %d: kid and until are required", path, i+1)
		}
		if now.Before(e.Until) {
			out = append(out, exchange.RetiredKey{Public: k.Key, Alg: k.Alg, KeyID: k.Kid, Until: e.Until})
		}
	}
	return out, nil
}

// writeRetired writes the retired keys file atomically.
func writeRetired(path string, keys []exchange.RetiredKey) error {
	f := retiredFile{Keys: []retiredEntry{}}
	for _, k := range keys {
		m, err := jose.PublicJWKJSON(k.Public, k.Alg, k.KeyID)
		if err != nil {
			return err
		}
		b, err := json.Marshal(m)
		if err != nil {
			return err
		}
		f.Keys = append(f.Keys, retiredEntry{Until: k.Until.UTC(), JWK: b})
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(path, append(b, '\n'), 0o644)
}

// writeFileAtomic writes data to a temporary file in path's directory,
// syncs it and renames it over path, then syncs the directory: a crash
// leaves the old file or the new one, never a mix.
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Rotation is the result of RotateKeys.
type Rotation struct {
	// Retired is the kid of the key that stopped signing, published until
	// RetiredUntil.
	Retired      string
	RetiredUntil time.Time
	// Current is the kid of the key that signs now (the former next key).
	Current string
	// Next is the kid of the newly generated next key.
	Next string
}

// RotateOptions configures RotateKeys.
type RotateOptions struct {
	// Now is the time of the rotation. Zero means time.Now().
	Now time.Time
	// MinPublish is the least time the next key file must have existed
	// (its modification time) before it becomes current, so that verifiers
	// caching the JWK Set hold it already. Zero means
	// exchange.JWKSMaxAge; negative disables the check.
	MinPublish time.Duration
	// Rand is the randomness for the new key and its kid. Nil means
	// crypto/rand.
	Rand io.Reader
}

// ErrRotateTooSoon is returned by RotateKeys when the next key file is
// younger than RotateOptions.MinPublish.
var ErrRotateTooSoon = exchange.ErrRotateTooSoon

// RotateKeys rotates the signing key files of cfg: the current key is
// retired (its public key added to the retired keys file, published for
// the longest token lifetime plus clock skew), the next key becomes
// current, and a new next key of the same algorithm is generated with a
// random kid. Then it appends a key_rotated record to the audit log,
// naming the new current kid. The files are replaced atomically, in an
// order that a crash at any point leaves a state the server can start
// from: retired file, then current ← next, then the new next. A crash
// after the second step leaves current and next with one kid; RotateKeys
// run again completes the rotation by generating a new next key.
//
// The server must be told (Server.Reload, SIGHUP for `wimse sts serve`).
// With a file audit log (audit.log), RotateKeys appends to the file the
// server appends to: stop the server first, or use the SQLite store, which
// serialises writers across processes.
func RotateKeys(ctx context.Context, cfg *Config, opts RotateOptions) (Rotation, error) {
	if cfg.SigningKeys.Retired == "" {
		return Rotation{}, errors.New("sts: signingKeys.retired is not set: a rotated key must stay published, set it to a file name such as keys/retired.json")
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	minPublish := opts.MinPublish
	if minPublish == 0 {
		minPublish = exchange.JWKSMaxAge
	}
	random := opts.Rand
	if random == nil {
		random = rand.Reader
	}
	curPath, nextPath := cfg.path(cfg.SigningKeys.Current), cfg.path(cfg.SigningKeys.Next)
	cur, next, retired, err := loadKeys(cfg, now)
	if err != nil {
		return Rotation{}, err
	}
	var rot Rotation
	if cur.KeyID != next.KeyID { // not an interrupted rotation
		if minPublish > 0 {
			fi, err := os.Stat(nextPath)
			if err != nil {
				return Rotation{}, fmt.Errorf("sts: next key: %w", err)
			}
			if age := now.Sub(fi.ModTime()); age < minPublish {
				return Rotation{}, fmt.Errorf("%w: the next key was published %s ago, wait %s", ErrRotateTooSoon, age.Round(time.Second), (minPublish - age).Round(time.Second))
			}
		}
		retired = append([]exchange.RetiredKey{{Public: cur.Key.Public(), Alg: cur.Alg, KeyID: cur.KeyID, Until: now.Add(cfg.maxLifetime() + wimse.DefaultClockSkew)}}, retired...)
		if len(retired) > MaxRetiredKeys {
			return Rotation{}, fmt.Errorf("sts: %d retired keys would be published (at most %d): rotating faster than tokens expire", len(retired), MaxRetiredKeys)
		}
		if err := writeRetired(cfg.path(cfg.SigningKeys.Retired), retired); err != nil {
			return Rotation{}, fmt.Errorf("sts: retired keys: %w", err)
		}
		b, err := os.ReadFile(nextPath)
		if err != nil {
			return Rotation{}, fmt.Errorf("sts: next key: %w", err)
		}
		if err := writeFileAtomic(curPath, b, 0o600); err != nil {
			return Rotation{}, fmt.Errorf("sts: current key: %w", err)
		}
		rot.Retired, rot.RetiredUntil = cur.KeyID, retired[0].Until
	}
	key, err := jose.GenerateKey(next.Alg, random)
	if err != nil {
		return Rotation{}, fmt.Errorf("sts: new next key: %w", err)
	}
	kid, err := jose.NewID(random)
	if err != nil {
		return Rotation{}, fmt.Errorf("sts: new next key: %w", err)
	}
	data, err := jose.PrivateJWKJSON(key, next.Alg, kid)
	if err != nil {
		return Rotation{}, fmt.Errorf("sts: new next key: %w", err)
	}
	if err := writeFileAtomic(nextPath, append(data, '\n'), 0o600); err != nil {
		return Rotation{}, fmt.Errorf("sts: next key: %w", err)
	}
	rot.Current, rot.Next = next.KeyID, kid
	if err := recordKeyState(ctx, cfg, rot, now); err != nil {
		return rot, fmt.Errorf("sts: the keys were rotated but the store's key state was not written: %w", err)
	}
	if err := appendKeyRotated(ctx, cfg, now, rot.Current); err != nil {
		return rot, fmt.Errorf("sts: the keys were rotated but the audit record was not written: %w", err)
	}
	return rot, nil
}

// appendKeyRotated appends the key_rotated record of a rotation to the
// audit log of cfg.
func appendKeyRotated(ctx context.Context, cfg *Config, now time.Time, kid string) error {
	l, err := audit.ParseLabel(kid)
	if err != nil {
		return err
	}
	store, closeStore, err := OpenAudit(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeStore()
	ckey, err := wimse.LoadPrivateJWK(cfg.path(cfg.Audit.CheckpointKey))
	if err != nil {
		return fmt.Errorf("audit checkpoint key: %w", err)
	}
	alog, err := audit.New(store, audit.WithSigner(ckey.Signer), audit.WithNow(func() time.Time { return now }))
	if err != nil {
		return err
	}
	if _, err := alog.Append(ctx, audit.Record{Decision: audit.KeyRotated, KeyID: l}); err != nil {
		return err
	}
	_, err = alog.Checkpoint(ctx)
	return err
}

// maxLifetime is the configured longest token lifetime.
func (c *Config) maxLifetime() time.Duration {
	if c.MaxLifetime > 0 {
		return time.Duration(c.MaxLifetime)
	}
	return exchange.DefaultMaxLifetime
}

// Reload reads the key files again and publishes and signs with what they
// hold now: after RotateKeys by another process. It returns the kid of the
// current key. On an error the keys in use stay as they were.
func (s *Server) Reload() (string, error) {
	cur, next, retired, err := loadKeys(s.cfg, time.Now())
	if err != nil {
		return "", err
	}
	if err := checkKeyState(context.Background(), s.state, cur, next); err != nil {
		return "", err
	}
	if err := s.keys.Load(cur, next, retired); err != nil {
		return "", fmt.Errorf("sts: reload keys: %w", err)
	}
	s.refreshOwnTrust()
	return cur.KeyID, nil
}

// keyState is the signing-key state kept in the store (store.KeyState):
// which keys a rotation made current and next, so that a server (or a
// replica sharing the database) whose key files are older than the last
// rotation refuses to start rather than sign with a retired key.
type keyState struct {
	Current   string    `json:"current"`
	Next      string    `json:"next"`
	RotatedAt time.Time `json:"rotatedAt"`
}

// recordKeyState writes the rotation to the store's key state, compare-
// and-swap, when the configuration has a store.
func recordKeyState(ctx context.Context, cfg *Config, rot Rotation, now time.Time) error {
	if cfg.Store.SQLite == "" {
		return nil
	}
	st, err := OpenStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	b, err := json.Marshal(keyState{Current: rot.Current, Next: rot.Next, RotatedAt: now.UTC()})
	if err != nil {
		return err
	}
	for range 3 { // another rotation racing: read the new version and write ours after it
		v, _, err := st.KeyState(ctx)
		if err != nil {
			return err
		}
		if err = st.PutKeyState(ctx, v, b); !errors.Is(err, store.ErrConflict) {
			return err
		}
	}
	return errors.New("the key state kept changing under concurrent rotations")
}

// checkKeyState refuses key files older than the store's key state: the
// current key must be the one the last rotation made current (or its
// next, once a later rotation's files are in place without its record,
// which RotateKeys writes after the files).
func checkKeyState(ctx context.Context, st store.Store, cur, next exchange.SigningKey) error {
	if st == nil {
		return nil
	}
	_, b, err := st.KeyState(ctx)
	if err != nil || b == nil {
		return err
	}
	var ks keyState
	if err := json.Unmarshal(b, &ks); err != nil {
		return fmt.Errorf("sts: the store's key state: %w", err)
	}
	if cur.KeyID != ks.Current && cur.KeyID != ks.Next {
		return fmt.Errorf("sts: the current key file (kid %q) is not the key the last rotation (%s) made current (kid %q): these key files are stale; copy the rotated ones", cur.KeyID, ks.RotatedAt.Format(time.RFC3339), ks.Current)
	}
	return nil
}
