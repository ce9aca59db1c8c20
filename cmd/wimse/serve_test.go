package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"

	"github.com/wimse-wg/wimse/interop/server"
)

func TestByteSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		str  string
	}{
		{"65536", 65536, "64KiB"},
		{"1MiB", 1 << 20, "1MiB"},
		{"512KiB", 512 << 10, "512KiB"},
		{"2 GiB", 2 << 30, "2GiB"},
		{"100B", 100, "100"},
		{"1000", 1000, "1000"},
	} {
		var b byteSize
		if err := b.Set(tc.in); err != nil || int64(b) != tc.want || b.String() != tc.str {
			t.Errorf("Set(%q): %d %q %v, want %d %q", tc.in, b, b.String(), err, tc.want, tc.str)
		}
	}
	for _, in := range []string{"", "1MB", "-1", "1.5MiB", "MiB", "99999999999GiB"} {
		var b byteSize
		if err := b.Set(in); err == nil {
			t.Errorf("Set(%q) accepted: %d", in, b)
		}
	}
}

// TestServeLimits: the limit flags' defaults are the documented ones, a
// flag's 0 turns a timeout or the connection cap off, and a bad value is a
// usage error (exit 2) before anything is read or served.
func TestServeLimits(t *testing.T) {
	parse := func(t *testing.T, args ...string) (server.Limits, int64, error) {
		t.Helper()
		var lf limitFlags
		c := &cobra.Command{}
		lf.register(c)
		if err := c.Flags().Parse(args); err != nil {
			t.Fatal(err)
		}
		l, err := lf.limits()
		return l, int64(lf.maxBody), err
	}
	l, maxBody, err := parse(t)
	if err != nil {
		t.Fatal(err)
	}
	want := server.Limits{ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second,
		IdleTimeout: time.Minute, MaxHeaderBytes: 64 << 10, MaxConns: 256}
	if diff := cmp.Diff(want, l); diff != "" || maxBody != 1<<20 {
		t.Errorf("defaults (-want +got):\n%s max body %d", diff, maxBody)
	}
	l, maxBody, err = parse(t, "--read-timeout", "0", "--idle-timeout", "0", "--max-conns", "0", "--max-body", "64KiB")
	if err != nil {
		t.Fatal(err)
	}
	if l.ReadTimeout >= 0 || l.IdleTimeout >= 0 || l.MaxConns >= 0 || l.WriteTimeout != 30*time.Second || maxBody != 64<<10 {
		t.Errorf("0 should turn limits off: %+v, max body %d", l, maxBody)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--max-body", "0"}, "--max-body must be positive"},
		{[]string{"--max-body", "1MB"}, "is not a size in bytes"},
		{[]string{"--read-timeout", "-1s"}, "--read-timeout must not be negative"},
		{[]string{"--max-conns", "-1"}, "--max-conns must not be negative"},
		{[]string{"--max-header-bytes", "0"}, "--max-header-bytes must be positive"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append([]string{"serve", "--listen", "127.0.0.1:0"}, tc.args...)
			if code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr); code != 2 {
				t.Errorf("exit %d, want 2; stderr %q", code, stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("stderr %q does not say %q", stderr.String(), tc.want)
			}
		})
	}
}
