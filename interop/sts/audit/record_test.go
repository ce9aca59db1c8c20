package audit

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/wimse-wg/wimse/wimse"
)

// A JWS or JWE in compact serialisation, as a scanner of logs would look
// for one: a base64url JSON object, then two or more segments.
var jwtLike = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*\.`)

const sampleJWT = "eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJzdWIiOiJ3aW1zZTovL2V4YW1wbGUuY29tL2EifQ.c2lnbmF0dXJl"

func TestCanonicalForm(t *testing.T) {
	r := issued(t, "wimse://example.com/client", 0)
	r.KeyID = MustParseLabel("k1")
	e := Entry{Seq: 7, Time: t0.Add(1500 * time.Millisecond), Record: &r}
	e.Prev[31] = 0xff
	got := string(marshal(t, e))
	const want = `{"seq":7,"prev":"00000000000000000000000000000000000000000000000000000000000000ff","time":"2026-03-01T12:00:01.5Z",` +
		`"record":{"decision":"issued","client":{"id":"wimse://example.com/client","method":"spiffe_wit"},` +
		`"subject":{"iss":"https://idp.example","sub":"user-a"},"actors":["wimse://example.com/agent","wimse://example.com/gateway"],` +
		`"requested":{"resource":["https://api.example/orders"],"scope":["orders.read","orders.write"]},` +
		`"granted":{"aud":["https://api.example"],"scope":["orders.read"]},"jti":"jti-0","lifetime":300,"kid":"k1"}}`
	if got != want {
		t.Errorf("canonical form:\ngot  %s\nwant %s", got, want)
	}
	back := parse(t, []byte(got))
	if diff := cmp.Diff(e, back, cmp.AllowUnexported(Label{})); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	// Empty (non-nil) slices encode like absent ones: one encoding.
	r2 := Record{Decision: Revoked, Actors: []Label{}, Granted: Grant{Scope: []Label{}}, JTI: MustParseLabel("j")}
	if got := string(marshal(t, Entry{Seq: 1, Time: t0, Record: &r2})); strings.Contains(got, "actors") || strings.Contains(got, "granted") {
		t.Errorf("empty slices encoded: %s", got)
	}
}

func TestParseEntryStrict(t *testing.T) {
	r := issued(t, "c", 0)
	good := marshal(t, Entry{Seq: 1, Time: t0, Record: &r})
	for name, line := range map[string][]byte{
		"unknown member":   bytes.Replace(good, []byte(`"seq":1,`), []byte(`"seq":1,"x":1,`), 1),
		"duplicate member": bytes.Replace(good, []byte(`"seq":1,`), []byte(`"seq":1,"seq":1,`), 1),
		"member order":     bytes.Replace(good, []byte(`{"seq":1,"prev":"`+Hash{}.String()+`",`), []byte(`{"prev":"`+Hash{}.String()+`","seq":1,`), 1),
		"escaped char":     bytes.Replace(good, []byte(`"c"`), []byte(`"\u0063"`), 1),
		"time zone":        bytes.Replace(good, []byte(`12:00:00Z`), []byte(`13:00:00+01:00`), 1),
		"upper-case hash":  bytes.Replace(good, []byte(`"prev":"0`), []byte(`"prev":"A`), 1),
		"seq zero":         bytes.Replace(good, []byte(`"seq":1,`), []byte(`"seq":0,`), 1),
		"both kinds":       bytes.Replace(good, []byte(`}}`), []byte(`},"checkpoint":{"seq":1,"head":"`+Hash{}.String()+`","alg":"Ed25519","kid":"x","sig":""}}`), 1),
		"neither kind":     []byte(`{"seq":1,"prev":"` + Hash{}.String() + `","time":"2026-03-01T12:00:00Z"}`),
		"unknown decision": bytes.Replace(good, []byte(`"issued"`), []byte(`"approved"`), 1),
		"token in label":   bytes.Replace(good, []byte(`"jti-0"`), []byte(`"`+sampleJWT+`"`), 1),
		"trailing data":    append(append([]byte(nil), good...), ' '),
		"negative life":    bytes.Replace(good, []byte(`"lifetime":300`), []byte(`"lifetime":-300`), 1),
	} {
		if bytes.Equal(line, good) {
			t.Fatalf("%s: the mutation changed nothing", name)
		}
		if _, err := ParseEntry(line); err == nil {
			t.Errorf("%s: ParseEntry accepted %s", name, line)
		}
	}
}

func TestParseLabel(t *testing.T) {
	for _, ok := range []string{"", "wimse://example.com/a", "https://api.example/orders?x=1", "orders.read", "a.b.c",
		"eyJ.short.x", "keyJar.example.com", "client id with spaces", "jti-8f14e45f"} {
		if _, err := ParseLabel(ok); err != nil {
			t.Errorf("ParseLabel(%q) = %v; want ok", ok, err)
		}
	}
	jwe := "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZKTyKOMTYUmKoTCVJRgckCL9kiMT03JGe.48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6ji.XFBoMYUZodetZdvTiFvSkQ"
	for name, bad := range map[string]string{
		"JWS":           sampleJWT,
		"JWE":           jwe,
		"JWS in a URL":  "https://api.example/cb?token=" + sampleJWT,
		"unsecured JWT": "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.",
		"too long":      strings.Repeat("a", MaxLabelLength+1),
		"control":       "a\nb",
		"invalid UTF-8": "a\xffb",
	} {
		if _, err := ParseLabel(bad); !errors.Is(err, ErrInvalidRecord) {
			t.Errorf("%s: ParseLabel = %v; want ErrInvalidRecord", name, err)
		}
		var l Label
		if err := l.UnmarshalText([]byte(bad)); err == nil {
			t.Errorf("%s: UnmarshalText accepted it", name)
		}
	}
}

// TestRecordHoldsNoToken checks by type that a Record has no field of a
// free string type: every string-kinded field is a Label (checked when
// built), a Decision (closed set) or a wimse.Reason (shape checked).
func TestRecordHoldsNoToken(t *testing.T) {
	allowed := map[reflect.Type]bool{
		reflect.TypeFor[Label](): true, reflect.TypeFor[Decision](): true,
		reflect.TypeFor[wimse.Reason](): true, reflect.TypeFor[time.Duration](): true,
	}
	var walk func(path string, typ reflect.Type)
	walk = func(path string, typ reflect.Type) {
		if allowed[typ] {
			return
		}
		switch typ.Kind() {
		case reflect.Struct:
			for i := range typ.NumField() {
				f := typ.Field(i)
				walk(path+"."+f.Name, f.Type)
			}
		case reflect.Slice:
			walk(path+"[]", typ.Elem())
		default:
			t.Errorf("%s has type %s: a free-form value that could hold a token", path, typ)
		}
	}
	walk("Record", reflect.TypeFor[Record]())
}

// TestNoTokenInLog appends every kind of record, tries to slip tokens in
// through the string-typed fields, and scans the log for JWT-like strings.
func TestNoTokenInLog(t *testing.T) {
	store, log, _ := newFileLog(t, 2)
	ctx := context.Background()
	recs := []Record{
		issued(t, "wimse://example.com/client", 1),
		denied(t, "client-secret-client"),
		{Decision: Revoked, Client: Client{ID: MustParseLabel("wimse://example.com/client")}, JTI: MustParseLabel("jti-1")},
		{Decision: KeyRotated, KeyID: MustParseLabel("sts-key-2026-03")},
	}
	for _, r := range recs {
		if _, err := log.Append(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	for name, r := range map[string]Record{
		"token as reason":   {Decision: Denied, Reason: wimse.Reason(sampleJWT)},
		"token as decision": {Decision: Decision(sampleJWT)},
		"negative lifetime": {Decision: Issued, Lifetime: -time.Second},
	} {
		if _, err := log.Append(ctx, r); !errors.Is(err, ErrInvalidRecord) {
			t.Errorf("%s: Append = %v; want ErrInvalidRecord", name, err)
		}
	}
	var all bytes.Buffer
	for e, err := range store.Range(ctx, Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		all.Write(marshal(t, e))
	}
	if m := jwtLike.Find(all.Bytes()); m != nil {
		t.Errorf("the log holds a JWT-like string: %s", m)
	}
	if !jwtLike.MatchString(sampleJWT) {
		t.Fatal("the scanner does not recognise a JWT")
	}
}
