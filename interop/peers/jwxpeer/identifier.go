package jwxpeer

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spiffe/go-spiffe/v2/spiffeid"
)

// TrustDomainOf validates a Workload Identifier (draft-ietf-wimse-identifier-03)
// and returns its trust domain. spiffe:// identifiers are parsed by go-spiffe
// (the SPIFFE ID rules); wimse:// identifiers must be canonical (§2.2 of the
// digest: lowercase trust domain of [a-z0-9._-] not ending in ".", at least
// one path segment of unreserved characters, no empty, "." or ".." segment,
// no percent-encoding, no query, fragment, userinfo or port). Any other
// scheme is refused.
func TrustDomainOf(id string) (string, error) {
	if len(id) > 2048 {
		return "", errors.New("identifier longer than 2048 octets")
	}
	switch {
	case strings.HasPrefix(id, "spiffe://"):
		sid, err := spiffeid.FromString(id)
		if err != nil {
			return "", fmt.Errorf("spiffe id: %w", err)
		}
		return sid.TrustDomain().Name(), nil
	case strings.HasPrefix(id, "wimse://"):
		rest := strings.TrimPrefix(id, "wimse://")
		td, path, ok := strings.Cut(rest, "/")
		if !ok || path == "" {
			return "", errors.New("wimse identifier without a path")
		}
		if td == "" || strings.HasSuffix(td, ".") {
			return "", errors.New("wimse identifier with an empty or dot-terminated trust domain")
		}
		for _, c := range td {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
				return "", fmt.Errorf("wimse trust domain has %q", c)
			}
		}
		for seg := range strings.SplitSeq(path, "/") {
			if seg == "" || seg == "." || seg == ".." {
				return "", errors.New("wimse identifier has an empty, . or .. segment")
			}
			for _, c := range seg {
				if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-._~", c)) {
					return "", fmt.Errorf("wimse path has %q", c)
				}
			}
		}
		return td, nil
	default:
		return "", errors.New("identifier scheme is neither wimse nor spiffe")
	}
}
