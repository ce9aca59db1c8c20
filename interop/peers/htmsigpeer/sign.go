package htmsigpeer

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"time"

	"github.com/lestrrat-go/htmsig/component"
	"github.com/lestrrat-go/htmsig/input"
	"github.com/lestrrat-go/jwx/v3/jwk"
)

// signer is what signs one message.
type signer struct {
	wit      string
	key      jwk.Key
	alg      string
	label    string
	created  time.Time
	lifetime time.Duration
}

// param is one extra signature parameter, in order.
type param struct {
	name  string
	value any
}

// sign covers components of m (each optional field only when present),
// adds Signature-Input and Signature to m.header and returns the nonce.
func (s signer) sign(m *message, required []component.Identifier, optional []string, extra ...param) (string, error) {
	comps := append([]component.Identifier(nil), required...)
	for _, f := range optional {
		if len(m.header.Values(f)) > 0 {
			comps = append(comps, component.New(f))
		}
	}
	n := make([]byte, 16)
	if _, err := rand.Read(n); err != nil {
		return "", err
	}
	nonce := base64.RawURLEncoding.EncodeToString(n)
	b := input.NewDefinitionBuilder().Label(s.label).Components(comps...).
		CreatedTime(s.created).ExpiresTime(s.created.Add(s.lifetime)).Nonce(nonce).Tag(Tag)
	for _, p := range extra {
		b = b.Parameter(p.name, p.value)
	}
	def, err := b.Build()
	if err != nil {
		return "", err
	}
	// Serialized once: the same bytes go into the field and the base (the
	// extra parameters come out of a map, in no fixed order).
	params, err := def.MarshalSFV()
	if err != nil {
		return "", err
	}
	base, err := signatureBase(m, def, string(params))
	if err != nil {
		return "", err
	}
	sig, err := sign(s.key, s.alg, base)
	if err != nil {
		return "", fmt.Errorf("htmsigpeer: sign: %w", err)
	}
	m.header.Set("Signature-Input", s.label+"="+string(params))
	m.header.Set("Signature", s.label+"=:"+base64.StdEncoding.EncodeToString(sig)+":")
	return nonce, nil
}

// requestComponents are always covered in a request (-07 §3.2).
func requestComponents() []component.Identifier {
	return []component.Identifier{component.Method(), component.New("@path"), component.New("@query")}
}

// requestFields are covered when present (-07 §3.2).
var requestFields = []string{"workload-identity-token", "content-type", "content-digest", "authorization", "txn-token"}

// responseComponents are always covered in a response (-07 §3.5).
func responseComponents() []component.Identifier {
	return []component.Identifier{component.Status(),
		component.Method().WithParameter("req", true),
		component.New("@path").WithParameter("req", true),
		component.New("@query").WithParameter("req", true),
		component.New("workload-identity-token")}
}

// responseFields are covered when present (-07 §3.5).
var responseFields = []string{"content-type", "content-digest"}

// setBody sets Content-Digest for a non-empty body (-07 §3.2).
func setBody(h http.Header, body []byte) {
	if len(body) > 0 {
		h.Set("Content-Digest", ContentDigest(body))
	}
}
