package dpop_test

import (
	"net/http"
	"testing"

	"github.com/wimse-wg/wimse/internal/reasontest"
	"github.com/wimse-wg/wimse/tokens/dpop"
	"github.com/wimse-wg/wimse/wimse"
)

func TestFromHeader(t *testing.T) {
	tests := []struct {
		name       string
		values     []string
		want       string
		wantReason wimse.Reason
	}{
		{name: "absent"},
		{name: "one", values: []string{"a.b.c"}, want: "a.b.c"},
		{name: "one with spaces", values: []string{" a.b.c "}, want: "a.b.c"},
		{name: "two fields", values: []string{"a.b.c", "d.e.f"}, wantReason: wimse.ReasonDPoPMultiple},
		{name: "combined by a proxy", values: []string{"a.b.c, d.e.f"}, wantReason: wimse.ReasonDPoPMultiple},
		{name: "empty", values: []string{""}, wantReason: wimse.ReasonDPoPMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for _, v := range tt.values {
				h.Add("Dpop", v)
			}
			got, err := dpop.FromHeader(h)
			reasontest.CheckReason(t, err, tt.wantReason, "")
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNormalizeHTU(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{in: "https://server.example.com/token", want: "https://server.example.com/token"},
		{in: "HTTPS://SERVER.example.com:443/token?q#f", want: "https://server.example.com/token"},
		{in: "http://server.example.com:80", want: "http://server.example.com/"},
		{in: "https://server.example.com:8443/a", want: "https://server.example.com:8443/a"},
		{in: "http://server.example.com:443/a", want: "http://server.example.com:443/a"},
		{in: "https://h.example/a/./b/../c", want: "https://h.example/a/c"},
		{in: "https://h.example/%7euser/%2fx%2F", want: "https://h.example/~user/%2Fx%2F"},
		{in: "https://h.example/a/%2E%2E/b", want: "https://h.example/b"},
		{in: "https://[::1]:443/x", want: "https://[::1]/x"},
		{in: "https://h.example/../../a", want: "https://h.example/a"},
		{in: "https://h.example/a/b/..", want: "https://h.example/a/"},
		{in: "/token", wantErr: true},
		{in: "ftp://h.example/token", wantErr: true},
		{in: "https://user@h.example/token", wantErr: true},
		{in: "https:opaque", wantErr: true},
		{in: "https://h.example/%zz", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		got, err := dpop.NormalizeHTU(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("NormalizeHTU(%q): got %q, %v; want %q (error %v)", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}
