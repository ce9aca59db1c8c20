package rfc9421_test

import (
	"bufio"
	"bytes"
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wimse-wg/wimse/profiles/httpsig/rfc9421"
)

// testKey is a published key pair of a test vector.
type testKey struct {
	Public  crypto.PublicKey
	Private crypto.Signer
}

// readFile reads testdata/name.
func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// loadKey reads a PEM file (RFC 9421 Appendix B.1 keys) or a JWK file
// (draft examples) and checks that its private half matches its public one.
func loadKey(t testing.TB, name string) testKey {
	t.Helper()
	var k testKey
	if strings.HasSuffix(name, ".jwk") {
		k = jwkKey(t, readFile(t, name))
	} else {
		k = pemKey(t, readFile(t, name))
	}
	type equaler interface{ Equal(crypto.PublicKey) bool }
	if pub, ok := k.Private.Public().(equaler); !ok || !pub.Equal(k.Public) {
		t.Fatalf("%s: private key does not match the published public key", name)
	}
	return k
}

func pemKey(t testing.TB, data []byte) testKey {
	t.Helper()
	var k testKey
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		var err error
		switch b.Type {
		case "PUBLIC KEY":
			k.Public, err = x509.ParsePKIXPublicKey(b.Bytes)
		case "EC PRIVATE KEY":
			k.Private, err = x509.ParseECPrivateKey(b.Bytes)
		case "PRIVATE KEY":
			var priv any
			if priv, err = x509.ParsePKCS8PrivateKey(b.Bytes); err != nil {
				priv, err = pkcs8RSAPSS(b.Bytes)
			}
			if err == nil {
				k.Private = priv.(crypto.Signer)
			}
		}
		if err != nil {
			t.Fatalf("PEM %s: %v", b.Type, err)
		}
	}
	if k.Public == nil || k.Private == nil {
		t.Fatal("PEM file needs a public and a private key")
	}
	return k
}

// pkcs8RSAPSS parses a PKCS#8 RSA key whose algorithm is id-RSASSA-PSS
// (test-key-rsa-pss, RFC 9421 B.1.2), which crypto/x509 does not accept:
// the inner key is an ordinary PKCS#1 RSAPrivateKey.
func pkcs8RSAPSS(der []byte) (any, error) {
	var p struct {
		Version    int
		Algo       pkix.AlgorithmIdentifier
		PrivateKey []byte
	}
	if _, err := asn1.Unmarshal(der, &p); err != nil {
		return nil, err
	}
	return x509.ParsePKCS1PrivateKey(p.PrivateKey)
}

func jwkKey(t testing.TB, data []byte) testKey {
	t.Helper()
	var j struct{ Kty, Crv, X, Y, D string }
	if err := json.Unmarshal(data, &j); err != nil {
		t.Fatal(err)
	}
	b64 := func(s string) []byte {
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	switch {
	case j.Kty == "OKP" && j.Crv == "Ed25519":
		priv := ed25519.NewKeyFromSeed(b64(j.D))
		return testKey{Public: ed25519.PublicKey(b64(j.X)), Private: priv}
	case j.Kty == "EC" && j.Crv == "P-256":
		priv, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), b64(j.D))
		if err != nil {
			t.Fatal(err)
		}
		point := append(append([]byte{4}, b64(j.X)...), b64(j.Y)...)
		if _, err := ecdh.P256().NewPublicKey(point); err != nil {
			t.Fatal(err)
		}
		pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), point)
		if err != nil {
			t.Fatal(err)
		}
		return testKey{Public: pub, Private: priv}
	}
	t.Fatalf("unsupported JWK %s/%s", j.Kty, j.Crv)
	return testKey{}
}

// rawMessage is a parsed testdata/*.http file.
type rawMessage struct {
	req  *http.Request
	resp *http.Response
	body []byte
}

// readMessage parses an HTTP/1.1 message file (LF line endings, fields
// unfolded) with net/http, as a server or client would receive it.
func readMessage(t testing.TB, name string) rawMessage {
	t.Helper()
	raw := readFile(t, name)
	br := bufio.NewReader(bytes.NewReader(raw))
	var m rawMessage
	var err error
	if bytes.HasPrefix(raw, []byte("HTTP/")) {
		if m.resp, err = http.ReadResponse(br, nil); err == nil {
			m.body, err = io.ReadAll(m.resp.Body)
		}
	} else {
		if m.req, err = http.ReadRequest(br); err == nil {
			m.body, err = io.ReadAll(m.req.Body)
		}
	}
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

// message returns the signature context of testdata file name; for a
// response, request names the related request's file.
func message(t testing.TB, name, request, scheme string) rfc9421.Message {
	t.Helper()
	m := readMessage(t, name)
	if m.req != nil {
		return rfc9421.FromRequest(m.req, scheme)
	}
	var req rfc9421.Message
	if request != "" {
		req = message(t, request, "", scheme)
	}
	return rfc9421.FromResponse(m.resp.StatusCode, m.resp.Header, req)
}

// findSignature returns the parsed signature with the given label.
func findSignature(t testing.TB, h http.Header, label string) rfc9421.Signature {
	t.Helper()
	sigs, err := rfc9421.ParseSignatures(h)
	if err != nil {
		t.Fatalf("ParseSignatures: %v", err)
	}
	for _, s := range sigs {
		if s.Label == label {
			return s
		}
	}
	t.Fatalf("no signature labelled %q", label)
	return rfc9421.Signature{}
}
