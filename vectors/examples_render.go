package vectors

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wimse-wg/wimse/internal/jose"
	"github.com/wimse-wg/wimse/profiles/problem"
	"github.com/wimse-wg/wimse/wimse"
)

// exDoc accumulates the Markdown of one draft's examples. The first error
// sticks; later calls do nothing.
type exDoc struct {
	b   strings.Builder
	err error
}

func (d *exDoc) String() string { return strings.TrimSuffix(d.b.String(), "\n") + "\n" }

// heading writes a Markdown heading of the given level.
func (d *exDoc) heading(level int, text string) {
	fmt.Fprintf(&d.b, "%s %s\n\n", strings.Repeat("#", level), text)
}

// para writes a paragraph wrapped at proseWidth.
func (d *exDoc) para(text string) {
	d.b.WriteString(wrapText(text, proseWidth) + "\n\n")
}

// expect writes the "Expected:" paragraph of an example.
func (d *exDoc) expect(outcome string) { d.para("Expected: " + outcome + ".") }

// figure writes artwork: a fenced block of lang ("" for plain artwork)
// folded per RFC 8792 where needed (continuation lines indented by
// indent), then its kramdown-rfc anchor and title.
func (d *exDoc) figure(lang, anchor, title, content string, indent int) {
	if d.err != nil {
		return
	}
	folded, err := fold8792(strings.TrimSuffix(content, "\n"), foldWidth, indent)
	if err != nil {
		d.err = fmt.Errorf("figure %s: %w", anchor, err)
		return
	}
	ial := fmt.Sprintf("{: #%s title=\"%s\"}", anchor, title)
	if len(ial) > proseWidth {
		d.err = fmt.Errorf("figure %s: anchor and title are %d columns, more than %d", anchor, len(ial), proseWidth)
		return
	}
	fmt.Fprintf(&d.b, "~~~%s\n%s\n~~~\n%s\n\n", prefixSpace(lang), folded, ial)
}

func prefixSpace(s string) string {
	if s == "" {
		return ""
	}
	return " " + s
}

// times writes a table of NumericDate values beside their ISO 8601
// instant: rows of member name and value.
func (d *exDoc) times(what string, rows [][2]any) {
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(&d.b, "| %s | NumericDate | ISO 8601 |\n|:--|--:|:--|\n", what)
	for _, r := range rows {
		n, _ := r[1].(int64)
		fmt.Fprintf(&d.b, "| %s | %d | %s |\n", r[0], n, isoTime(n))
	}
	d.b.WriteString("\n")
}

// claimTimes writes the times table of a JWT's claims (iat, nbf, exp).
func (d *exDoc) claimTimes(claims json.RawMessage) {
	var c map[string]any
	if err := json.Unmarshal(claims, &c); err != nil {
		d.err = fmt.Errorf("claims: %w", err)
		return
	}
	var rows [][2]any
	for _, name := range []string{"iat", "nbf", "exp"} {
		if v, ok := c[name].(float64); ok {
			rows = append(rows, [2]any{name, int64(v)})
		}
	}
	d.times("Claim", rows)
}

// wrapText breaks text into lines of at most width columns at spaces.
func wrapText(text string, width int) string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		switch {
		case line == "":
			line = w
		case len(line)+1+len(w) <= width:
			line += " " + w
		default:
			lines = append(lines, line)
			line = w
		}
	}
	return strings.Join(append(lines, line), "\n")
}

// prettyJSON indents a JSON document by two spaces.
func prettyJSON(raw []byte) (string, error) {
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// pretty is prettyJSON for documents this package made; a failure
// sticks in d.
func (d *exDoc) pretty(raw []byte) string {
	s, err := prettyJSON(raw)
	if err != nil && d.err == nil {
		d.err = err
	}
	return s
}

// marshalIndent renders v as JSON, members sorted, two-space indent, no
// HTML escaping.
func marshalIndent(v any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

// privateJWKText renders a key as a private JWK (its alg and kid).
func privateJWKText(k *Key) (string, error) {
	b, err := jose.PrivateJWKJSON(k.Signer, k.Alg, k.KeyID)
	if err != nil {
		return "", err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return "", err
	}
	return marshalIndent(m)
}

// jwkSetText renders the public halves of keys as a JWK Set.
func jwkSetText(keys ...*Key) (string, error) {
	set := map[string][]map[string]any{"keys": {}}
	for _, k := range keys {
		pub, err := jose.PublicJWKJSON(k.Signer.Public(), k.Alg, k.KeyID)
		if err != nil {
			return "", err
		}
		set["keys"] = append(set["keys"], pub)
	}
	return marshalIndent(set)
}

// httpRequestText renders a request as an HTTP/1.1 message with LF line
// endings: the request line, Host, Content-Length when there is a body,
// the field lines in order, an empty line and the body.
func httpRequestText(r *Request, host string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\nHost: %s\n", r.Method, r.Target, host)
	if r.Body != "" {
		fmt.Fprintf(&b, "Content-Length: %d\n", len(r.Body))
	}
	for _, f := range r.Fields {
		fmt.Fprintf(&b, "%s: %s\n", f[0], f[1])
	}
	b.WriteString("\n" + r.Body)
	return b.String()
}

// httpResponseText renders a response as an HTTP/1.1 message: the status
// line, the fields in order, Content-Length, an empty line and the body.
func httpResponseText(status int, fields [][2]string, body string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\n", status, http.StatusText(status))
	for _, f := range fields {
		fmt.Fprintf(&b, "%s: %s\n", f[0], f[1])
	}
	fmt.Fprintf(&b, "Content-Length: %d\n\n%s", len(body), body)
	return b.String()
}

// problemResponseText renders the answer a receiver of this module gives
// for a rejection: status, the challenge when set, and the minimal RFC 9457
// problem details of reason (pretty-printed here, without a final line
// break; Content-Length counts the body as printed).
func problemResponseText(status int, challenge string, reason wimse.Reason) (string, error) {
	body, err := marshalIndent(problem.For(status, wimse.Errorf(reason, "example")))
	if err != nil {
		return "", err
	}
	fields := [][2]string{{"Cache-Control", "no-store"}, {"Content-Type", "application/problem+json"}}
	if challenge != "" {
		fields = append(fields, [2]string{"WWW-Authenticate", challenge})
	}
	return httpResponseText(status, fields, body), nil
}

// rejected is the outcome sentence of a rejection: status, challenge and
// reason, as the examples' tests parse it.
func rejected(status int, challenge string, reason wimse.Reason) string {
	s := "rejected with " + strconv.Itoa(status)
	if challenge != "" {
		s += " and WWW-Authenticate: " + challenge
	}
	return s + ", reason " + string(reason)
}

// isoTime renders a NumericDate as its ISO 8601 instant in UTC.
func isoTime(unix int64) string { return time.Unix(unix, 0).UTC().Format("2006-01-02T15:04:05Z") }

// privateJWK and jwkSet render keys; a failure sticks in d.
func (d *exDoc) privateJWK(k *Key) string {
	s, err := privateJWKText(k)
	d.stick(err)
	return s
}

func (d *exDoc) jwkSet(keys ...*Key) string {
	s, err := jwkSetText(keys...)
	d.stick(err)
	return s
}

// problem renders a rejection's answer; a failure sticks in d.
func (d *exDoc) problem(status int, challenge string, reason wimse.Reason) string {
	s, err := problemResponseText(status, challenge, reason)
	d.stick(err)
	return s
}

func (d *exDoc) stick(err error) {
	if err != nil && d.err == nil {
		d.err = err
	}
}
