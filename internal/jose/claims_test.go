package jose

import (
	"encoding/json"
	"testing"
	"time"
)

func TestNumericDate(t *testing.T) {
	tests := []struct {
		name        string
		raw         string // "" means absent
		want        time.Time
		wantPresent bool
		wantOK      bool
	}{
		{name: "absent", wantOK: true},
		{name: "integer", raw: `1745508910`, want: time.Unix(1745508910, 0), wantPresent: true, wantOK: true},
		{name: "zero", raw: `0`, want: time.Unix(0, 0), wantPresent: true, wantOK: true},
		{name: "negative zero", raw: `-0`, want: time.Unix(0, 0), wantPresent: true, wantOK: true},
		{name: "fractional", raw: `1745508910.5`, want: time.Unix(1745508910, 500_000_000), wantPresent: true, wantOK: true},
		{name: "exponent", raw: `1.7455e9`, want: time.Unix(1745500000, 0), wantPresent: true, wantOK: true},
		{name: "year 9999", raw: `253402300799`, want: time.Unix(253402300799, 0), wantPresent: true, wantOK: true},
		{name: "after year 9999", raw: `253402300800`, wantPresent: true},
		{name: "huge", raw: `1e300`, wantPresent: true},
		{name: "beyond float64", raw: `1e400`, wantPresent: true},
		{name: "negative", raw: `-1`, wantPresent: true},
		{name: "negative fraction", raw: `-0.5`, wantPresent: true},
		{name: "string", raw: `"1745508910"`, wantPresent: true},
		{name: "boolean", raw: `true`, wantPresent: true},
		{name: "null", raw: `null`, wantPresent: true},
		{name: "object", raw: `{}`, wantPresent: true},
		{name: "array", raw: `[1745508910]`, wantPresent: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := Claims{}
			if tc.raw != "" {
				c["exp"] = json.RawMessage(tc.raw)
			}
			got, present, ok := c.NumericDate("exp")
			if present != tc.wantPresent || ok != tc.wantOK || !got.Equal(tc.want) {
				t.Errorf("NumericDate(%s) = %v, %v, %v; want %v, %v, %v", tc.raw, got, present, ok, tc.want, tc.wantPresent, tc.wantOK)
			}
			if ok && present && got.Location() != time.UTC {
				t.Errorf("NumericDate(%s) location = %v, want UTC", tc.raw, got.Location())
			}
		})
	}
}

func TestClaimsString(t *testing.T) {
	tests := []struct {
		raw         string
		want        string
		present, ok bool
	}{
		{raw: "", ok: true},
		{raw: `"x"`, want: "x", present: true, ok: true},
		{raw: `""`, present: true, ok: true},
		{raw: `"\u00e9"`, want: "é", present: true, ok: true},
		{raw: `1`, present: true},
		{raw: `null`, present: true},
		{raw: `["x"]`, present: true},
		{raw: `{"x":1}`, present: true},
	}
	for _, tc := range tests {
		c := Claims{}
		if tc.raw != "" {
			c["sub"] = json.RawMessage(tc.raw)
		}
		v, present, ok := c.String("sub")
		if v != tc.want || present != tc.present || ok != tc.ok {
			t.Errorf("String(%s) = %q, %v, %v; want %q, %v, %v", tc.raw, v, present, ok, tc.want, tc.present, tc.ok)
		}
	}
}

func TestClaimsObject(t *testing.T) {
	tests := []struct {
		raw         string
		wantLen     int
		present, ok bool
	}{
		{raw: "", ok: true},
		{raw: `{}`, present: true, ok: true},
		{raw: `{"jwk":{},"jkt":"x"}`, wantLen: 2, present: true, ok: true},
		{raw: `[]`, present: true},
		{raw: `"{}"`, present: true},
		{raw: `null`, present: true},
		{raw: `1`, present: true},
	}
	for _, tc := range tests {
		c := Claims{}
		if tc.raw != "" {
			c["cnf"] = json.RawMessage(tc.raw)
		}
		m, present, ok := c.Object("cnf")
		if len(m) != tc.wantLen || present != tc.present || ok != tc.ok {
			t.Errorf("Object(%s) = %v, %v, %v; want %d members, %v, %v", tc.raw, m, present, ok, tc.wantLen, tc.present, tc.ok)
		}
	}
}

func TestParseClaims(t *testing.T) {
	c, err := ParseClaims([]byte(`{"sub":"x","exp":1}`))
	if err != nil || len(c) != 2 || string(c["sub"]) != `"x"` {
		t.Errorf("ParseClaims = %v, %v", c, err)
	}
	for _, in := range []string{`[]`, `x`, ``, `"s"`} {
		_, err := ParseClaims([]byte(in))
		checkCode(t, err, CodeMalformed)
	}
}
