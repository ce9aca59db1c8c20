package vectors

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/sha256"
	_ "crypto/sha512" // SHA-384 and SHA-512 for crypto.Hash.New
	"encoding/asn1"
	"encoding/base64"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"strings"

	"github.com/wimse-wg/wimse/internal/eddsa"
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
	sig, err := m.signBase(sigBase, alg, k)
	if err != nil {
		return err
	}
	if st.Corrupt {
		sig[len(sig)/2] ^= 0x01
	}
	if st.SPlusL {
		if len(sig) != 64 {
			return fmt.Errorf("sPlusL needs a 64-byte Ed25519 signature")
		}
		sig = eddsa.AddL(sig)
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

// signBase signs a signature base with k under alg, deterministically
// (RFC 6979 ECDSA, derived PSS salts). Besides what rfc9421.Sign makes, it
// makes on purpose the signatures a verifier must refuse:
//   - "none": an empty signature;
//   - "HS256": an HMAC-SHA-256 keyed with k's public JWK JSON, as a
//     verifier that takes the key as a shared secret would;
//   - an ECDSA algorithm whose curve is not the key's (ES384 with a P-256
//     key): the digest of alg's hash, signed on the key's own curve, r||s
//     of the key's size, so that a verifier that takes the hash from alg
//     and the curve from the key verifies it.
func (m *materializer) signBase(base []byte, alg string, k *Key) ([]byte, error) {
	switch alg {
	case "none":
		return []byte{}, nil
	case "HS256":
		secret, err := m.jwkJSON(k.Name)
		if err != nil {
			return nil, err
		}
		mac := hmac.New(sha256.New, secret)
		mac.Write(base)
		return mac.Sum(nil), nil
	}
	if ek, ok := k.Signer.(*ecdsa.PrivateKey); ok {
		if h, curve := ecdsaAlg(alg); h != 0 && curve != ek.Curve {
			return signECDSAOtherCurve(base, h, ek)
		}
	}
	return rfc9421.Sign(base, alg, k.Signer, rfc9421.Deterministic())
}

// ecdsaAlg returns the hash and curve of a JWS ECDSA algorithm (zero for
// any other).
func ecdsaAlg(alg string) (crypto.Hash, elliptic.Curve) {
	switch alg {
	case "ES256":
		return crypto.SHA256, elliptic.P256()
	case "ES384":
		return crypto.SHA384, elliptic.P384()
	case "ES512":
		return crypto.SHA512, elliptic.P521()
	}
	return 0, nil
}

// signECDSAOtherCurve signs the h digest of msg with key on key's curve
// (RFC 6979: equal inputs give equal signatures).
func signECDSAOtherCurve(msg []byte, h crypto.Hash, key *ecdsa.PrivateKey) ([]byte, error) {
	d := h.New()
	d.Write(msg)
	der, err := key.Sign(nil, d.Sum(nil), h) // nil rand: RFC 6979
	if err != nil {
		return nil, err
	}
	var rs struct{ R, S *big.Int }
	if rest, err := asn1.Unmarshal(der, &rs); err != nil || len(rest) != 0 {
		return nil, fmt.Errorf("malformed ECDSA signature")
	}
	size := (key.Curve.Params().BitSize + 7) / 8
	out := make([]byte, 2*size)
	rs.R.FillBytes(out[:size])
	rs.S.FillBytes(out[size:])
	return out, nil
}
