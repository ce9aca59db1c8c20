package rfc9421_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/wimse-wg/wimse/profiles/httpsig/rfc9421"
)

// vector is one published example: a signed message, its expected
// signature base and the key that verifies it (testdata/vectors.json).
type vector struct {
	ID            string `json:"id"`
	Source        string `json:"source"`
	Message       string `json:"message"`
	Request       string `json:"request"`
	Scheme        string `json:"scheme"`
	Label         string `json:"label"`
	Key           string `json:"key"`
	Alg           string `json:"alg"`
	Base          string `json:"base"`
	BaseLength    int    `json:"baseLength"`
	BaseSHA256    string `json:"baseSHA256"`
	Deterministic bool   `json:"deterministic"`
	// Result is "valid" or "invalid": whether the published signature
	// verifies over the base its Signature-Input describes.
	Result string `json:"result"`
	// Note explains an "invalid" vector.
	Note string `json:"note"`
}

func forEachVector(t *testing.T, f func(t *testing.T, v vector)) {
	t.Helper()
	var vs []vector
	dec := json.NewDecoder(bytes.NewReader(readFile(t, "vectors.json")))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&vs); err != nil {
		t.Fatal(err)
	}
	if len(vs) == 0 {
		t.Fatal("no vectors")
	}
	for _, v := range vs {
		switch v.Result {
		case "valid":
		case "invalid":
			if v.Note == "" {
				t.Fatalf("%s: an invalid vector needs a note", v.ID)
			}
		default:
			t.Fatalf("%s: result %q is not valid or invalid", v.ID, v.Result)
		}
		t.Run(v.ID, func(t *testing.T) {
			t.Parallel()
			f(t, v)
		})
	}
}

// TestVectorsSignatureBase rebuilds each published signature base from the
// message and the parsed Signature-Input and compares it byte for byte.
func TestVectorsSignatureBase(t *testing.T) {
	forEachVector(t, func(t *testing.T, v vector) {
		m := message(t, v.Message, v.Request, v.Scheme)
		s := findSignature(t, m.Header, v.Label)
		got, err := s.Base(m)
		if err != nil {
			t.Fatalf("Base: %v", err)
		}
		want := readFile(t, v.Base)
		if diff := cmp.Diff(string(want), string(got)); diff != "" {
			t.Errorf("%s: signature base mismatch (-want +got):\n%s", v.Source, diff)
		}
		if v.BaseLength != 0 && len(got) != v.BaseLength {
			t.Errorf("base length = %d, want %d", len(got), v.BaseLength)
		}
		if v.BaseSHA256 != "" {
			sum := sha256.Sum256(got)
			if h := hex.EncodeToString(sum[:]); h != v.BaseSHA256 {
				t.Errorf("base SHA-256 = %s, want %s", h, v.BaseSHA256)
			}
		}
	})
}

// TestVectorsVerify verifies every published signature with the published
// public key, and checks that a changed base fails.
func TestVectorsVerify(t *testing.T) {
	forEachVector(t, func(t *testing.T, v vector) {
		m := message(t, v.Message, v.Request, v.Scheme)
		s := findSignature(t, m.Header, v.Label)
		k := loadKey(t, v.Key)
		err := s.Verify(m, v.Alg, k.Public)
		if v.Result == "invalid" {
			// The published signature is inconsistent with its own
			// Signature-Input (see the note): it must be rejected.
			if !errors.Is(err, rfc9421.ErrSignature) {
				t.Fatalf("%s: err = %v, want ErrSignature (%s)", v.Source, err, v.Note)
			}
			return
		}
		if err != nil {
			t.Fatalf("%s: published signature does not verify: %v", v.Source, err)
		}
		base, _ := s.Base(m)
		tampered := append(bytes.Clone(base[:len(base)-1]), base[len(base)-1]^1)
		if err := rfc9421.Verify(tampered, s.Value, v.Alg, k.Public); !errors.Is(err, rfc9421.ErrSignature) {
			t.Errorf("tampered base: err = %v, want ErrSignature", err)
		}
	})
}

// TestVectorsResign signs each base with the published private key: the
// deterministic algorithms (Ed25519) must reproduce the published signature
// byte for byte; the randomised ones (RSA-PSS, ECDSA) must verify.
func TestVectorsResign(t *testing.T) {
	forEachVector(t, func(t *testing.T, v vector) {
		m := message(t, v.Message, v.Request, v.Scheme)
		s := findSignature(t, m.Header, v.Label)
		k := loadKey(t, v.Key)
		base := readFile(t, v.Base)
		sig, err := rfc9421.Sign(base, v.Alg, k.Private)
		if err != nil {
			t.Fatalf("Sign: %v", err)
		}
		if v.Deterministic && v.Result == "valid" {
			if !bytes.Equal(sig, s.Value) {
				t.Errorf("%s: re-signed signature differs from the published one", v.Source)
			}
			return
		}
		if err := rfc9421.Verify(base, sig, v.Alg, k.Public); err != nil {
			t.Errorf("Verify(own signature): %v", err)
		}
	})
}

// TestVectorsSignatureParams rebuilds each Signature-Input member from its
// parsed components and parameters (the signer's side of §2.3).
func TestVectorsSignatureParams(t *testing.T) {
	forEachVector(t, func(t *testing.T, v vector) {
		m := message(t, v.Message, v.Request, v.Scheme)
		s := findSignature(t, m.Header, v.Label)
		var p rfc9421.Params
		for _, e := range s.Params.List() {
			switch x := e.Value.(type) {
			case int64:
				p.SetInt(e.Key, x)
			case string:
				p.SetString(e.Key, x)
			case bool:
				p.SetBool(e.Key, x)
			default:
				t.Fatalf("parameter %s has type %T", e.Key, x)
			}
		}
		got, err := rfc9421.SignatureParams(s.Components, p)
		if err != nil {
			t.Fatal(err)
		}
		if got != s.SignatureParams {
			t.Errorf("SignatureParams = %s\nwant %s", got, s.SignatureParams)
		}
		want := m.Header.Get(rfc9421.SignatureInputField)
		if want != v.Label+"="+got {
			t.Errorf("Signature-Input = %s, want %s=%s", want, v.Label, got)
		}
	})
}

// TestVectorsContentDigest checks each vector's Content-Digest against its
// body (RFC 9530 §2).
func TestVectorsContentDigest(t *testing.T) {
	forEachVector(t, func(t *testing.T, v vector) {
		raw := readMessage(t, v.Message)
		h := raw.resp
		var field string
		if h != nil {
			field = h.Header.Get(rfc9421.ContentDigestField)
		} else {
			field = raw.req.Header.Get(rfc9421.ContentDigestField)
		}
		if field == "" {
			// Nothing to match: an absent field must never verify.
			if err := rfc9421.VerifyContentDigest("", raw.body); err == nil {
				t.Error("VerifyContentDigest accepts an absent field")
			}
			return
		}
		if err := rfc9421.VerifyContentDigest(field, raw.body); err != nil {
			t.Errorf("VerifyContentDigest(%s, %d-byte body): %v", field, len(raw.body), err)
		}
	})
}

// TestRFC9421Section24RequestSignatureBase pins down the cause of the
// invalid vector rfc9421-2-4-signed-request: its signature verifies over
// the Section 3.1 base (created=1618884473), not over the one its own
// Signature-Input describes (created=1618884475).
func TestRFC9421Section24RequestSignatureBase(t *testing.T) {
	m := message(t, "rfc9421-2-4-request.http", "", "https")
	s := findSignature(t, m.Header, "sig1")
	k := loadKey(t, "test-key-rsa-pss.pem")
	if err := rfc9421.Verify(readFile(t, "rfc9421-3-2.base"), s.Value, rfc9421.AlgRSAPSSSHA512, k.Public); err != nil {
		t.Errorf("Section 2.4 sig1 over the Section 3.1 base: %v", err)
	}
}
