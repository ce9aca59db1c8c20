package vectors

import (
	"fmt"
	"strings"
)

// Foreign origins. A vector about an audience that names another origin
// than the receiver's must differ from the right audience ({{aud}}: the
// receiver's base followed by the request's mapped path) in the origin
// alone, so that it detects a receiver that derives its audience from the
// request (Host, X-Forwarded-Host) instead of its configuration: with a
// hard-coded https://evil.example/path, a receiver on http:// or behind
// another path would compute another audience and reject for the wrong
// reason. These placeholders are {{aud}} with one part of its origin
// replaced; in frozen mode (base https://workload.example.com, path /path)
// {{aud-host:evil.example}} is https://evil.example/path.
//
//	{{aud-host:H}}         the authority replaced by H (host, no port)
//	{{aud-other-scheme}}   http for an https receiver, https for an http one
//	{{aud-upper-host}}     the authority in upper case
//	{{aud-default-port}}   the scheme's default port written out (:443 or
//	                       :80), unless the authority has a port already

// lookup resolves a placeholder: a foreign origin, or a value.
func (m *materializer) lookup(name, arg string) (string, error) {
	if strings.HasPrefix(name, "aud-") {
		return m.foreignAud(name, arg)
	}
	return m.value(name, arg)
}

// foreignAud is {{aud}} with its origin changed as name says.
func (m *materializer) foreignAud(name, arg string) (string, error) {
	aud := m.env.Base + m.pathOnly()
	scheme, rest, ok := strings.Cut(aud, "://")
	if !ok {
		return "", fmt.Errorf("%s: base %q has no scheme", name, m.env.Base)
	}
	authority, tail := rest, ""
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority, tail = rest[:i], rest[i:]
	}
	switch name {
	case "aud-host":
		if arg == "" {
			return "", fmt.Errorf("aud-host needs a host")
		}
		authority = arg
	case "aud-other-scheme":
		scheme = map[string]string{"https": "http", "http": "https"}[scheme]
		if scheme == "" {
			return "", fmt.Errorf("aud-other-scheme: base %q is not http(s)", m.env.Base)
		}
	case "aud-upper-host":
		authority = strings.ToUpper(authority)
	case "aud-default-port":
		if !hasPort(authority) {
			authority += map[string]string{"https": ":443", "http": ":80"}[scheme]
		}
	default:
		return "", fmt.Errorf("unknown placeholder %q", name)
	}
	return scheme + "://" + authority + tail, nil
}

// hasPort reports whether an authority (host[:port], [v6][:port]) has a port.
func hasPort(authority string) bool {
	i := strings.LastIndexByte(authority, ':')
	return i >= 0 && i > strings.LastIndexByte(authority, ']')
}
