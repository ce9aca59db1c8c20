package vectors

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/wimse-wg/wimse/profiles/httpsig/rfc9421"
)

// addSignature signs the materialised request with one SigTemplate and
// appends its Signature-Input and Signature field lines.
func (m *materializer) addSignature(st *SigTemplate, out *Materialized) error {
	r := out.Request
	base, err := url.Parse(m.env.Base)
	if err != nil {
		return err
	}
	path, query, _ := strings.Cut(r.Target, "?")
	h := http.Header{}
	for _, f := range r.Fields {
		h[http.CanonicalHeaderKey(f[0])] = append(h[http.CanonicalHeaderKey(f[0])], f[1])
	}
	msg := rfc9421.Message{Method: r.Method, Scheme: base.Scheme, Authority: base.Host, Path: path, RawQuery: query, Header: h}
	comps := make([]rfc9421.Component, len(st.Components))
	for i, c := range st.Components {
		if comps[i], err = rfc9421.ParseComponent(c); err != nil {
			return err
		}
	}
	if out.Nonces == nil {
		out.Nonces = map[string]string{}
	}
	var p rfc9421.Params
	for _, sp := range st.Params {
		var v any
		if s, ok := sp.Value.(string); ok && s == "{{nonce}}" {
			v = m.env.JTI("nonce:" + st.Label)
		} else if v, err = m.resolve(sp.Value, "sig"); err != nil {
			return err
		}
		switch x := v.(type) {
		case string:
			if sp.Name == rfc9421.ParamNonce {
				out.Nonces[st.Label] = x
			}
			p.SetString(sp.Name, x)
		case bool:
			p.SetBool(sp.Name, x)
		case int64:
			p.SetInt(sp.Name, x)
		case float64:
			p.SetInt(sp.Name, int64(x))
		case int:
			p.SetInt(sp.Name, int64(x))
		default:
			return fmt.Errorf("parameter %s: unsupported value %T", sp.Name, v)
		}
	}
	params, err := rfc9421.SignatureParams(comps, p)
	if err != nil {
		return err
	}
	if st.ParamsRaw != "" {
		inner, _, _ := strings.Cut(params, ";")
		params = inner + st.ParamsRaw
	}
	sigBase, err := rfc9421.SignatureBase(msg, comps, params)
	if err != nil {
		return err
	}
	k, err := m.env.Keys.Get(st.Key)
	if err != nil {
		return err
	}
	alg := st.Alg
	if alg == "" {
		alg = k.Alg
	}
	sig, err := rfc9421.Sign(sigBase, alg, k.Signer, rfc9421.Deterministic())
	if err != nil {
		return err
	}
	if st.Corrupt {
		sig[len(sig)/2] ^= 0x01
	}
	r.Fields = append(r.Fields,
		[2]string{"Signature-Input", st.Label + "=" + params},
		[2]string{"Signature", st.Label + "=:" + base64.StdEncoding.EncodeToString(sig) + ":"})
	if out.Intermediate.SignatureBases == nil {
		out.Intermediate.SignatureBases = map[string]string{}
	}
	out.Intermediate.SignatureBases[st.Label] = string(sigBase)
	return nil
}
