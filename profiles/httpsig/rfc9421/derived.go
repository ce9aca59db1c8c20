package rfc9421

import (
	"fmt"
	"strconv"
	"strings"
)

// derivedValue derives the value of a derived component (RFC 9421 §2.2)
// from ctx, which is the target message or, for ";req", its related
// request.
func derivedValue(ctx *Message, c Component, sp spec) (string, error) {
	if c.name == "@status" {
		if !ctx.IsResponse() {
			return "", fmt.Errorf("%w: @status applies to responses only (§2.2.9)", ErrInvalidComponent)
		}
		if ctx.Status < 100 || ctx.Status > 999 {
			return "", fmt.Errorf("%w: status %d is not a three-digit code", ErrInvalidComponent, ctx.Status)
		}
		return strconv.Itoa(ctx.Status), nil
	}
	if ctx.IsResponse() {
		return "", fmt.Errorf("%w: %s applies to requests; use %s;req on a response (§2.4)", ErrInvalidComponent, c.name, c.ser)
	}
	var v string
	switch c.name {
	case "@method":
		v = ctx.Method
	case "@scheme":
		v = strings.ToLower(ctx.Scheme)
	case "@authority":
		v = normalizeAuthority(ctx.Scheme, ctx.Authority)
	case "@target-uri":
		if ctx.Scheme == "" || ctx.Authority == "" {
			return "", fmt.Errorf("%w: %s needs a scheme and an authority", ErrMissingComponent, c.name)
		}
		v = strings.ToLower(ctx.Scheme) + "://" + normalizeAuthority(ctx.Scheme, ctx.Authority) + path(ctx)
		if ctx.RawQuery != "" {
			v += "?" + ctx.RawQuery
		}
	case "@request-target":
		v = ctx.RequestTarget
		if v == "" {
			v = path(ctx)
			if ctx.RawQuery != "" {
				v += "?" + ctx.RawQuery
			}
		}
	case "@path":
		v = path(ctx)
		if !strings.HasPrefix(v, "/") {
			return "", fmt.Errorf("%w: path %q is not absolute", ErrInvalidComponent, v)
		}
	case "@query":
		v = "?" + ctx.RawQuery
	case "@query-param":
		return queryParam(ctx.RawQuery, sp.qname)
	default:
		return "", fmt.Errorf("%w: %q", ErrUnknownComponent, c.name)
	}
	if v == "" {
		return "", fmt.Errorf("%w: %s", ErrMissingComponent, c.name)
	}
	// §2.2: printable characters and spaces, no leading or trailing space.
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 || v[i] > 0x7e {
			return "", fmt.Errorf("%w: %s value has byte %#x (§2.2)", ErrInvalidComponent, c.name, v[i])
		}
	}
	if strings.TrimSpace(v) != v {
		return "", fmt.Errorf("%w: %s value has leading or trailing whitespace (§2.2)", ErrInvalidComponent, c.name)
	}
	return v, nil
}

// path returns the message's path, "/" when empty (RFC 9421 §2.2.6).
func path(m *Message) string {
	if m.Path == "" {
		return "/"
	}
	return m.Path
}

// normalizeAuthority lower-cases the host and removes the scheme's default
// port or an empty port (RFC 9421 §2.2.3, RFC 9110 §4.2.3).
func normalizeAuthority(scheme, a string) string {
	host, port := a, ""
	if i := strings.LastIndexByte(a, ':'); i >= 0 && !strings.Contains(a[i:], "]") {
		host, port = a[:i], a[i+1:]
	}
	host = strings.ToLower(host)
	switch scheme = strings.ToLower(scheme); {
	case port == "",
		port == "80" && scheme == "http",
		port == "443" && scheme == "https":
		return host
	}
	return host + ":" + port
}
