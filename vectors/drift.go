package vectors

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
)

// Change is one difference between two versions of a vector file: the
// committed one (old) and the generated one (new).
type Change struct {
	// File is the file name under v1/, e.g. "wpt.json".
	File string
	// ID is the vector ID when the change is inside a vector (an element of
	// tests), "" for a member of the file itself (header, generator, notes,
	// and in requirements.json the requirements, keys and x509Roots).
	ID string
	// Path locates the value inside the vector, or inside the file when ID
	// is "": member names joined by dots, [i] for an array position, [K]
	// for an element matched by its id, name or trustDomain (requirements,
	// keys), or by its field name (a request's [name, value] field line).
	// "" is the vector (or the file) itself.
	Path string
	// Op is ChangeModified, ChangeAdded (Old is nil), ChangeRemoved (New is
	// nil) or ChangeReformatted (same JSON, other bytes).
	Op string
	// Old and New are the decoded JSON values, numbers as json.Number so
	// that integers stay integers.
	Old, New any
}

// Change operations.
const (
	ChangeModified    = "modified"
	ChangeAdded       = "added"
	ChangeRemoved     = "removed"
	ChangeReformatted = "reformatted"
)

// Drift compares two sets of vector files, file name to contents (the
// committed files and the generated ones), and returns what differs, file
// by file in name order and, within a file, vector by vector: which
// members changed, from what to what. A file present on one side only is
// one ChangeAdded or ChangeRemoved; a file that is not JSON is compared as
// text.
func Drift(old, new map[string][]byte) []Change {
	names := make([]string, 0, len(old)+len(new))
	for n := range old {
		names = append(names, n)
	}
	for n := range new {
		if _, ok := old[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var out []Change
	for _, name := range names {
		a, inOld := old[name]
		b, inNew := new[name]
		switch {
		case !inOld:
			out = append(out, Change{File: name, Op: ChangeAdded, New: string(b)})
		case !inNew:
			out = append(out, Change{File: name, Op: ChangeRemoved, Old: string(a)})
		case !bytes.Equal(a, b):
			out = append(out, driftFile(name, a, b)...)
		}
	}
	return out
}

func driftFile(name string, a, b []byte) []Change {
	x, errA := decodeNumbers(a)
	y, errB := decodeNumbers(b)
	if errA != nil || errB != nil {
		return []Change{{File: name, Op: ChangeModified, Old: string(a), New: string(b)}}
	}
	d := &differ{file: name}
	d.walk("", "", x, y, true)
	if len(d.out) == 0 {
		return []Change{{File: name, Op: ChangeReformatted}}
	}
	return d.out
}

func decodeNumbers(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

type differ struct {
	file string
	out  []Change
}

func (d *differ) add(id, path, op string, a, b any) {
	d.out = append(d.out, Change{File: d.file, ID: id, Path: path, Op: op, Old: a, New: b})
}

// walk compares a and b at path (inside vector id); top is true for the
// file's own members, where "tests" holds the vectors.
func (d *differ) walk(id, path string, a, b any, top bool) {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			d.add(id, path, ChangeModified, a, b)
			return
		}
		keys := make([]string, 0, len(x)+len(y))
		for k := range x {
			keys = append(keys, k)
		}
		for k := range y {
			if _, ok := x[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			va, inA := x[k]
			vb, inB := y[k]
			p := joinPath(path, k)
			switch {
			case !inA:
				d.add(id, p, ChangeAdded, nil, vb)
			case !inB:
				d.add(id, p, ChangeRemoved, va, nil)
			case top && path == "" && k == "tests":
				d.tests(va, vb)
			default:
				d.walk(id, p, va, vb, false)
			}
		}
	case []any:
		y, ok := b.([]any)
		if !ok {
			d.add(id, path, ChangeModified, a, b)
			return
		}
		d.array(id, path, x, y)
	default:
		if !jsonEqual(a, b) {
			d.add(id, path, ChangeModified, a, b)
		}
	}
}

// tests compares the vectors of a file by ID, in the new file's order,
// then the removed ones.
func (d *differ) tests(a, b any) {
	x, okA := a.([]any)
	y, okB := b.([]any)
	ka, kx := keyed(x, "id")
	kb, ky := keyed(y, "id")
	if !okA || !okB || ka == "" || kb == "" {
		d.walk("", "tests", a, b, false)
		return
	}
	for _, id := range ky.order {
		if va, ok := kx.byKey[id]; ok {
			d.walk(id, "", va, ky.byKey[id], false)
		} else {
			d.add(id, "", ChangeAdded, nil, ky.byKey[id])
		}
	}
	for _, id := range kx.order {
		if _, ok := ky.byKey[id]; !ok {
			d.add(id, "", ChangeRemoved, kx.byKey[id], nil)
		}
	}
}

// array compares two arrays: by key when their elements are objects with
// a unique id, name or trustDomain, or field lines with unique names; as
// one value when they hold scalars (flags, requirements, header lines) or
// differ in length; element by element otherwise.
func (d *differ) array(id, path string, x, y []any) {
	if jsonEqual(x, y) {
		return
	}
	for _, key := range []string{"id", "name", "trustDomain", fieldLineKey} {
		kx, ix := keyed(x, key)
		ky, iy := keyed(y, key)
		if kx == "" || ky == "" {
			continue
		}
		for _, k := range iy.order {
			p := path + "[" + k + "]"
			va, inA := ix.byKey[k]
			vb := iy.byKey[k]
			if !inA {
				d.add(id, p, ChangeAdded, nil, vb)
				continue
			}
			if key == fieldLineKey {
				va, vb = va.([]any)[1], vb.([]any)[1]
			}
			d.walk(id, p, va, vb, false)
		}
		for _, k := range ix.order {
			if _, ok := iy.byKey[k]; !ok {
				d.add(id, path+"["+k+"]", ChangeRemoved, ix.byKey[k], nil)
			}
		}
		if !slices.Equal(ix.order, iy.order) && sameKeys(ix.order, iy.order) {
			d.add(id, path+"(order)", ChangeModified, anyStrings(ix.order), anyStrings(iy.order))
		}
		return
	}
	if len(x) != len(y) || allScalars(x) && allScalars(y) {
		d.add(id, path, ChangeModified, any(x), any(y))
		return
	}
	for i := range x {
		d.walk(id, path+"["+strconv.Itoa(i)+"]", x[i], y[i], false)
	}
}

// fieldLineKey keys an array of [name, value] string pairs by name.
const fieldLineKey = "\x00field"

type keyIndex struct {
	order []string
	byKey map[string]any
}

// keyed indexes the elements of xs by key, or reports "" when they are not
// all keyed by it, uniquely.
func keyed(xs []any, key string) (string, keyIndex) {
	ix := keyIndex{byKey: map[string]any{}}
	if len(xs) == 0 {
		return "", ix
	}
	for _, e := range xs {
		var k string
		if key == fieldLineKey {
			pair, ok := e.([]any)
			if !ok || len(pair) != 2 {
				return "", ix
			}
			name, ok1 := pair[0].(string)
			_, ok2 := pair[1].(string)
			if !ok1 || !ok2 {
				return "", ix
			}
			k = name
		} else {
			m, ok := e.(map[string]any)
			if !ok {
				return "", ix
			}
			s, ok := m[key].(string)
			if !ok {
				return "", ix
			}
			k = s
		}
		if _, dup := ix.byKey[k]; dup {
			return "", ix
		}
		ix.byKey[k] = e
		ix.order = append(ix.order, k)
	}
	return key, ix
}

func sameKeys(a, b []string) bool {
	return len(a) == len(b) && !slices.ContainsFunc(a, func(k string) bool { return !slices.Contains(b, k) })
}

func anyStrings(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func allScalars(xs []any) bool {
	for _, e := range xs {
		switch e.(type) {
		case map[string]any, []any:
			return false
		}
	}
	return true
}

func joinPath(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func jsonEqual(a, b any) bool {
	x, errA := json.Marshal(a)
	y, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(x, y)
}

// String renders the change on one line: "wpt.json wpt-replay flags:
// ["Replay","ShouldLevel"] → ["Replay"]", values shortened (see
// FormatDriftValue).
func (c Change) String() string {
	where := c.File
	if c.ID != "" {
		where += " " + c.ID
	}
	if c.Path != "" {
		where += " " + c.Path
	}
	o, n := FormatDriftPair(c.Old, c.New)
	switch c.Op {
	case ChangeAdded:
		return where + ": added " + n
	case ChangeRemoved:
		return where + ": removed (was " + o + ")"
	case ChangeReformatted:
		return where + ": same JSON, other bytes (formatting)"
	}
	return fmt.Sprintf("%s: %s → %s", where, o, n)
}
