package main

import (
	"bytes"
	"context"
	"testing"
)

func TestSTSServeUsage(t *testing.T) {
	for _, args := range [][]string{
		{"sts", "serve"},
		{"sts", "serve", "--config", "/nonexistent/sts.json"},
	} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), args, nil, &out, &errb); code != exitUsage {
			t.Errorf("%v: exit %d, want %d (%s)", args, code, exitUsage, errb.String())
		}
	}
}
