package policy

import (
	"errors"
	"net/url"
	"slices"
	"strings"
)

// checkResource applies RFC 8707 §2 (and RFC 8693 §2.1) to a resource
// value: an absolute URI (RFC 3986 §4.3) without a fragment. A query is
// tolerated.
func checkResource(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return errors.New("not a URI")
	case !u.IsAbs():
		return errors.New("not an absolute URI (RFC 8707 §2)")
	case strings.Contains(s, "#"):
		return errors.New("has a fragment (RFC 8707 §2)")
	}
	return nil
}

// checkPrefix validates a resource prefix: an absolute hierarchical URI in
// the canonical form byte comparison needs, whose path ends in "/".
func checkPrefix(s string) error {
	if err := checkResource(s); err != nil {
		return err
	}
	u, _ := url.Parse(s)
	switch {
	case u.Opaque != "" || u.Host == "":
		return errors.New("not a hierarchical URI with a host (scheme://host/path/)")
	case u.User != nil:
		return errors.New("has userinfo")
	case strings.Contains(s, "?"):
		return errors.New("has a query: a prefix covers paths only")
	case strings.ContainsAny(s, "%\\"):
		return errors.New("has percent-encoding or a backslash: write it in canonical form")
	case u.Scheme != strings.ToLower(u.Scheme) || u.Host != strings.ToLower(u.Host):
		return errors.New("scheme or host is not lower case: write it in canonical form")
	case !strings.HasSuffix(u.Path, "/"):
		return errors.New("path does not end in '/': a prefix covers whole path segments (list the URI without '/' in resources)")
	}
	rest := s[len(u.Scheme)+len("://")+len(u.Host):]
	if !cleanPath(rest[1:]) {
		return errors.New("path has an empty, '.' or '..' segment")
	}
	return nil
}

// cleanPath reports whether rel, the rest of a URI after a prefix ending in
// "/", is a path whose segments are neither empty (except a final one: a
// trailing '/'), ".", nor ".."; and holds no query, fragment,
// percent-encoding or backslash, any of which could make the URI address
// something outside the prefix (RFC 3986 §5.2.4 removes dot segments;
// servers decode %2e and %2f).
func cleanPath(rel string) bool {
	if strings.ContainsAny(rel, "?#%\\") {
		return false
	}
	if rel == "" {
		return true
	}
	segs := strings.Split(rel, "/")
	for i, seg := range segs {
		switch {
		case seg == "" && i == len(segs)-1:
		case seg == "", seg == ".", seg == "..":
			return false
		}
	}
	return true
}

// permitsResource reports whether r permits the (well-formed) resource s:
// listed exactly, or under a prefix with a clean rest.
func (r *Rule) permitsResource(s string) bool {
	if slices.Contains(r.Resources, s) {
		return true
	}
	for _, p := range r.ResourcePrefixes {
		if strings.HasPrefix(s, p) && cleanPath(s[len(p):]) {
			return true
		}
	}
	return false
}
