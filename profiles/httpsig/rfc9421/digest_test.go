package rfc9421_test

import (
	"errors"
	"testing"

	"github.com/wimse-wg/wimse/profiles/httpsig/rfc9421"
)

// TestContentDigestRFC9530 reproduces the digests of RFC 9530 Appendix B
// and §2, and those of RFC 9421's test messages.
func TestContentDigestRFC9530(t *testing.T) {
	tests := []struct {
		name string
		body string
		algs []string
		want string
	}{
		{"B.1 sha-256", "{\"hello\": \"world\"}\n", nil, "sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:"},
		{"2 sha-512", "{\"hello\": \"world\"}\n", []string{rfc9421.DigestSHA512}, "sha-512=:YMAam51Jz/jOATT6/zvHrLVgOYTGFy1d6GJiOHTohq4yP+pgk4vf2aCsyRZOtw8MjkM7iw7yZ/WkppmM44T3qg==:"},
		{"B.2 empty sha-256", "", []string{rfc9421.DigestSHA256}, "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:"},
		{"B.2 empty sha-512", "", []string{rfc9421.DigestSHA512}, "sha-512=:z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==:"},
		{"B.3 partial content", "\"world\"}\n", nil, "sha-256=:jjcgBDWNAtbYUXI37CVG3gRuGOAjaaDRGpIUFsdyepQ=:"},
		{"two algorithms, duplicates dropped", "", []string{"sha-512", "sha-256", "sha-512"},
			"sha-512=:z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==:, sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:"},
		{"RFC 9421 test-request", `{"hello": "world"}`, []string{"sha-512"}, "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"},
		{"RFC 9421 test-response", `{"message": "good dog"}`, []string{"sha-512"}, "sha-512=:mEWXIS7MaLRuGgxOBdODa3xqM1XdEvxoYhvlCFJ41QJgJc4GTsPp29l5oGX69wWdXymyU0rjJuahq4l5aGgfLQ==:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := rfc9421.ContentDigest([]byte(tt.body), tt.algs...); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			if err := rfc9421.VerifyContentDigest(tt.want, []byte(tt.body)); err != nil {
				t.Errorf("VerifyContentDigest: %v", err)
			}
		})
	}
}

// TestVerifyContentDigestErrors derives failures from a valid field.
func TestVerifyContentDigestErrors(t *testing.T) {
	body := []byte("{\"hello\": \"world\"}\n")
	const sha256 = "sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:"
	tests := []struct {
		name    string
		field   string
		wantErr error
	}{
		{"valid with unknown algorithm ignored", "md5=:AAAA:, " + sha256 + ", unixsum=1", nil},
		{"valid, unknown algorithm of another type", "foo=(1 2), " + sha256, nil},
		{"mismatch", "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:", rfc9421.ErrDigestMismatch},
		{"one of two mismatches", sha256 + ", sha-512=:z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==:", rfc9421.ErrDigestMismatch},
		{"truncated digest", "sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8Fa:", rfc9421.ErrDigestMismatch},
		{"only unsupported algorithms", "md5=:AAAA:, sha=:AAAA:", rfc9421.ErrUnsupportedAlgorithm},
		{"empty", "", rfc9421.ErrUnsupportedAlgorithm},
		{"upper-case key is not sha-256", "SHA-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:", rfc9421.ErrMalformed},
		{"not a dictionary", "RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=", rfc9421.ErrMalformed},
		{"string instead of bytes", `sha-256="RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg="`, rfc9421.ErrMalformed},
		{"inner list", "sha-256=(:AAAA:)", rfc9421.ErrMalformed},
		{"bare key", "sha-256", rfc9421.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := rfc9421.VerifyContentDigest(tt.field, body)
			if tt.wantErr == nil && err != nil || tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

// TestContentDigestPanicsOnUnknownAlgorithm documents the closed set.
func TestContentDigestPanicsOnUnknownAlgorithm(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	rfc9421.ContentDigest(nil, "md5")
}
