package rfc9421

import (
	"fmt"
	"sort"
	"strings"

	"github.com/dunglas/httpsfv"
)

// Component is a component identifier (RFC 9421 §2): a component name,
// serialised as an sf-string, with ordered parameters. It is a comparable
// value built only by parsing (ParseComponent, MustParseComponent,
// ParseSignatures); == compares the exact serialisation, Equal compares as
// RFC 9421 §2 does (parameter order does not matter).
//
// The parameters understood are "sf", "key", "bs", "req" and "tr" for fields
// (§2.1) and "req" and "name" (for @query-param) for derived components
// (§2.2, §2.4). A Boolean parameter set to false (";req=?0") is kept in the
// serialisation and treated as absent.
type Component struct {
	name string
	ser  string // serialisation as an sf-item, parameters in their order
	// canon is the serialisation with parameters sorted by key, used by
	// Equal and for duplicate detection.
	canon string
}

// spec is the meaning of a component identifier's parameters.
type spec struct {
	sf, bs, req, tr bool
	key             string
	hasKey          bool
	qname           string
	hasQName        bool
}

// isDerivedName reports whether name is a derived component implemented
// here (RFC 9421 §2.2). @signature-params is handled separately: it can
// never be covered.
func isDerivedName(name string) bool {
	switch name {
	case "@method", "@target-uri", "@authority", "@scheme", "@request-target",
		"@path", "@query", "@query-param", "@status":
		return true
	}
	return false
}

// ParseComponent parses a serialised component identifier such as
// `"@method"`, `"content-digest";req` or `"@query-param";name="Pet"`
// (RFC 9421 §2: an sf-string Item with parameters) and checks that this
// package can derive its value. Failures wrap ErrInvalidComponent, or
// ErrUnknownComponent for a derived component name it does not implement.
func ParseComponent(s string) (Component, error) {
	it, err := httpsfv.UnmarshalItem([]string{s})
	if err != nil {
		return Component{}, fmt.Errorf("%w: %q is not an sf-item: %w", ErrInvalidComponent, s, err)
	}
	c, err := componentFromItem(it)
	if err != nil {
		return Component{}, err
	}
	if _, err := c.spec(); err != nil {
		return Component{}, err
	}
	return c, nil
}

// MustParseComponent is ParseComponent for constants in tests and examples;
// it panics on error.
func MustParseComponent(s string) Component {
	c, err := ParseComponent(s)
	if err != nil {
		panic(err)
	}
	return c
}

// componentFromItem checks only the syntax of a component identifier (an
// sf-string with parameters), so that a Signature-Input can carry foreign
// signatures whose components this package does not understand; spec does
// the rest when a signature base is built.
func componentFromItem(it httpsfv.Item) (Component, error) {
	name, ok := it.Value.(string)
	if !ok {
		return Component{}, fmt.Errorf("%w: component name must be an sf-string, got %T", ErrInvalidComponent, it.Value)
	}
	if name == "" {
		return Component{}, fmt.Errorf("%w: empty component name", ErrInvalidComponent)
	}
	params := it.Params
	if params == nil {
		params = httpsfv.NewParams()
	}
	ser, err := httpsfv.Marshal(httpsfv.Item{Value: name, Params: params})
	if err != nil {
		return Component{}, fmt.Errorf("%w: %w", ErrInvalidComponent, err)
	}
	sorted := httpsfv.NewParams()
	keys := append([]string(nil), params.Names()...)
	sort.Strings(keys)
	for _, k := range keys {
		v, _ := params.Get(k)
		sorted.Add(k, v)
	}
	canon, err := httpsfv.Marshal(httpsfv.Item{Value: name, Params: sorted})
	if err != nil {
		return Component{}, fmt.Errorf("%w: %w", ErrInvalidComponent, err)
	}
	return Component{name: name, ser: ser, canon: canon}, nil
}

// spec validates c and returns the meaning of its parameters (RFC 9421 §2,
// §2.5 step 2.4: unknown names and parameters, incompatible parameters).
func (c Component) spec() (spec, error) {
	var sp spec
	derived := strings.HasPrefix(c.name, "@")
	switch {
	case c.name == "":
		return sp, fmt.Errorf("%w: zero Component", ErrInvalidComponent)
	case c.name == "@signature-params":
		return sp, fmt.Errorf("%w: @signature-params cannot be a covered component (§2.3)", ErrInvalidComponent)
	case derived && !isDerivedName(c.name):
		return sp, fmt.Errorf("%w: %q", ErrUnknownComponent, c.name)
	case !derived && !isFieldName(c.name):
		return sp, fmt.Errorf("%w: %q is not a lower-case field name (§2.1)", ErrInvalidComponent, c.name)
	}
	it, err := httpsfv.UnmarshalItem([]string{c.ser})
	if err != nil {
		return sp, fmt.Errorf("%w: %w", ErrInvalidComponent, err)
	}
	for _, k := range it.Params.Names() {
		v, _ := it.Params.Get(k)
		if err := sp.set(c.name, k, v, derived); err != nil {
			return sp, err
		}
	}
	switch {
	case c.name == "@query-param" && !sp.hasQName:
		return sp, fmt.Errorf("%w: @query-param needs a name parameter (§2.2.8)", ErrInvalidComponent)
	case sp.bs && (sp.sf || sp.hasKey):
		return sp, fmt.Errorf("%w: bs cannot be combined with sf or key (§2.1)", ErrInvalidComponent)
	case sp.tr:
		return sp, fmt.Errorf("%w: trailer fields (tr) are not supported", ErrInvalidComponent)
	}
	return sp, nil
}

// set records one component parameter, rejecting unknown ones and wrong
// value types.
func (sp *spec) set(name, k string, v any, derived bool) error {
	flag := func(dst *bool) error {
		b, ok := v.(bool)
		if !ok {
			return fmt.Errorf("%w: parameter %q must be a Boolean", ErrInvalidComponent, k)
		}
		*dst = b
		return nil
	}
	str := func(dst *string, has *bool) error {
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("%w: parameter %q must be a String", ErrInvalidComponent, k)
		}
		*dst, *has = s, true
		return nil
	}
	switch {
	case k == "req":
		return flag(&sp.req)
	case k == "name" && name == "@query-param":
		return str(&sp.qname, &sp.hasQName)
	case derived:
	case k == "sf":
		return flag(&sp.sf)
	case k == "bs":
		return flag(&sp.bs)
	case k == "tr":
		return flag(&sp.tr)
	case k == "key":
		return str(&sp.key, &sp.hasKey)
	}
	return fmt.Errorf("%w: parameter %q does not apply to %q", ErrInvalidComponent, k, name)
}

// isFieldName reports whether s is a lower-case HTTP field name (a token,
// RFC 9110 §5.1, without upper-case letters, as RFC 9421 §2.1 requires).
func isFieldName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return s != ""
}

// Name returns the component name: a lower-case field name or a derived
// component name starting with "@".
func (c Component) Name() string { return c.name }

// String returns the serialised component identifier as it appears in a
// signature base line and in Signature-Input, e.g. `"@method";req`.
func (c Component) String() string { return c.ser }

// IsDerived reports whether c names a derived component (RFC 9421 §2.2).
func (c Component) IsDerived() bool { return strings.HasPrefix(c.name, "@") }

// Req reports whether c carries a true "req" parameter (RFC 9421 §2.4).
func (c Component) Req() bool {
	sp, _ := c.spec()
	return sp.req
}

// Key returns the "key" parameter (a Dictionary member, RFC 9421 §2.1.2).
func (c Component) Key() (string, bool) {
	sp, _ := c.spec()
	return sp.key, sp.hasKey
}

// Equal reports whether c and o are the same component identifier: same
// name and same parameters in any order (RFC 9421 §2).
func (c Component) Equal(o Component) bool { return c.canon == o.canon }

// IsZero reports whether c is the zero Component.
func (c Component) IsZero() bool { return c.name == "" }

// item returns c as an sf-item for an inner list.
func (c Component) item() (httpsfv.Item, error) {
	it, err := httpsfv.UnmarshalItem([]string{c.ser})
	if err != nil {
		return httpsfv.Item{}, fmt.Errorf("%w: %w", ErrInvalidComponent, err)
	}
	return it, nil
}
