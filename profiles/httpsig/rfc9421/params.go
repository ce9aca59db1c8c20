package rfc9421

import (
	"fmt"
	"slices"
	"time"

	"github.com/dunglas/httpsfv"
)

// Param is one signature parameter. Value is an int64 (sf-integer), a
// string (sf-string) or a bool (sf-boolean); a parsed Params may also hold
// the other bare item types of github.com/dunglas/httpsfv (httpsfv.Token,
// []byte, float64, time.Time, httpsfv.DisplayString).
type Param struct {
	Key   string
	Value any
}

// Params are the signature parameters of RFC 9421 §2.3 in their order.
// The order is part of the signature: it is kept as set (a Set on an
// existing key keeps its place) and as parsed. The zero value is empty and
// ready to use. Setters copy on write, so a copied Params is independent.
type Params struct {
	list []Param
}

// Registered parameter names (RFC 9421 §2.3, §6.3).
const (
	ParamCreated = "created"
	ParamExpires = "expires"
	ParamNonce   = "nonce"
	ParamAlg     = "alg"
	ParamKeyID   = "keyid"
	ParamTag     = "tag"
)

// set stores v under k.
func (p *Params) set(k string, v any) {
	l := slices.Clone(p.list)
	for i := range l {
		if l[i].Key == k {
			l[i].Value = v
			p.list = l
			return
		}
	}
	p.list = append(l, Param{Key: k, Value: v})
}

// SetCreated sets created, the creation time in Unix seconds.
func (p *Params) SetCreated(unix int64) { p.set(ParamCreated, unix) }

// SetExpires sets expires, the expiry time in Unix seconds.
func (p *Params) SetExpires(unix int64) { p.set(ParamExpires, unix) }

// SetNonce sets nonce.
func (p *Params) SetNonce(v string) { p.set(ParamNonce, v) }

// SetAlg sets alg, an RFC 9421 algorithm name.
func (p *Params) SetAlg(v string) { p.set(ParamAlg, v) }

// SetKeyID sets keyid.
func (p *Params) SetKeyID(v string) { p.set(ParamKeyID, v) }

// SetTag sets tag.
func (p *Params) SetTag(v string) { p.set(ParamTag, v) }

// SetString sets an sf-string parameter.
func (p *Params) SetString(k, v string) { p.set(k, v) }

// SetInt sets an sf-integer parameter.
func (p *Params) SetInt(k string, v int64) { p.set(k, v) }

// SetBool sets an sf-boolean parameter; true serialises as the bare key
// (";wimse-sign-response").
func (p *Params) SetBool(k string, v bool) { p.set(k, v) }

// Delete removes the parameter k.
func (p *Params) Delete(k string) {
	p.list = slices.DeleteFunc(slices.Clone(p.list), func(e Param) bool { return e.Key == k })
}

// Get returns the value of the parameter k.
func (p Params) Get(k string) (any, bool) {
	for _, e := range p.list {
		if e.Key == k {
			return e.Value, true
		}
	}
	return nil, false
}

// GetString returns the parameter k if it is an sf-string.
func (p Params) GetString(k string) (string, bool) {
	v, ok := p.Get(k)
	s, isStr := v.(string)
	return s, ok && isStr
}

// GetInt returns the parameter k if it is an sf-integer.
func (p Params) GetInt(k string) (int64, bool) {
	v, ok := p.Get(k)
	i, isInt := v.(int64)
	return i, ok && isInt
}

// GetBool returns the parameter k if it is an sf-boolean.
func (p Params) GetBool(k string) (bool, bool) {
	v, ok := p.Get(k)
	b, isBool := v.(bool)
	return b, ok && isBool
}

// Created returns created (Unix seconds).
func (p Params) Created() (int64, bool) { return p.GetInt(ParamCreated) }

// Expires returns expires (Unix seconds).
func (p Params) Expires() (int64, bool) { return p.GetInt(ParamExpires) }

// Nonce returns nonce.
func (p Params) Nonce() (string, bool) { return p.GetString(ParamNonce) }

// Alg returns alg.
func (p Params) Alg() (string, bool) { return p.GetString(ParamAlg) }

// KeyID returns keyid.
func (p Params) KeyID() (string, bool) { return p.GetString(ParamKeyID) }

// Tag returns tag.
func (p Params) Tag() (string, bool) { return p.GetString(ParamTag) }

// List returns the parameters in order.
func (p Params) List() []Param { return slices.Clone(p.list) }

// SignatureParams returns the value of the "@signature-params" component
// (RFC 9421 §2.3): the covered components as an Inner List of sf-strings
// with their parameters, then p in order, serialised per RFC 8941 §4. The
// same text is the member value of Signature-Input (§4.1).
func SignatureParams(components []Component, p Params) (string, error) {
	il := httpsfv.InnerList{Items: make([]httpsfv.Item, 0, len(components)), Params: httpsfv.NewParams()}
	for _, c := range components {
		it, err := c.item()
		if err != nil {
			return "", err
		}
		il.Items = append(il.Items, it)
	}
	for _, e := range p.list {
		if err := checkBareItem(e.Value); err != nil {
			return "", fmt.Errorf("rfc9421: parameter %q: %w", e.Key, err)
		}
		il.Params.Add(e.Key, e.Value)
	}
	s, err := httpsfv.Marshal(il)
	if err != nil {
		return "", fmt.Errorf("rfc9421: signature parameters: %w", err)
	}
	return s, nil
}

// checkBareItem rejects values httpsfv would panic on.
func checkBareItem(v any) error {
	switch v.(type) {
	case int64, string, bool, httpsfv.Token, []byte, float64, time.Time, httpsfv.DisplayString:
		return nil
	}
	return fmt.Errorf("unsupported value type %T", v)
}

// paramsFromSF converts parsed inner-list parameters, checking the types of
// the registered ones (RFC 9421 §2.3).
func paramsFromSF(sp *httpsfv.Params) (Params, error) {
	var p Params
	if sp == nil {
		return p, nil
	}
	for _, k := range sp.Names() {
		v, _ := sp.Get(k)
		switch k {
		case ParamCreated, ParamExpires:
			if _, ok := v.(int64); !ok {
				return Params{}, fmt.Errorf("%w: %s must be an Integer", ErrMalformed, k)
			}
		case ParamNonce, ParamAlg, ParamKeyID, ParamTag:
			if _, ok := v.(string); !ok {
				return Params{}, fmt.Errorf("%w: %s must be a String", ErrMalformed, k)
			}
		}
		p.list = append(p.list, Param{Key: k, Value: v})
	}
	return p, nil
}
